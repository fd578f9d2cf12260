//! Maintenance agreements (CON-5 acceptance, CON-6 programme) over HTTP on a test clock, on SQLite or PostgreSQL.

use crate::contracts::{create, get, ok};
use crate::tickets::{World, id, world};
use crate::{actions, audit_of};
use kefu_blackbox::Resp;
use serde_json::{Value, json};

/// An acceptance inspected on `day` whose conditions are met and whose five checks all pass.
pub fn passing_acceptance(day: &str) -> Value {
    let pass = json!({"passed": true, "note": null});
    json!({"conditions": {"fire_inspected": true, "well_managed": true, "duty_person": true},
           "inspected_on": day,
           "checks": {"alarm_host": pass, "device_count": pass, "sprinkler_hydrant": pass,
                      "gas_extinguishing": pass, "smoke_control": pass}})
}

fn record(w: &World, token: &str, contract_id: &str, version: &Value, body: &Value) -> Resp {
    w.app
        .req(
            "PUT",
            &format!("/api/v1/contracts/{contract_id}/maintenance-acceptance"),
        )
        .bearer(token)
        .if_match(&format!("\"{version}\""))
        .json(body)
        .send()
}

fn sign(w: &World, token: &str, contract_id: &str, version: &Value) -> Resp {
    w.app
        .post(&format!("/api/v1/contracts/{contract_id}/sign"))
        .bearer(token)
        .if_match(&format!("\"{version}\""))
        .json(&json!({}))
        .send()
}

fn draft(w: &World, kind: &str) -> Value {
    create(
        w,
        &w.admin,
        json!({"title": "2026 年度消防维保协议", "customer_id": w.customer["id"],
               "site_ids": [w.site["id"]], "signer_id": w.eng1_id, "executor_ids": [w.eng1_id],
               "period_start": "2026-10-01", "period_end": "2027-09-30",
               "amount_fen": 3_600_000, "renewal_mode": "express", "kind": kind}),
    )
}

/// The 2026 National Day holiday: 10-01..10-07 off, Sunday 09-20 and Saturday 10-10 worked.
fn national_day(w: &World) {
    let etag = w
        .app
        .get("/api/v1/calendar/days?from=2026-09-01&to=2026-09-01")
        .bearer(&w.admin)
        .send()
        .etag();
    let mut days = vec![json!({"day": "2026-09-20", "kind": "workday"})];
    for d in 1..=7 {
        days.push(json!({"day": format!("2026-10-{d:02}"), "kind": "holiday"}));
    }
    days.push(json!({"day": "2026-10-10", "kind": "workday"}));
    let res = w
        .app
        .req("PUT", "/api/v1/calendar/days")
        .bearer(&w.admin)
        .if_match(&etag)
        .json(&json!({"from": "2026-09-01", "to": "2026-10-31", "days": days}))
        .send();
    assert_eq!(res.status, 200, "{}", res.body);
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

fn step_cmd(w: &World, token: &str, step: &Value, verb: &str, body: Value) -> Resp {
    w.app
        .post(&format!("/api/v1/maintenance-steps/{}/{verb}", id(step)))
        .bearer(token)
        .if_match(&format!("\"{}\"", step["version"]))
        .json(&body)
        .send()
}

fn step_ok(w: &World, token: &str, step: &Value, verb: &str, body: Value) -> Value {
    let res = step_cmd(w, token, step, verb, body);
    assert_eq!(res.status, 200, "{verb}: {}", res.body);
    res.json()
}

/// The `(field, code, rule)` of each error of a problem.
fn errors(p: &Value) -> Vec<(String, String, String)> {
    p["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            let s = |k: &str| e[k].as_str().unwrap_or_default().to_owned();
            (s("field"), s("code"), s("rule"))
        })
        .collect()
}

