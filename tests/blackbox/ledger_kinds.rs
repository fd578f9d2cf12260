//! The ledger's repair labour (BIL-12b), year-end bonuses (BIL-12c) and handed-over jobs
//! (BIL-11 `transferred`), over HTTP on a test clock, on SQLite or PostgreSQL.

use crate::commissions::lines as ledger;
use crate::contracts::ok;
use crate::ledger::{close, executive, finance, maintenance_agreement, post_ok, rebate, summary};
use crate::tickets::{World, id, world};
use crate::{actions, audit_of};
use kefu_blackbox::Resp;
use serde_json::{Value, json};

fn created(res: Resp) -> Value {
    assert_eq!(res.status, 201, "{}", res.body);
    res.json()
}

/// A repair of customer 甲 by eng1 quoted 800 yuan against a 500-yuan floor, accepted and paid
/// in full on 2026-05-12, with a 50-yuan rebate.
fn paid_repair(w: &mut World) -> Value {
    w.set_clock("2026-05-12T10:00:00+08:00");
    let fin = w.app.token("fin", "Finance-pass-1");
    let item = created(
        w.app
            .post("/api/v1/fee-items")
            .bearer(&fin)
            .json(
                &json!({"code": "LAB-R", "name": "主板维修", "kind": "labour", "unit": "次",
                          "list_price_fen": 80_000, "floor_price_fen": 50_000}),
            )
            .send(),
    );
    let quote = created(
        w.app
            .post("/api/v1/repair-quotes")
            .bearer(&w.admin)
            .json(&json!({"customer_id": w.customer["id"], "site_id": w.site["id"], "engineer_id": w.eng1_id,
                          "lines": [{"fee_item_id": id(&item), "quantity": 1}]}))
            .send(),
    );
    assert_eq!(
        (quote["fee_fen"].clone(), quote["floor_fen"].clone()),
        (json!(80_000), json!(50_000))
    );
    let path = |verb: &str| format!("/api/v1/repair-quotes/{}/{verb}", id(&quote));
    let issued = post_ok(w, &w.admin, &path("issue"), &quote["version"], json!({}));
    post_ok(
        w,
        &w.manager,
        &path("accept"),
        &issued["version"],
        json!({}),
    );
    created(
        w.app
            .post("/api/v1/payments")
            .bearer(&fin)
            .json(&json!({"customer_id": w.customer["id"], "kind": "payment",
                          "quote_id": id(&quote), "amount_fen": 80_000, "method": "bank_transfer",
                          "account": "工行", "document": "invoice"}))
            .send(),
    );
    created(rebate(
        w,
        &fin,
        json!({"source_kind": "repair_quote", "source_id": id(&quote), "amount_fen": 5_000,
               "reason": "客户返款"}),
    ));
    quote
}

