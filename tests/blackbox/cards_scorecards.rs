//! HR-S1..S5 over HTTP: a month's measured scores and events make a card, previewed any
//! time and finalised in the HR-S3 window, then immutable; grades, streaks, stars and flags;
//! who sees and who assesses whose card.
use crate::{actions, audit_of};
use kefu_blackbox::{Clock, Resp, TestApp};
use serde_json::{Value, json};

const PASSWORD: &str = "Secret-pass-123";

pub fn ok(res: Resp, status: u16) -> Value {
    assert_eq!(res.status, status, "{}", res.body);
    res.json()
}

pub struct World {
    pub app: TestApp,
    pub clock: Clock,
    pub admin: String,
    pub manager: String,
    pub hr: String,
    pub hr_id: String,
    pub sup: String,
    pub rep: String,
    pub rep_id: String,
    pub rep2_id: String,
    pub stranger: String,
    pub customer_id: String,
}

/// A supervisor's team of two representatives, HR, a manager and an engineer outside the
/// team, on a file clock at `start`.
pub fn world(start: &str) -> World {
    let (builder, clock) = TestApp::builder().clock(start);
    let app = builder
        .env("KEFU_ACCESS_TOKEN_TTL_SECS", "86400000")
        .spawn();
    let admin = app.admin_token();
    let user = |name: &str, role: &str| {
        let made = app.create_user(&admin, name, &[role], PASSWORD);
        let token = app.token(name, PASSWORD);
        (token, made["id"].as_str().unwrap().to_owned())
    };
    let (manager, _) = user("mgr", "manager");
    let (hr, hr_id) = user("hr", "hr");
    let (sup, sup_id) = user("sup", "supervisor");
    let (rep, rep_id) = user("rep", "clerk");
    let (_, rep2_id) = user("rep2", "clerk");
    let (stranger, _) = user("eng", "engineer");
    let team = ok(
        app.post("/api/v1/teams")
            .bearer(&admin)
            .json(&json!({"name": "话务一组", "supervisor_user_id": sup_id}))
            .send(),
        201,
    );
    for (id, name) in [(&rep_id, "代表一"), (&rep2_id, "代表二")] {
        ok(
            app.post("/api/v1/employees")
                .bearer(&admin)
                .json(&json!({"user_id": id, "name": name, "team_id": team["id"],
                               "supervisor_user_id": sup_id, "station_city": "杭州",
                               "base_salary_fen": 500000}))
                .send(),
            201,
        );
    }
    let customer = ok(
        app.post("/api/v1/customers")
            .bearer(&admin)
            .json(&json!({"name": "甲公司"}))
            .send(),
        201,
    );
    World {
        app,
        clock,
        admin,
        manager,
        hr,
        hr_id,
        sup,
        rep,
        rep_id,
        rep2_id,
        stranger,
        customer_id: customer["id"].as_str().unwrap().to_owned(),
    }
}

impl World {
    pub fn inputs(&self, token: &str, user: &str, month: &str, scores: [i64; 4]) -> Value {
        let [qa, satisfaction, knowledge, operation] = scores;
        ok(
            self.app
                .post(&format!("/api/v1/scorecards/{user}/{month}/inputs"))
                .bearer(token)
                .json(&json!({"position": "call_centre_representative",
                               "qa_average_tenths": qa,
                               "measures": {"satisfaction": satisfaction,
                                            "knowledge_exam": knowledge,
                                            "operation_exam": operation}}))
                .send(),
            201,
        )
    }

    pub fn card(&self, token: &str, user: &str, month: &str) -> Value {
        ok(
            self.app
                .get(&format!("/api/v1/scorecards/{user}/{month}"))
                .bearer(token)
                .send(),
            200,
        )
    }

    pub fn event(&self, token: &str, user: &str, month: &str, item: &str) -> Resp {
        self.app
            .post("/api/v1/score-events")
            .bearer(token)
            .json(&json!({"user_id": user, "month": month, "item_key": item,
                           "evidence": "工单记录不清"}))
            .send()
    }

