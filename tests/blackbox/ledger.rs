//! Rebates (BIL-7) and the maintenance commission (BIL-12a) in the ledger, over HTTP on a test
//! clock, on SQLite or PostgreSQL; the helpers the other ledger kinds' tests
//! (`ledger_kinds.rs`) share.

use crate::commissions::lines as ledger;
use crate::contracts::{create, ok, yearly};
use crate::maintenance::passing_acceptance;
use crate::tickets::{World, id, world};
use crate::{actions, audit_of};
use kefu_blackbox::Resp;
use serde_json::{Value, json};

pub fn finance(w: &World) -> String {
    w.app
        .create_user(&w.admin, "fin", &["finance"], "Finance-pass-1");
    w.app.token("fin", "Finance-pass-1")
}

pub fn rebate(w: &World, token: &str, body: Value) -> Resp {
    w.app
        .post("/api/v1/rebates")
        .bearer(token)
        .json(&body)
        .send()
}

#[test]
fn bil_7_rebates_are_recorded_by_the_office_borne_by_the_signer_and_cancelled_once() {
    let mut w = world();
    w.set_clock("2026-05-20T10:00:00+08:00");
    let fin = finance(&w);
    let c = yearly(&w, &w.eng1_id.clone(), "express");
    let body = json!({"source_kind": "contract", "source_id": id(&c), "amount_fen": 200_000,
                      "returned_on": "2026-05-18", "reason": "  维保费用返还  "});
    // An engineer does not book money (403 naming the rule).
    let p = rebate(&w, &w.eng1, body.clone()).problem(403, "forbidden");
    assert_eq!(p["rule"], "BIL-7");
    // Unknown record, or a day in the future: 422.
    let mut bad = body.clone();
    bad["source_id"] = json!("no-such-contract");
    let p = rebate(&w, &fin, bad).problem(422, "validation");
    assert_eq!(p["errors"][0]["field"], "source_id");
    let mut bad = body.clone();
    bad["returned_on"] = json!("2026-05-21");
    let p = rebate(&w, &fin, bad).problem(422, "validation");
    assert_eq!(p["errors"][0]["field"], "returned_on");

    let res = rebate(&w, &fin, body);
    assert_eq!(res.status, 201, "{}", res.body);
    assert_eq!(res.header("etag").as_deref(), Some("\"1\""));
    let r = res.json();
    assert_eq!(
        (
            r["engineer_id"].clone(),
            r["amount_fen"].clone(),
            r["reason"].clone(),
            r["status"].clone(),
            r["customer_id"].clone()
        ),
        (
            json!(w.eng1_id),
            json!(200_000),
            json!("维保费用返还"),
            json!("recorded"),
            w.customer["id"].clone()
        )
    );
    let path = format!("/api/v1/rebates/{}", id(&r));
    // ORG-5: an engineer who does not see the customer reads it as missing.
    assert_eq!(w.app.get(&path).bearer(&w.eng2).send().status, 404);
    let got = w.app.get(&path).bearer(&w.manager).send();
    assert_eq!(got.status, 200, "{}", got.body);
    let listed = w
        .app
        .get(&format!("/api/v1/rebates?source_id={}", id(&c)))
        .bearer(&fin)
        .send()
        .json();
    assert_eq!(listed["items"].as_array().unwrap().len(), 1);
    let theirs = w.app.get("/api/v1/rebates").bearer(&w.eng2).send().json();
    assert_eq!(theirs["items"], json!([]));
    let csv = w
        .app
        .get("/api/v1/rebates/export?format=csv")
        .bearer(&fin)
        .send();
    assert_eq!(csv.status, 200, "{}", csv.body);
    assert!(csv.body.contains("维保费用返还"), "{}", csv.body);

    // Cancelled once: stale version 412, then 200, then 409 naming BIL-7.
    let cancel = |version: &str| {
        w.app
            .post(&format!("{path}/cancel"))
            .bearer(&fin)
            .if_match(version)
            .json(&json!({"reason": "重复登记"}))
            .send()
    };
    assert_eq!(cancel("\"7\"").status, 412);
    let res = cancel("\"1\"");
    assert_eq!(res.status, 200, "{}", res.body);
    assert_eq!(res.json()["status"], "cancelled");
    let p = cancel("\"2\"").problem(409, "conflict");
    assert_eq!(p["rule"], "BIL-7");
    let log = actions(&audit_of(&w.app, &w.admin, "rebate", id(&r)));
    assert_eq!(log, ["rebate.record", "rebate.cancel"]);
}

pub fn executive(w: &World) -> String {
    w.app
        .create_user(&w.admin, "exec", &["executive"], "Executive-pass-1");
    w.app.token("exec", "Executive-pass-1")
}

pub fn post_ok(w: &World, token: &str, path: &str, version: &Value, body: Value) -> Value {
    let res = w
        .app
        .post(path)
        .bearer(token)
        .if_match(&format!("\"{version}\""))
        .json(&body)
        .send();
    assert_eq!(res.status, 200, "{path}: {}", res.body);
    res.json()
}

pub fn close(w: &World, token: &str, month: &str) -> Value {
    let res = w
        .app
        .post(&format!("/api/v1/commission-months/{month}/close"))
        .bearer(token)
        .send();
    assert_eq!(res.status, 200, "{}", res.body);
    res.json()
}

pub fn summary(l: &Value) -> (String, i64, String, Value, String) {
    (
        l["person_id"].as_str().unwrap().to_owned(),
        l["amount_fen"].as_i64().unwrap(),
        l["status"].as_str().unwrap().to_owned(),
        l["due_month"].clone(),
        l["rule"].as_str().unwrap().to_owned(),
    )
}

