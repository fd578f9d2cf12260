//! Rebates (BIL-7) and the commission kinds of the ledger beyond commissioning: maintenance
//! (BIL-12a), repair labour (BIL-12b), year-end bonuses (BIL-12c) and handed-over jobs
//! (BIL-11 `transferred`), over HTTP on a test clock, on SQLite or PostgreSQL.

use crate::contracts::yearly;
use crate::tickets::{World, id, world};
use crate::{actions, audit_of};
use kefu_blackbox::Resp;
use serde_json::{Value, json};

fn finance(w: &World) -> String {
    w.app
        .create_user(&w.admin, "fin", &["finance"], "Finance-pass-1");
    w.app.token("fin", "Finance-pass-1")
}

fn rebate(w: &World, token: &str, body: Value) -> Resp {
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
    let csv = w.app.get("/api/v1/rebates?format=csv").bearer(&fin).send();
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