    pub fn finalise(&self, token: &str, user: &str, month: &str, why: Option<&str>) -> Resp {
        let body = why.map_or(json!({}), |w| json!({"justification": w}));
        self.app
            .post(&format!("/api/v1/scorecards/{user}/{month}/finalise"))
            .bearer(token)
            .json(&body)
            .send()
    }

    /// Moves the clock into the month's finalisation window (its first day, 10:00).
    pub fn enter_window(&self, user: &str, month: &str) {
        let card = self.card(&self.admin, user, month);
        let from = card["finalise_from"].as_str().unwrap().to_owned();
        self.clock.set(&format!("{from}T10:00:00+08:00"));
    }
}

fn section(card: &Value, key: &str) -> i64 {
    card["card"]["sections"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["key"] == key)
        .unwrap()["score_tenths"]
        .as_i64()
        .unwrap()
}

#[test]
fn hr_s1_s3_the_representative_card_is_finalised_in_its_window_and_never_changes() {
    let w = world("2026-03-02T09:00:00+08:00");
    let app = &w.app;
    // QA 92, satisfaction 87, knowledge exam 75, operation exam 64 (tenths).
    let entered = w.inputs(&w.sup, &w.rep_id, "2026-03", [920, 870, 750, 640]);
    assert_eq!(entered["version"], 1);
    w.inputs(&w.sup, &w.rep2_id, "2026-03", [920, 870, 750, 640]);
    let preview = w.card(&w.rep, &w.rep_id, "2026-03");
    assert_eq!(preview["finalised"], false);
    // Service quality 92 × 20% = 18.4; work ability 25 + (15 − 3) + 15 = 52; skills
    // (10 − 5) + (5 − 3) = 7; conduct 10: 87.4, a B.
    assert_eq!(section(&preview, "service_quality"), 184);
    assert_eq!(section(&preview, "work_ability"), 520);
    assert_eq!(section(&preview, "skills"), 70);
    assert_eq!(section(&preview, "conduct"), 100);
    assert_eq!(preview["card"]["total_tenths"], 874);
    assert_eq!(preview["outcome"]["grade"], "B");
    assert_eq!(preview["outcome"]["needs_justification"], false);
    // Privacy: someone outside the team sees nothing; the rep cannot assess themselves.
    app.get(&format!("/api/v1/scorecards/{}/2026-03", w.rep_id))
        .bearer(&w.stranger)
        .send()
        .problem(404, "not-found");
    w.finalise(&w.rep, &w.rep_id, "2026-03", None)
        .problem(403, "forbidden");
    // HR-S3: not in March itself.
    let p = w
        .finalise(&w.sup, &w.rep_id, "2026-03", None)
        .problem(422, "rule-violation");
    assert_eq!(p["rule"], "HR-S3");
    w.enter_window(&w.rep_id, "2026-03");
    let done = ok(w.finalise(&w.sup, &w.rep_id, "2026-03", None), 201);
    assert_eq!(done["finalised"], true);
    assert_eq!(done["card"]["total_tenths"], 874);
    let card_id = done["id"].as_str().unwrap().to_owned();
    // Immutable: a second finalisation, a late event and new scores are 409 HR-S3.
    w.finalise(&w.sup, &w.rep_id, "2026-03", None)
        .rule_conflict("HR-S3");
    w.event(&w.sup, &w.rep_id, "2026-03", "record_unclear")
        .rule_conflict("HR-S3");
    app.req(
        "PUT",
        &format!("/api/v1/scorecards/{}/2026-03/inputs", w.rep_id),
    )
    .bearer(&w.sup)
    .if_match("\"1\"")
    .json(
        &json!({"position": "call_centre_representative", "qa_average_tenths": 1000,
                       "measures": {}}),
    )
    .send()
    .rule_conflict("HR-S3");
    // A rule change for March afterwards: satisfaction costs 2 a point now. The open card of
    // rep2 follows it (−6 instead of −3); the finalised one does not.
    let rules = app
        .get("/api/v1/rules/scorecard-templates")
        .bearer(&w.admin)
        .send();
    let etag = rules.etag();
    let mut value = rules.json()["versions"][0]["value"].clone();
    value["templates"][0]["sections"][1]["subsections"][1]["items"][0]["points"] = json!(2);
    ok(
        app.req(
            "PUT",
            "/api/v1/rules/scorecard-templates/versions/2026-03-01",
        )
        .bearer(&w.admin)
        .if_match(&etag)
        .json(&json!({"value": value}))
        .send(),
        200,
    );
    assert_eq!(
        w.card(&w.manager, &w.rep2_id, "2026-03")["card"]["total_tenths"],
        844
    );
    let after = w.card(&w.rep, &w.rep_id, "2026-03");
    assert_eq!(after["card"], done["card"]);
    assert_eq!(after["outcome"], done["outcome"]);
    // Listed, exported, audited, and the rep told.
    let list = ok(
        app.get("/api/v1/scorecards?month=2026-03")
            .bearer(&w.hr)
            .send(),
        200,
    );
    assert_eq!(list["items"][0]["grade"], "B");
    assert_eq!(list["items"][0]["total_tenths"], 874);
    let theirs = ok(
        app.get("/api/v1/scorecards").bearer(&w.stranger).send(),
        200,
    );
    assert_eq!(theirs["items"], json!([]));
    let csv = app
        .get("/api/v1/scorecards/export?format=csv")
        .bearer(&w.manager)
        .send();
    assert_eq!(csv.status, 200, "{}", csv.body);
    assert!(csv.body.contains("874"), "{}", csv.body);
    assert_eq!(
        actions(&audit_of(app, &w.admin, "scorecard", &card_id)),
        ["scorecard.finalise"]
    );
    let inbox = ok(
        app.get("/api/v1/me/notifications").bearer(&w.rep).send(),
        200,
    );
    assert_eq!(inbox["items"][0]["kind"], "scorecard.finalised");
}

