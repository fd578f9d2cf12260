//! HR-F0/HR-F* over HTTP: fines proposed by a supervisor, priced by the catalogue (manager
//! amounts for managers), confirmed or cancelled by HR or a manager, the department-fund
//! ledger with its running balance, and who sees whose fines. HR-A2: a finished month's
//! lateness fines proposed once, by command and by the scheduled job.
use crate::{actions, audit_of};
use kefu_blackbox::{Clock, Resp, TestApp};
use serde_json::{Value, json};
use std::time::{Duration, Instant};

const PASSWORD: &str = "Secret-pass-123";

fn ok(res: Resp, status: u16) -> Value {
    assert_eq!(res.status, status, "{}", res.body);
    res.json()
}

struct World {
    app: TestApp,
    clock: Clock,
    admin: String,
    manager: String,
    hr: String,
    sup: String,
    eng: String,
    eng_id: String,
    other: String,
    other_id: String,
    third_id: String,
    boss_id: String,
}

fn world(now: &str) -> World {
    let (builder, clock) = TestApp::builder().clock(now);
    let app = builder.env("KEFU_ACCESS_TOKEN_TTL_SECS", "8640000").spawn();
    let admin = app.admin_token();
    let user = |name: &str, role: &str| {
        let made = app.create_user(&admin, name, &[role], PASSWORD);
        let token = app.token(name, PASSWORD);
        (token, made["id"].as_str().unwrap().to_owned())
    };
    let (manager, _) = user("mgr", "manager");
    let (_, boss_id) = user("mgr2", "manager");
    let (hr, _) = user("hr1", "hr");
    let (sup, sup_id) = user("sup", "supervisor");
    let (eng, eng_id) = user("eng", "engineer");
    let (other, other_id) = user("other", "engineer");
    let (_, third_id) = user("third", "engineer");
    let team = ok(
        app.post("/api/v1/teams")
            .bearer(&admin)
            .json(&json!({"name": "一组", "supervisor_user_id": sup_id}))
            .send(),
        201,
    );
    for (id, name, team_id) in [
        (&eng_id, "工程师", team["id"].clone()),
        (&other_id, "另一位", Value::Null),
        (&third_id, "第三位", Value::Null),
    ] {
        ok(
            app.post("/api/v1/employees")
                .bearer(&admin)
                .json(&json!({"user_id": id, "name": name, "track": "aftersales",
                               "level": "junior", "station_city": "杭州", "team_id": team_id,
                               "base_salary_fen": 650000}))
                .send(),
            201,
        );
    }
    World {
        app,
        clock,
        admin,
        manager,
        hr,
        sup,
        eng,
        eng_id,
        other,
        other_id,
        third_id,
        boss_id,
    }
}

impl World {
    fn propose(&self, token: &str, body: Value) -> Resp {
        self.app
            .post("/api/v1/fines")
            .bearer(token)
            .json(&body)
            .send()
    }

    fn step(&self, token: &str, fine: &Value, verb: &str, body: Value) -> Resp {
        self.app
            .post(&format!(
                "/api/v1/fines/{}/{verb}",
                fine["id"].as_str().unwrap()
            ))
            .bearer(token)
            .if_match(&format!("\"{}\"", fine["version"]))
            .json(&body)
            .send()
    }

