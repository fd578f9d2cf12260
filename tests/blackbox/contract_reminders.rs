//! Contract expiry reminders (CON-3) over HTTP on a test clock, with the scheduler running on
//! two instances at once.

use crate::contracts::{contact_token, create, get};
use crate::tickets::{World, id, world};
use crate::{actions, audit_of};
use serde_json::{Value, json};
use std::time::{Duration, Instant};

fn reminders_told(w: &World) -> Vec<Value> {
    let res = w.app.get("/api/v1/me/notifications").bearer(&w.eng1).send();
    assert_eq!(res.status, 200, "{}", res.body);
    res.json()["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|n| n["kind"] == "contract.expiry_reminder")
        .cloned()
        .collect()
}

/// The contract's reminders as `token` sees them; asserts 200.
fn reminders(w: &World, token: &str, contract: &Value) -> Vec<Value> {
    let res = w
        .app
        .get(&format!("/api/v1/contracts/{}/reminders", id(contract)))
        .bearer(token)
        .send();
    assert_eq!(res.status, 200, "{}", res.body);
    res.json()["items"].as_array().unwrap().clone()
}

#[test]
fn con_3_a_contract_ending_2026_12_31_gets_exactly_one_reminder_on_2026_12_01() {
    let mut w = world();
    w.set_clock("2026-03-02T10:00:00+08:00");
    let c = create(
        &w,
        &w.admin,
        json!({"title": "2026 年度维保合同", "customer_id": w.customer["id"],
        "signer_id": w.eng1_id, "period_start": "2026-01-01", "period_end": "2026-12-31",
        "amount_fen": 1_200_000, "renewal_mode": "tacit", "notice_days": 30}),
    );
    let res = w
        .app
        .post(&format!("/api/v1/contracts/{}/sign", id(&c)))
        .bearer(&w.eng1)
        .if_match("\"1\"")
        .json(&json!({}))
        .send();
    assert_eq!(res.status, 200, "{}", res.body);
    let c = res.json();
    let later = create(
        &w,
        &w.admin,
        json!({"title": "两年期合同", "customer_id": w.customer["id"],
        "signer_id": w.eng1_id, "period_start": "2026-01-01", "period_end": "2027-06-30",
        "amount_fen": 1, "renewal_mode": "express"}),
    );
    let res = w
        .app
        .post(&format!("/api/v1/contracts/{}/sign", id(&later)))
        .bearer(&w.eng1)
        .if_match("\"1\"")
        .json(&json!({}))
        .send();
    assert_eq!(res.status, 200, "{}", res.body);
    assert!(reminders(&w, &w.eng1, &c).is_empty());
    w.app
        .get(&format!("/api/v1/contracts/{}/reminders", id(&c)))
        .bearer(&w.eng2)
        .send()
        .problem(404, "not-found");

    // The notice, as JSON and as a printable page.
    let res = w
        .app
        .get(&format!("/api/v1/contracts/{}/expiry-notice", id(&c)))
        .bearer(&w.eng1)
        .send();
    assert_eq!(res.status, 200, "{}", res.body);
    let notice = res.json();
    assert_eq!(notice["customer_name"], "甲公司");
    assert_eq!(notice["cancel_renewal_by"], "2026-12-01");
    assert_eq!(notice["issued_on"], "2026-03-02");
    let text = notice["paragraphs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p.as_str().unwrap())
        .collect::<Vec<_>>()
        .join("");
    assert!(
        text.contains("2026-01-01 至 2026-12-31") && text.contains("12000.00 元"),
        "{text}"
    );
    assert!(text.contains("2026-12-01 前书面通知"), "{text}");
    let res = w
        .app
        .get(&format!(
            "/api/v1/contracts/{}/expiry-notice?format=html",
            id(&c)
        ))
        .bearer(&w.eng1)
        .send();
    assert_eq!(res.status, 200, "{}", res.body);
    assert!(res.header("content-type").unwrap().starts_with("text/html"));
    assert!(res.body.contains("<h1>售后服务到期通知函</h1>") && res.body.contains("甲公司"));
    w.app
        .get(&format!("/api/v1/contracts/{}/expiry-notice", id(&c)))
        .bearer(&w.eng2)
        .send()
        .problem(404, "not-found");

    // 30 November: nothing yet, with the scheduler running on two instances.
    w.set_clock("2026-11-30T09:00:00+08:00");
    let jobs = |w: &World| -> usize {
        let res = w
            .app
            .get("/api/v1/jobs?kind=contracts.expiry_reminders&status=succeeded&limit=200")
            .bearer(&w.admin)
            .send();
        res.json()["items"].as_array().unwrap().len()
    };
    let runners = [
        w.app
            .another_instance(&[("KEFU_JOBS_ENABLED", "1"), ("KEFU_JOBS_POLL_MS", "50")]),
        w.app
            .another_instance(&[("KEFU_JOBS_ENABLED", "1"), ("KEFU_JOBS_POLL_MS", "50")]),
    ];
    let deadline = Instant::now() + Duration::from_secs(60);
    while jobs(&w) == 0 {
        assert!(Instant::now() < deadline, "the reminder job did not run");
        std::thread::sleep(Duration::from_millis(200));
    }
    assert!(reminders(&w, &w.eng1, &c).is_empty());
    assert!(reminders_told(&w).is_empty());

    // 1 December: the reminder task for the signer.
    w.set_clock("2026-12-01T09:00:00+08:00");
    let deadline = Instant::now() + Duration::from_secs(60);
    while reminders(&w, &w.eng1, &c).is_empty() {
        assert!(Instant::now() < deadline, "no reminder");
        std::thread::sleep(Duration::from_millis(200));
    }
    let first = reminders(&w, &w.eng1, &c)[0].clone();
    assert_eq!(first["remind_on"], "2026-12-01");
    assert_eq!(
        (first["period_end"].clone(), first["assignee_id"].clone()),
        (json!("2026-12-31"), json!(w.eng1_id))
    );
    assert_eq!(first["answer"], Value::Null);

    // The job runs again later that day (a new period), on both instances: still one.
    let runs = jobs(&w);
    w.set_clock("2026-12-01T15:00:00+08:00");
    let deadline = Instant::now() + Duration::from_secs(60);
    while jobs(&w) <= runs {
        assert!(
            Instant::now() < deadline,
            "the reminder job did not run again"
        );
        std::thread::sleep(Duration::from_millis(200));
    }
    std::thread::sleep(Duration::from_secs(1));
    let all = reminders(&w, &w.eng1, &c);
    assert_eq!(all.len(), 1, "{all:?}");
    assert_eq!(all[0]["id"], first["id"]);
    let told = reminders_told(&w);
    assert_eq!(told.len(), 1, "{told:?}");
    assert_eq!(told[0]["entity_id"], c["id"]);
    assert_eq!(
        actions(&audit_of(&w.app, &w.admin, "contract_reminder", id(&first))),
        ["contract_reminder.create"]
    );
    assert!(reminders(&w, &w.eng1, &later).is_empty(), "ends in 2027");
    drop(runners);

    // The customer's answer: undecided first, then the decision, once.
    let answer = |token: &str, version: &Value, body: Value| {
        w.app
            .post(&format!("/api/v1/contracts/{}/reminder/answer", id(&c)))
            .bearer(token)
            .if_match(&format!("\"{version}\""))
            .json(&body)
            .send()
    };
    answer(&w.eng2, &first["version"], json!({"answer": "renew"})).problem(404, "not-found");
    let cc = contact_token(&w);
    assert_eq!(reminders(&w, &cc, &c)[0]["id"], first["id"]);
    answer(&cc, &first["version"], json!({"answer": "renew"})).problem(403, "forbidden");
    let res = answer(
        &w.eng1,
        &first["version"],
        json!({"answer": "undecided", "note": "客户需内部审批"}),
    );
    assert_eq!(res.status, 200, "{}", res.body);
    let undecided = res.json();
    assert_eq!(
        (
            undecided["answer"].clone(),
            undecided["answered_by"].clone()
        ),
        (json!("undecided"), json!(w.eng1_id))
    );
    let res = answer(
        &w.eng1,
        &undecided["version"],
        json!({"answer": "renew", "note": "同意续签"}),
    );
    assert_eq!(res.status, 200, "{}", res.body);
    let renewed = res.json();
    assert_eq!(renewed["answer"], "renew");
    answer(&w.eng1, &renewed["version"], json!({"answer": "decline"})).rule_conflict("CON-3");
    let audit = audit_of(&w.app, &w.admin, "contract_reminder", id(&first));
    assert_eq!(
        actions(&audit),
        [
            "contract_reminder.create",
            "contract_reminder.answer",
            "contract_reminder.answer"
        ]
    );
    assert_eq!(audit[2]["before"]["answer"], "undecided");
    assert_eq!(audit[2]["after"]["answer_note"], "同意续签");
    assert_eq!(get(&w, &w.eng1, id(&c)).json()["status"], "active");
}
