use crate::{actions, audit_of};
use kefu_blackbox::{Resp, TestApp};
use serde_json::{Value, json};

pub fn put_days(app: &TestApp, token: &str, etag: Option<&str>, body: &Value) -> Resp {
    let req = app.req("PUT", "/api/v1/calendar/days").bearer(token);
    match etag {
        Some(etag) => req.if_match(etag),
        None => req,
    }
    .json(body)
    .send()
}

fn get_days(app: &TestApp, token: &str, from: &str, to: &str) -> Resp {
    app.get(&format!("/api/v1/calendar/days?from={from}&to={to}"))
        .bearer(token)
        .send()
}

fn current_etag(app: &TestApp, token: &str) -> String {
    let res = get_days(app, token, "2026-01-01", "2026-01-01");
    assert_eq!(res.status, 200, "{}", res.body);
    res.etag()
}

/// The 2026 holidays as issue 3 states them: the Spring Festival 2026-02-15..23 off, with
/// make-up working days on Saturday 2026-02-14 and Saturday 2026-02-28; plus New Year's Day.
pub fn year_2026() -> Value {
    let mut days = vec![json!({"day": "2026-01-01", "kind": "holiday", "note": "元旦"})];
    days.push(json!({"day": "2026-02-14", "kind": "workday", "note": "春节调休"}));
    for d in 15..=23 {
        days.push(json!({"day": format!("2026-02-{d:02}"), "kind": "holiday", "note": "春节"}));
    }
    days.push(json!({"day": "2026-02-28", "kind": "workday", "note": "春节调休"}));
    json!({"from": "2026-01-01", "to": "2026-12-31", "days": days})
}

pub fn add(app: &TestApp, token: &str, date: &str, days: u32) -> Value {
    let res = app
        .get(&format!(
            "/api/v1/calendar/working-days/add?date={date}&days={days}"
        ))
        .bearer(token)
        .send();
    assert_eq!(res.status, 200, "{}", res.body);
    res.json()
}

pub fn between(app: &TestApp, token: &str, from: &str, to: &str) -> Value {
    let res = app
        .get(&format!(
            "/api/v1/calendar/working-days/between?from={from}&to={to}"
        ))
        .bearer(token)
        .send();
    assert_eq!(res.status, 200, "{}", res.body);
    res.json()
}

