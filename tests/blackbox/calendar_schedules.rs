//! CAL-1 official holiday schedules: the 2026 one ships with the product, later years are
//! imported (API and CLI), and a missing next year is told to the operators in December.

use crate::{actions, audit_of};
use kefu_blackbox::TestApp;
use serde_json::{Value, json};
use std::time::{Duration, Instant};

fn add(app: &TestApp, token: &str, date: &str, days: u32) -> String {
    crate::calendar::add(app, token, date, days)["result"]
        .as_str()
        .unwrap()
        .to_owned()
}

fn between(app: &TestApp, token: &str, from: &str, to: &str) -> i64 {
    crate::calendar::between(app, token, from, to)["working_days"]
        .as_i64()
        .unwrap()
}

fn etag(app: &TestApp, token: &str) -> String {
    app.get("/api/v1/calendar/days?from=2026-01-01&to=2026-01-01")
        .bearer(token)
        .send()
        .etag()
}

fn schedules(app: &TestApp, token: &str) -> Vec<Value> {
    let res = app.get("/api/v1/calendar/schedules").bearer(token).send();
    assert_eq!(res.status, 200, "{}", res.body);
    res.json()["items"].as_array().unwrap().clone()
}

#[test]
fn a_fresh_install_knows_the_2026_holidays_and_make_up_days() {
    let app = TestApp::spawn();
    let admin = app.admin_token();
    // Labour Day: 1–5 May off, so the working day after Thursday 30 April is Wednesday 6 May.
    assert_eq!(add(&app, &admin, "2026-04-30", 1), "2026-05-06");
    // Saturday 9 May is a make-up working day; so are Sunday 4 January and Sunday 20 September.
    assert_eq!(between(&app, &admin, "2026-05-08", "2026-05-09"), 1);
    assert_eq!(between(&app, &admin, "2026-01-03", "2026-01-04"), 1);
    assert_eq!(between(&app, &admin, "2026-09-19", "2026-09-20"), 1);
    // The Spring Festival, 15–23 February: no working day in it.
    assert_eq!(between(&app, &admin, "2026-02-14", "2026-02-23"), 0);
    let days = app
        .get("/api/v1/calendar/days?from=2026-10-01&to=2026-10-10")
        .bearer(&admin)
        .send()
        .json();
    let listed: Vec<(&str, &str)> = days["days"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| (d["day"].as_str().unwrap(), d["kind"].as_str().unwrap()))
        .collect();
    assert_eq!(listed.len(), 8, "{days}");
    assert_eq!(listed[0], ("2026-10-01", "holiday"));
    assert_eq!(listed[7], ("2026-10-10", "workday"));
    assert_eq!(days["days"][0]["note"], "国庆节");
    let loaded = schedules(&app, &admin);
    assert_eq!(loaded.len(), 1, "{loaded:?}");
    assert_eq!(loaded[0]["year"], 2026);
    assert_eq!(loaded[0]["day_count"], 39);
    assert_eq!(loaded[0]["imported_by"], Value::Null);
    assert!(
        loaded[0]["source"]
            .as_str()
            .unwrap()
            .contains("2026年部分节假日安排")
    );
    let entries = audit_of(&app, &admin, "calendar", "company");
    assert_eq!(actions(&entries), ["calendar.import"]);
    assert_eq!(entries[0]["actor_id"], Value::Null);
}

#[test]
fn an_imported_2027_schedule_takes_effect_and_is_audited() {
    let app = TestApp::spawn();
    let admin = app.admin_token();
    // Without a schedule, 1 January 2027 (a Friday) counts as a working day.
    assert_eq!(add(&app, &admin, "2026-12-31", 1), "2027-01-01");
    let body = json!({
        "source": "国务院办公厅关于2027年部分节假日安排的通知",
        "days": [
            {"day": "2027-01-01", "kind": "holiday", "note": "元旦"},
            {"day": "2027-02-06", "kind": "workday", "note": "春节调休上班"}
        ]
    });
    app.create_user(&admin, "eng", &["engineer"], "Engineer-pass-1");
    let engineer = app.token("eng", "Engineer-pass-1");
    let refused = app
        .req("PUT", "/api/v1/calendar/schedules/2027")
        .bearer(&engineer)
        .if_match(&etag(&app, &admin))
        .json(&body)
        .send();
    refused.problem(403, "forbidden");

    let outside = app
        .req("PUT", "/api/v1/calendar/schedules/2027")
        .bearer(&admin)
        .if_match(&etag(&app, &admin))
        .json(&json!({"source": "x", "days": [{"day": "2028-01-01", "kind": "holiday"}]}))
        .send();
    let problem = outside.problem(422, "validation");
    assert_eq!(problem["errors"][0]["field"], "days[0].day", "{problem}");
    assert_eq!(schedules(&app, &admin).len(), 1, "nothing recorded");

    let before = etag(&app, &admin);
    let res = app
        .req("PUT", "/api/v1/calendar/schedules/2027")
        .bearer(&admin)
        .if_match(&before)
        .json(&body)
        .send();
    assert_eq!(res.status, 200, "{}", res.body);
    assert_ne!(res.etag(), before, "the calendar's version moved");
    assert_eq!(res.json()["year"], 2027);
    assert_eq!(res.json()["day_count"], 2);
    assert!(res.json()["imported_by"].is_string());
    assert_eq!(add(&app, &admin, "2026-12-31", 1), "2027-01-04");
    assert_eq!(between(&app, &admin, "2027-02-05", "2027-02-06"), 1);
    // A stale version is refused and changes nothing.
    let stale = app
        .req("PUT", "/api/v1/calendar/schedules/2027")
        .bearer(&admin)
        .if_match(&before)
        .json(&json!({"source": "旧", "days": []}))
        .send();
    assert_eq!(stale.status, 412, "{}", stale.body);
    assert_eq!(add(&app, &admin, "2026-12-31", 1), "2027-01-04");
    let entries = audit_of(&app, &admin, "calendar", "company");
    assert_eq!(actions(&entries), ["calendar.import", "calendar.import"]);
    assert_eq!(entries[1]["after"]["days"].as_array().unwrap().len(), 2);
}

