//! Service contracts (CON-1, CON-2) over HTTP on a test clock, on SQLite or PostgreSQL.

use crate::tickets::{World, id, world};
use crate::{actions, audit_of};
use kefu_blackbox::Resp;
use serde_json::{Value, json};
use std::time::{Duration, Instant};

pub fn create(w: &World, token: &str, body: Value) -> Value {
    let res = w
        .app
        .post("/api/v1/contracts")
        .bearer(token)
        .json(&body)
        .send();
    assert_eq!(res.status, 201, "{}", res.body);
    res.json()
}

/// A yearly contract of customer 甲 at its site, signed by `signer`.
pub fn yearly(w: &World, signer: &str, mode: &str) -> Value {
    create(
        w,
        &w.admin,
        json!({"title": "2026 年度维保合同", "customer_id": w.customer["id"],
               "site_ids": [w.site["id"]], "signer_id": signer, "executor_ids": [signer],
               "period_start": "2026-03-01", "period_end": "2027-02-28",
               "amount_fen": 1_200_000, "renewal_mode": mode, "notice_days": 10}),
    )
}

fn cmd(w: &World, token: &str, c: &Value, verb: &str, body: Value) -> Resp {
    w.app
        .post(&format!("/api/v1/contracts/{}/{verb}", id(c)))
        .bearer(token)
        .if_match(&format!("\"{}\"", c["version"]))
        .json(&body)
        .send()
}

pub fn ok(w: &World, token: &str, c: &Value, verb: &str, body: Value) -> Value {
    let res = cmd(w, token, c, verb, body);
    assert_eq!(res.status, 200, "{verb}: {}", res.body);
    res.json()
}

pub fn get(w: &World, token: &str, contract_id: &str) -> Resp {
    w.app
        .get(&format!("/api/v1/contracts/{contract_id}"))
        .bearer(token)
        .send()
}

