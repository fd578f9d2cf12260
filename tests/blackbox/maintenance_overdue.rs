//! The maintenance programme's overdue steps (CON-6) over HTTP on a test clock with the 2026
//! calendar, on SQLite or PostgreSQL: the dashboard, the job that tells once across two
//! instances, and what terminating a contract does to its steps and licences (CON-4).

use crate::contracts::{contact_token, create, ok};
use crate::licences::{api_key, check, installations, issue};
use crate::maintenance::passing_acceptance;
use crate::tickets::{World, id, world};
use crate::{actions, audit_of};
use serde_json::{Value, json};
use std::time::{Duration, Instant};

/// Qingming 2026 (Saturday 04-04 to Monday 04-06 off) as the calendar for March and April.
fn qingming(w: &World) {
    let etag = w
        .app
        .get("/api/v1/calendar/days?from=2026-03-01&to=2026-03-01")
        .bearer(&w.admin)
        .send()
        .etag();
    let days: Vec<Value> = (4..=6)
        .map(|d| json!({"day": format!("2026-04-{d:02}"), "kind": "holiday"}))
        .collect();
    let res = w
        .app
        .req("PUT", "/api/v1/calendar/days")
        .bearer(&w.admin)
        .if_match(&etag)
        .json(&json!({"from": "2026-03-01", "to": "2026-04-30", "days": days}))
        .send();
    assert_eq!(res.status, 200, "{}", res.body);
}

/// A maintenance agreement covering `equipment`, signed by engineer 1 on Friday 2026-03-20:
/// its initial tasks are due ten working days later, on Friday 04-03, before Qingming.
fn signed_agreement(w: &World, equipment: &[&Value]) -> Value {
    signed_agreement_renewing(w, equipment, "express")
}

fn signed_agreement_renewing(w: &World, equipment: &[&Value], renewal_mode: &str) -> Value {
    let ids: Vec<&Value> = equipment.iter().map(|e| &e["id"]).collect();
    let c = create(
        w,
        &w.admin,
        json!({"title": "2026 年度消防维保协议", "customer_id": w.customer["id"],
               "site_ids": [w.site["id"]], "equipment_ids": ids, "signer_id": w.eng1_id,
               "executor_ids": [w.eng1_id], "period_start": "2026-04-01",
               "period_end": "2027-03-31", "amount_fen": 3_600_000,
               "renewal_mode": renewal_mode, "kind": "maintenance"}),
    );
    let res = w
        .app
        .req(
            "PUT",
            &format!("/api/v1/contracts/{}/maintenance-acceptance", id(&c)),
        )
        .bearer(&w.eng1)
        .if_match(&format!("\"{}\"", c["version"]))
        .json(&passing_acceptance("2026-03-19"))
        .send();
    assert_eq!(res.status, 200, "{}", res.body);
    let mut c = c;
    c["version"] = res.json()["contract_version"].clone();
    ok(w, &w.eng1, &c, "sign", json!({}))
}

fn overdue(w: &World, token: &str, query: &str) -> Value {
    let res = w
        .app
        .get(&format!("/api/v1/maintenance-steps/overdue{query}"))
        .bearer(token)
        .send();
    assert_eq!(res.status, 200, "{}", res.body);
    res.json()
}

fn kinds(page: &Value) -> Vec<String> {
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["kind"].as_str().unwrap().to_owned())
        .collect()
}

fn steps_of(w: &World, token: &str, contract_id: &str) -> Vec<Value> {
    let res = w
        .app
        .get(&format!(
            "/api/v1/contracts/{contract_id}/maintenance-steps"
        ))
        .bearer(token)
        .send();
    assert_eq!(res.status, 200, "{}", res.body);
    res.json()["items"].as_array().unwrap().clone()
}