    fn ids(&self, token: &str, query: &str) -> Vec<String> {
        let page = ok(
            self.app
                .get(&format!("/api/v1/fines{query}"))
                .bearer(token)
                .send(),
            200,
        );
        page["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["id"].as_str().unwrap().to_owned())
            .collect()
    }
}

#[test]
fn hr_f0_a_fine_is_proposed_confirmed_into_the_fund_and_cancelled_back_out() {
    let w = world("2026-03-10T10:00:00+08:00");
    let app = &w.app;
    // A supervisor proposes for their team's member; the catalogue sets the amount.
    let f3 = ok(
        w.propose(
            &w.sup,
            json!({"user_id": w.eng_id, "rule": "HR-F3",
                   "evidence": "服务单 FS-0301 签字后涂改了到场时间", "occurred_on": "2026-03-09"}),
        ),
        201,
    );
    assert_eq!(
        (&f3["rule"], &f3["amount_fen"], &f3["status"], &f3["month"]),
        (
            &json!("HR-F3"),
            &json!(2_000),
            &json!("proposed"),
            &json!("2026-03")
        )
    );
    assert_eq!(f3["dismissal_flag"], false);
    let inbox = ok(
        app.get("/api/v1/me/notifications").bearer(&w.eng).send(),
        200,
    );
    assert_eq!(inbox["items"][0]["kind"], "fine.proposed");
    // Not their team's member; not a proposer; a rule with its own source; an unknown rule.
    let p = w
        .propose(
            &w.sup,
            json!({"user_id": w.other_id, "rule": "HR-F3", "evidence": "x"}),
        )
        .problem(422, "validation");
    assert_eq!(p["errors"][0]["field"], "user_id");
    w.propose(
        &w.eng,
        json!({"user_id": w.other_id, "rule": "HR-F3", "evidence": "x"}),
    )
    .forbidden_by("HR-F0");
    for rule in ["HR-A2", "HR-C1", "HR-F99"] {
        let p = w
            .propose(
                &w.manager,
                json!({"user_id": w.eng_id, "rule": rule, "evidence": "x"}),
            )
            .problem(
                422,
                if rule == "HR-F99" {
                    "validation"
                } else {
                    "rule-violation"
                },
            );
        assert_eq!(p["rule"], "HR-F0", "{rule}");
    }
    // HR-F12: a manager pays the manager amount, an engineer the usual one.
    let f12_boss = ok(
        w.propose(
            &w.manager,
            json!({"user_id": w.boss_id, "rule": "HR-F12", "evidence": "无指令修改主机数据"}),
        ),
        201,
    );
    assert_eq!(f12_boss["amount_fen"], 30_000);
    let f12 = ok(
        w.propose(
            &w.manager,
            json!({"user_id": w.eng_id, "rule": "HR-F12", "evidence": "无指令修改主机数据"}),
        ),
        201,
    );
    assert_eq!(f12["amount_fen"], 20_000);

    // Only HR and managers decide; a confirmation pays into the fund.
    w.step(&w.sup, &f3, "confirm", json!(null))
        .forbidden_by("HR-F0");
    let f3 = ok(w.step(&w.hr, &f3, "confirm", json!(null)), 200);
    assert_eq!(
        (&f3["status"], &f3["version"]),
        (&json!("confirmed"), &json!(2))
    );
    let p = w
        .step(&w.hr, &f3, "confirm", json!(null))
        .problem(409, "conflict");
    assert_eq!(p["rule"], "HR-F0");
    let f12 = ok(w.step(&w.manager, &f12, "confirm", json!(null)), 200);
    // A cancellation after confirmation pays it back out; before confirmation it writes none.
    let f3 = ok(
        w.step(&w.hr, &f3, "cancel", json!({"reason": "申诉成立"})),
        200,
    );
    assert_eq!(
        (&f3["status"], &f3["cancel_reason"]),
        (&json!("cancelled"), &json!("申诉成立"))
    );
    ok(
        w.step(&w.hr, &f12_boss, "cancel", json!({"reason": "误报"})),
        200,
    );
    let p = w
        .step(&w.hr, &f3, "cancel", json!({"reason": "again"}))
        .problem(409, "conflict");
    assert_eq!(p["rule"], "HR-F0");

    let ledger = ok(app.get("/api/v1/fund-ledger").bearer(&w.hr).send(), 200);
    let rows: Vec<(String, i64, i64)> = ledger["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["entry"].as_str().unwrap().to_owned(),
                e["amount_fen"].as_i64().unwrap(),
                e["balance_fen"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        rows,
        [
            ("fine_confirmed".to_owned(), 2_000, 2_000),
            ("fine_confirmed".to_owned(), 20_000, 22_000),
            ("fine_reversed".to_owned(), -2_000, 20_000),
        ]
    );
    // A second page continues the running balance.
    let page2 = ok(
        app.get(&format!(
            "/api/v1/fund-ledger?limit=2&cursor={}",
            ok(
                app.get("/api/v1/fund-ledger?limit=2")
                    .bearer(&w.manager)
                    .send(),
                200
            )["next_cursor"]
                .as_str()
                .unwrap()
        ))
        .bearer(&w.manager)
        .send(),
        200,
    );
    assert_eq!(page2["items"][0]["balance_fen"], 20_000);
    app.get("/api/v1/fund-ledger")
        .bearer(&w.sup)
        .send()
        .problem(403, "forbidden");
    assert_eq!(
        actions(&audit_of(app, &w.admin, "fine", f3["id"].as_str().unwrap())),
        ["fine.propose", "fine.confirm", "fine.cancel"]
    );

    // Privacy: one's own, a supervisor their team's, the office everyone's; others 404.
    let mut own = w.ids(&w.eng, "");
    own.sort();
    let mut expected = vec![
        f3["id"].as_str().unwrap().to_owned(),
        f12["id"].as_str().unwrap().to_owned(),
    ];
    expected.sort();
    assert_eq!(own, expected);
    assert_eq!(w.ids(&w.sup, "").len(), 2);
    assert_eq!(w.ids(&w.manager, "").len(), 3);
    assert_eq!(w.ids(&w.other, ""), Vec::<String>::new());
    assert_eq!(w.ids(&w.other, &format!("?user_id={}", w.eng_id)).len(), 0);
    assert_eq!(
        w.ids(&w.hr, "?status=confirmed"),
        [f12["id"].as_str().unwrap()]
    );
    app.get(&format!("/api/v1/fines/{}", f3["id"].as_str().unwrap()))
        .bearer(&w.other)
        .send()
        .problem(404, "not-found");
    let got = ok(
        app.get(&format!("/api/v1/fines/{}", f3["id"].as_str().unwrap()))
            .bearer(&w.eng)
            .send(),
        200,
    );
    assert_eq!(got["status"], "cancelled");
    let csv = app
        .get("/api/v1/fines/export?format=csv")
        .bearer(&w.hr)
        .send();
    assert_eq!(csv.status, 200, "{}", csv.body);
    assert!(csv.body.contains("HR-F12"), "{}", csv.body);
    // Delta sync returns the changed fines.
    let delta = ok(
        app.get("/api/v1/fines?updated_since=2026-03-01T00:00:00%2B08:00")
            .bearer(&w.hr)
            .send(),
        200,
    );
    assert_eq!(delta["items"].as_array().unwrap().len(), 3);
}

/// Clocks `user` in at `time` on each of `days` of March 2026.
fn late_in_march(w: &World, name: &str, days: &[u32], time: &str) {
    // Signed in before the first day: a token is not valid before it was issued.
    w.clock.set("2026-03-01T07:00:00+08:00");
    let token = w.app.token(name, PASSWORD);
    for day in days {
        w.clock.set(&format!("2026-03-{day:02}T{time}:00+08:00"));
        ok(
            w.app
                .post("/api/v1/attendance/clock-in")
                .bearer(&token)
                .json(&json!({}))
                .send(),
            201,
        );
    }
}

fn march_lateness(w: &World) {
    late_in_march(w, "eng", &[2, 3, 4], "08:10");
    late_in_march(w, "other", &[2, 3, 4, 5, 6], "08:10");
    late_in_march(w, "third", &[2, 3, 4, 5, 6, 9, 10, 11], "08:10");
}

fn amounts(run: &Value) -> Vec<(String, i64)> {
    let mut v: Vec<(String, i64)> = run["proposed"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["user_id"].as_str().unwrap().to_owned(),
                f["amount_fen"].as_i64().unwrap(),
            )
        })
        .collect();
    v.sort();
    v
}