#[test]
fn hr_s4_three_a_months_pay_500_in_the_third_three_c_months_flag_dismissal() {
    let w = world("2026-01-05T09:00:00+08:00");
    let mut last = (Value::Null, Value::Null);
    for (i, month) in ["2026-01", "2026-02", "2026-03"].into_iter().enumerate() {
        // rep: everything full, 100 (A). rep2: 20 + (25 + 0 + 15) + (0 + 0) + 10 − 5 = 65 (C).
        w.inputs(&w.hr, &w.rep_id, month, [1000, 950, 900, 800]);
        w.inputs(&w.hr, &w.rep2_id, month, [1000, 750, 700, 600]);
        ok(w.event(&w.sup, &w.rep2_id, month, "conduct_breach"), 201);
        w.enter_window(&w.rep_id, month);
        let p = w
            .finalise(&w.hr, &w.rep_id, month, None)
            .problem(422, "validation");
        assert_eq!(p["rule"], "HR-S4");
        assert_eq!(p["errors"][0]["field"], "justification");
        let a = ok(w.finalise(&w.hr, &w.rep_id, month, Some("全部达标")), 201);
        let c = ok(
            w.finalise(&w.hr, &w.rep2_id, month, Some("满意度与考试偏低")),
            201,
        );
        assert_eq!(a["outcome"]["grade"], "A");
        assert_eq!(a["outcome"]["grade_amount_fen"], 20_000);
        assert_eq!(c["card"]["total_tenths"], 650);
        assert_eq!(c["outcome"]["grade"], "C");
        assert_eq!(c["outcome"]["grade_amount_fen"], -10_000);
        if i < 2 {
            assert_eq!(a["outcome"]["streak_bonus_fen"], 0);
            assert_eq!(c["outcome"]["flags"], json!([]));
        }
        last = (a, c);
    }
    assert_eq!(last.0["outcome"]["streak_bonus_fen"], 50_000);
    assert_eq!(last.1["outcome"]["flags"], json!(["dismissal"]));
    let flagged = ok(
        w.app
            .get(&format!(
                "/api/v1/scorecards?user_id={}&month=2026-03",
                w.rep2_id
            ))
            .bearer(&w.sup)
            .send(),
        200,
    );
    assert_eq!(flagged["items"][0]["flags"], "dismissal");
}

