//! HR-S4 over HTTP: a month graded D flags a re-test; the re-test's result, and its retake's,
//! name that card, and a re-test without a month graded D is refused.
use crate::cards_scorecards::{ok, world};
use serde_json::{Value, json};

#[test]
fn hr_s4_a_d_card_s_retest_flag_leads_to_its_retest_and_retake() {
    let w = world("2026-01-05T09:00:00+08:00");
    let app = &w.app;
    // rep2: QA 50 → 10, + (25 + 0 + 15) + (0 + 0) + (10 − 2 × 5) = 50, graded D; rep: 100, A.
    w.inputs(&w.hr, &w.rep_id, "2026-01", [1000, 950, 900, 800]);
    w.inputs(&w.hr, &w.rep2_id, "2026-01", [500, 750, 700, 600]);
    for _ in 0..2 {
        ok(
            w.event(&w.sup, &w.rep2_id, "2026-01", "conduct_breach"),
            201,
        );
    }
    w.enter_window(&w.rep2_id, "2026-01");
    let d = ok(
        w.finalise(&w.hr, &w.rep2_id, "2026-01", Some("考核未达标")),
        201,
    );
    assert_eq!(
        (
            &d["card"]["total_tenths"],
            &d["outcome"]["grade"],
            &d["outcome"]["flags"]
        ),
        (&json!(500), &json!("D"), &json!(["retest"]))
    );
    ok(
        w.finalise(&w.hr, &w.rep_id, "2026-01", Some("全部达标")),
        201,
    );
    let card_id = d["id"].as_str().unwrap().to_owned();
    w.clock.set("2026-02-25T10:00:00+08:00");

    let session = |body: Value| {
        ok(
            app.post("/api/v1/exam-sessions")
                .bearer(&w.hr)
                .json(&body)
                .send(),
            201,
        )
    };
    let record = |s: &Value, user: &str, scores: Value| {
        app.post(&format!(
            "/api/v1/exam-sessions/{}/results",
            s["id"].as_str().unwrap()
        ))
        .bearer(&w.sup)
        .json(&json!({"user_id": user, "presence": "sat", "scores": scores}))
        .send()
    };
    let retest = session(json!({"kind": "retest", "title": "1 月考核重测",
        "exam_date": "2026-02-06", "parts": ["knowledge", "operation"]}));
    // rep was graded A: nothing to re-test, and nothing is written.
    let refusal = record(
        &retest,
        &w.rep_id,
        json!({"knowledge": 90, "operation": 90}),
    )
    .problem(422, "rule-violation");
    assert_eq!(refusal["rule"], "HR-S4");
    let first = ok(
        record(
            &retest,
            &w.rep2_id,
            json!({"knowledge": 70, "operation": 85}),
        ),
        201,
    );
    assert_eq!(
        (&first["card_id"], &first["passed"], &first["flags"]),
        (&json!(card_id), &json!(false), &json!(["retake"]))
    );
    let retake = session(json!({"kind": "retest", "title": "1 月考核重测补考",
        "exam_date": "2026-02-13", "parts": ["knowledge", "operation"],
        "retake_of": retest["id"]}));
    let second = ok(
        record(
            &retake,
            &w.rep2_id,
            json!({"knowledge": 72, "operation": 88}),
        ),
        201,
    );
    assert_eq!(
        (&second["card_id"], &second["flags"]),
        (&json!(card_id), &json!(["dismissal"])),
        "failing the retake of a re-test flags dismissal, for a person to act on"
    );
    // The card's re-test trail, as its supervisor and HR see it; nobody else.
    let trail = ok(
        app.get(&format!("/api/v1/exam-results?card_id={card_id}"))
            .bearer(&w.sup)
            .send(),
        200,
    );
    let ids: Vec<&Value> = trail["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| &r["id"])
        .collect();
    assert_eq!(ids, [&first["id"], &second["id"]]);
    let unseen = ok(
        app.get(&format!("/api/v1/exam-results?card_id={card_id}"))
            .bearer(&w.rep)
            .send(),
        200,
    );
    assert_eq!(
        unseen["items"],
        json!([]),
        "another representative sees none of it"
    );
    // The D card is re-tested: another re-test session finds nothing left to re-test.
    let again = session(json!({"kind": "retest", "title": "再次重测",
        "exam_date": "2026-02-20", "parts": ["knowledge"]}));
    let p = record(&again, &w.rep2_id, json!({"knowledge": 95})).problem(422, "rule-violation");
    assert_eq!(p["rule"], "HR-S4");
}