#[test]
fn hr_a2_a_finished_months_lateness_fines_are_proposed_once_3_days_15_yuan_5_100_8_half_salary() {
    let w = world("2026-03-01T07:00:00+08:00");
    march_lateness(&w);
    let app = &w.app;
    w.clock.set("2026-03-31T18:00:00+08:00");
    let p = app
        .post("/api/v1/lateness-fines")
        .bearer(&w.hr)
        .json(&json!({"month": "2026-03"}))
        .send()
        .problem(422, "validation");
    assert_eq!(p["rule"], "HR-A2");
    w.clock.set("2026-04-01T09:00:00+08:00");
    app.post("/api/v1/lateness-fines")
        .bearer(&w.sup)
        .json(&json!({"month": "2026-03"}))
        .send()
        .problem(403, "forbidden");
    let run = ok(
        app.post("/api/v1/lateness-fines")
            .bearer(&w.hr)
            .json(&json!({"month": "2026-03"}))
            .send(),
        200,
    );
    let mut expected = vec![
        (w.eng_id.clone(), 1_500),
        (w.other_id.clone(), 10_000),
        (w.third_id.clone(), 325_000),
    ];
    expected.sort();
    assert_eq!(amounts(&run), expected);
    assert_eq!(run["without_fine"], 0);
    for f in run["proposed"].as_array().unwrap() {
        assert_eq!(
            (&f["rule"], &f["month"]),
            (&json!("HR-A2"), &json!("2026-03"))
        );
        assert_eq!(f["status"], "proposed");
    }
    // Idempotent: a second run proposes nothing new.
    let again = ok(
        app.post("/api/v1/lateness-fines")
            .bearer(&w.manager)
            .json(&json!({"month": "2026-03"}))
            .send(),
        200,
    );
    assert_eq!(again["proposed"], json!([]));
    assert_eq!(again["already_proposed"], 3);
    assert_eq!(w.ids(&w.hr, "?rule=HR-A2&month=2026-03").len(), 3);
    let third = run["proposed"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["user_id"] == w.third_id)
        .unwrap();
    assert_eq!(
        actions(&audit_of(
            app,
            &w.admin,
            "fine",
            third["id"].as_str().unwrap()
        )),
        ["fine.propose"]
    );
}

#[test]
fn hr_a2_the_job_proposes_last_months_fines_on_the_first_working_day_once_across_instances() {
    let w = world("2026-03-01T07:00:00+08:00");
    march_lateness(&w);
    w.clock.set("2026-04-01T08:30:00+08:00");
    let runners = [
        w.app
            .another_instance(&[("KEFU_JOBS_ENABLED", "1"), ("KEFU_JOBS_POLL_MS", "50")]),
        w.app
            .another_instance(&[("KEFU_JOBS_ENABLED", "1"), ("KEFU_JOBS_POLL_MS", "50")]),
    ];
    let deadline = Instant::now() + Duration::from_secs(60);
    while w.ids(&w.hr, "?rule=HR-A2").len() < 3 {
        assert!(Instant::now() < deadline, "no lateness fines proposed");
        std::thread::sleep(Duration::from_millis(200));
    }
    std::thread::sleep(Duration::from_secs(2));
    assert_eq!(w.ids(&w.hr, "?rule=HR-A2&month=2026-03").len(), 3);
    let own = ok(w.app.get("/api/v1/fines").bearer(&w.eng).send(), 200);
    assert_eq!(own["items"][0]["amount_fen"], 1_500);
    assert_eq!(own["items"][0]["issued_by"], Value::Null);
    drop(runners);
}
