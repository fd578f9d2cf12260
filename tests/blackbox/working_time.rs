//! CAL-1 working-hours arithmetic over HTTP, and the `work-hours` rule set driving it.

use crate::calendar::{put_days, year_2026};
use crate::{actions, audit_of};
use kefu_blackbox::TestApp;
use serde_json::{Value, json};

/// `+` in a query must be sent as `%2B`.
fn enc(t: &str) -> String {
    t.replace('+', "%2B")
}

fn add(app: &TestApp, token: &str, from: &str, minutes: u32) -> Value {
    let res = app
        .get(&format!(
            "/api/v1/calendar/working-time/add?from={}&minutes={minutes}",
            enc(from)
        ))
        .bearer(token)
        .send();
    assert_eq!(res.status, 200, "{}", res.body);
    res.json()
}

fn between(app: &TestApp, token: &str, from: &str, to: &str) -> Value {
    let res = app
        .get(&format!(
            "/api/v1/calendar/working-time/between?from={}&to={}",
            enc(from),
            enc(to)
        ))
        .bearer(token)
        .send();
    assert_eq!(res.status, 200, "{}", res.body);
    res.json()
}

fn add_days(app: &TestApp, token: &str, date: &str, days: u32) -> String {
    crate::calendar::add(app, token, date, days)["result"]
        .as_str()
        .unwrap()
        .to_owned()
}

#[test]
fn cal_1_working_time_across_the_2026_spring_festival() {
    let app = TestApp::spawn();
    let admin = app.admin_token();
    app.create_user(&admin, "eng.t", &["engineer"], "Engineer-pass-1");
    let eng = app.token("eng.t", "Engineer-pass-1");
    // Version 2: the fresh calendar holds the shipped 2026 schedule.
    let res = put_days(&app, &admin, Some("\"2\""), &year_2026());
    assert_eq!(res.status, 200, "{}", res.body);

    // Friday 13 Feb, 17:00: 30 minutes that day, the make-up Saturday (510), then nothing
    // until Tuesday 24 Feb; 600 minutes end at 09:00 that morning.
    assert_eq!(
        add(&app, &eng, "2026-02-13T17:00:00+08:00", 600),
        json!({
            "from": "2026-02-13T17:00:00+08:00",
            "minutes": 600,
            "result": "2026-02-24T09:00:00+08:00"
        })
    );
    // The same instant written in UTC; answers come in the company time zone.
    assert_eq!(
        add(&app, &eng, "2026-02-13T09:00:00Z", 600)["result"],
        "2026-02-24T09:00:00+08:00"
    );
    // TKT-2's example: a fault opened on Friday at 17:30 with one working day (510 minutes)
    // is due on the next working day at 17:30 — the make-up Saturday here.
    assert_eq!(
        add(&app, &eng, "2026-02-13T17:30:00+08:00", 510)["result"],
        "2026-02-14T17:30:00+08:00"
    );
    assert_eq!(
        add(&app, &eng, "2026-02-14T17:30:00+08:00", 510)["result"],
        "2026-02-24T17:30:00+08:00"
    );
    // Ends exactly at noon; zero minutes from a holiday is the instant itself.
    assert_eq!(
        add(&app, &eng, "2026-02-24T11:00:00+08:00", 60)["result"],
        "2026-02-24T12:00:00+08:00"
    );
    assert_eq!(
        add(&app, &eng, "2026-02-18T10:00:00+08:00", 0)["result"],
        "2026-02-18T10:00:00+08:00"
    );

    assert_eq!(
        between(
            &app,
            &eng,
            "2026-02-13T17:00:00+08:00",
            "2026-02-24T09:00:00+08:00"
        ),
        json!({
            "from": "2026-02-13T17:00:00+08:00",
            "to": "2026-02-24T09:00:00+08:00",
            "working_minutes": 600
        })
    );
    assert_eq!(
        between(
            &app,
            &eng,
            "2026-02-24T09:00:00+08:00",
            "2026-02-13T17:00:00+08:00"
        )["working_minutes"],
        -600
    );
    // The whole holiday is no working time at all.
    assert_eq!(
        between(
            &app,
            &eng,
            "2026-02-15T00:00:00+08:00",
            "2026-02-24T00:00:00+08:00"
        )["working_minutes"],
        0
    );
    // An unencoded `+` arrives as a space and is still read as the offset.
    let res = app
        .get("/api/v1/calendar/working-time/add?from=2026-02-13T17:00:00+08:00&minutes=600")
        .bearer(&eng)
        .send();
    assert_eq!(res.json()["result"], "2026-02-24T09:00:00+08:00");
}