#[test]
fn con_5_6_a_maintenance_agreement_signs_after_its_acceptance_and_gets_its_programme() {
    let mut w = world();
    w.set_clock("2026-09-28T10:00:00+08:00");
    let c = draft(&w, "maintenance");
    assert_eq!(c["kind"], "maintenance");
    let cid = id(&c).to_owned();

    // No inspection yet: signing is refused, naming what is missing.
    let p = sign(&w, &w.eng1, &cid, &c["version"]).problem(422, "validation");
    assert_eq!(p["rule"], "CON-5");
    assert_eq!(
        errors(&p),
        [("inspection".into(), "required".into(), "CON-5".into())]
    );

    // The gas extinguishing pressure fails; everything else passes.
    let mut body = passing_acceptance("2026-09-25");
    body["checks"]["gas_extinguishing"] =
        json!({"passed": false, "note": "  3 号钢瓶压力 3.1 MPa  "});
    // ORG-5: another engineer does not see the contract; a stale version is 412.
    assert_eq!(record(&w, &w.eng2, &cid, &c["version"], &body).status, 404);
    assert_eq!(record(&w, &w.eng1, &cid, &json!(9), &body).status, 412);
    let res = record(&w, &w.eng1, &cid, &c["version"], &body);
    assert_eq!(res.status, 200, "{}", res.body);
    assert_eq!(res.header("etag").as_deref(), Some("\"2\""));
    let a = res.json();
    assert_eq!(a["failed"], json!(["checks.gas_extinguishing"]));
    assert_eq!(a["ready_to_sign"], false);
    assert_eq!(a["inspector_id"], w.eng1_id);
    assert_eq!(
        a["checks"]["gas_extinguishing"],
        json!({"passed": false, "note": "3 号钢瓶压力 3.1 MPa"})
    );

    let p = sign(&w, &w.eng1, &cid, &a["contract_version"]).problem(422, "validation");
    assert_eq!(p["rule"], "CON-5");
    assert_eq!(
        errors(&p),
        [(
            "checks.gas_extinguishing".into(),
            "check_failed".into(),
            "CON-5".into()
        )]
    );
    let stored = get(&w, &w.eng1, &cid).json();
    assert_eq!(
        (stored["status"].clone(), stored["version"].clone()),
        (json!("draft"), json!(2))
    );

    // Conditions are listed too, each by its code.
    let mut worse = body.clone();
    worse["conditions"]["duty_person"] = json!(false);
    let a = record(&w, &w.eng1, &cid, &json!(2), &worse).json();
    assert_eq!(
        a["failed"],
        json!(["conditions.duty_person", "checks.gas_extinguishing"])
    );

    // Re-inspected and passed: signing works.
    let a = record(
        &w,
        &w.eng1,
        &cid,
        &json!(3),
        &passing_acceptance("2026-09-25"),
    )
    .json();
    assert_eq!(
        (a["failed"].clone(), a["ready_to_sign"].clone()),
        (json!([]), json!(true))
    );
    let res = w
        .app
        .get(&format!("/api/v1/contracts/{cid}/maintenance-acceptance"))
        .bearer(&w.eng2)
        .send();
    assert_eq!(res.status, 404, "{}", res.body);
    let res = w
        .app
        .get(&format!("/api/v1/contracts/{cid}/maintenance-acceptance"))
        .bearer(&w.eng1)
        .send();
    assert_eq!(res.status, 200, "{}", res.body);
    assert_eq!(res.json()["checks"]["gas_extinguishing"]["passed"], true);
    national_day(&w);
    let signed = ok(
        &w,
        &w.eng1,
        &json!({"id": cid, "version": 4}),
        "sign",
        json!({}),
    );
    assert_eq!(
        (signed["status"].clone(), signed["signed_on"].clone()),
        (json!("signed"), json!("2026-09-28"))
    );
    // CON-6: signed on 2026-09-28, across the National Day holiday: the initial tasks are due
    // ten working days later (09-29, 09-30, 10-08, 10-09, 10-10 made up, 10-12 .. 10-16), the
    // test plan five more.
    let steps = steps_of(&w, &w.eng1, &cid);
    let due = |kind: &str| -> Vec<(Value, Value)> {
        steps
            .iter()
            .filter(|s| s["kind"] == kind)
            .map(|s| (s["seq"].clone(), s["due_on"].clone()))
            .collect()
    };
    for kind in ["device_comparison", "linkage_test", "sprinkler_end_test"] {
        assert_eq!(due(kind), [(json!(1), json!("2026-10-16"))], "{kind}");
    }
    assert_eq!(due("test_plan"), [(json!(1), json!("2026-10-23"))]);
    assert_eq!(due("monthly_test_record").len(), 12);
    assert_eq!(
        due("manager_inspection").last(),
        Some(&(json!(4), json!("2027-09-30")))
    );
    let first = &steps[0];
    assert_eq!(
        (first["status"].clone(), first["overdue"].clone()),
        (json!("open"), json!(false))
    );
    assert_eq!(
        steps
            .iter()
            .find(|s| s["kind"] == "device_comparison")
            .unwrap()["customer_signs"],
        true
    );
    assert_eq!(
        steps.iter().find(|s| s["kind"] == "test_plan").unwrap()["approvals_required"],
        2
    );
    let res = w
        .app
        .get(&format!("/api/v1/contracts/{cid}/maintenance-steps"))
        .bearer(&w.eng2)
        .send();
    assert_eq!(res.status, 404, "ORG-5: {}", res.body);
    w.set_clock("2026-10-19T09:00:00+08:00");
    let later = steps_of(&w, &w.eng1, &cid);
    assert!(
        later
            .iter()
            .filter(|s| s["overdue"] == true)
            .all(|s| s["due_on"] == "2026-10-16"),
        "the initial tasks are overdue after their day"
    );
    assert_eq!(later.iter().filter(|s| s["overdue"] == true).count(), 3);

    // The customer signs the comparison table; the test plan is approved by the manager and
    // then the executive, in that order.
    let find = |kind: &str| later.iter().find(|s| s["kind"] == kind).unwrap().clone();
    let table = find("device_comparison");
    step_cmd(&w, &w.eng2, &table, "complete", json!({})).problem(404, "not-found");
    let p = step_cmd(&w, &w.eng1, &table, "complete", json!({})).problem(422, "validation");
    assert_eq!(p["rule"], "CON-6");
    assert_eq!(p["errors"][0]["field"], "customer_signatory");
    let res = step_cmd(
        &w,
        &w.eng1,
        &table,
        "complete",
        json!({"customer_signatory": " 王主任 "}),
    );
    assert_eq!(res.status, 200, "{}", res.body);
    let table = res.json();
    assert_eq!(
        (
            table["status"].clone(),
            table["customer_signatory"].clone(),
            table["completed_on"].clone(),
            table["overdue"].clone()
        ),
        (
            json!("done"),
            json!("王主任"),
            json!("2026-10-19"),
            json!(false)
        )
    );
    let plan = find("test_plan");
    let plan = step_ok(&w, &w.eng1, &plan, "complete", json!({}));
    assert_eq!(plan["status"], "awaiting_approval");
    w.app
        .create_user(&w.admin, "exec", &["executive"], "Executive-pass-1");
    let exec = w.app.token("exec", "Executive-pass-1");
    step_cmd(&w, &exec, &plan, "approve", json!({})).rule_conflict("CON-6");
    step_cmd(&w, &w.eng1, &plan, "approve", json!({})).problem(403, "forbidden");
    let plan = step_ok(&w, &w.manager, &plan, "approve", json!({}));
    assert_eq!(
        (plan["status"].clone(), plan["manager_approved_on"].clone()),
        (json!("awaiting_approval"), json!("2026-10-19"))
    );
    step_cmd(&w, &w.manager, &plan, "approve", json!({})).rule_conflict("CON-6");
    let plan = step_ok(&w, &exec, &plan, "approve", json!({}));
    assert_eq!(plan["status"], "done");
    assert!(plan["executive_approved_by"].is_string());
    let plan_audit = audit_of(&w.app, &w.admin, "maintenance_step", id(&plan));
    assert_eq!(
        actions(&plan_audit),
        [
            "maintenance_step.complete",
            "maintenance_step.approve",
            "maintenance_step.approve"
        ]
    );

    // Once signed, the acceptance is part of the record.
    record(&w, &w.eng1, &cid, &signed["version"], &body).rule_conflict("CON-5");

    // A service contract has no acceptance and signs without one.
    let s = draft(&w, "service");
    record(&w, &w.eng1, id(&s), &s["version"], &body).rule_conflict("CON-5");
    assert_eq!(sign(&w, &w.eng1, id(&s), &s["version"]).status, 200);

    let audit = audit_of(&w.app, &w.admin, "contract", &cid);
    assert_eq!(
        actions(&audit),
        [
            "contract.create",
            "contract.record_acceptance",
            "contract.record_acceptance",
            "contract.record_acceptance",
            "contract.sign"
        ]
    );
    assert_eq!(audit[1]["before"], Value::Null);
    assert_eq!(
        audit[1]["after"]["failed"],
        json!(["checks.gas_extinguishing"])
    );
    assert_eq!(audit[3]["before"]["conditions"]["duty_person"], false);
}