fn listed(res: &Resp) -> Vec<(String, String)> {
    res.json()["days"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["day"].as_str().unwrap().to_owned(),
                d["kind"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

#[test]
fn cal_1_the_2026_spring_festival_through_the_api() {
    let app = TestApp::spawn();
    let admin = app.admin_token();
    app.create_user(&admin, "eng.a", &["engineer"], "Engineer-pass-1");
    let eng = app.token("eng.a", "Engineer-pass-1");

    // Before any upload: the official 2026 schedule shipped with the product (version 2: it
    // was loaded into the fresh calendar).
    let shipped = get_days(&app, &eng, "2026-01-01", "2026-12-31");
    assert_eq!(shipped.status, 200, "{}", shipped.body);
    assert_eq!(shipped.etag(), "\"2\"");
    assert_eq!(shipped.json()["days"].as_array().unwrap().len(), 39);
    assert_eq!(add(&app, &eng, "2026-02-13", 1)["result"], "2026-02-14");

    // An upload replaces it: here with the Spring Festival and New Year's Day only.
    let res = put_days(&app, &admin, Some("\"2\""), &year_2026());
    assert_eq!(res.status, 200, "{}", res.body);
    assert_eq!(res.etag(), "\"3\"");
    let stored = res.json();
    assert_eq!(stored["version"], 3);
    assert!(stored["updated_at"].is_string());
    assert_eq!(stored["days"].as_array().unwrap().len(), 12);
    assert_eq!(
        stored["days"][1],
        json!({"day": "2026-02-14", "kind": "workday", "note": "春节调休"})
    );

    // Any authenticated user reads the calendar and computes with it.
    let read = get_days(&app, &eng, "2026-02-01", "2026-02-28");
    assert_eq!(read.etag(), "\"3\"");
    assert_eq!(read.json()["days"].as_array().unwrap().len(), 11);
    assert_eq!(read.json()["days"][0]["day"], "2026-02-14");
    assert_eq!(
        add(&app, &eng, "2026-02-13", 1),
        json!({"date": "2026-02-13", "days": 1, "result": "2026-02-14"})
    );
    assert_eq!(add(&app, &eng, "2026-02-14", 1)["result"], "2026-02-24");
    assert_eq!(add(&app, &eng, "2026-02-13", 0)["result"], "2026-02-13");
    // Tue 24 .. Fri 27, Sat 28 (调休), then Monday 2 March.
    assert_eq!(add(&app, &eng, "2026-02-23", 6)["result"], "2026-03-02");
    assert_eq!(
        between(&app, &eng, "2026-02-13", "2026-02-24"),
        json!({"from": "2026-02-13", "to": "2026-02-24", "working_days": 2})
    );
    assert_eq!(
        between(&app, &eng, "2026-02-24", "2026-02-13")["working_days"],
        -2
    );
    // February 2026: 20 weekdays, 6 of them off (16..20, 23), 2 Saturdays worked.
    assert_eq!(
        between(&app, &eng, "2026-01-31", "2026-02-28")["working_days"],
        16
    );
}

#[test]
fn calendar_uploads_are_validated_field_by_field() {
    let app = TestApp::spawn();
    let admin = app.admin_token();
    let etag = current_etag(&app, &admin);

    // A day outside the range is named by its position.
    let body = json!({"from": "2026-01-01", "to": "2026-12-31", "days": [
        {"day": "2026-01-01", "kind": "holiday"},
        {"day": "2026-02-16", "kind": "holiday"},
        {"day": "2026-02-17", "kind": "holiday"},
        {"day": "2027-01-01", "kind": "holiday", "note": "元旦"},
    ]});
    let p = put_days(&app, &admin, Some(&etag), &body).problem(422, "validation");
    assert_eq!(p["errors"][0]["field"], "days[3].day");
    assert_eq!(p["errors"][0]["code"], "range");
    assert_eq!(p["errors"].as_array().unwrap().len(), 1);

    // Listed twice.
    let body = json!({"from": "2026-01-01", "to": "2026-12-31", "days": [
        {"day": "2026-10-01", "kind": "holiday"},
        {"day": "2026-10-01", "kind": "workday"},
    ]});
    let p = put_days(&app, &admin, Some(&etag), &body).problem(422, "validation");
    assert_eq!(p["errors"][0]["field"], "days[1].day");
    assert_eq!(p["errors"][0]["code"], "duplicate");

    // A reversed range, a range over 400 days, a note too long.
    let body = json!({"from": "2026-12-31", "to": "2026-01-01", "days": []});
    let p = put_days(&app, &admin, Some(&etag), &body).problem(422, "validation");
    assert_eq!(p["errors"][0]["field"], "to");
    let body = json!({"from": "2026-01-01", "to": "2027-12-31", "days": []});
    let p = put_days(&app, &admin, Some(&etag), &body).problem(422, "validation");
    assert_eq!(p["errors"][0]["field"], "to");
    assert_eq!(p["errors"][0]["code"], "range");
    let body = json!({"from": "2026-01-01", "to": "2026-12-31", "days": [
        {"day": "2026-10-01", "kind": "holiday", "note": "国".repeat(201)},
    ]});
    let p = put_days(&app, &admin, Some(&etag), &body).problem(422, "validation");
    assert_eq!(p["errors"][0]["field"], "days[0].note");

    // Unreadable input is a 400 naming the field.
    let body = json!({"from": "2026-01-01", "to": "2026-12-31", "days": [
        {"day": "2026-10-01", "kind": "holiday"},
        {"day": "2026-10-02", "kind": "vacation"},
    ]});
    let p = put_days(&app, &admin, Some(&etag), &body).problem(400, "bad-request");
    assert_eq!(p["errors"][0]["field"], "days[1].kind");
    for bad in ["2026-02-30", "2026-2-3", "20260203", "2026-02-03T00:00:00Z"] {
        let body = json!({"from": "2026-01-01", "to": "2026-12-31", "days": [
            {"day": bad, "kind": "holiday"},
        ]});
        let p = put_days(&app, &admin, Some(&etag), &body).problem(400, "bad-request");
        assert_eq!(p["errors"][0]["field"], "days[0].day", "{bad}");
    }
    let body = json!({"from": "2026-01-01", "to": "2026-12-31", "days": [], "year": 2026});
    let p = put_days(&app, &admin, Some(&etag), &body).problem(400, "bad-request");
    assert_eq!(p["errors"][0]["field"], "year");
    assert_eq!(p["errors"][0]["code"], "unknown_field");

    // Nothing was stored by any of them.
    assert_eq!(current_etag(&app, &admin), etag);

    // Queries are checked the same way.
    let p = app
        .get("/api/v1/calendar/working-days/add?date=2026-02-30&days=1")
        .bearer(&admin)
        .send()
        .problem(400, "bad-request");
    assert_eq!(p["errors"][0]["field"], "query.date");
    let p = app
        .get("/api/v1/calendar/working-days/add?date=2026-02-13&days=5000")
        .bearer(&admin)
        .send()
        .problem(422, "validation");
    assert_eq!(p["errors"][0]["field"], "query.days");
    let p = app
        .get("/api/v1/calendar/working-days/add?date=2026-02-13&days=-1")
        .bearer(&admin)
        .send()
        .problem(400, "bad-request");
    assert_eq!(p["errors"][0]["field"], "query.days");
    let p = app
        .get("/api/v1/calendar/days?from=2026-01-01")
        .bearer(&admin)
        .send()
        .problem(400, "bad-request");
    assert_eq!(p["errors"][0]["field"], "query.to");
    let p = get_days(&app, &admin, "2026-01-01", "2040-01-01").problem(422, "validation");
    assert_eq!(p["errors"][0]["field"], "query.to");
    let p = app
        .get("/api/v1/calendar/working-days/between?from=0001-01-01&to=2026-01-01")
        .bearer(&admin)
        .send()
        .problem(422, "validation");
    assert_eq!(p["errors"][0]["field"], "query.from");
}

#[test]
fn only_admins_upload_and_only_on_the_current_version() {
    let app = TestApp::spawn();
    let admin = app.admin_token();
    app.create_user(&admin, "eng.b", &["engineer"], "Engineer-pass-1");
    let eng = app.token("eng.b", "Engineer-pass-1");
    let etag = current_etag(&app, &eng);

    put_days(&app, &eng, Some(&etag), &year_2026()).problem(403, "forbidden");
    put_days(&app, &eng, None, &year_2026()).problem(403, "forbidden");
    app.get("/api/v1/calendar/days?from=2026-01-01&to=2026-01-31")
        .send()
        .problem(401, "unauthenticated");

    put_days(&app, &admin, None, &year_2026()).problem(428, "precondition-required");
    let p = put_days(&app, &admin, Some("\"7\""), &year_2026()).problem(412, "precondition-failed");
    assert_eq!(p["current_version"], 2);

    let first = put_days(&app, &admin, Some(&etag), &year_2026());
    assert_eq!(first.status, 200, "{}", first.body);
    // The same upload with the version it was based on is now stale.
    let p = put_days(&app, &admin, Some(&etag), &year_2026()).problem(412, "precondition-failed");
    assert_eq!(p["current_version"], 3);
    assert_eq!(current_etag(&app, &eng), "\"3\"");
}

#[test]
fn an_upload_replaces_its_range_only_and_is_audited() {
    let app = TestApp::spawn();
    let admin = app.admin_token();

    let res = put_days(&app, &admin, Some("\"2\""), &year_2026());
    assert_eq!(res.status, 200, "{}", res.body);
    let next_year = json!({"from": "2027-01-01", "to": "2027-12-31", "days": [
        {"day": "2027-01-01", "kind": "holiday", "note": "元旦"},
    ]});
    let res = put_days(&app, &admin, Some(&res.etag()), &next_year);
    assert_eq!(res.status, 200, "{}", res.body);

    // 2026 again, without the Spring Festival: those days are gone, 2027 is untouched.
    let smaller = json!({"from": "2026-01-01", "to": "2026-12-31", "days": [
        {"day": "2026-01-01", "kind": "holiday", "note": "元旦"},
        {"day": "2026-10-01", "kind": "holiday", "note": "国庆节"},
    ]});
    let res = put_days(&app, &admin, Some(&res.etag()), &smaller);
    assert_eq!(res.status, 200, "{}", res.body);
    assert_eq!(res.etag(), "\"5\"");
    let both_years = get_days(&app, &admin, "2026-01-01", "2027-12-31");
    assert_eq!(
        listed(&both_years),
        [
            ("2026-01-01".to_owned(), "holiday".to_owned()),
            ("2026-10-01".to_owned(), "holiday".to_owned()),
            ("2027-01-01".to_owned(), "holiday".to_owned()),
        ]
    );
    assert_eq!(add(&app, &admin, "2026-02-13", 1)["result"], "2026-02-16");

    // An empty list clears the range.
    let res = put_days(
        &app,
        &admin,
        Some(&res.etag()),
        &json!({"from": "2027-01-01", "to": "2027-01-31", "days": []}),
    );
    assert_eq!(res.status, 200, "{}", res.body);
    assert_eq!(res.json()["days"], json!([]));
    assert_eq!(
        listed(&get_days(&app, &admin, "2026-01-01", "2027-12-31")).len(),
        2
    );

    let entries = audit_of(&app, &admin, "calendar", "company");
    // The shipped schedule's import, then the four uploads.
    assert_eq!(actions(&entries[..1]), ["calendar.import"]);
    assert_eq!(actions(&entries[1..]), ["calendar.replace"; 4]);
    let first = &entries[1];
    assert_eq!(first["before"]["version"], 2);
    assert_eq!(first["before"]["days"].as_array().unwrap().len(), 39);
    assert_eq!(first["after"]["version"], 3);
    assert_eq!(first["after"]["days"].as_array().unwrap().len(), 12);
    assert!(first["actor_id"].is_string());
    let third = &entries[3];
    assert_eq!(third["before"]["from"], "2026-01-01");
    assert_eq!(third["before"]["days"].as_array().unwrap().len(), 12);
    assert_eq!(
        third["after"]["days"][1],
        json!({"day": "2026-10-01", "kind": "holiday", "note": "国庆节"})
    );
    let verified = app.get("/api/v1/audit/verify").bearer(&admin).send().json();
    assert_eq!(verified["intact"], true, "{verified}");
}