#[test]
fn cal_1_working_time_queries_are_checked() {
    let app = TestApp::spawn();
    let admin = app.admin_token();
    let p = app
        .get("/api/v1/calendar/working-time/add?from=2026-02-13&minutes=1")
        .bearer(&admin)
        .send()
        .problem(400, "bad-request");
    assert_eq!(p["errors"][0]["field"], "query.from");
    let p = app
        .get("/api/v1/calendar/working-time/add?from=2026-02-13T17:00:00Z&minutes=1000001")
        .bearer(&admin)
        .send()
        .problem(422, "validation");
    assert_eq!(p["errors"][0]["field"], "query.minutes");
    let p = app
        .get("/api/v1/calendar/working-time/add?from=2026-02-13T17:00:00Z&minutes=-5")
        .bearer(&admin)
        .send()
        .problem(400, "bad-request");
    assert_eq!(p["errors"][0]["field"], "query.minutes");
    let p = app
        .get("/api/v1/calendar/working-time/between?from=0001-01-01T00:00:00Z&to=2026-01-01T00:00:00Z")
        .bearer(&admin)
        .send()
        .problem(422, "validation");
    assert_eq!(p["errors"][0]["field"], "query.from");
    let p = app
        .get("/api/v1/calendar/working-time/between?from=2026-01-01T00:00:00Z")
        .bearer(&admin)
        .send()
        .problem(400, "bad-request");
    assert_eq!(p["errors"][0]["field"], "query.to");
    app.get("/api/v1/calendar/working-time/add?from=2026-02-13T17:00:00Z&minutes=1")
        .send()
        .problem(401, "unauthenticated");

    // Before 1901 Shanghai kept local mean time (+08:05:43); RFC 3339 offsets have whole
    // minutes, so the answer is written at +08:05 and still names the same instant.
    let old = add(&app, &admin, "1900-01-01T00:00:00Z", 0);
    assert_eq!(old["from"], "1900-01-01T08:05:00+08:05");
    assert_eq!(old["result"], old["from"]);
}

#[test]
fn cal_1_a_work_hours_change_applies_from_its_effective_date() {
    let app = TestApp::spawn();
    let admin = app.admin_token();
    let set = app.get("/api/v1/rules/work-hours").bearer(&admin).send();
    assert_eq!(set.status, 200, "{}", set.body);
    let defaults = set.json()["versions"][0]["value"].clone();
    assert_eq!(
        defaults,
        json!({
            "working_weekdays": ["monday", "tuesday", "wednesday", "thursday", "friday"],
            "periods": [
                {"start": "08:00", "end": "12:00"},
                {"start": "13:00", "end": "17:30"}
            ]
        })
    );

    // From April 2026: Saturdays are worked and the afternoon starts at 13:30.
    let mut april = defaults.clone();
    april["working_weekdays"]
        .as_array_mut()
        .unwrap()
        .push(json!("saturday"));
    april["periods"][1]["start"] = json!("13:30");
    let put = app
        .req("PUT", "/api/v1/rules/work-hours/versions/2026-04-01")
        .bearer(&admin)
        .if_match(&set.etag())
        .json(&json!({"value": april, "note": "四月起周六上班"}))
        .send();
    assert_eq!(put.status, 200, "{}", put.body);

    // March keeps the old week and periods; April follows the new ones.
    assert_eq!(add_days(&app, &admin, "2026-03-06", 1), "2026-03-09");
    // (Saturday 4 April is the Qingming holiday; Saturday 11 April is an ordinary one.)
    assert_eq!(add_days(&app, &admin, "2026-04-10", 1), "2026-04-11");
    assert_eq!(
        add(&app, &admin, "2026-03-02T11:30:00+08:00", 60)["result"],
        "2026-03-02T13:30:00+08:00"
    );
    assert_eq!(
        add(&app, &admin, "2026-04-01T11:30:00+08:00", 60)["result"],
        "2026-04-01T14:00:00+08:00"
    );
    // One working day in April is 480 minutes: Friday 17:30 + 480 is Saturday 17:30.
    assert_eq!(
        add(&app, &admin, "2026-04-10T17:30:00+08:00", 480)["result"],
        "2026-04-11T17:30:00+08:00"
    );
    let trail = audit_of(&app, &admin, "rule_set", "work-hours");
    assert_eq!(actions(&trail), ["rule.seed", "rule.put_version"]);

    // An invalid week names the field and changes nothing.
    let mut overlapping = april.clone();
    overlapping["periods"][1]["start"] = json!("11:00");
    let p = app
        .req("PUT", "/api/v1/rules/work-hours/versions/2026-05-01")
        .bearer(&admin)
        .if_match(&put.etag())
        .json(&json!({ "value": overlapping }))
        .send()
        .problem(422, "validation");
    assert_eq!(p["errors"][0]["field"], "value.periods[1].start");
    let mut bad_time = april;
    bad_time["periods"][0]["end"] = json!("12:75");
    let p = app
        .req("PUT", "/api/v1/rules/work-hours/versions/2026-05-01")
        .bearer(&admin)
        .if_match(&put.etag())
        .json(&json!({ "value": bad_time }))
        .send()
        .problem(422, "validation");
    assert_eq!(p["errors"][0]["field"], "value.periods[0].end");
}
