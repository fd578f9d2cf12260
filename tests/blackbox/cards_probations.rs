//! HR-T1 over HTTP: a new hire's probation (2 months, or 50 working days of the work calendar
//! in the technical service) and its confirmation by the manager, an executive and the
//! general manager, in order, once the new-hire exam is passed.
use crate::cards_scorecards::{World, ok, world};
use crate::{actions, audit_of};
use kefu_blackbox::Resp;
use serde_json::{Value, json};

const PASSWORD: &str = "Secret-pass-123";

/// HR-T1: `users` pass the new-hire exam of 2 March, recorded by their supervisor.
fn pass_new_hire_exam(w: &World, users: &[&str]) {
    let exam = ok(
        w.app
            .post("/api/v1/exam-sessions")
            .bearer(&w.hr)
            .json(
                &json!({"kind": "new_hire", "title": "新员工考核", "exam_date": "2026-03-02",
                          "parts": ["knowledge", "operation"]}),
            )
            .send(),
        201,
    );
    let url = format!(
        "/api/v1/exam-sessions/{}/results",
        exam["id"].as_str().unwrap()
    );
    for user in users {
        let body = json!({"user_id": user, "presence": "sat",
                          "scores": {"knowledge": 85, "operation": 82}});
        ok(w.app.post(&url).bearer(&w.sup).json(&body).send(), 201);
    }
}