#[test]
fn bil_12b_repair_labour_is_pending_until_the_manager_then_the_executive_approve() {
    let mut w = world();
    finance(&w);
    executive(&w);
    let quote = paid_repair(&mut w);
    w.set_clock("2026-06-01T09:00:00+08:00");
    let fin = w.app.token("fin", "Finance-pass-1");
    let exec = w.app.token("exec", "Executive-pass-1");
    close(&w, &fin, "2026-05");
    let lines = ledger(&w, &fin, "&kind=repair_labour");
    assert_eq!(lines.len(), 1, "{lines:?}");
    let line = &lines[0];
    // 300.00 above the floor, 13% tax difference 39.00, the 50.00 rebate: 211.00, pending.
    assert_eq!(
        summary(line),
        (
            w.eng1_id.clone(),
            21_100,
            "pending".into(),
            Value::Null,
            "BIL-12b".into()
        )
    );
    assert_eq!(
        (line["source_kind"].clone(), line["source_id"].clone()),
        (json!("repair_quote"), json!(id(&quote)))
    );
    assert_eq!(line["inputs"]["share"]["tax_difference_fen"], 3_900);
    assert_eq!(line["inputs"]["share"]["rebate_fen"], 5_000);
    let line_id = id(line).to_owned();
    let approve = |w: &World, token: &str, verb: &str, version: &Value| {
        w.app
            .post(&format!("/api/v1/commission-lines/{line_id}/{verb}"))
            .bearer(token)
            .if_match(&format!("\"{version}\""))
            .send()
    };
    // Wrong order, wrong role, stale version.
    let p = approve(&w, &exec, "executive-approve", &line["version"]).problem(409, "conflict");
    assert_eq!(p["rule"], "BIL-12b");
    let p = approve(&w, &w.eng1, "manager-approve", &line["version"]).problem(403, "forbidden");
    assert_eq!(p["rule"], "BIL-12b");
    let p = approve(&w, &exec, "manager-approve", &line["version"]).problem(403, "forbidden");
    assert_eq!(p["rule"], "BIL-12b");
    assert_eq!(
        approve(&w, &w.manager, "manager-approve", &json!(9)).status,
        412
    );

    let res = approve(&w, &w.manager, "manager-approve", &line["version"]);
    assert_eq!(res.status, 200, "{}", res.body);
    let after = res.json();
    assert_eq!(
        (after["status"].clone(), after["due_month"].clone()),
        (json!("pending"), Value::Null)
    );
    assert_eq!(after["inputs"]["manager_approved_on"], "2026-06-01");
    let p = approve(&w, &w.manager, "manager-approve", &after["version"]).problem(409, "conflict");
    assert_eq!(p["rule"], "BIL-12b");

    // The executive on 3 July: due with July's salary.
    w.set_clock("2026-07-03T09:00:00+08:00");
    let exec = w.app.token("exec", "Executive-pass-1");
    let fin = w.app.token("fin", "Finance-pass-1");
    let res = approve(&w, &exec, "executive-approve", &after["version"]);
    assert_eq!(res.status, 200, "{}", res.body);
    let due = res.json();
    assert_eq!(
        summary(&due),
        (
            w.eng1_id.clone(),
            21_100,
            "due".into(),
            json!("2026-07"),
            "BIL-12b".into()
        )
    );
    let p = approve(&w, &exec, "executive-approve", &due["version"]).problem(409, "conflict");
    assert_eq!(p["rule"], "BIL-12b");
    // The month close computes the same line: nothing changes.
    let month = close(&w, &fin, "2026-05");
    assert_eq!(month["changes"], json!([]), "{month}");
    let again = ledger(&w, &fin, "&kind=repair_labour");
    assert_eq!(again[0]["version"], due["version"]);
    let log = actions(&audit_of(&w.app, &w.admin, "commission_line", id(line)));
    assert_eq!(
        log,
        [
            "commission_line.pending",
            "commission_line.manager_approve",
            "commission_line.executive_approve",
            "commission_line.due"
        ]
    );
}

/// A job of `points` for `engineer`, approved by the executive and commissioned today.
fn commissioned_job(w: &World, exec: &str, engineer: (&str, &str), points: i64) -> Value {
    let job = created(
        w.app
            .post("/api/v1/commissioning-jobs")
            .bearer(&w.admin)
            .json(
                &json!({"title": "调试", "notice_no": format!("TS-{points}"),
                          "site_id": w.site["id"], "engineer_id": engineer.0,
                          "controller_points": points}),
            )
            .send(),
    );
    let path = |verb: &str| format!("/api/v1/commissioning-jobs/{}/{verb}", id(&job));
    let job = post_ok(w, exec, &path("approve"), &job["version"], json!({}));
    post_ok(
        w,
        engineer.1,
        &path("commission"),
        &job["version"],
        json!({"started_on": "2026-12-01", "ended_on": "2026-12-02"}),
    )
}

fn year_close(w: &World, token: &str, year: &str) -> Resp {
    w.app
        .post(&format!("/api/v1/commission-years/{year}/close"))
        .bearer(token)
        .send()
}