/// Completes the contract's step of `kind` as engineer 1, reading it again when a job (the
/// overdue notice, the contract's lifecycle) moved its version in between; asserts 200.
fn complete(w: &World, contract_id: &str, kind: &str, body: Value) -> Value {
    for _ in 0..5 {
        let step = steps_of(w, &w.eng1, contract_id)
            .into_iter()
            .find(|s| s["kind"] == kind)
            .unwrap();
        let res = w
            .app
            .post(&format!("/api/v1/maintenance-steps/{}/complete", id(&step)))
            .bearer(&w.eng1)
            .if_match(&format!("\"{}\"", step["version"]))
            .json(&body)
            .send();
        if res.status != 412 {
            assert_eq!(res.status, 200, "{}", res.body);
            return res.json();
        }
    }
    panic!("the step kept changing");
}

/// Terminates the contract as the manager, reading it again when a job moved its version.
fn terminate(w: &World, contract_id: &str) -> Value {
    for _ in 0..5 {
        let fresh = crate::contracts::get(w, &w.manager, contract_id).json();
        let res = w
            .app
            .post(&format!("/api/v1/contracts/{contract_id}/terminate"))
            .bearer(&w.manager)
            .if_match(&format!("\"{}\"", fresh["version"]))
            .json(&json!({"reason": "客户解约"}))
            .send();
        if res.status != 412 {
            assert_eq!(res.status, 200, "{}", res.body);
            return res.json();
        }
    }
    panic!("the contract kept changing");
}

fn told(w: &World, token: &str) -> Vec<Value> {
    let res = w.app.get("/api/v1/me/notifications").bearer(token).send();
    assert_eq!(res.status, 200, "{}", res.body);
    res.json()["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|n| n["kind"] == "maintenance_step.overdue")
        .cloned()
        .collect()
}

#[test]
fn con_6_a_step_due_on_the_friday_before_qingming_is_overdue_from_the_next_working_day() {
    let mut w = world();
    qingming(&w);
    w.set_clock("2026-03-20T10:00:00+08:00");
    let c = signed_agreement(&w, &[]);
    let steps = steps_of(&w, &w.eng1, id(&c));
    let initial: Vec<&Value> = steps
        .iter()
        .filter(|s| s["due_on"] == "2026-04-03")
        .collect();
    assert_eq!(initial.len(), 3, "{steps:?}");

    // Friday itself, the weekend and the holiday Monday: not overdue yet.
    for day in ["2026-04-03", "2026-04-04", "2026-04-06"] {
        w.set_clock(&format!("{day}T18:00:00+08:00"));
        assert_eq!(overdue(&w, &w.admin, "")["items"], json!([]), "{day}");
        assert!(
            steps_of(&w, &w.eng1, id(&c))
                .iter()
                .all(|s| s["overdue"] == false)
        );
    }

    // Tuesday 04-07, the next working day: the three initial tasks, one working day overdue.
    w.set_clock("2026-04-07T09:00:00+08:00");
    let page = overdue(&w, &w.admin, "");
    assert_eq!(
        kinds(&page)
            .iter()
            .collect::<std::collections::BTreeSet<_>>(),
        ["device_comparison", "linkage_test", "sprinkler_end_test"]
            .iter()
            .map(|s| s.to_string())
            .collect::<Vec<_>>()
            .iter()
            .collect()
    );
    let first = &page["items"][0];
    assert_eq!(first["contract_id"], c["id"]);
    assert_eq!(first["contract_title"], "2026 年度消防维保协议");
    assert_eq!(first["customer_name"], "甲公司");
    assert_eq!(first["site_ids"], json!([w.site["id"]]));
    assert_eq!(first["due_on"], "2026-04-03");
    assert_eq!(first["working_days_overdue"], 1);
    assert_eq!(first["responsible_id"], w.eng1_id);
    let device = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["kind"] == "device_comparison")
        .unwrap();
    assert_eq!(device["waiting_for"], "customer_signature");
    assert!(
        steps_of(&w, &w.eng1, id(&c))
            .iter()
            .any(|s| s["overdue"] == true)
    );

    // ORG-5: the signer and the customer's contact see them, another engineer none.
    assert_eq!(kinds(&overdue(&w, &w.eng1, "")).len(), 3);
    assert_eq!(kinds(&overdue(&w, &contact_token(&w), "")).len(), 3);
    assert_eq!(overdue(&w, &w.eng2, "")["items"], json!([]));
    // Filters, paging and the export.
    assert_eq!(
        kinds(&overdue(&w, &w.admin, "?kind=linkage_test")),
        ["linkage_test"]
    );
    assert_eq!(
        overdue(&w, &w.admin, &format!("?responsible_id={}", w.eng2_id))["items"],
        json!([])
    );
    let p1 = overdue(&w, &w.admin, "?limit=2");
    assert_eq!(kinds(&p1).len(), 2);
    let cursor = p1["next_cursor"].as_str().unwrap().to_owned();
    let p2 = overdue(&w, &w.admin, &format!("?limit=2&cursor={cursor}"));
    assert_eq!(kinds(&p2).len(), 1);
    assert_eq!(p2["next_cursor"], Value::Null);
    let csv = w
        .app
        .get("/api/v1/maintenance-steps/overdue/export?format=csv")
        .bearer(&w.admin)
        .send();
    assert_eq!(csv.status, 200, "{}", csv.body);
    assert!(csv.body.contains("working_days_overdue"), "{}", csv.body);
    assert_eq!(csv.body.lines().count(), 4, "{}", csv.body);

    // Done is off the dashboard; the next week counts working days only.
    complete(&w, id(&c), "linkage_test", json!({}));
    w.set_clock("2026-04-12T09:00:00+08:00");
    let page = overdue(&w, &w.admin, "");
    assert_eq!(kinds(&page).len(), 2);
    assert_eq!(page["items"][0]["working_days_overdue"], 4);
}

