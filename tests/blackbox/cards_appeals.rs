//! HR-S2/HR-S6 over HTTP: score events with evidence against a person, who is told and may
//! appeal within 7 days; a supervisor who did not issue the event decides; upheld, the
//! deduction leaves the card and the issuer gets −10 and a warning in the same month.
use crate::cards_scorecards::{ok, world};
use crate::{actions, audit_of};
use serde_json::json;

fn points_of(card: &serde_json::Value) -> i64 {
    card["card"]["total_tenths"].as_i64().unwrap()
}

#[test]
fn hr_s6_an_upheld_appeal_removes_the_deduction_and_gives_the_issuer_minus_10() {
    let w = world("2026-03-02T09:00:00+08:00");
    let app = &w.app;
    w.inputs(&w.sup, &w.rep_id, "2026-03", [1000, 950, 900, 800]);
    // Who issues: the supervisor, HR, managers; nobody for themselves, no one else at all.
    w.event(&w.stranger, &w.rep_id, "2026-03", "record_unclear")
        .problem(403, "forbidden");
    let p = w
        .event(&w.hr, &w.hr_id, "2026-03", "record_unclear")
        .problem(422, "validation");
    assert_eq!(p["rule"], "HR-S2");
    let p = w
        .event(&w.hr, &w.rep_id, "2026-03", "satisfaction")
        .problem(422, "validation");
    assert_eq!(p["rule"], "HR-S1");
    // HR issues a −5 (record unclear); the rep is told and the card drops to 95.
    let event = ok(w.event(&w.hr, &w.rep_id, "2026-03", "record_unclear"), 201);
    assert_eq!(event["points"], -5);
    assert_eq!(event["status"], "active");
    assert_eq!(event["issued_by"], w.hr_id.as_str());
    let event_id = event["id"].as_str().unwrap().to_owned();
    let inbox = ok(
        app.get("/api/v1/me/notifications").bearer(&w.rep).send(),
        200,
    );
    assert_eq!(inbox["items"][0]["kind"], "score_event.issued");
    assert_eq!(points_of(&w.card(&w.rep, &w.rep_id, "2026-03")), 950);
    // The events list: the rep sees it, a stranger does not.
    let mine = ok(
        app.get("/api/v1/score-events?month=2026-03")
            .bearer(&w.rep)
            .send(),
        200,
    );
    assert_eq!(mine["items"][0]["id"], event_id.as_str());
    app.get(&format!("/api/v1/score-events/{event_id}"))
        .bearer(&w.stranger)
        .send()
        .problem(404, "not-found");
    // A second event, appealed too late: more than 7 days after its issue.
    let late = ok(w.event(&w.sup, &w.rep_id, "2026-03", "summary_late"), 201);
    // Only the person appeals; then within the window.
    app.post(&format!("/api/v1/score-events/{event_id}/appeals"))
        .bearer(&w.sup)
        .json(&json!({"reason": "不是我"}))
        .send()
        .problem(403, "forbidden");
    let appeal = ok(
        app.post(&format!("/api/v1/score-events/{event_id}/appeals"))
            .bearer(&w.rep)
            .json(&json!({"reason": "当天记录完整，见工单截图"}))
            .send(),
        201,
    );
    assert_eq!(appeal["status"], "pending");
    let appeal_id = appeal["id"].as_str().unwrap().to_owned();
    // The rep's supervisor, who did not issue it, is told there is an appeal to decide.
    let inbox = ok(
        app.get("/api/v1/me/notifications").bearer(&w.sup).send(),
        200,
    );
    let filed: Vec<&serde_json::Value> = inbox["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|n| n["kind"] == "score_appeal.filed")
        .collect();
    assert_eq!(filed.len(), 1, "{inbox}");
    assert_eq!(filed[0]["entity_id"], appeal_id.as_str(), "{inbox}");
    assert_eq!(filed[0]["body"], "当天记录完整，见工单截图");
    w.clock.set("2026-03-10T09:00:01+08:00");
    let p = app
        .post(&format!(
            "/api/v1/score-events/{}/appeals",
            late["id"].as_str().unwrap()
        ))
        .bearer(&w.rep)
        .json(&json!({"reason": "迟了"}))
        .send()
        .problem(422, "rule-violation");
    assert_eq!(p["rule"], "HR-S6");
    // The issuer may not decide; the rep's supervisor does.
    let decide = |token: &str, version: &str| {
        app.post(&format!("/api/v1/score-appeals/{appeal_id}/decide"))
            .bearer(token)
            .if_match(version)
            .json(&json!({"outcome": "upheld", "note": "核实记录完整"}))
            .send()
    };
    decide(&w.hr, "\"1\"").problem(403, "forbidden");
    let decided = ok(decide(&w.sup, "\"1\""), 200);
    assert_eq!(decided["status"], "upheld");
    let penalty_id = decided["penalty_event_id"].as_str().unwrap().to_owned();
    decide(&w.sup, "\"2\"").rule_conflict("HR-S6");
    // The deduction is cancelled: the rep's card is back to 100 − 5 (the late summary).
    let cancelled = ok(
        app.get(&format!("/api/v1/score-events/{event_id}"))
            .bearer(&w.rep)
            .send(),
        200,
    );
    assert_eq!(cancelled["status"], "cancelled");
    assert_eq!(cancelled["cancelled_by_appeal_id"], appeal_id.as_str());
    assert_eq!(points_of(&w.card(&w.rep, &w.rep_id, "2026-03")), 950);
    let card = w.card(&w.rep, &w.rep_id, "2026-03");
    let lines = card["card"]["sections"].to_string();
    assert!(!lines.contains(&event_id), "{lines}");
    // The issuer: −10 in the same month, with a warning.
    let penalty = ok(
        app.get(&format!("/api/v1/score-events/{penalty_id}"))
            .bearer(&w.admin)
            .send(),
        200,
    );
    assert_eq!(penalty["user_id"], w.hr_id.as_str());
    assert_eq!(penalty["month"], "2026-03");
    assert_eq!(penalty["points"], -10);
    assert_eq!(penalty["item_key"], "appeal_upheld_against_issuer");
    assert_eq!(penalty["penalty_for_event_id"], event_id.as_str());
    let issuer_card = w.card(&w.admin, &w.hr_id, "2026-03");
    let adjustments = issuer_card["card"]["adjustments"].as_array().unwrap();
    assert!(
        adjustments
            .iter()
            .any(|l| l["event_id"] == penalty_id.as_str() && l["points_tenths"] == -100),
        "{adjustments:?}"
    );
    let inbox = ok(
        app.get("/api/v1/me/notifications").bearer(&w.hr).send(),
        200,
    );
    assert!(
        inbox["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|n| n["kind"] == "score_appeal.issuer_warning"),
        "{inbox}"
    );
    assert_eq!(
        actions(&audit_of(app, &w.admin, "score_event", &event_id)),
        ["score_event.issue", "score_event.cancel"]
    );
    assert_eq!(
        actions(&audit_of(app, &w.admin, "score_appeal", &appeal_id)),
        ["score_appeal.file", "score_appeal.decide"]
    );
    let appeals = ok(
        app.get("/api/v1/score-appeals?status=upheld")
            .bearer(&w.rep)
            .send(),
        200,
    );
    assert_eq!(appeals["items"][0]["id"], appeal_id.as_str());
    let csv = app
        .get("/api/v1/score-events/export?format=csv")
        .bearer(&w.manager)
        .send();
    assert_eq!(csv.status, 200, "{}", csv.body);
    assert!(
        csv.body.contains("appeal_upheld_against_issuer"),
        "{}",
        csv.body
    );
}

#[test]
fn hr_s3_in_the_window_the_supervisor_is_reminded_of_cards_not_finalised() {
    let w = world("2026-03-02T09:00:00+08:00");
    w.inputs(&w.sup, &w.rep_id, "2026-03", [1000, 950, 900, 800]);
    w.enter_window(&w.rep_id, "2026-03");
    ok(
        w.finalise(&w.sup, &w.rep_id, "2026-03", Some("全部达标")),
        201,
    );
    let runner = w
        .app
        .another_instance(&[("KEFU_JOBS_ENABLED", "1"), ("KEFU_JOBS_POLL_MS", "50")]);
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    let told = loop {
        let inbox = ok(
            w.app.get("/api/v1/me/notifications").bearer(&w.sup).send(),
            200,
        );
        let told: Vec<serde_json::Value> = inbox["items"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|n| n["kind"] == "scorecard.finalise_due")
            .cloned()
            .collect();
        if !told.is_empty() {
            break told;
        }
        assert!(std::time::Instant::now() < deadline, "no reminder: {inbox}");
        std::thread::sleep(std::time::Duration::from_millis(100));
    };
    drop(runner);
    // One reminder for the team: rep2's card is open, rep's is finalised.
    assert_eq!(told.len(), 1, "{told:?}");
    assert_eq!(told[0]["title"], "2026-03 月度考核待定稿：1 人");
}