#[test]
fn the_command_line_imports_a_csv_schedule() {
    let app = TestApp::spawn();
    let admin = app.admin_token();
    let file = std::env::temp_dir().join(format!("kefu-2028-{}.csv", uuid::Uuid::new_v4()));
    std::fs::write(
        &file,
        "day,kind,note\n2028-01-03,holiday,元旦\n2028-01-08,workday,\n",
    )
    .unwrap();
    let (code, out, err) = app.cli(
        &[
            "import-calendar",
            file.to_str().unwrap(),
            "--source",
            "2028 通知",
        ],
        None,
    );
    let _ = std::fs::remove_file(&file);
    assert_eq!(code, 0, "{out} {err}");
    let printed: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(
        (printed["year"].as_i64(), printed["day_count"].as_i64()),
        (Some(2028), Some(2))
    );
    assert_eq!(add(&app, &admin, "2027-12-31", 1), "2028-01-04");
    assert_eq!(between(&app, &admin, "2028-01-07", "2028-01-08"), 1);
    let bad = std::env::temp_dir().join(format!("kefu-bad-{}.csv", uuid::Uuid::new_v4()));
    std::fs::write(&bad, "day,kind\n2028-02-30,holiday\n").unwrap();
    let (code, _, err) = app.cli(&["import-calendar", bad.to_str().unwrap()], None);
    let _ = std::fs::remove_file(&bad);
    assert_ne!(code, 0);
    assert!(err.contains("line 2"), "{err}");
    assert_eq!(
        add(&app, &admin, "2027-12-31", 1),
        "2028-01-04",
        "nothing changed"
    );
}

#[test]
fn in_december_a_missing_next_year_warns_the_operators_once() {
    let clock = std::env::temp_dir().join(format!("kefu-clock-{}", uuid::Uuid::new_v4()));
    std::fs::write(&clock, "2026-12-01T09:00:00+08:00").unwrap();
    let app = TestApp::builder()
        .env("KEFU_CLOCK_FILE", clock.to_str().unwrap())
        .env("KEFU_JOBS_ENABLED", "1")
        .env("KEFU_JOBS_POLL_MS", "50")
        .spawn();
    let admin = app.admin_token();
    let ready = app.get("/readyz").send();
    assert_eq!(
        ready.status, 200,
        "a warning does not take the instance out"
    );
    let warnings = ready.json()["warnings"].clone();
    assert!(warnings[0].as_str().unwrap().contains("2027"), "{warnings}");

    let inbox = |token: &str| -> Vec<Value> {
        let res = app.get("/api/v1/me/notifications").bearer(token).send();
        res.json()["items"].as_array().unwrap().clone()
    };
    let deadline = Instant::now() + Duration::from_secs(30);
    while inbox(&admin).is_empty() {
        assert!(Instant::now() < deadline, "no notice: {:?}", app.logs());
        std::thread::sleep(Duration::from_millis(100));
    }
    let notices = inbox(&admin);
    assert_eq!(notices.len(), 1, "{notices:?}");
    assert_eq!(notices[0]["kind"], "calendar.schedule_missing");
    assert!(notices[0]["title"].as_str().unwrap().contains("2027"));

    let res = app
        .req("PUT", "/api/v1/calendar/schedules/2027")
        .bearer(&admin)
        .if_match(&etag(&app, &admin))
        .json(&json!({"source": "通知", "days": [{"day": "2027-01-01", "kind": "holiday"}]}))
        .send();
    assert_eq!(res.status, 200, "{}", res.body);
    assert_eq!(app.get("/readyz").send().json()["warnings"], json!([]));
    let _ = std::fs::remove_file(&clock);
}