pub fn listed(w: &World, token: &str, query: &str) -> Vec<String> {
    let res = w
        .app
        .get(&format!("/api/v1/contracts{query}"))
        .bearer(token)
        .send();
    assert_eq!(res.status, 200, "{}", res.body);
    res.json()["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| id(c).to_owned())
        .collect()
}

#[test]
fn con_1_a_contract_is_drafted_signed_paid_renewed_and_terminated() {
    let mut w = world();
    w.set_clock("2026-03-02T10:00:00+08:00");
    let c = yearly(&w, &w.eng1_id.clone(), "express");
    assert_eq!(c["status"], "draft");
    assert_eq!(c["payment_status"], "pending");
    assert_eq!(c["site_ids"], json!([w.site["id"]]));
    assert_eq!(c["executor_ids"], json!([w.eng1_id]));
    assert_eq!(c["cancel_renewal_by"], Value::Null);

    // Bad references name their field; a backwards period names period_end.
    let p = w.app.post("/api/v1/contracts").bearer(&w.admin)
        .json(&json!({"title": "x", "customer_id": w.customer["id"], "site_ids": [w.other_site["id"]],
                      "signer_id": w.eng1_id, "period_start": "2026-03-01", "period_end": "2027-02-28",
                      "amount_fen": 1, "renewal_mode": "express"}))
        .send().problem(422, "validation");
    assert_eq!(p["errors"][0]["field"], "site_ids");
    let p = w
        .app
        .post("/api/v1/contracts")
        .bearer(&w.admin)
        .json(
            &json!({"title": "x", "customer_id": w.customer["id"], "signer_id": w.customer["id"],
                      "period_start": "2026-03-01", "period_end": "2026-02-28",
                      "amount_fen": 1, "renewal_mode": "express"}),
        )
        .send()
        .problem(422, "validation");
    assert_eq!(p["errors"][0]["field"], "period_end");

    // A draft changes with If-Match; a stale version is 412.
    let patch = |c: &Value, etag: &str, body: Value| {
        w.app
            .patch(&format!("/api/v1/contracts/{}", id(c)))
            .bearer(&w.eng1)
            .if_match(etag)
            .json(&body)
            .send()
    };
    let res = patch(&c, "\"1\"", json!({"amount_fen": 1_300_000}));
    assert_eq!(res.status, 200, "{}", res.body);
    let c = res.json();
    assert_eq!(
        (c["amount_fen"].clone(), c["version"].clone()),
        (json!(1_300_000), json!(2))
    );
    assert_eq!(patch(&c, "\"1\"", json!({"title": "y"})).status, 412);

    // CON-1 + CON-2: signed on 2026-03-02 in a period begun on 03-01: active, due 03-05.
    let c = ok(&w, &w.eng1, &c, "sign", json!({}));
    assert_eq!(c["status"], "active");
    assert_eq!(c["signed_on"], "2026-03-02");
    assert_eq!(c["payment_due_on"], "2026-03-05");
    assert_eq!(c["payment_status"], "pending");
    cmd(&w, &w.eng1, &c, "sign", json!({})).rule_conflict("CON-1");
    patch(&c, &format!("\"{}\"", c["version"]), json!({"title": "y"})).rule_conflict("CON-1");

    // CON-2: finance books payments; an engineer may not; never more than the amount.
    cmd(&w, &w.eng1, &c, "record-payment", json!({"amount_fen": 1})).forbidden_by("CON-2");
    let c = ok(
        &w,
        &w.manager,
        &c,
        "record-payment",
        json!({"amount_fen": 1_000_000, "paid_on": "2026-03-02"}),
    );
    assert_eq!(
        (c["paid_fen"].clone(), c["payment_status"].clone()),
        (json!(1_000_000), json!("pending"))
    );
    let p = cmd(
        &w,
        &w.manager,
        &c,
        "record-payment",
        json!({"amount_fen": 300_001}),
    )
    .problem(422, "rule-violation");
    assert_eq!(p["rule"], "CON-2");
    let c = ok(
        &w,
        &w.manager,
        &c,
        "record-payment",
        json!({"amount_fen": 300_000}),
    );
    assert_eq!(c["payment_status"], "paid");
    let res = w
        .app
        .get(&format!("/api/v1/contracts/{}/payments", id(&c)))
        .bearer(&w.eng1)
        .send();
    assert_eq!(res.status, 200, "{}", res.body);
    let paid: Vec<(Value, Value)> = res.json()["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p["amount_fen"].clone(), p["paid_on"].clone()))
        .collect();
    assert_eq!(
        paid,
        [
            (json!(1_000_000), json!("2026-03-02")),
            (json!(300_000), json!("2026-03-02"))
        ]
    );
    let res = w
        .app
        .get(&format!("/api/v1/contracts/{}/payments", id(&c)))
        .bearer(&w.eng2)
        .send();
    assert_eq!(res.status, 404, "{}", res.body);

    // CON-1 express renewal: a new draft linked to this one, once.
    let res = cmd(
        &w,
        &w.eng1,
        &c,
        "renew",
        json!({"period_end": "2028-02-29"}),
    );
    assert_eq!(res.status, 201, "{}", res.body);
    let next = res.json();
    assert_eq!(next["predecessor_id"], c["id"]);
    assert_eq!(next["status"], "draft");
    assert_eq!(
        (next["period_start"].clone(), next["period_end"].clone()),
        (json!("2027-03-01"), json!("2028-02-29"))
    );
    assert_eq!(
        (next["amount_fen"].clone(), next["site_ids"].clone()),
        (json!(1_300_000), c["site_ids"].clone())
    );
    assert_eq!(next["paid_fen"], 0);
    cmd(
        &w,
        &w.eng1,
        &c,
        "renew",
        json!({"period_end": "2028-02-29"}),
    )
    .rule_conflict("CON-1");
    let stored = get(&w, &w.admin, id(&c)).json();
    assert_eq!(
        stored["version"], c["version"],
        "renewing leaves the contract as it is"
    );

    // Only managers terminate, and only signed or active contracts.
    cmd(&w, &w.eng1, &c, "terminate", json!({"reason": "客户迁址"})).forbidden_by("CON-1");
    let c = ok(
        &w,
        &w.manager,
        &c,
        "terminate",
        json!({"reason": "客户迁址"}),
    );
    assert_eq!(
        (c["status"].clone(), c["termination_reason"].clone()),
        (json!("terminated"), json!("客户迁址"))
    );
    cmd(&w, &w.manager, &c, "terminate", json!({"reason": "再次"})).rule_conflict("CON-1");
    cmd(
        &w,
        &w.manager,
        &c,
        "record-payment",
        json!({"amount_fen": 1}),
    )
    .rule_conflict("CON-2");

    let audit = audit_of(&w.app, &w.admin, "contract", id(&c));
    assert_eq!(
        actions(&audit),
        [
            "contract.create",
            "contract.update",
            "contract.sign",
            "contract.record_payment",
            "contract.record_payment",
            "contract.terminate"
        ]
    );
    assert_eq!(audit[1]["before"]["amount_fen"], 1_200_000);
    assert_eq!(audit[2]["after"]["payment_due_on"], "2026-03-05");
    assert_eq!(
        audit[3]["after"]["payment"],
        json!({"amount_fen": 1_000_000, "paid_on": "2026-03-02"})
    );
    assert_eq!(
        audit[4]["after"]["payment"]["paid_on"], "2026-03-02",
        "paid_on defaults to today"
    );
    let renewal = audit_of(&w.app, &w.admin, "contract", id(&next));
    assert_eq!(actions(&renewal), ["contract.renew"]);
    assert_eq!(renewal[0]["after"]["predecessor_id"], c["id"]);
}

#[test]
fn con_2_a_contract_signed_on_2026_03_02_is_overdue_on_03_06_and_the_signer_told_once() {
    let mut w = world();
    w.set_clock("2026-03-02T10:00:00+08:00");
    let c = ok(
        &w,
        &w.eng1,
        &yearly(&w, &w.eng1_id.clone(), "express"),
        "sign",
        json!({}),
    );
    let paid = yearly(&w, &w.eng1_id.clone(), "express");
    let paid = ok(
        &w,
        &w.eng1,
        &paid,
        "sign",
        json!({"signed_on": "2026-03-02"}),
    );
    let paid = ok(
        &w,
        &w.manager,
        &paid,
        "record-payment",
        json!({"amount_fen": 1_200_000}),
    );
    assert_eq!(paid["payment_status"], "paid");
    w.set_clock("2026-03-05T23:00:00+08:00");
    assert_eq!(get(&w, &w.eng1, id(&c)).json()["payment_status"], "pending");
    assert!(listed(&w, &w.admin, "?overdue=true").is_empty());
    w.set_clock("2026-03-06T09:00:00+08:00");
    assert_eq!(get(&w, &w.eng1, id(&c)).json()["payment_status"], "overdue");
    assert_eq!(listed(&w, &w.admin, "?overdue=true"), [id(&c).to_owned()]);

    // The scheduled job marks it and tells the signer, once, even with two instances.
    let runners = [
        w.app
            .another_instance(&[("KEFU_JOBS_ENABLED", "1"), ("KEFU_JOBS_POLL_MS", "50")]),
        w.app
            .another_instance(&[("KEFU_JOBS_ENABLED", "1"), ("KEFU_JOBS_POLL_MS", "50")]),
    ];
    let told = |w: &World| -> Vec<Value> {
        let res = w.app.get("/api/v1/me/notifications").bearer(&w.eng1).send();
        res.json()["items"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|n| n["kind"] == "contract.payment_overdue")
            .cloned()
            .collect()
    };
    let deadline = Instant::now() + Duration::from_secs(60);
    while told(&w).is_empty() {
        assert!(Instant::now() < deadline, "no overdue notice");
        std::thread::sleep(Duration::from_millis(200));
    }
    std::thread::sleep(Duration::from_secs(2));
    let notices = told(&w);
    assert_eq!(notices.len(), 1, "{notices:?}");
    assert_eq!(notices[0]["entity_id"], c["id"]);
    let audit = audit_of(&w.app, &w.admin, "contract", id(&c));
    let marked: Vec<&Value> = audit
        .iter()
        .filter(|e| e["action"] == "contract.payment_overdue")
        .collect();
    assert_eq!(marked.len(), 1, "{audit:?}");
    assert_eq!(marked[0]["after"]["payment_due_on"], "2026-03-05");
    assert_eq!(
        actions(&audit_of(&w.app, &w.admin, "contract", id(&paid)))
            .last()
            .unwrap(),
        "contract.record_payment"
    );
    drop(runners);
}

#[test]
fn con_1_a_tacit_contract_renews_itself_unless_cancelled_before_its_notice_period() {
    let mut w = world();
    w.set_clock("2026-03-02T10:00:00+08:00");
    let monthly = |w: &World, mode: &str| {
        create(
            w,
            &w.admin,
            json!({"title": format!("{mode} 月度维保"), "customer_id": w.customer["id"],
            "signer_id": w.eng1_id, "period_start": "2026-03-01", "period_end": "2026-03-31",
            "amount_fen": 100_000, "renewal_mode": mode, "notice_days": 10}),
        )
    };
    let renews = ok(&w, &w.eng1, &monthly(&w, "tacit"), "sign", json!({}));
    assert_eq!(renews["cancel_renewal_by"], "2026-03-21");
    let stops = ok(&w, &w.eng1, &monthly(&w, "tacit"), "sign", json!({}));
    let late = ok(&w, &w.eng1, &monthly(&w, "tacit"), "sign", json!({}));
    let express = ok(&w, &w.eng1, &monthly(&w, "express"), "sign", json!({}));
    let p = cmd(&w, &w.eng1, &express, "cancel-renewal", json!({})).problem(422, "rule-violation");
    assert_eq!(p["rule"], "CON-1");
    w.set_clock("2026-03-21T18:00:00+08:00");
    let stops = ok(
        &w,
        &w.eng1,
        &stops,
        "cancel-renewal",
        json!({"reason": "客户不再续约"}),
    );
    assert_eq!(stops["renewal_cancelled"], true);
    cmd(&w, &w.eng1, &stops, "cancel-renewal", json!({})).rule_conflict("CON-1");
    w.set_clock("2026-03-22T09:00:00+08:00");
    let p = cmd(&w, &w.eng1, &late, "cancel-renewal", json!({})).problem(422, "rule-violation");
    assert_eq!(p["rule"], "CON-1");

    // On 1 April the lifecycle job expires all four and renews the two tacit ones not cancelled.
    w.set_clock("2026-04-01T09:00:00+08:00");
    let runner = w
        .app
        .another_instance(&[("KEFU_JOBS_ENABLED", "1"), ("KEFU_JOBS_POLL_MS", "50")]);
    let deadline = Instant::now() + Duration::from_secs(60);
    while listed(&w, &w.admin, "?status=expired").len() < 4 {
        assert!(Instant::now() < deadline, "not expired");
        std::thread::sleep(Duration::from_millis(200));
    }
    let all = w
        .app
        .get("/api/v1/contracts?limit=200")
        .bearer(&w.admin)
        .send()
        .json();
    let successors: Vec<&Value> = all["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| !c["predecessor_id"].is_null())
        .collect();
    let mut linked: Vec<&str> = successors
        .iter()
        .map(|c| c["predecessor_id"].as_str().unwrap())
        .collect();
    linked.sort_unstable();
    let mut expected = vec![id(&renews), id(&late)];
    expected.sort_unstable();
    assert_eq!(linked, expected);
    let next = successors
        .iter()
        .find(|c| c["predecessor_id"] == renews["id"])
        .unwrap();
    assert_eq!(next["status"], "active");
    assert_eq!(
        (next["period_start"].clone(), next["period_end"].clone()),
        (json!("2026-04-01"), json!("2026-04-30"))
    );
    assert_eq!(
        (next["signed_on"].clone(), next["payment_due_on"].clone()),
        (json!("2026-04-01"), json!("2026-04-04"))
    );
    assert_eq!(next["renewal_mode"], "tacit");
    let audit = audit_of(&w.app, &w.admin, "contract", id(&renews));
    let expired: Vec<&Value> = audit
        .iter()
        .filter(|e| e["action"] == "contract.expire")
        .collect();
    assert_eq!(expired.len(), 1, "{audit:?}");
    assert_eq!(expired[0]["after"]["successor_id"], next["id"]);
    assert_eq!(expired[0]["before"]["status"], "active");
    assert_eq!(
        actions(&audit_of(&w.app, &w.admin, "contract", id(next))),
        ["contract.renew"]
    );
    let cancelled = audit_of(&w.app, &w.admin, "contract", id(&stops));
    assert_eq!(
        cancelled
            .iter()
            .find(|e| e["action"] == "contract.cancel_renewal")
            .unwrap()["after"]["cancel_reason"],
        "客户不再续约"
    );
    let inbox = w
        .app
        .get("/api/v1/me/notifications")
        .bearer(&w.eng1)
        .send()
        .json();
    let renewed = inbox["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|n| n["kind"] == "contract.renewed_tacitly")
        .count();
    assert_eq!(renewed, 2);
    drop(runner);
}

pub fn contact_token(w: &World) -> String {
    let res = w
        .app
        .post("/api/v1/contacts")
        .bearer(&w.admin)
        .json(&json!({"customer_id": w.customer["id"], "name": "甲联系人", "phone": "13900000000"}))
        .send();
    assert_eq!(res.status, 201, "{}", res.body);
    let contact = res.json();
    let login = w
        .app
        .post(&format!("/api/v1/contacts/{}/login", id(&contact)))
        .bearer(&w.admin)
        .if_match("\"1\"")
        .json(&json!({"username": "jia.contact"}))
        .send();
    assert_eq!(login.status, 201, "{}", login.body);
    let temporary = login.json()["generated_password"]
        .as_str()
        .unwrap()
        .to_owned();
    let first = w.app.token("jia.contact", &temporary);
    let changed = w
        .app
        .post("/api/v1/me/password")
        .bearer(&first)
        .json(&json!({"current_password": temporary, "new_password": "Contact-pass-1"}))
        .send();
    assert_eq!(changed.status, 204, "{}", changed.body);
    w.app.token("jia.contact", "Contact-pass-1")
}

#[test]
fn org_5_engineers_see_the_contracts_they_sign_or_carry_out_and_contacts_their_customers() {
    let w = world();
    let own = yearly(&w, &w.eng1_id, "express");
    let theirs = create(
        &w,
        &w.admin,
        json!({"title": "乙公司合同", "customer_id": w.other_customer["id"],
        "signer_id": w.eng2_id, "period_start": "2026-03-01", "period_end": "2027-02-28",
        "amount_fen": 500_000, "renewal_mode": "express"}),
    );
    let helped = create(
        &w,
        &w.admin,
        json!({"title": "乙公司协作合同", "customer_id": w.other_customer["id"],
        "signer_id": w.eng2_id, "executor_ids": [w.eng1_id], "period_start": "2026-03-01",
        "period_end": "2027-02-28", "amount_fen": 500_000, "renewal_mode": "express"}),
    );
    let mut expected = vec![id(&own).to_owned(), id(&helped).to_owned()];
    expected.sort();
    assert_eq!(listed(&w, &w.eng1, ""), expected);
    assert_eq!(
        get(&w, &w.eng1, id(&theirs)).problem(404, "not-found")["status"],
        404
    );
    let mut expected = vec![id(&theirs).to_owned(), id(&helped).to_owned()];
    expected.sort();
    assert_eq!(listed(&w, &w.eng2, ""), expected);
    // Another's contract is 404 for reads and commands alike (the role may sign).
    get(&w, &w.eng2, id(&own)).problem(404, "not-found");
    cmd(&w, &w.eng2, &own, "sign", json!({})).problem(404, "not-found");
    assert_eq!(
        get(&w, &w.admin, id(&own)).json()["status"],
        "draft",
        "nothing was signed"
    );

    let cc = contact_token(&w);
    assert_eq!(listed(&w, &cc, ""), [id(&own).to_owned()]);
    assert_eq!(get(&w, &cc, id(&own)).json()["title"], own["title"]);
    get(&w, &cc, id(&theirs)).problem(404, "not-found");
    let body = json!({"title": "x", "customer_id": w.customer["id"], "signer_id": w.eng1_id,
                      "period_start": "2026-03-01", "period_end": "2027-02-28", "amount_fen": 1,
                      "renewal_mode": "express"});
    w.app
        .post("/api/v1/contracts")
        .bearer(&cc)
        .json(&body)
        .send()
        .problem(403, "forbidden");
    // An engineer may not draw up a contract for a customer they do not see.
    let p = w
        .app
        .post("/api/v1/contracts")
        .bearer(&w.eng1)
        .json(
            &json!({"title": "x", "customer_id": w.other_customer["id"], "signer_id": w.eng1_id,
                      "period_start": "2026-03-01", "period_end": "2027-02-28", "amount_fen": 1,
                      "renewal_mode": "express"}),
        )
        .send()
        .problem(422, "validation");
    assert_eq!(p["errors"][0]["field"], "customer_id");
}