#[test]
fn con_6_the_overdue_job_tells_once_across_two_instances() {
    let mut w = world();
    qingming(&w);
    w.set_clock("2026-03-20T10:00:00+08:00");
    let c = signed_agreement(&w, &[]);
    let runs = |w: &World| -> usize {
        let res = w
            .app
            .get("/api/v1/jobs?kind=contracts.overdue_programme_steps&status=succeeded&limit=200")
            .bearer(&w.admin)
            .send();
        res.json()["items"].as_array().unwrap().len()
    };
    w.set_clock("2026-04-06T09:00:00+08:00");
    let runners = [
        w.app
            .another_instance(&[("KEFU_JOBS_ENABLED", "1"), ("KEFU_JOBS_POLL_MS", "50")]),
        w.app
            .another_instance(&[("KEFU_JOBS_ENABLED", "1"), ("KEFU_JOBS_POLL_MS", "50")]),
    ];
    let deadline = Instant::now() + Duration::from_secs(120);
    while runs(&w) == 0 {
        assert!(Instant::now() < deadline, "the overdue job did not run");
        std::thread::sleep(Duration::from_millis(200));
    }
    assert!(told(&w, &w.eng1).is_empty(), "not overdue on the holiday");

    w.set_clock("2026-04-07T09:00:00+08:00");
    let deadline = Instant::now() + Duration::from_secs(120);
    while told(&w, &w.eng1).len() < 3 {
        assert!(Instant::now() < deadline, "nobody was told");
        std::thread::sleep(Duration::from_millis(200));
    }
    // Later that day the job runs again on both instances: still once per step.
    let before = runs(&w);
    w.set_clock("2026-04-07T15:00:00+08:00");
    let deadline = Instant::now() + Duration::from_secs(120);
    while runs(&w) <= before {
        assert!(
            Instant::now() < deadline,
            "the overdue job did not run again: {}",
            w.app
                .get("/api/v1/jobs?kind=contracts.overdue_programme_steps&limit=200")
                .bearer(&w.admin)
                .send()
                .body
        );
        std::thread::sleep(Duration::from_millis(200));
    }
    std::thread::sleep(Duration::from_secs(1));
    drop(runners);
    let eng1 = told(&w, &w.eng1);
    assert_eq!(eng1.len(), 3, "{eng1:?}");
    assert_eq!(told(&w, &w.manager).len(), 3);
    assert!(told(&w, &w.eng2).is_empty());
    let page = overdue(&w, &w.admin, "");
    for step in page["items"].as_array().unwrap() {
        assert_eq!(step["overdue_noticed_on"], "2026-04-07");
        let audit = audit_of(&w.app, &w.admin, "maintenance_step", id(step));
        assert_eq!(actions(&audit), ["maintenance_step.overdue"]);
        assert_eq!(audit[0]["after"]["working_days_overdue"], 1);
        assert_eq!(audit[0]["after"]["responsible_id"], w.eng1_id);
    }
    assert_eq!(
        eng1.iter()
            .filter(|n| n["entity_id"] == page["items"][0]["id"])
            .count(),
        1
    );
    let _ = c;
}