/// A maintenance agreement of customer 甲 of `amount_fen` for May–July 2026, signed by eng1
/// (also its executor) on 2026-04-28 after a passing acceptance.
pub fn maintenance_agreement(w: &mut World, amount_fen: i64) -> Value {
    w.set_clock("2026-04-28T10:00:00+08:00");
    let c = create(
        w,
        &w.admin,
        json!({"title": "2026 消防维保协议", "customer_id": w.customer["id"],
               "site_ids": [w.site["id"]], "signer_id": w.eng1_id, "executor_ids": [w.eng1_id],
               "period_start": "2026-05-01", "period_end": "2026-07-31",
               "amount_fen": amount_fen, "renewal_mode": "express", "kind": "maintenance"}),
    );
    let res = w
        .app
        .req(
            "PUT",
            &format!("/api/v1/contracts/{}/maintenance-acceptance", id(&c)),
        )
        .bearer(&w.admin)
        .if_match(&format!("\"{}\"", c["version"]))
        .json(&passing_acceptance("2026-04-25"))
        .send();
    assert_eq!(res.status, 200, "{}", res.body);
    let c = json!({"id": id(&c), "version": res.json()["contract_version"]});
    ok(w, &w.eng1, &c, "sign", json!({}))
}

#[test]
fn bil_12a_bil_7_40000_with_a_2000_rebate_signer_5700_in_may_executor_3800_after_the_cycle() {
    let mut w = world();
    let c = maintenance_agreement(&mut w, 4_000_000);
    let cid = id(&c).to_owned();
    let c = ok(
        &w,
        &w.admin,
        &c,
        "record-payment",
        json!({"amount_fen": 2_000_000}),
    );
    w.set_clock("2026-05-20T10:00:00+08:00");
    let fin = finance(&w);
    executive(&w);
    let paid = ok(
        &w,
        &w.admin,
        &c,
        "record-payment",
        json!({"amount_fen": 2_000_000}),
    );
    assert_eq!(paid["paid_fen"], 4_000_000);
    let res = rebate(
        &w,
        &fin,
        json!({"source_kind": "contract", "source_id": cid, "amount_fen": 200_000,
               "reason": "维保费返还"}),
    );
    assert_eq!(res.status, 201, "{}", res.body);

    // April had a payment but not the full one: nothing. May: the signer's 15% of 38,000.
    w.set_clock("2026-06-01T09:00:00+08:00");
    let fin = w.app.token("fin", "Finance-pass-1");
    close(&w, &fin, "2026-04");
    assert!(ledger(&w, &fin, "&kind=maintenance_signer").is_empty());
    close(&w, &fin, "2026-05");
    let lines = ledger(&w, &fin, &format!("&source_id={cid}"));
    assert_eq!(lines.len(), 1, "{lines:?}");
    assert_eq!(
        summary(&lines[0]),
        (
            w.eng1_id.clone(),
            570_000,
            "due".into(),
            json!("2026-05"),
            "BIL-12a".into()
        )
    );
    assert_eq!(lines[0]["kind"], "maintenance_signer");
    assert_eq!(lines[0]["source_kind"], "contract");
    assert_eq!(lines[0]["inputs"]["net_fen"], 3_800_000);
    assert_eq!(lines[0]["inputs"]["rebates_fen"], 200_000);
    assert_eq!(lines[0]["inputs"]["part_bp"], 1_500);
    assert!(
        lines[0]["rule_versions"]["commission-shares"].is_string(),
        "{}",
        lines[0]
    );
    // The signer reads their own line; another engineer does not.
    assert_eq!(ledger(&w, &w.eng1, "&kind=maintenance_signer").len(), 1);
    assert!(ledger(&w, &w.eng2, "&kind=maintenance_signer").is_empty());
    let path = format!("/api/v1/commission-lines/{}", id(&lines[0]));
    assert_eq!(w.app.get(&path).bearer(&w.eng2).send().status, 404);

    // 31 July: every planned step done and confirmed, the last monthly test among them.
    w.set_clock("2026-07-31T10:00:00+08:00");
    let fin = w.app.token("fin", "Finance-pass-1");
    let exec = w.app.token("exec", "Executive-pass-1");
    close(&w, &fin, "2026-07");
    assert!(ledger(&w, &fin, "&kind=maintenance_executor").is_empty());
    let steps = w
        .app
        .get(&format!("/api/v1/contracts/{cid}/maintenance-steps"))
        .bearer(&w.eng1)
        .send()
        .json()["items"]
        .as_array()
        .unwrap()
        .clone();
    for s in &steps {
        let step = |verb: &str| format!("/api/v1/maintenance-steps/{}/{verb}", id(s));
        let body = if s["customer_signs"] == true {
            json!({"customer_signatory": "王主任"})
        } else {
            json!({})
        };
        let done = post_ok(&w, &w.eng1, &step("complete"), &s["version"], body);
        if done["status"] == "awaiting_approval" {
            let m = post_ok(
                &w,
                &w.manager,
                &step("approve"),
                &done["version"],
                json!({}),
            );
            post_ok(&w, &exec, &step("approve"), &m["version"], json!({}));
        }
    }
    close(&w, &fin, "2026-07");
    let exec_lines = ledger(&w, &fin, "&kind=maintenance_executor");
    assert_eq!(exec_lines.len(), 1, "{exec_lines:?}");
    assert_eq!(
        summary(&exec_lines[0]),
        (
            w.eng1_id.clone(),
            380_000,
            "due".into(),
            json!("2026-07"),
            "BIL-12a".into()
        )
    );
    assert_eq!(exec_lines[0]["inputs"]["months_served"], 3);
    // Closing again writes nothing more.
    close(&w, &fin, "2026-07");
    close(&w, &fin, "2026-05");
    assert_eq!(ledger(&w, &fin, &format!("&source_id={cid}")).len(), 2);
}