#[test]
fn bil_12c_year_end_32000_points_500_50000_points_1000_new_maintenance_60000_gives_1200() {
    let mut w = world();
    let c = maintenance_agreement(&mut w, 6_000_000);
    w.set_clock("2026-05-10T10:00:00+08:00");
    ok(
        &w,
        &w.admin,
        &c,
        "record-payment",
        json!({"amount_fen": 6_000_000}),
    );
    w.set_clock("2026-12-02T18:00:00+08:00");
    let fin = finance(&w);
    let exec = executive(&w);
    commissioned_job(&w, &exec, (&w.eng1_id, &w.eng1), 32_000);
    commissioned_job(&w, &exec, (&w.eng2_id, &w.eng2), 50_000);

    // A year not begun is refused naming the rule; a malformed one is 400; not an engineer's.
    let p = year_close(&w, &fin, "2027").problem(422, "rule-violation");
    assert_eq!(p["rule"], "BIL-12c");
    year_close(&w, &fin, "20x6").problem(400, "bad-request");
    let p = year_close(&w, &w.eng1, "2026").problem(403, "forbidden");
    assert_eq!(p["rule"], "BIL-12c");

    let res = year_close(&w, &fin, "2026");
    assert_eq!(res.status, 200, "{}", res.body);
    let bonuses = |w: &World| -> Vec<(String, String, i64, String, String)> {
        let mut out: Vec<_> = ledger(w, &fin, "&kind=year_end_bonus")
            .iter()
            .map(|l| {
                (
                    l["person_id"].as_str().unwrap().to_owned(),
                    l["source_id"].as_str().unwrap().to_owned(),
                    l["amount_fen"].as_i64().unwrap(),
                    l["rule"].as_str().unwrap().to_owned(),
                    l["due_month"].as_str().unwrap_or_default().to_owned(),
                )
            })
            .collect();
        out.sort();
        out
    };
    let mut want = vec![
        (
            w.eng1_id.clone(),
            "2026:maintenance".to_owned(),
            120_000,
            "BIL-12c".to_owned(),
            "2026-12".to_owned(),
        ),
        (
            w.eng1_id.clone(),
            "2026:points".to_owned(),
            50_000,
            "BIL-12c".to_owned(),
            "2026-12".to_owned(),
        ),
        (
            w.eng2_id.clone(),
            "2026:points".to_owned(),
            100_000,
            "BIL-12c".to_owned(),
            "2026-12".to_owned(),
        ),
    ];
    want.sort();
    assert_eq!(bonuses(&w), want);
    let line = ledger(&w, &fin, "&kind=year_end_bonus&source_id=2026:maintenance");
    assert_eq!(line[0]["inputs"]["rate_bp"], 200);
    assert_eq!(
        line[0]["inputs"]["facts"]["new_maintenance_revenue_fen"],
        6_000_000
    );
    // Again, and the December close: the same lines once.
    let again = year_close(&w, &fin, "2026").json();
    assert_eq!(again["changes"], json!([]), "{again}");
    close(&w, &fin, "2026-12");
    assert_eq!(bonuses(&w), want);
    let log = actions(&audit_of(&w.app, &w.admin, "commission_year", "2026"));
    assert_eq!(log, ["commission_year.close", "commission_year.close"]);
}