#[test]
fn con_6_con_4_terminating_a_contract_cancels_its_steps_and_voids_its_licences() {
    let mut w = world();
    qingming(&w);
    w.set_clock("2026-03-20T10:00:00+08:00");
    let (a, b) = installations(&w);
    let c = signed_agreement(&w, &[&a, &b]);
    let licence = issue(&w, &w.manager, &c, json!({"equipment_id": a["id"]}));
    assert_eq!(licence.status, 201, "{}", licence.body);
    let licence = licence.json();
    let serial = licence["serial"].as_str().unwrap().to_owned();
    let key = api_key(&w, "licence-check");

    w.set_clock("2026-04-07T09:00:00+08:00");
    let valid = check(&w.app, &key, &serial);
    assert_eq!(valid.json()["valid"], true, "{}", valid.body);
    let done = complete(&w, id(&c), "linkage_test", json!({}));
    assert_eq!(kinds(&overdue(&w, &w.admin, "")).len(), 2);

    let ended = terminate(&w, id(&c));
    assert_eq!(ended["status"], "terminated");

    // CON-6: every step not done is cancelled; the done one stays done; none is overdue.
    let steps = steps_of(&w, &w.eng1, id(&c));
    for s in &steps {
        let want = if s["id"] == done["id"] {
            "done"
        } else {
            "cancelled"
        };
        assert_eq!(s["status"], want, "{s}");
        assert_eq!(s["overdue"], false);
    }
    assert_eq!(overdue(&w, &w.admin, "")["items"], json!([]));
    let cancelled = steps
        .iter()
        .find(|s| s["kind"] == "device_comparison")
        .unwrap();
    let audit = audit_of(&w.app, &w.admin, "maintenance_step", id(cancelled));
    assert_eq!(actions(&audit), ["maintenance_step.cancel"]);
    assert_eq!(audit[0]["before"]["status"], "open");
    assert_eq!(audit[0]["after"]["status"], "cancelled");
    let res = w
        .app
        .post(&format!(
            "/api/v1/maintenance-steps/{}/complete",
            id(cancelled)
        ))
        .bearer(&w.eng1)
        .if_match(&format!("\"{}\"", cancelled["version"]))
        .json(&json!({"customer_signatory": "王主任"}))
        .send();
    res.rule_conflict("CON-6");

    // CON-4: the licence is void, kept, and its serial answers as an unknown one.
    let res = w
        .app
        .get(&format!("/api/v1/licences/{}", id(&licence)))
        .bearer(&w.manager)
        .send();
    assert_eq!(res.status, 200, "{}", res.body);
    let voided = res.json();
    assert_eq!(voided["state"], "void");
    assert_eq!(voided["voided_on"], "2026-04-07");
    assert_eq!(voided["serial"], serial);
    assert_eq!(
        voided["version"].as_i64().unwrap(),
        licence["version"].as_i64().unwrap() + 1
    );
    let audit = audit_of(&w.app, &w.admin, "licence", id(&licence));
    assert_eq!(actions(&audit).last().unwrap(), "licence.void");
    assert_eq!(audit.last().unwrap()["before"]["state"], "valid");
    assert_eq!(audit.last().unwrap()["after"]["state"], "void");
    let voided_answer = check(&w.app, &key, &serial);
    let unknown = check(&w.app, &key, "KF-0000-0000-0000-0000-000");
    assert_eq!(voided_answer.status, unknown.status);
    assert_eq!(voided_answer.json(), unknown.json());
    assert_eq!(voided_answer.json()["valid"], false);
}