#[test]
fn hr_t1_probation_then_confirmation_by_manager_executive_and_gm() {
    let w = world("2026-03-02T09:00:00+08:00");
    let app = &w.app;
    let exec = |name: &str| {
        app.create_user(&w.admin, name, &["executive"], PASSWORD);
        app.token(name, PASSWORD)
    };
    let (vp, gm) = (exec("vp"), exec("gm"));
    let open = |token: &str, body: Value| {
        app.post("/api/v1/probations")
            .bearer(token)
            .json(&body)
            .send()
    };
    let p = ok(
        open(
            &w.hr,
            json!({"user_id": w.rep_id, "starts_on": "2026-03-02"}),
        ),
        201,
    );
    assert_eq!(
        (&p["ends_on"], &p["status"], &p["next_step"]),
        (&json!("2026-05-01"), &json!("probation"), &json!("manager"))
    );
    // ORG-2 follows: the new hire's employee record leaves training for probation.
    let employee = |user_id: &str| -> Value {
        let all = ok(
            app.get("/api/v1/employees?limit=200")
                .bearer(&w.admin)
                .send(),
            200,
        );
        all["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["user_id"] == user_id)
            .cloned()
            .unwrap()
    };
    let e = employee(&w.rep_id);
    assert_eq!(
        (&e["employment_status"], &e["status_since"]),
        (&json!("probation"), &json!("2026-03-02"))
    );
    open(
        &w.hr,
        json!({"user_id": w.rep_id, "starts_on": "2026-03-02"}),
    )
    .problem(409, "conflict");
    open(
        &vp,
        json!({"user_id": w.rep2_id, "starts_on": "2026-03-02"}),
    )
    .problem(403, "forbidden");
    // Fifty working days of the 2026 calendar (Qingming and May Day off, 9 May worked).
    let tech = ok(
        open(
            &w.manager,
            json!({"user_id": w.rep2_id, "starts_on": "2026-03-02",
                   "department": "technical_service"}),
        ),
        201,
    );
    assert_eq!(tech["ends_on"], "2026-05-13");
    let url = format!("/api/v1/probations/{}", p["id"].as_str().unwrap());
    app.get(&url)
        .bearer(&w.stranger)
        .send()
        .problem(404, "not-found");
    ok(app.get(&url).bearer(&w.rep).send(), 200);

    let approve = |token: &str, p: &Value, step: &str| -> Resp {
        app.post(&format!("{url}/approve"))
            .bearer(token)
            .if_match(&format!("\"{}\"", p["version"]))
            .json(&json!({"step": step}))
            .send()
    };
    let p422 = approve(&w.manager, &p, "manager").problem(422, "rule-violation");
    assert_eq!(p422["rule"], "HR-T1", "not before the probation's end");
    w.clock.set("2026-05-06T10:00:00+08:00");
    approve(&vp, &p, "executive").rule_conflict("HR-T1");
    approve(&w.hr, &p, "manager").problem(403, "forbidden");
    let p422 = approve(&w.manager, &p, "manager").problem(422, "rule-violation");
    assert_eq!(p422["rule"], "HR-T1", "the new-hire exam first");
    pass_new_hire_exam(&w, &[&w.rep_id]);
    let p = ok(approve(&w.manager, &p, "manager"), 200);
    assert_eq!(p["status"], "manager_approved");
    approve(&vp, &p, "gm").rule_conflict("HR-T1");
    let p = ok(approve(&vp, &p, "executive"), 200);
    let p422 = approve(&vp, &p, "gm").problem(422, "rule-violation");
    assert_eq!(p422["rule"], "HR-T1", "the GM is another executive");
    let p = ok(approve(&gm, &p, "gm"), 200);
    assert_eq!(
        (&p["status"], &p["next_step"]),
        (&json!("confirmed"), &json!(null))
    );
    approve(&gm, &p, "gm").rule_conflict("HR-T1");
    let e = employee(&w.rep_id);
    assert_eq!(
        (&e["employment_status"], &e["status_since"]),
        (&json!("regular"), &json!("2026-05-06")),
        "confirmed: a regular employee from the confirmation's day"
    );
    let history = ok(
        app.get(&format!(
            "/api/v1/employees/{}/status-history",
            e["id"].as_str().unwrap()
        ))
        .bearer(&w.admin)
        .send(),
        200,
    );
    let statuses: Vec<&Value> = history["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| &h["status"])
        .collect();
    assert!(
        statuses.contains(&&json!("probation")) && statuses.contains(&&json!("regular")),
        "{history}"
    );
    let inbox = ok(
        app.get("/api/v1/me/notifications").bearer(&w.rep).send(),
        200,
    );
    assert!(
        inbox["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|n| n["kind"] == "probation.confirmed")
    );
    assert_eq!(
        actions(&audit_of(
            app,
            &w.admin,
            "probation",
            p["id"].as_str().unwrap()
        )),
        [
            "probation.open",
            "probation.approve",
            "probation.approve",
            "probation.approve"
        ]
    );
    let mine = ok(app.get("/api/v1/probations").bearer(&w.rep).send(), 200);
    assert_eq!(mine["items"].as_array().unwrap().len(), 1);
}

/// HR-T1 (seed 000 提前转正): an outstanding new hire is confirmed before the probation ends
/// only by special approval — the manager states why, the executive and the GM approve it.
#[test]
fn hr_t1_early_confirmation_by_special_approval() {
    let w = world("2026-03-02T09:00:00+08:00");
    let app = &w.app;
    app.create_user(&w.admin, "vp", &["executive"], PASSWORD);
    app.create_user(&w.admin, "gm", &["executive"], PASSWORD);
    let (vp, gm) = (app.token("vp", PASSWORD), app.token("gm", PASSWORD));
    let opened = |user_id: &str| {
        ok(
            app.post("/api/v1/probations")
                .bearer(&w.hr)
                .json(&json!({"user_id": user_id, "starts_on": "2026-03-02"}))
                .send(),
            201,
        )
    };
    let (p, on_time) = (opened(&w.rep_id), opened(&w.rep2_id));
    assert_eq!(
        (&p["ends_on"], &p["early_reason"]),
        (&json!("2026-05-01"), &json!(null))
    );
    pass_new_hire_exam(&w, &[&w.rep_id, &w.rep2_id]);
    w.clock.set("2026-04-15T10:00:00+08:00");
    let approve = |token: &str, p: &Value, body: Value| -> Resp {
        app.post(&format!(
            "/api/v1/probations/{}/approve",
            p["id"].as_str().unwrap()
        ))
        .bearer(token)
        .if_match(&format!("\"{}\"", p["version"]))
        .json(&body)
        .send()
    };
    let early = app
        .post(&format!(
            "/api/v1/probations/{}/approve",
            p["id"].as_str().unwrap()
        ))
        .bearer(&w.manager)
        .header("Accept-Language", "en")
        .if_match(&format!("\"{}\"", p["version"]))
        .json(&json!({"step": "manager"}))
        .send();
    let refusal = early.problem(422, "rule-violation");
    assert_eq!(refusal["rule"], "HR-T1");
    assert!(
        refusal["detail"].as_str().unwrap().contains("early_reason"),
        "{refusal}"
    );
    let reason = "考核第一，已独立完成三次调试";
    let p = ok(
        approve(
            &w.manager,
            &p,
            json!({"step": "manager", "early_reason": reason}),
        ),
        200,
    );
    assert_eq!(
        (&p["status"], &p["early_reason"]),
        (&json!("manager_approved"), &json!(reason))
    );
    let wrong_step = approve(
        &vp,
        &p,
        json!({"step": "executive", "early_reason": "同意"}),
    )
    .problem(422, "validation");
    assert_eq!(wrong_step["errors"][0]["field"], "early_reason");
    let p = ok(approve(&vp, &p, json!({"step": "executive"})), 200);
    let p = ok(approve(&gm, &p, json!({"step": "gm"})), 200);
    assert_eq!(
        (&p["status"], &p["early_reason"], &p["ends_on"]),
        (&json!("confirmed"), &json!(reason), &json!("2026-05-01")),
        "confirmed two weeks early, the reason kept"
    );
    let trail = audit_of(app, &w.admin, "probation", p["id"].as_str().unwrap());
    assert_eq!(trail[1]["after"]["early_reason"], reason, "{:?}", trail[1]);

    // On time there is nothing to justify: a reason is refused and nothing is written.
    w.clock.set("2026-05-04T10:00:00+08:00");
    let late = approve(
        &w.manager,
        &on_time,
        json!({"step": "manager", "early_reason": "优秀"}),
    )
    .problem(422, "validation");
    assert_eq!(late["errors"][0]["field"], "early_reason");
    let unchanged = ok(
        app.get(&format!(
            "/api/v1/probations/{}",
            on_time["id"].as_str().unwrap()
        ))
        .bearer(&w.hr)
        .send(),
        200,
    );
    assert_eq!(
        (&unchanged["status"], &unchanged["version"]),
        (&json!("probation"), &on_time["version"])
    );
    let on_time = ok(
        approve(&w.manager, &on_time, json!({"step": "manager"})),
        200,
    );
    assert_eq!(on_time["early_reason"], json!(null));
}
