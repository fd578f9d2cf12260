//! HR-A1/HR-A2 over HTTP: clocking in and out on the server's (file) clock, excused late
//! starts, a month as the rules read it, and who sees whose attendance.
use crate::{actions, audit_of};
use kefu_blackbox::{Clock, Resp, TestApp};
use serde_json::{Value, json};

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
    executive: String,
    eng: String,
    eng_id: String,
    other: String,
    other_id: String,
}

fn world() -> World {
    let (builder, clock) = TestApp::builder().clock("2026-02-01T07:00:00+08:00");
    // Tokens outlive the month the test walks through.
    let app = builder.env("KEFU_ACCESS_TOKEN_TTL_SECS", "8640000").spawn();
    let admin = app.admin_token();
    let user = |name: &str, role: &str| {
        let made = app.create_user(&admin, name, &[role], PASSWORD);
        let token = app.token(name, PASSWORD);
        (token, made["id"].as_str().unwrap().to_owned())
    };
    let (manager, _) = user("mgr", "manager");
    let (executive, _) = user("boss", "executive");
    let (eng, eng_id) = user("eng", "engineer");
    let (other, other_id) = user("other", "engineer");
    for (id, name) in [(&eng_id, "工程师"), (&other_id, "另一位")] {
        ok(
            app.post("/api/v1/employees")
                .bearer(&admin)
                .json(&json!({"user_id": id, "name": name, "track": "aftersales",
                               "level": "junior", "station_city": "杭州",
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
        executive,
        eng,
        eng_id,
        other,
        other_id,
    }
}

impl World {
    /// Clocks `token` in on `date` at `time`, Beijing time.
    fn clock_in(&self, token: &str, date: &str, time: &str) -> Value {
        self.clock.set(&format!("{date}T{time}:00+08:00"));
        ok(
            self.app
                .post("/api/v1/attendance/clock-in")
                .bearer(token)
                .json(&json!({}))
                .send(),
            201,
        )
    }

    fn month(&self, token: &str, month: &str, user: Option<&str>) -> Resp {
        let query = user.map(|u| format!("&user_id={u}")).unwrap_or_default();
        self.app
            .get(&format!("/api/v1/attendance-months?month={month}{query}"))
            .bearer(token)
            .send()
    }
}

#[test]
fn hr_a1_a2_a_week_with_three_late_days_one_a_half_day_and_an_excused_one_fines_15_yuan() {
    let w = world();
    let app = &w.app;
    // Monday 08:10: late. A second clock-in is refused; the clock-out is recorded.
    w.clock.set("2026-03-02T08:10:00+08:00");
    let monday = ok(
        app.post("/api/v1/attendance/clock-in")
            .bearer(&w.eng)
            .json(&json!({"latitude": 30.2741, "longitude": 120.1551}))
            .send(),
        201,
    );
    assert_eq!(monday["work_date"], "2026-03-02");
    assert_eq!(monday["clock_in_at"], "2026-03-02T00:10:00Z");
    assert_eq!(monday["latitude"], 30.2741);
    app.post("/api/v1/attendance/clock-in")
        .bearer(&w.eng)
        .json(&json!({}))
        .send()
        .problem(409, "conflict");
    app.post("/api/v1/attendance/clock-in")
        .bearer(&w.eng)
        .json(&json!({"latitude": 30.2}))
        .send()
        .problem(422, "validation");
    w.clock.set("2026-03-02T17:30:00+08:00");
    let out = ok(
        app.post("/api/v1/attendance/clock-out")
            .bearer(&w.eng)
            .send(),
        200,
    );
    assert_eq!(out["clock_out_at"], "2026-03-02T09:30:00Z");

    // Tuesday 09:10: late and a half day. Wednesday 08:20, but sent straight to a site.
    w.clock_in(&w.eng, "2026-03-03", "09:10");
    let wednesday = w.clock_in(&w.eng, "2026-03-04", "08:20");
    let day = format!("/api/v1/attendance/{}", wednesday["id"].as_str().unwrap());
    for (token, excuse) in [
        (&w.executive, "direct_to_site"),
        (&w.manager, "weather_or_traffic"),
    ] {
        app.post(&format!("{day}/excuse"))
            .bearer(token)
            .if_match("\"1\"")
            .json(&json!({"excuse": excuse, "reason": "试试"}))
            .send()
            .problem(403, "forbidden");
    }
    let excused = ok(
        app.post(&format!("{day}/excuse"))
            .bearer(&w.manager)
            .if_match("\"1\"")
            .json(&json!({"excuse": "direct_to_site", "reason": "直接去西湖大厦抢修"}))
            .send(),
        200,
    );
    assert_eq!(excused["excuse"], "direct_to_site");
    assert_eq!(excused["version"], 2);
    let inbox = ok(
        app.get("/api/v1/me/notifications").bearer(&w.eng).send(),
        200,
    );
    assert_eq!(inbox["items"][0]["kind"], "attendance.excused");
    // Thursday 08:25 late, Friday on time.
    w.clock_in(&w.eng, "2026-03-05", "08:25");
    w.clock_in(&w.eng, "2026-03-06", "07:50");

    let month = ok(w.month(&w.eng, "2026-03", None), 200);
    assert_eq!(month["through"], "2026-03-06");
    assert_eq!(month["working_days"], 5);
    assert_eq!(
        (
            &month["late_days"],
            &month["half_days"],
            &month["absent_days"]
        ),
        (&json!(3), &json!(1), &json!(0))
    );
    assert_eq!(month["fine_fen"], 1_500);
    assert_eq!(month["dismissal_flag"], false);
    let kinds: Vec<&str> = month["days"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["attendance"].as_str().unwrap())
        .collect();
    assert_eq!(
        kinds,
        ["late", "late_half_day", "on_time", "late", "on_time"]
    );
    assert_eq!(month["days"][2]["excused"], true);
    assert_eq!(
        actions(&audit_of(
            app,
            &w.admin,
            "attendance",
            wednesday["id"].as_str().unwrap()
        )),
        ["attendance.clock_in", "attendance.excuse"]
    );

    // Privacy: another engineer sees neither the days nor the month; the office sees both.
    app.get(&day)
        .bearer(&w.other)
        .send()
        .problem(404, "not-found");
    w.month(&w.other, "2026-03", Some(&w.eng_id))
        .problem(404, "not-found");
    let theirs = ok(
        app.get(&format!("/api/v1/attendance?user_id={}", w.eng_id))
            .bearer(&w.other)
            .send(),
        200,
    );
    assert_eq!(theirs["items"], json!([]));
    let all = ok(
        app.get(&format!("/api/v1/attendance?user_id={}", w.eng_id))
            .bearer(&w.manager)
            .send(),
        200,
    );
    assert_eq!(all["items"].as_array().unwrap().len(), 5);
    let csv = app
        .get("/api/v1/attendance/export?format=csv")
        .bearer(&w.manager)
        .send();
    assert_eq!(csv.status, 200, "{}", csv.body);
    assert!(csv.body.contains("direct_to_site"), "{}", csv.body);
    w.month(&w.eng, "2026-04", None).problem(422, "validation");
}

#[test]
fn hr_a2_eight_late_days_two_months_running_fine_half_the_salary_and_flag_dismissal() {
    let w = world();
    // February 2026: eight late working days before the Spring Festival; March: eight again.
    for day in ["02", "03", "04", "05", "06", "09", "10", "11"] {
        w.clock_in(&w.other, &format!("2026-02-{day}"), "08:05");
    }
    for day in ["02", "03", "04", "05", "06", "09", "10", "11"] {
        w.clock_in(&w.other, &format!("2026-03-{day}"), "08:05");
    }
    w.clock.set("2026-03-11T18:00:00+08:00");
    let february = ok(w.month(&w.admin, "2026-02", Some(&w.other_id)), 200);
    assert_eq!(february["late_days"], 8);
    assert_eq!(february["beyond_limit"], true);
    assert_eq!(february["dismissal_flag"], false);
    // Working days without a clock-in are absences (the Spring Festival holidays are not).
    assert_eq!(february["working_days"], 16);
    assert_eq!(february["absent_days"], 8);
    let march = ok(w.month(&w.admin, "2026-03", Some(&w.other_id)), 200);
    assert_eq!(march["late_days"], 8);
    assert_eq!(march["base_salary_fen"], 650_000);
    assert_eq!(march["fine_fen"], 325_000);
    assert_eq!(march["dismissal_flag"], true);
    // Their own view says the same.
    assert_eq!(
        ok(w.month(&w.other, "2026-03", None), 200)["dismissal_flag"],
        true
    );
}

impl World {
    fn import(&self, token: &str, csv: &str) -> Resp {
        self.app
            .post("/api/v1/attendance/clock-imports")
            .bearer(token)
            .raw("text/csv; charset=utf-8", csv)
            .send()
    }

    fn days(&self, user_id: &str) -> Vec<Value> {
        let page = ok(
            self.app
                .get(&format!(
                    "/api/v1/attendance?user_id={user_id}&from=2026-02-01&to=2026-02-28"
                ))
                .bearer(&self.admin)
                .send(),
            200,
        );
        page["items"].as_array().unwrap().clone()
    }
}

#[test]
fn hr_a1_a_clock_file_adds_days_widens_app_days_counts_lateness_and_imports_twice_harmlessly() {
    let w = world();
    let app = &w.app;
    let hr = app.create_user(&w.admin, "hr", &["hr"], PASSWORD);
    assert!(hr["id"].is_string());
    let hr = app.token("hr", PASSWORD);
    // Monday in the app at 08:05 (late by the app alone); the clock saw 07:58.
    let monday = w.clock_in(&w.eng, "2026-02-02", "08:05");
    w.clock.set("2026-02-06T18:00:00+08:00");
    let csv = "\u{feff}username,work_date,clock_in,clock_out\r\n\
               eng,2026-02-02,07:58,17:40\r\n\
               eng,2026-02-03,08:20,17:31\r\n\
               \"other\",2026-02-03,07:50,\r\n";

    // Only HR, managers and admins import; an engineer is refused by HR-A1.
    w.import(&w.eng, csv).forbidden_by("HR-A1");
    // Not CSV: 415; every bad line at once, nothing written.
    app.post("/api/v1/attendance/clock-imports")
        .bearer(&hr)
        .json(&json!({"csv": csv}))
        .send()
        .problem(415, "unsupported-media-type");
    let bad = "username,work_date,clock_in,clock_out\n\
               eng,2026-02-04,07:55,17:00\n\
               nobody,2026-02-04,07:55,17:00\n\
               eng,2026-02-09,07:55,17:00\n\
               other,2026-02-04,25:00,17:00\n";
    let p = w.import(&hr, bad).problem(422, "validation");
    let fields: Vec<&str> = p["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(
        fields,
        vec!["lines[5].clock_in"],
        "format errors come first: {p}"
    );
    let bad = bad.replace("25:00", "07:59");
    let p = w.import(&hr, &bad).problem(422, "validation");
    let fields: Vec<&str> = p["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, vec!["lines[3].username", "lines[4].work_date"]);
    assert_eq!(w.days(&w.eng_id).len(), 1, "a refused file writes nothing");

    let done = ok(w.import(&hr, csv), 200);
    assert_eq!(
        done,
        json!({"lines": 3, "created": 2, "updated": 1, "unchanged": 0})
    );
    let days = w.days(&w.eng_id);
    assert_eq!(days.len(), 2);
    let mon = days
        .iter()
        .find(|d| d["work_date"] == "2026-02-02")
        .unwrap();
    assert_eq!(
        mon["id"], monday["id"],
        "the app's day is widened, not doubled"
    );
    assert_eq!(mon["clock_in_at"], "2026-02-01T23:58:00Z");
    assert_eq!(mon["clock_out_at"], "2026-02-02T09:40:00Z");
    assert_eq!(
        (&mon["source"], &mon["version"]),
        (&json!("app"), &json!(2))
    );
    let tue = days
        .iter()
        .find(|d| d["work_date"] == "2026-02-03")
        .unwrap();
    assert_eq!(tue["source"], "clock");
    assert_eq!(tue["clock_in_at"], "2026-02-03T00:20:00Z");
    let other = w.days(&w.other_id);
    assert_eq!(other[0]["clock_out_at"], Value::Null);

    // The month reads the imported days: Monday on time (07:58), Tuesday late (08:20).
    let month = ok(w.month(&w.admin, "2026-02", Some(&w.eng_id)), 200);
    let day = |date: &str| {
        month["days"]
            .as_array()
            .unwrap()
            .iter()
            .find(|d| d["date"] == date)
            .map(|d| d["attendance"].clone())
    };
    assert_eq!(day("2026-02-02"), Some(json!("on_time")), "{month}");
    assert_eq!(day("2026-02-03"), Some(json!("late")), "{month}");

    // The same file again changes nothing and writes no audit entry.
    let again = ok(w.import(&hr, csv), 200);
    assert_eq!(
        again,
        json!({"lines": 3, "created": 0, "updated": 0, "unchanged": 3})
    );
    // The same bytes as `application/octet-stream` (the type the spec states, which generated
    // clients send a file as) read the same.
    let bytes = app
        .post("/api/v1/attendance/clock-imports")
        .bearer(&hr)
        .raw("application/octet-stream", csv)
        .send();
    assert_eq!(
        ok(bytes, 200),
        json!({"lines": 3, "created": 0, "updated": 0, "unchanged": 3})
    );
    let trail = audit_of(app, &w.admin, "attendance", mon["id"].as_str().unwrap());
    assert_eq!(
        actions(&trail),
        vec!["attendance.clock_in", "attendance.clock_import"]
    );
    assert_eq!(trail[1]["before"]["clock_in_at"], "2026-02-02T00:05:00Z");
    assert_eq!(trail[1]["after"]["clock_in_at"], "2026-02-01T23:58:00Z");
    // The engineer sees their own imported day; another engineer's is 404.
    let tue_id = tue["id"].as_str().unwrap();
    ok(
        app.get(&format!("/api/v1/attendance/{tue_id}"))
            .bearer(&w.eng)
            .send(),
        200,
    );
    app.get(&format!("/api/v1/attendance/{tue_id}"))
        .bearer(&w.other)
        .send()
        .problem(404, "not-found");
}
