//! Commissioning jobs (CON-7, CON-8) over HTTP on a test clock, on SQLite or PostgreSQL.

use crate::tickets::{World, id, world};
use crate::{actions, audit_of};
use kefu_blackbox::Resp;
use serde_json::{Value, json};
use std::time::{Duration, Instant};

fn create(w: &World, token: &str, body: Value) -> Resp {
    w.app
        .post("/api/v1/commissioning-jobs")
        .bearer(token)
        .json(&body)
        .send()
}

fn created(w: &World, body: Value) -> Value {
    let res = create(w, &w.admin, body);
    assert_eq!(res.status, 201, "{}", res.body);
    res.json()
}

fn cmd(w: &World, token: &str, j: &Value, verb: &str, body: Value) -> Resp {
    w.app
        .post(&format!("/api/v1/commissioning-jobs/{}/{verb}", id(j)))
        .bearer(token)
        .if_match(&format!("\"{}\"", j["version"]))
        .json(&body)
        .send()
}

fn ok(w: &World, token: &str, j: &Value, verb: &str, body: Value) -> Value {
    let res = cmd(w, token, j, verb, body);
    assert_eq!(res.status, 200, "{verb}: {}", res.body);
    res.json()
}

fn listed(w: &World, token: &str, query: &str) -> Vec<String> {
    let res = w
        .app
        .get(&format!("/api/v1/commissioning-jobs{query}"))
        .bearer(token)
        .send();
    assert_eq!(res.status, 200, "{}", res.body);
    res.json()["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|j| id(j).to_owned())
        .collect()
}

fn executive(w: &World) -> String {
    w.app
        .create_user(&w.admin, "exec", &["executive"], "Executive-pass-1");
    w.app.token("exec", "Executive-pass-1")
}

#[test]
fn con_8_a_400_point_job_a_pure_alarm_controller_and_an_addition_bill_400_127_200() {
    let mut w = world();
    w.set_clock("2026-03-02T10:00:00+08:00");
    let exec = executive(&w);
    let job = created(
        &w,
        json!({"title": "某大厦火灾报警系统", "notice_no": "TS-2026-031", "site_id": w.site["id"],
               "controller_points": 400, "engineer_id": w.eng1_id}),
    );
    assert_eq!(job["status"], "pending_approval");
    assert_eq!(
        job["location_class"], "local",
        "杭州市 has a station (ORG-3)"
    );
    assert_eq!(job["customer_id"], w.customer["id"]);
    assert_eq!(
        (
            job["controller_points"].clone(),
            job["billable_points"].clone()
        ),
        (json!(400), json!(400))
    );
    let pure = created(
        &w,
        json!({"title": "仓库报警主机", "notice_no": "TS-2026-032", "site_id": w.other_site["id"],
               "controller_points": 60, "pure_alarm_controller": true, "engineer_id": w.eng2_id}),
    );
    assert_eq!(
        (
            pure["controller_points"].clone(),
            pure["billable_points"].clone()
        ),
        (json!(60), json!(127)),
        "CON-8: 127 whatever the entered size"
    );
    let addition = created(
        &w,
        json!({"title": "某大厦扩容", "notice_no": "TS-2026-040", "original_job_id": job["id"],
               "controller_points": 200, "engineer_id": w.eng1_id}),
    );
    assert_eq!(addition["original_job_id"], job["id"]);
    assert_eq!(addition["site_id"], w.site["id"]);
    assert_eq!(addition["billable_points"], 200, "only the added points");
    // An addition stays at its original's site.
    let p = create(
        &w,
        &w.admin,
        json!({"title": "x", "notice_no": "x", "original_job_id": job["id"],
               "site_id": w.other_site["id"], "controller_points": 1, "engineer_id": w.eng1_id}),
    )
    .problem(422, "validation");
    assert_eq!(p["errors"][0]["field"], "site_id");
    let p = create(
        &w,
        &w.admin,
        json!({"title": "x", "notice_no": "x", "site_id": w.site["id"],
               "controller_points": 1, "engineer_id": w.customer["id"]}),
    )
    .problem(422, "validation");
    assert_eq!(p["errors"][0]["field"], "engineer_id");
    create(
        &w,
        &w.eng1,
        json!({"title": "x", "notice_no": "x", "site_id": w.site["id"],
               "controller_points": 1, "engineer_id": w.eng1_id}),
    )
    .problem(403, "forbidden");

    // CON-7: the executive approves the notice; the manager may not; the engineer is told.
    cmd(&w, &w.manager, &job, "approve", json!({})).problem(403, "forbidden");
    let job = ok(&w, &exec, &job, "approve", json!({}));
    assert_eq!(job["status"], "approved");
    assert_eq!(job["approved_on"], "2026-03-02");
    cmd(&w, &exec, &job, "approve", json!({})).rule_conflict("CON-7");
    let inbox = w.app.get("/api/v1/me/notifications").bearer(&w.eng1).send();
    assert!(
        inbox.json()["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|n| n["kind"] == "commissioning_job.approved" && n["entity_id"] == job["id"]),
        "{}",
        inbox.body
    );

    // ORG-5: an engineer sees only their own jobs; another's reads as 404.
    assert_eq!(listed(&w, &w.eng1, ""), {
        let mut v = vec![id(&job).to_owned(), id(&addition).to_owned()];
        v.sort();
        v
    });
    assert_eq!(listed(&w, &w.eng2, ""), [id(&pure).to_owned()]);
    w.app
        .get(&format!("/api/v1/commissioning-jobs/{}", id(&job)))
        .bearer(&w.eng2)
        .send()
        .problem(404, "not-found");
    cmd(
        &w,
        &w.eng2,
        &job,
        "commission",
        json!({"started_on": "2026-03-02", "ended_on": "2026-03-02"}),
    )
    .problem(404, "not-found");
    assert_eq!(
        listed(&w, &w.admin, &format!("?original_job_id={}", id(&job))),
        [id(&addition).to_owned()]
    );

    // What billing reads, stored: the billable points of each job.
    let res = w
        .app
        .get("/api/v1/commissioning-jobs?limit=200")
        .bearer(&w.admin)
        .send();
    assert_eq!(res.status, 200, "{}", res.body);
    let mut points: Vec<i64> = res.json()["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|j| j["billable_points"].as_i64().unwrap())
        .collect();
    points.sort_unstable();
    assert_eq!(points, [127, 200, 400]);
    let csv = w
        .app
        .get("/api/v1/commissioning-jobs/export?format=csv")
        .bearer(&w.admin)
        .send();
    assert_eq!(csv.status, 200, "{}", csv.body);
    assert!(
        csv.body.contains("billable_points") && csv.body.contains(",true,127,"),
        "{}",
        csv.body
    );

    // Delta sync: only the job commissioned an hour after the creations (a sync half an hour
    // after them is beyond the 60 seconds every delta list reaches back).
    let since = "2026-03-02T10:30:00+08:00".to_owned();
    w.set_clock("2026-03-02T11:00:00+08:00");
    let job = ok(
        &w,
        &w.eng1,
        &job,
        "commission",
        json!({"started_on": "2026-03-02", "ended_on": "2026-03-02"}),
    );
    let changed = listed(
        &w,
        &w.admin,
        &format!("?updated_since={}", since.replace('+', "%2B")),
    );
    assert_eq!(changed, [id(&job).to_owned()]);
    let audit = audit_of(&w.app, &w.admin, "commissioning_job", id(&job));
    assert_eq!(
        actions(&audit),
        [
            "commissioning_job.create",
            "commissioning_job.approve",
            "commissioning_job.commission"
        ]
    );
}

#[test]
fn con_7_documents_late_callback_recheck_over_1000_points_and_acceptance() {
    let mut w = world();
    w.set_clock("2026-03-02T09:00:00+08:00");
    let exec = executive(&w);
    w.app
        .create_user(&w.admin, "clerk", &["clerk"], "Clerk-pass-1");
    let job = created(
        &w,
        json!({"title": "商场报警联动", "notice_no": "TS-2026-050", "site_id": w.site["id"],
               "controller_points": 1200, "engineer_id": w.eng1_id}),
    );
    cmd(
        &w,
        &w.eng1,
        &job,
        "commission",
        json!({"started_on": "2026-03-02", "ended_on": "2026-03-02"}),
    )
    .rule_conflict("CON-7");
    let job = ok(&w, &exec, &job, "approve", json!({}));

    // Friday 6 March the work ends: the documents are due Monday 9 March (3 calendar days).
    w.set_clock("2026-03-06T18:00:00+08:00");
    let p = cmd(
        &w,
        &w.eng1,
        &job,
        "commission",
        json!({"started_on": "2026-03-07", "ended_on": "2026-03-06"}),
    )
    .problem(422, "validation");
    assert_eq!(p["errors"][0]["field"], "ended_on");
    let job = ok(
        &w,
        &w.eng1,
        &job,
        "commission",
        json!({"started_on": "2026-03-02", "ended_on": "2026-03-06"}),
    );
    assert_eq!(job["status"], "commissioned");
    assert_eq!(job["documents_due_on"], "2026-03-09");
    w.set_clock("2026-03-08T10:00:00+08:00");
    let clerk = w.app.token("clerk", "Clerk-pass-1");
    cmd(
        &w,
        &w.eng1,
        &job,
        "hand-in",
        json!({"documents": ["project_file"]}),
    )
    .problem(403, "forbidden");
    let job = ok(
        &w,
        &clerk,
        &job,
        "hand-in",
        json!({"documents": ["project_file", "satisfaction_questionnaire"]}),
    );
    assert_eq!(job["project_file_on"], "2026-03-08");
    assert_eq!(job["documents_late"], false);
    cmd(
        &w,
        &clerk,
        &job,
        "hand-in",
        json!({"documents": ["project_file"]}),
    )
    .rule_conflict("CON-7");
    // CON-7: no callback before all three documents are in; the English detail names the
    // missing one (a zh-CN one names the rule only).
    let p = w
        .app
        .post(&format!(
            "/api/v1/commissioning-jobs/{}/confirm-callback",
            id(&job)
        ))
        .bearer(&clerk)
        .header("Accept-Language", "en")
        .if_match(&format!("\"{}\"", job["version"]))
        .json(&json!({}))
        .send()
        .problem(422, "rule-violation");
    assert_eq!(p["rule"], "CON-7");
    assert!(
        p["detail"].as_str().unwrap().contains("settlement_notice"),
        "{p}"
    );
    assert_eq!(
        w.app
            .get(&format!("/api/v1/commissioning-jobs/{}", id(&job)))
            .bearer(&w.admin)
            .send()
            .json()["version"],
        job["version"],
        "the refusal changed nothing"
    );

    // Wednesday 11 March: the settlement notice is two days late; the job tells the engineer
    // once, with the scheduler on two instances.
    w.set_clock("2026-03-11T09:00:00+08:00");
    let clerk = w.app.token("clerk", "Clerk-pass-1");
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
            .filter(|n| n["kind"] == "commissioning_job.documents_late")
            .cloned()
            .collect()
    };
    let deadline = Instant::now() + Duration::from_secs(60);
    while told(&w).is_empty() {
        assert!(Instant::now() < deadline, "no late-documents notice");
        std::thread::sleep(Duration::from_millis(200));
    }
    std::thread::sleep(Duration::from_secs(2));
    drop(runners);
    let notices = told(&w);
    assert_eq!(notices.len(), 1, "{notices:?}");
    assert!(
        notices[0]["body"]
            .as_str()
            .unwrap()
            .contains("工程调试通知及结算单"),
        "{notices:?}"
    );
    let audit = audit_of(&w.app, &w.admin, "commissioning_job", id(&job));
    let marked: Vec<&Value> = audit
        .iter()
        .filter(|e| e["action"] == "commissioning_job.documents_late")
        .collect();
    assert_eq!(marked.len(), 1, "{audit:?}");
    let job = w
        .app
        .get(&format!("/api/v1/commissioning-jobs/{}", id(&job)))
        .bearer(&w.eng1)
        .send()
        .json();
    assert_eq!(job["documents_late_noticed_on"], "2026-03-11");
    assert_eq!(
        (
            job["documents_late"].clone(),
            job["documents_late_days"].clone()
        ),
        (json!(true), json!(2))
    );

    let job = ok(
        &w,
        &clerk,
        &job,
        "hand-in",
        json!({"documents": ["settlement_notice"], "handed_in_on": "2026-03-11"}),
    );
    assert_eq!(
        (
            job["documents_late"].clone(),
            job["documents_late_days"].clone()
        ),
        (json!(true), json!(2))
    );
    // Over 1000 points: the clerk's callback leaves the manager's re-check due the next day.
    let job = ok(
        &w,
        &clerk,
        &job,
        "confirm-callback",
        json!({"note": "客户确认调试完成"}),
    );
    assert_eq!(job["status"], "awaiting_recheck");
    assert_eq!(job["recheck_required"], true);
    assert_eq!(job["recheck_due_on"], "2026-03-12");
    cmd(&w, &clerk, &job, "recheck", json!({})).problem(403, "forbidden");
    w.set_clock("2026-03-12T10:00:00+08:00");
    let job = ok(&w, &w.manager, &job, "recheck", json!({}));
    assert_eq!(job["status"], "completed");
    assert_eq!(job["rechecked_on"], "2026-03-12");
    cmd(&w, &w.manager, &job, "recheck", json!({})).rule_conflict("CON-7");
    let job = ok(
        &w,
        &w.eng1,
        &job,
        "record-acceptance",
        json!({"accepted_on": "2026-03-12"}),
    );
    assert_eq!(job["acceptance_on"], "2026-03-12");
    cmd(&w, &w.eng1, &job, "record-acceptance", json!({})).rule_conflict("CON-7");
    let audit = audit_of(&w.app, &w.admin, "commissioning_job", id(&job));
    assert_eq!(
        actions(&audit),
        [
            "commissioning_job.create",
            "commissioning_job.approve",
            "commissioning_job.commission",
            "commissioning_job.hand_in",
            "commissioning_job.documents_late",
            "commissioning_job.hand_in",
            "commissioning_job.confirm_callback",
            "commissioning_job.recheck",
            "commissioning_job.record_acceptance",
        ]
    );
    let confirm = &audit[6];
    assert_eq!(confirm["after"]["note"], "客户确认调试完成", "{confirm}");
    assert_eq!(confirm["before"]["status"], "commissioned");
}
