//! HR-A3 over HTTP: leave requested by an employee, approved by a manager and — above three
//! working days of the work calendar — by HR too, refused or cancelled; approved days are
//! neither late nor absent in the month's summary.
use crate::{actions, audit_of};
use kefu_blackbox::{Resp, TestApp};
use serde_json::{Value, json};

const PASSWORD: &str = "Secret-pass-123";

fn ok(res: Resp, status: u16) -> Value {
    assert_eq!(res.status, status, "{}", res.body);
    res.json()
}

fn kinds(app: &TestApp, token: &str) -> Vec<String> {
    ok(
        app.get("/api/v1/me/notifications").bearer(token).send(),
        200,
    )["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["kind"].as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn hr_a3_leave_two_step_approval_and_approved_days_are_not_late() {
    let (builder, clock) = TestApp::builder().clock("2026-03-01T07:00:00+08:00");
    let app = builder.env("KEFU_ACCESS_TOKEN_TTL_SECS", "8640000").spawn();
    let admin = app.admin_token();
    let user = |name: &str, role: &str| {
        let made = app.create_user(&admin, name, &[role], PASSWORD);
        (
            app.token(name, PASSWORD),
            made["id"].as_str().unwrap().to_owned(),
        )
    };
    let (mgr, _) = user("mgr", "manager");
    let (hr, _) = user("hr1", "hr");
    let (eng, eng_id) = user("eng", "engineer");
    let (other, _) = user("other", "engineer");
    let request = |token: &str, from: &str, to: &str| {
        app.post("/api/v1/leave-requests")
            .bearer(token)
            .json(
                &json!({"kind": "personal", "start_date": from, "end_date": to,
                           "reason": "家中有事"}),
            )
            .send()
    };
    let step = |token: &str, leave: &Value, verb: &str, body: Value| {
        app.post(&format!(
            "/api/v1/leave-requests/{}/{verb}",
            leave["id"].as_str().unwrap()
        ))
        .bearer(token)
        .if_match(&format!("\"{}\"", leave["version"]))
        .json(&body)
        .send()
    };

    // Two working days: the manager alone approves.
    let short = ok(request(&eng, "2026-03-03", "2026-03-04"), 201);
    assert_eq!(
        (&short["status"], &short["working_days"]),
        (&json!("requested"), &json!(2))
    );
    assert!(kinds(&app, &mgr).contains(&"leave.requested".to_owned()));
    app.get(&format!(
        "/api/v1/leave-requests/{}",
        short["id"].as_str().unwrap()
    ))
    .bearer(&other)
    .send()
    .problem(404, "not-found");
    step(&eng, &short, "approve", json!(null)).problem(403, "forbidden");
    step(&hr, &short, "approve", json!(null)).problem(403, "forbidden");
    let short = ok(step(&mgr, &short, "approve", json!(null)), 200);
    assert_eq!(short["status"], "approved");
    assert!(kinds(&app, &eng).contains(&"leave.approved".to_owned()));
    let p = step(&mgr, &short, "approve", json!(null)).problem(409, "conflict");
    assert_eq!(p["rule"], "HR-A3");

    // Five working days: the manager, then HR.
    let long = ok(request(&eng, "2026-03-09", "2026-03-15"), 201);
    assert_eq!(long["working_days"], 5);
    let long = ok(step(&mgr, &long, "approve", json!(null)), 200);
    assert_eq!(long["status"], "manager_approved");
    assert!(kinds(&app, &hr).contains(&"leave.awaits_hr".to_owned()));
    step(&mgr, &long, "approve", json!(null)).problem(403, "forbidden");
    let long = ok(step(&hr, &long, "approve", json!(null)), 200);
    assert_eq!(long["status"], "approved");
    assert!(long["hr_decided_by"].is_string() && long["manager_decided_by"].is_string());
    assert_eq!(
        actions(&audit_of(
            &app,
            &admin,
            "leave_request",
            long["id"].as_str().unwrap()
        )),
        [
            "leave_request.create",
            "leave_request.approve",
            "leave_request.approve"
        ]
    );

    // Overlaps, weekends, refusals and cancellations.
    let p = request(&eng, "2026-03-04", "2026-03-05").problem(409, "conflict");
    assert_eq!(p["rule"], "HR-A3");
    let p = request(&eng, "2026-03-07", "2026-03-08").problem(422, "validation");
    assert_eq!(p["rule"], "HR-A3");
    let refused = ok(request(&eng, "2026-03-20", "2026-03-20"), 201);
    let refused = ok(
        step(&mgr, &refused, "reject", json!({"note": "月底人手不足"})),
        200,
    );
    assert_eq!(
        (&refused["status"], &refused["decision_note"]),
        (&json!("rejected"), &json!("月底人手不足"))
    );
    assert!(kinds(&app, &eng).contains(&"leave.rejected".to_owned()));
    let later = ok(request(&eng, "2026-03-23", "2026-03-23"), 201);
    let p = step(&mgr, &later, "cancel", json!(null)).problem(422, "rule-violation");
    assert_eq!(p["rule"], "HR-A3");
    let later = ok(step(&eng, &later, "cancel", json!(null)), 200);
    assert_eq!(later["status"], "cancelled");
    let p = step(&eng, &later, "cancel", json!(null)).problem(409, "conflict");
    assert_eq!(p["rule"], "HR-A3");
    let listed = ok(
        app.get("/api/v1/leave-requests?status=approved")
            .bearer(&eng)
            .send(),
        200,
    );
    assert_eq!(listed["items"].as_array().unwrap().len(), 2);
    let theirs = ok(app.get("/api/v1/leave-requests").bearer(&other).send(), 200);
    assert_eq!(theirs["items"], json!([]));

    // The week: late Monday, on leave Tuesday and Wednesday (no clock-in), late Thursday.
    for (day, time) in [("02", "08:10"), ("05", "08:20"), ("06", "07:50")] {
        clock.set(&format!("2026-03-{day}T{time}:00+08:00"));
        ok(
            app.post("/api/v1/attendance/clock-in")
                .bearer(&eng)
                .json(&json!({}))
                .send(),
            201,
        );
    }
    clock.set("2026-03-06T18:00:00+08:00");
    let month = ok(
        app.get(&format!(
            "/api/v1/attendance-months?month=2026-03&user_id={eng_id}"
        ))
        .bearer(&mgr)
        .send(),
        200,
    );
    assert_eq!(
        (
            &month["working_days"],
            &month["late_days"],
            &month["absent_days"],
            &month["leave_days"]
        ),
        (&json!(5), &json!(2), &json!(0), &json!(2))
    );
    assert_eq!(month["fine_fen"], 1_000);
    assert_eq!(month["days"][1]["on_leave"], true);
}