#[test]
fn con_6_an_expired_contract_cancels_its_unfinished_steps() {
    let mut w = world();
    qingming(&w);
    w.set_clock("2026-03-20T10:00:00+08:00");
    let c = signed_agreement(&w, &[]);
    complete(&w, id(&c), "linkage_test", json!({}));
    // The day after the period: the lifecycle job (running on the test instance) expires it.
    w.set_clock("2027-04-01T09:00:00+08:00");
    let deadline = Instant::now() + Duration::from_secs(120);
    while crate::contracts::get(&w, &w.admin, id(&c)).json()["status"] != "expired" {
        assert!(Instant::now() < deadline, "the contract did not expire");
        std::thread::sleep(Duration::from_millis(200));
    }
    let steps = steps_of(&w, &w.eng1, id(&c));
    assert!(steps.len() > 10, "{steps:?}");
    for s in &steps {
        let want = if s["kind"] == "linkage_test" {
            "done"
        } else {
            "cancelled"
        };
        assert_eq!(s["status"], want, "{s}");
    }
    assert_eq!(overdue(&w, &w.admin, "")["items"], json!([]));
    let last = steps.last().unwrap();
    let audit = audit_of(&w.app, &w.admin, "maintenance_step", id(last));
    assert_eq!(actions(&audit).last().unwrap(), "maintenance_step.cancel");
    assert!(
        audit.last().unwrap()["request_id"]
            .as_str()
            .is_some_and(|r| r.starts_with("job:"))
    );
}

#[test]
fn con_6_a_tacitly_renewed_agreement_owes_its_programme_again() {
    let mut w = world();
    w.set_clock("2026-03-20T10:00:00+08:00");
    let c = signed_agreement_renewing(&w, &[], "tacit");
    let first = steps_of(&w, &w.eng1, id(&c));
    // The day after the period: the lifecycle job expires it and renews it by itself.
    w.set_clock("2027-04-01T09:00:00+08:00");
    let deadline = Instant::now() + Duration::from_secs(120);
    let next = loop {
        let list = w
            .app
            .get(&format!(
                "/api/v1/contracts?customer_id={}",
                id(&w.customer)
            ))
            .bearer(&w.admin)
            .send()
            .json();
        let found = list["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|n| n["predecessor_id"] == c["id"])
            .cloned();
        if let Some(n) = found {
            break n;
        }
        assert!(Instant::now() < deadline, "not renewed: {list}");
        std::thread::sleep(Duration::from_millis(200));
    };
    let steps = steps_of(&w, &w.eng1, id(&next));
    assert_eq!(steps.len(), first.len(), "the same programme: {steps:?}");
    assert!(steps.iter().all(|s| s["status"] == "open"), "{steps:?}");
    // Its deadlines run from the renewal's first day: the initial tests 10 working days on.
    let linkage = steps.iter().find(|s| s["kind"] == "linkage_test").unwrap();
    assert!(
        linkage["due_on"].as_str().unwrap() > "2027-04-01",
        "{linkage}"
    );
    assert!(
        steps_of(&w, &w.eng1, id(&c))
            .iter()
            .all(|s| s["status"] == "cancelled"),
        "the old agreement's open steps stop"
    );
}