fn valid_complaint(w: &World, employee: &str, received_at: &str) {
    let c = ok(
        w.app
            .post("/api/v1/complaints")
            .bearer(&w.manager)
            .json(
                &json!({"customer_id": w.customer_id, "employee_id": employee,
                           "channel": "phone", "description": "态度差",
                           "received_at": received_at}),
            )
            .send(),
        201,
    );
    ok(
        w.app
            .post(&format!(
                "/api/v1/complaints/{}/judge",
                c["id"].as_str().unwrap()
            ))
            .bearer(&w.manager)
            .if_match(&format!("\"{}\"", c["version"]))
            .json(&json!({"validity": "valid", "reason": "经核实"}))
            .send(),
        200,
    );
}

#[test]
fn hr_s5_two_complaints_and_96_earn_two_stars_three_complaints_none() {
    let w = world("2026-03-02T09:00:00+08:00");
    // Knowledge exam 76: −4 of a full card: 96 for both.
    w.inputs(&w.sup, &w.rep_id, "2026-03", [1000, 950, 760, 800]);
    w.inputs(&w.sup, &w.rep2_id, "2026-03", [1000, 950, 760, 800]);
    for at in ["2026-03-01T10:00:00+08:00", "2026-03-01T11:00:00+08:00"] {
        valid_complaint(&w, &w.rep_id, at);
        valid_complaint(&w, &w.rep2_id, at);
    }
    valid_complaint(&w, &w.rep2_id, "2026-03-01T12:00:00+08:00");
    // One in February does not count for March.
    valid_complaint(&w, &w.rep_id, "2026-02-27T12:00:00+08:00");
    let two = w.card(&w.sup, &w.rep_id, "2026-03");
    assert_eq!(two["card"]["total_tenths"], 960);
    assert_eq!(two["outcome"]["complaints"], 2);
    assert_eq!(two["outcome"]["stars"], 2);
    assert_eq!(two["outcome"]["star_reward_fen"], 30_000);
    let three = w.card(&w.sup, &w.rep2_id, "2026-03");
    assert_eq!(three["outcome"]["complaints"], 3);
    assert_eq!(three["outcome"]["stars"], 0);
    assert_eq!(three["outcome"]["star_reward_fen"], 0);
    // Finalised, the stars stay on the card.
    w.enter_window(&w.rep_id, "2026-03");
    let done = ok(w.finalise(&w.sup, &w.rep_id, "2026-03", Some("优秀")), 201);
    assert_eq!(done["outcome"]["stars"], 2);
    assert_eq!(done["outcome"]["grade"], "A");
}

#[test]
fn hr_s5_a_team_lead_under_90_three_months_running_is_flagged_for_return() {
    let w = world("2026-01-05T09:00:00+08:00");
    let lead = w
        .app
        .create_user(&w.admin, "lead", &["supervisor"], PASSWORD);
    let lead_id = lead["id"].as_str().unwrap().to_owned();
    let team = ok(
        w.app
            .post("/api/v1/teams")
            .bearer(&w.admin)
            .json(&json!({"name": "话务二组", "supervisor_user_id": lead_id}))
            .send(),
        201,
    );
    ok(
        w.app
            .post("/api/v1/employees")
            .bearer(&w.admin)
            .json(
                &json!({"user_id": lead_id, "name": "组长", "team_id": team["id"],
                           "station_city": "杭州", "base_salary_fen": 600000}),
            )
            .send(),
        201,
    );
    let mut outcomes = Vec::new();
    for month in ["2026-01", "2026-02", "2026-03"] {
        // 20 + (25 + 5 + 15) + (10 + 10) + 10 = 95 for rep; the lead: 20 + 25 + 0 + 15 + 0 + 0 +
        // 10 = 70 (B), under the team lead's floor of 90.
        w.inputs(&w.hr, &lead_id, month, [1000, 750, 700, 600]);
        w.enter_window(&lead_id, month);
        outcomes.push(ok(w.finalise(&w.hr, &lead_id, month, None), 201)["outcome"].clone());
    }
    assert_eq!(outcomes[0]["grade"], "B");
    assert_eq!(outcomes[0]["flags"], json!([]));
    assert_eq!(outcomes[1]["flags"], json!([]));
    assert_eq!(outcomes[2]["flags"], json!(["return_to_representative"]));
}
