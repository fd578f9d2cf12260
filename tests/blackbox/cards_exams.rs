//! HR-T1/HR-T2/HR-S2 over HTTP: exam sessions and results; a monthly exam's results are the
//! month's exam scores on the card and its close ranks it and issues the HR-S2 events; one
//! retake, then the dismissal flag.
use crate::cards_scorecards::{ok, world};
use crate::{actions, audit_of};
use kefu_blackbox::{Resp, TestApp};
use serde_json::{Value, json};

fn session(app: &TestApp, token: &str, body: Value) -> Resp {
    app.post("/api/v1/exam-sessions")
        .bearer(token)
        .json(&body)
        .send()
}

fn record(app: &TestApp, token: &str, session: &Value, body: Value) -> Resp {
    app.post(&format!(
        "/api/v1/exam-sessions/{}/results",
        session["id"].as_str().unwrap()
    ))
    .bearer(token)
    .json(&body)
    .send()
}

fn close(app: &TestApp, token: &str, session: &Value) -> Resp {
    app.post(&format!(
        "/api/v1/exam-sessions/{}/close",
        session["id"].as_str().unwrap()
    ))
    .bearer(token)
    .if_match(&format!("\"{}\"", session["version"]))
    .send()
}

fn item_keys(app: &TestApp, token: &str, user: &str) -> Vec<String> {
    let mut keys: Vec<String> = ok(
        app.get(&format!(
            "/api/v1/score-events?user_id={user}&month=2026-03"
        ))
        .bearer(token)
        .send(),
        200,
    )["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["item_key"].as_str().unwrap().to_owned())
        .collect();
    keys.sort();
    keys
}

#[test]
fn hr_s2_monthly_exam_results_are_the_cards_exam_scores_and_closing_ranks_them() {
    let w = world("2026-03-02T09:00:00+08:00");
    let app = &w.app;
    let monthly = json!({"kind": "monthly", "title": "3 月业务考试", "exam_date": "2026-03-10",
                         "parts": ["knowledge", "operation"]});
    session(app, &w.stranger, monthly.clone()).problem(403, "forbidden");
    session(app, &w.sup, monthly.clone()).problem(403, "forbidden");
    let s = ok(session(app, &w.hr, monthly), 201);
    assert_eq!(
        (&s["pass_mark"], &s["attempt"], &s["status"]),
        (&json!(80), &json!(1), &json!("open"))
    );
    // Every staff member reads sessions; results are private.
    let read = ok(
        app.get(&format!(
            "/api/v1/exam-sessions/{}",
            s["id"].as_str().unwrap()
        ))
        .bearer(&w.stranger)
        .send(),
        200,
    );
    assert_eq!(read["title"], "3 月业务考试");
    let sat = json!({"user_id": w.rep_id, "presence": "sat",
                     "scores": {"knowledge": 75, "operation": 64}});
    let p = record(app, &w.sup, &s, sat.clone()).problem(422, "rule-violation");
    assert_eq!(p["rule"], "HR-S2", "not before the exam's day");
    w.clock.set("2026-03-10T15:00:00+08:00");
    let p = record(
        app,
        &w.sup,
        &s,
        json!({"user_id": w.rep_id, "presence": "sat", "scores": {"knowledge": 75}}),
    )
    .problem(422, "validation");
    assert_eq!(p["rule"], "HR-S2", "every part needs a score");
    let r1 = ok(record(app, &w.sup, &s, sat.clone()), 201);
    assert_eq!(
        (&r1["counted"], &r1["passed"], &r1["flags"]),
        (
            &json!({"knowledge": 75, "operation": 64}),
            &json!(false),
            &json!([])
        )
    );
    record(app, &w.sup, &s, sat).problem(409, "conflict");
    let r2 = ok(
        record(
            app,
            &w.sup,
            &s,
            json!({"user_id": w.rep2_id, "presence": "cheated"}),
        ),
        201,
    );
    assert_eq!(r2["counted"], json!({"knowledge": 0, "operation": 0}));
    // The supervisor assesses their team only; nobody records their own.
    let p = record(
        app,
        &w.sup,
        &s,
        json!({"user_id": w.hr_id, "presence": "absent_unexcused"}),
    )
    .problem(422, "validation");
    assert_eq!(p["errors"][0]["field"], "user_id");
    let r1_url = format!("/api/v1/exam-results/{}", r1["id"].as_str().unwrap());
    app.get(&r1_url)
        .bearer(&w.stranger)
        .send()
        .problem(404, "not-found");
    ok(app.get(&r1_url).bearer(&w.rep).send(), 200);
    let theirs = ok(
        app.get("/api/v1/exam-results").bearer(&w.stranger).send(),
        200,
    );
    assert_eq!(theirs["items"], json!([]));
    let mine = ok(app.get("/api/v1/exam-results").bearer(&w.rep).send(), 200);
    assert_eq!(mine["items"].as_array().unwrap().len(), 1);

    // The card counts the results, not inputs: knowledge 75 −5, operation 64 −3.
    ok(
        app.post(&format!("/api/v1/scorecards/{}/2026-03/inputs", w.rep_id))
            .bearer(&w.sup)
            .json(&json!({"position": "call_centre_representative",
                           "qa_average_tenths": 920, "measures": {"satisfaction": 870}}))
            .send(),
        201,
    );
    let card = w.card(&w.rep, &w.rep_id, "2026-03");
    assert_eq!(card["card"]["missing_measures"], json!([]));
    assert_eq!(card["card"]["total_tenths"], 874);

    // Closing ranks those who sat it and issues the HR-S2 events.
    let closed = ok(close(app, &w.hr, &s), 200);
    assert_eq!(closed["status"], "closed");
    close(app, &w.hr, &closed).rule_conflict("HR-S2");
    assert_eq!(
        item_keys(app, &w.hr, &w.rep_id),
        ["exam_failed", "exam_top_three"]
    );
    assert_eq!(item_keys(app, &w.hr, &w.rep2_id), ["exam_failed"]);
    let r1 = ok(app.get(&r1_url).bearer(&w.rep).send(), 200);
    assert_eq!(
        (&r1["top_place"], &r1["version"]),
        (&json!(true), &json!(2))
    );
    // +5 and −5 on the card: the total holds.
    let card = w.card(&w.rep, &w.rep_id, "2026-03");
    assert_eq!(card["card"]["total_tenths"], 874);
    record(
        app,
        &w.hr,
        &closed,
        json!({"user_id": w.rep_id, "presence": "absent_excused"}),
    )
    .rule_conflict("HR-S2");
    assert_eq!(
        actions(&audit_of(
            app,
            &w.admin,
            "exam_session",
            s["id"].as_str().unwrap()
        )),
        ["exam_session.create", "exam_session.close"]
    );
    let csv = app
        .get("/api/v1/exam-results/export?format=csv")
        .bearer(&w.hr)
        .send();
    assert_eq!(csv.status, 200, "{}", csv.body);
    assert!(
        csv.body.contains(r1["id"].as_str().unwrap()),
        "{}",
        csv.body
    );
}

#[test]
fn hr_t2_annual_exam_one_retake_then_the_dismissal_flag() {
    let w = world("2026-03-02T09:00:00+08:00");
    let app = &w.app;
    let annual = ok(
        session(
            app,
            &w.hr,
            json!({"kind": "annual", "title": "2026 年度考试", "exam_date": "2026-03-02",
                   "parts": ["knowledge", "operation"]}),
        ),
        201,
    );
    assert_eq!(annual["pass_mark"], 80);
    let both = |user: &str, k: i64, o: i64| json!({"user_id": user, "presence": "sat", "scores": {"knowledge": k, "operation": o}});
    let passed = ok(record(app, &w.sup, &annual, both(&w.rep_id, 85, 90)), 201);
    assert_eq!(
        (&passed["passed"], &passed["flags"]),
        (&json!(true), &json!([]))
    );
    let failed = ok(record(app, &w.sup, &annual, both(&w.rep2_id, 70, 90)), 201);
    assert_eq!(
        (&failed["passed"], &failed["flags"]),
        (&json!(false), &json!(["retake"]))
    );
    let retake = ok(
        session(
            app,
            &w.hr,
            json!({"kind": "annual", "title": "年度补考", "exam_date": "2026-03-09",
                   "parts": ["knowledge"], "retake_of": annual["id"]}),
        ),
        201,
    );
    assert_eq!(
        (&retake["attempt"], &retake["parts"], &retake["pass_mark"]),
        (&json!(2), &json!(["knowledge", "operation"]), &json!(80))
    );
    w.clock.set("2026-03-09T15:00:00+08:00");
    record(app, &w.sup, &retake, both(&w.rep_id, 90, 90)).rule_conflict("HR-T2");
    let again = ok(record(app, &w.sup, &retake, both(&w.rep2_id, 75, 80)), 201);
    assert_eq!(
        (&again["passed"], &again["flags"]),
        (&json!(false), &json!(["dismissal"]))
    );
    // One retake: neither a second one nor a retake of the retake.
    for of in [&annual, &retake] {
        session(
            app,
            &w.hr,
            json!({"kind": "annual", "title": "再补考", "exam_date": "2026-03-09",
                   "parts": ["knowledge"], "retake_of": of["id"]}),
        )
        .rule_conflict("HR-T2");
    }
    // A monthly exam has no retake; a new hire's pass mark follows the department.
    let monthly = ok(
        session(
            app,
            &w.hr,
            json!({"kind": "monthly", "title": "3 月考试", "exam_date": "2026-03-09",
                   "parts": ["knowledge"]}),
        ),
        201,
    );
    let p = session(
        app,
        &w.hr,
        json!({"kind": "monthly", "title": "补考", "exam_date": "2026-03-09",
               "parts": ["knowledge"], "retake_of": monthly["id"]}),
    )
    .problem(422, "rule-violation");
    assert_eq!(p["rule"], "HR-S2");
    let new_hire = ok(
        session(
            app,
            &w.manager,
            json!({"kind": "new_hire", "title": "新员工考核", "exam_date": "2026-03-09",
                   "parts": ["knowledge", "operation"], "department": "technical_service"}),
        ),
        201,
    );
    assert_eq!(new_hire["pass_mark"], 70);
    let p = session(
        app,
        &w.hr,
        json!({"kind": "new_hire", "title": "新员工考核", "exam_date": "2026-03-09",
               "parts": ["knowledge"], "department": "sales"}),
    )
    .problem(422, "validation");
    assert_eq!(p["rule"], "HR-T1");
}

fn correct(app: &TestApp, token: &str, result: &Value, etag: &str, body: Value) -> Resp {
    app.req(
        "PUT",
        &format!("/api/v1/exam-results/{}", result["id"].as_str().unwrap()),
    )
    .bearer(token)
    .if_match(etag)
    .json(&body)
    .send()
}

#[test]
fn hr_t2_a_recorded_result_is_corrected_while_its_session_is_open_and_final_after() {
    let w = world("2026-03-02T09:00:00+08:00");
    let app = &w.app;
    let annual = ok(
        session(
            app,
            &w.hr,
            json!({"kind": "annual", "title": "2026 年度考试", "exam_date": "2026-03-02",
                   "parts": ["knowledge", "operation"]}),
        ),
        201,
    );
    let both = |user: &str, k: i64, o: i64| json!({"user_id": user, "presence": "sat", "scores": {"knowledge": k, "operation": o}});
    let wrong = ok(record(app, &w.sup, &annual, both(&w.rep_id, 70, 90)), 201);
    assert_eq!(
        (&wrong["passed"], &wrong["flags"]),
        (&json!(false), &json!(["retake"]))
    );
    let fixed = json!({"presence": "sat", "scores": {"knowledge": 85, "operation": 90},
                       "reason": "阅卷漏计第 3 题"});

    // Stale version, no reason, someone who may not record results, someone who cannot see it.
    correct(app, &w.hr, &wrong, "\"7\"", fixed.clone()).problem(412, "precondition-failed");
    let p = correct(
        app,
        &w.hr,
        &wrong,
        "\"1\"",
        json!({"presence": "sat", "scores": {"knowledge": 85, "operation": 90}}),
    )
    .problem(422, "validation");
    assert_eq!(p["errors"][0]["field"], "reason");
    assert_eq!(p["errors"][0]["code"], "required");
    correct(app, &w.rep, &wrong, "\"1\"", fixed.clone()).problem(403, "forbidden");
    correct(app, &w.stranger, &wrong, "\"1\"", fixed.clone()).problem(403, "forbidden");
    let missing = json!({"id": "0192f3a0-0000-7000-8000-00000000dead"});
    correct(app, &w.hr, &missing, "\"1\"", fixed.clone()).problem(404, "not-found");

    let right = ok(correct(app, &w.hr, &wrong, "\"1\"", fixed.clone()), 200);
    assert_eq!(right["id"], wrong["id"]);
    assert_eq!(right["version"], 2);
    assert_eq!(
        (&right["passed"], &right["flags"]),
        (&json!(true), &json!([]))
    );
    assert_eq!(right["note"], "阅卷漏计第 3 题");
    let stored = ok(
        app.get(&format!(
            "/api/v1/exam-results/{}",
            wrong["id"].as_str().unwrap()
        ))
        .bearer(&w.rep)
        .send(),
        200,
    );
    assert_eq!(stored["passed"], true);
    let trail = audit_of(app, &w.admin, "exam_result", wrong["id"].as_str().unwrap());
    assert_eq!(
        actions(&trail),
        ["exam_result.record", "exam_result.correct"]
    );
    assert_eq!(trail[1]["before"]["passed"], false);
    assert_eq!(trail[1]["after"]["passed"], true);
    let inbox = ok(
        app.get("/api/v1/me/notifications").bearer(&w.rep).send(),
        200,
    );
    assert_eq!(inbox["items"][0]["kind"], "exam_result.corrected");

    // rep2 failed; once their retake result is in, the first result is final.
    let failed = ok(record(app, &w.sup, &annual, both(&w.rep2_id, 60, 60)), 201);
    let retake = ok(
        session(
            app,
            &w.hr,
            json!({"kind": "annual", "title": "年度补考", "exam_date": "2026-03-09",
                   "parts": ["knowledge"], "retake_of": annual["id"]}),
        ),
        201,
    );
    w.clock.set("2026-03-09T15:00:00+08:00");
    ok(record(app, &w.sup, &retake, both(&w.rep2_id, 85, 85)), 201);
    correct(app, &w.hr, &failed, "\"1\"", fixed.clone()).rule_conflict("HR-T2");

    // A closed session's results are final.
    let annual = ok(
        app.get(&format!(
            "/api/v1/exam-sessions/{}",
            annual["id"].as_str().unwrap()
        ))
        .bearer(&w.hr)
        .send(),
        200,
    );
    ok(close(app, &w.hr, &annual), 200);
    correct(app, &w.hr, &right, "\"2\"", fixed).rule_conflict("HR-T2");
}
