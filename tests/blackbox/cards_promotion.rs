//! HR-T3 over HTTP: promotion eligibility computed with a reason per condition, and the
//! manager's assessment it reads.
use crate::cards_scorecards::{ok, world};
use crate::{actions, audit_of};
use serde_json::{Value, json};

fn reasons(v: &Value) -> Vec<(String, bool)> {
    v["reasons"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["condition"].as_str().unwrap().to_owned(),
                r["met"].as_bool().unwrap(),
            )
        })
        .collect()
}

fn pairs(v: &[(&str, bool)]) -> Vec<(String, bool)> {
    v.iter().map(|(c, m)| ((*c).to_owned(), *m)).collect()
}

#[test]
fn hr_t3_promotion_eligibility_with_a_reason_per_condition() {
    let w = world("2026-03-02T09:00:00+08:00");
    let app = &w.app;
    let url = format!("/api/v1/promotion-eligibility/{}", w.rep_id);
    // Hired (employee record) today: two years short; no card, no assessment.
    let e = ok(app.get(&url).bearer(&w.sup).send(), 200);
    assert_eq!(e["eligible"], false);
    assert_eq!(e["hired_on"], "2026-03-02");
    assert_eq!(
        reasons(&e),
        pairs(&[
            ("tenure", false),
            ("no_valid_complaint", true),
            ("no_penalty", true),
            ("annual_score", false),
            ("manager_assessment", false),
        ])
    );
    app.get(&url)
        .bearer(&w.stranger)
        .send()
        .problem(404, "not-found");
    let assess = |token: &str, meets: bool| {
        app.post("/api/v1/promotion-assessments")
            .bearer(token)
            .json(&json!({"user_id": w.rep_id, "meets_abilities": meets,
                           "note": "能独立完成调试、维修和培训"}))
            .send()
    };
    assess(&w.sup, true).problem(403, "forbidden");
    let a = ok(assess(&w.manager, true), 201);
    assert_eq!(a["assessed_on"], "2026-03-02");
    // A confirmed fine is a penalty.
    let fine = ok(
        app.post("/api/v1/fines")
            .bearer(&w.manager)
            .json(&json!({"user_id": w.rep_id, "rule": "HR-F3", "evidence": "签字后涂改"}))
            .send(),
        201,
    );
    ok(
        app.post(&format!(
            "/api/v1/fines/{}/confirm",
            fine["id"].as_str().unwrap()
        ))
        .bearer(&w.hr)
        .if_match(&format!("\"{}\"", fine["version"]))
        .send(),
        200,
    );
    let e = ok(app.get(&url).bearer(&w.rep).send(), 200);
    assert_eq!(
        reasons(&e),
        pairs(&[
            ("tenure", false),
            ("no_valid_complaint", true),
            ("no_penalty", false),
            ("annual_score", false),
            ("manager_assessment", true),
        ])
    );
    // The latest assessment counts.
    ok(assess(&w.manager, false), 201);
    let e = ok(app.get(&url).bearer(&w.hr).send(), 200);
    assert_eq!(reasons(&e)[4], ("manager_assessment".to_owned(), false));
    let listed = ok(
        app.get("/api/v1/promotion-assessments")
            .bearer(&w.stranger)
            .send(),
        200,
    );
    assert_eq!(listed["items"], json!([]));
    assert_eq!(
        actions(&audit_of(
            app,
            &w.admin,
            "promotion_assessment",
            a["id"].as_str().unwrap()
        )),
        ["promotion_assessment.record"]
    );
}