#[test]
fn bil_11_a_handed_over_jobs_unpaid_20_percent_is_transferred_to_the_engineer_taking_over() {
    let mut w = world();
    w.set_clock("2026-03-02T09:00:00+08:00");
    finance(&w);
    let exec = executive(&w);
    w.app
        .create_user(&w.admin, "clerk", &["clerk"], "Clerk-pass-1");
    let job = created(
        w.app
            .post("/api/v1/commissioning-jobs")
            .bearer(&w.admin)
            .json(
                &json!({"title": "调试", "notice_no": "TS-H-1", "site_id": w.site["id"],
                          "engineer_id": w.eng1_id, "controller_points": 400}),
            )
            .send(),
    );
    let path = |verb: &str| format!("/api/v1/commissioning-jobs/{}/{verb}", id(&job));
    let job = post_ok(&w, &exec, &path("approve"), &job["version"], json!({}));
    w.set_clock("2026-03-12T10:00:00+08:00");
    let clerk = w.app.token("clerk", "Clerk-pass-1");
    let body = json!({"started_on": "2026-03-09", "ended_on": "2026-03-10"});
    let job = post_ok(&w, &w.eng1, &path("commission"), &job["version"], body);
    let docs =
        json!({"documents": ["project_file", "satisfaction_questionnaire", "settlement_notice"]});
    let job = post_ok(&w, &clerk, &path("hand-in"), &job["version"], docs);
    let job = post_ok(
        &w,
        &clerk,
        &path("confirm-callback"),
        &job["version"],
        json!({}),
    );
    // BIL-7: a 10-yuan rebate on the job is the engineer's, taken before the 80/20 split.
    let fin = w.app.token("fin", "Finance-pass-1");
    let body = json!({"source_kind": "commissioning_job", "source_id": id(&job),
                      "amount_fen": 1_000, "reason": "调试费返还"});
    assert_eq!(rebate(&w, &fin, body).status, 201);

    w.set_clock("2026-04-01T09:00:00+08:00");
    let fin = w.app.token("fin", "Finance-pass-1");
    close(&w, &fin, "2026-03");
    let job_id = id(&job).to_owned();
    let of_job = |w: &World, token: &str| ledger(w, token, &format!("&source_id={job_id}"));
    let lines = of_job(&w, &fin);
    let held = lines
        .iter()
        .find(|l| l["kind"] == "commissioning_held")
        .unwrap_or_else(|| panic!("{lines:?}"))
        .clone();
    let first = lines
        .iter()
        .find(|l| l["kind"] == "commissioning_first")
        .unwrap()
        .clone();
    assert_eq!(
        (held["person_id"].clone(), held["status"].clone()),
        (json!(w.eng1_id), json!("pending"))
    );
    // 400 × 0.20 × 50% = 40.00; the clerk's 2.00; 38.00 less the 10.00 rebate: 22.40 and 5.60.
    assert_eq!(
        (first["amount_fen"].clone(), held["amount_fen"].clone()),
        (json!(2_240), json!(560))
    );
    assert_eq!(
        (
            first["inputs"]["rebate_fen"].clone(),
            first["inputs"]["clerk_fen"].clone()
        ),
        (json!(1_000), json!(200))
    );
    let transfer = |w: &World, token: &str, line: &Value, version: &Value, to: &str| {
        w.app
            .post(&format!("/api/v1/commission-lines/{}/transfer", id(line)))
            .bearer(token)
            .if_match(&format!("\"{version}\""))
            .json(&json!({"to_person_id": to}))
            .send()
    };
    let v = &held["version"];
    let p = transfer(&w, &w.eng1, &held, v, &w.eng2_id).problem(403, "forbidden");
    assert_eq!(p["rule"], "BIL-11");
    let p =
        transfer(&w, &w.manager, &first, &first["version"], &w.eng2_id).problem(409, "conflict");
    assert_eq!(p["rule"], "BIL-11");
    let p = transfer(&w, &w.manager, &held, v, "nobody").problem(422, "validation");
    assert_eq!(p["errors"][0]["field"], "to_person_id");
    let p = transfer(&w, &w.manager, &held, v, &w.eng1_id).problem(422, "validation");
    assert_eq!(p["rule"], "BIL-11");
    assert_eq!(
        transfer(&w, &w.manager, &held, &json!(9), &w.eng2_id).status,
        412
    );

    let res = transfer(&w, &w.manager, &held, v, &w.eng2_id);
    assert_eq!(res.status, 200, "{}", res.body);
    let moved = res.json();
    assert_eq!(moved["status"], "transferred");
    let taker_id = moved["transferred_to"].as_str().unwrap().to_owned();
    let p =
        transfer(&w, &w.manager, &moved, &moved["version"], &w.eng2_id).problem(409, "conflict");
    assert_eq!(p["rule"], "BIL-11");
    let taker = w
        .app
        .get(&format!("/api/v1/commission-lines/{taker_id}"))
        .bearer(&w.eng2)
        .send();
    assert_eq!(taker.status, 200, "{}", taker.body);
    let taker = taker.json();
    assert_eq!(
        (
            taker["person_id"].clone(),
            taker["amount_fen"].clone(),
            taker["status"].clone(),
            taker["kind"].clone()
        ),
        (
            json!(w.eng2_id),
            held["amount_fen"].clone(),
            json!("pending"),
            json!("commissioning_held")
        )
    );
    // Closing again keeps both; the acceptance then makes the taker's 20% due at year end.
    let again = close(&w, &fin, "2026-03");
    assert_eq!(again["changes"], json!([]), "{again}");
    assert_eq!(of_job(&w, &fin).len(), 3);
    w.set_clock("2026-04-10T09:00:00+08:00");
    let fin = w.app.token("fin", "Finance-pass-1");
    post_ok(
        &w,
        &w.eng1,
        &path("record-acceptance"),
        &job["version"],
        json!({}),
    );
    close(&w, &fin, "2026-03");
    let lines = of_job(&w, &fin);
    let by = |person: &str| {
        lines
            .iter()
            .find(|l| l["kind"] == "commissioning_held" && l["person_id"] == person)
            .unwrap()
            .clone()
    };
    assert_eq!(
        (
            by(&w.eng2_id)["status"].clone(),
            by(&w.eng2_id)["due_month"].clone()
        ),
        (json!("due"), json!("2026-12"))
    );
    assert_eq!(by(&w.eng1_id)["status"], "transferred");
    let log = actions(&audit_of(&w.app, &w.admin, "commission_line", id(&held)));
    assert_eq!(
        log,
        ["commission_line.pending", "commission_line.transferred"]
    );
}
