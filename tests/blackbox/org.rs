//! Teams and employees (ORG-2) with their visibility (ORG-5) and delta sync.

use crate::{actions, audit_of};
use kefu_blackbox::{Resp, TestApp};
use serde_json::{Value, json};

const PW: &str = "Org-tests-pass-1";

fn id_of(v: &Value) -> String {
    v["id"].as_str().unwrap().to_owned()
}

fn user(app: &TestApp, admin: &str, name: &str, roles: &[&str]) -> (String, String) {
    let u = app.create_user(admin, name, roles, PW);
    (id_of(&u), app.token(name, PW))
}

fn create_team(app: &TestApp, token: &str, body: Value) -> Resp {
    app.post("/api/v1/teams").bearer(token).json(&body).send()
}

fn create_employee(app: &TestApp, token: &str, body: Value) -> Resp {
    app.post("/api/v1/employees")
        .bearer(token)
        .json(&body)
        .send()
}

fn employee(app: &TestApp, admin: &str, body: Value) -> Value {
    let res = create_employee(app, admin, body);
    assert_eq!(res.status, 201, "{}", res.body);
    res.json()
}

fn ids(page: &Value) -> Vec<String> {
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(id_of)
        .collect()
}

fn list(app: &TestApp, token: &str, query: &str) -> Value {
    let res = app
        .get(&format!("/api/v1/employees{query}"))
        .bearer(token)
        .send();
    assert_eq!(res.status, 200, "{}", res.body);
    res.json()
}

fn field_errors(problem: &Value) -> Vec<String> {
    problem["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn teams_are_created_read_changed_and_soft_deleted_with_an_audit_trail() {
    let app = TestApp::spawn();
    let admin = app.admin_token();
    let (sup_id, _) = user(&app, &admin, "zhang.sup", &["supervisor"]);
    let (eng_id, engineer) = user(&app, &admin, "li.eng", &["engineer"]);
    let (_, contact) = user(&app, &admin, "kehu", &["customer_contact"]);
    let (_, hr) = user(&app, &admin, "hr.one", &["hr"]);

    let res = create_team(
        &app,
        &hr,
        json!({"name": " 华东一组 ", "supervisor_user_id": sup_id, "station_city": "杭州"}),
    );
    assert_eq!(res.status, 201, "{}", res.body);
    let team = res.json();
    let id = id_of(&team);
    assert_eq!(
        res.header("location").unwrap(),
        format!("/api/v1/teams/{id}")
    );
    assert_eq!(res.etag(), "\"1\"");
    assert_eq!(team["name"], "华东一组");
    assert_eq!(team["supervisor_user_id"], sup_id.as_str());
    assert_eq!(team["station_city"], "杭州");
    assert_eq!(team["deleted"], false);

    // Every staff role reads teams; a customer's own user does not; only organisers write.
    let got = app
        .get(&format!("/api/v1/teams/{id}"))
        .bearer(&engineer)
        .send();
    assert_eq!(got.status, 200);
    assert_eq!(got.json(), team);
    app.get("/api/v1/teams")
        .bearer(&contact)
        .send()
        .problem(403, "forbidden");
    create_team(&app, &engineer, json!({"name": "x"})).problem(403, "forbidden");

    // Duplicate names and non-supervisors are refused.
    create_team(&app, &admin, json!({"name": "华东一组"})).duplicate("name");
    let bad = create_team(
        &app,
        &admin,
        json!({"name": "华南", "supervisor_user_id": eng_id}),
    )
    .problem(422, "validation");
    assert_eq!(field_errors(&bad), ["supervisor_user_id"]);
    let bad = create_team(
        &app,
        &admin,
        json!({"name": "华南", "supervisor_user_id": "nobody"}),
    )
    .problem(422, "validation");
    assert_eq!(field_errors(&bad), ["supervisor_user_id"]);

    let path = format!("/api/v1/teams/{id}");
    app.patch(&path)
        .bearer(&admin)
        .json(&json!({"station_city": "宁波"}))
        .send()
        .problem(428, "precondition-required");
    let patched = app
        .patch(&path)
        .bearer(&admin)
        .if_match("\"1\"")
        .json(&json!({"station_city": "宁波", "name": "华东1组"}))
        .send();
    assert_eq!(patched.status, 200, "{}", patched.body);
    assert_eq!(patched.etag(), "\"2\"");
    let after = patched.json();
    assert_eq!(after["station_city"], "宁波");
    assert_eq!(after["name"], "华东1组");
    assert_eq!(app.get(&path).bearer(&admin).send().json(), after);
    app.patch(&path)
        .bearer(&admin)
        .if_match("\"1\"")
        .json(&json!({"station_city": "温州"}))
        .send()
        .problem(412, "precondition-failed");

    let listed = app
        .get("/api/v1/teams?q=1组")
        .bearer(&engineer)
        .send()
        .json();
    assert_eq!(ids(&listed), [id.as_str()]);

    // Refused while someone is in the team.
    let member = employee(
        &app,
        &admin,
        json!({"name": "王强", "team_id": id, "base_salary_fen": 500000}),
    );
    app.req("DELETE", &path)
        .bearer(&admin)
        .if_match("\"2\"")
        .send()
        .plain_conflict();
    app.req("DELETE", &format!("/api/v1/employees/{}", id_of(&member)))
        .bearer(&admin)
        .if_match("\"1\"")
        .send();
    app.req("DELETE", &path)
        .bearer(&admin)
        .send()
        .problem(428, "precondition-required");
    let deleted = app
        .req("DELETE", &path)
        .bearer(&admin)
        .if_match("\"2\"")
        .send();
    assert_eq!(deleted.status, 200, "{}", deleted.body);
    assert_eq!(deleted.json()["deleted"], true);
    assert_eq!(deleted.etag(), "\"3\"");
    app.get(&path)
        .bearer(&admin)
        .send()
        .problem(404, "not-found");
    let listed = app.get("/api/v1/teams").bearer(&admin).send().json();
    assert!(ids(&listed).is_empty());
    // A deleted team's name is free again; two live teams still cannot share it.
    let again = create_team(&app, &admin, json!({"name": "华东1组"}));
    assert_eq!(again.status, 201, "{}", again.body);
    assert_ne!(id_of(&again.json()), id);
    create_team(&app, &admin, json!({"name": "华东1组"})).duplicate("name");

    let entries = audit_of(&app, &admin, "team", &id);
    assert_eq!(
        actions(&entries),
        ["team.create", "team.update", "team.delete"]
    );
    assert_eq!(entries[1]["before"]["station_city"], "杭州");
    assert_eq!(entries[1]["after"]["station_city"], "宁波");
    assert_eq!(entries[2]["after"]["deleted"], true);
}

#[test]
fn employees_crud_checks_fields_and_audits_every_write() {
    let app = TestApp::spawn();
    let admin = app.admin_token();
    let (_, hr) = user(&app, &admin, "hr.one", &["hr"]);
    let (sup_id, _) = user(&app, &admin, "zhang.sup", &["supervisor"]);
    let (link_id, _) = user(&app, &admin, "wang.qiang", &["engineer"]);
    let team = create_team(&app, &admin, json!({"name": "一组"})).json();
    let team_id = id_of(&team);

    let base = json!({
        "user_id": link_id, "name": " 王强 ", "phone": "138 0013 8000", "team_id": team_id,
        "supervisor_user_id": sup_id, "track": "aftersales", "level": "junior",
        "station_city": "杭州", "base_salary_fen": 650000, "phone_allowance_class": "B"
    });
    let with = |k: &str, v: Value| {
        let mut b = base.clone();
        b[k] = v;
        b
    };
    for (body, field) in [
        (with("phone", json!("call me")), "phone"),
        (with("team_id", json!("no-such-team")), "team_id"),
        (with("base_salary_fen", json!(-1)), "base_salary_fen"),
        (
            with("supervisor_user_id", json!(link_id)),
            "supervisor_user_id",
        ),
        (with("user_id", json!("nobody")), "user_id"),
    ] {
        let p = create_employee(&app, &hr, body).problem(422, "validation");
        assert_eq!(field_errors(&p), [field], "{p}");
    }
    let p = create_employee(&app, &hr, with("level", json!("boss"))).problem(400, "bad-request");
    assert_eq!(field_errors(&p), ["level"]);
    assert!(ids(&list(&app, &admin, "")).is_empty(), "nothing written");

    let res = create_employee(&app, &hr, base.clone());
    assert_eq!(res.status, 201, "{}", res.body);
    let created = res.json();
    let id = id_of(&created);
    assert_eq!(
        res.header("location").unwrap(),
        format!("/api/v1/employees/{id}")
    );
    assert_eq!(res.etag(), "\"1\"");
    assert_eq!(created["name"], "王强");
    assert_eq!(created["user_id"], link_id.as_str());
    assert_eq!(created["track"], "aftersales");
    assert_eq!(created["level"], "junior");
    assert_eq!(created["base_salary_fen"], 650000);
    assert_eq!(created["employment_status"], "training");
    let today = (chrono::Utc::now() + chrono::Duration::hours(8))
        .date_naive()
        .to_string();
    assert_eq!(created["status_since"], today.as_str());
    assert_eq!(created["deleted"], false);

    // One employee record per login.
    create_employee(&app, &hr, with("name", json!("别人"))).duplicate("user_id");

    let path = format!("/api/v1/employees/{id}");
    assert_eq!(app.get(&path).bearer(&admin).send().json(), created);
    let patched = app
        .patch(&path)
        .bearer(&hr)
        .if_match("\"1\"")
        .json(&json!({"base_salary_fen": 700000, "phone": null, "level": "mid"}))
        .send();
    assert_eq!(patched.status, 200, "{}", patched.body);
    assert_eq!(patched.etag(), "\"2\"");
    let after = patched.json();
    assert_eq!(after["base_salary_fen"], 700000);
    assert_eq!(after["phone"], Value::Null);
    assert_eq!(after["level"], "mid");
    assert_eq!(after["name"], "王强");
    assert_eq!(app.get(&path).bearer(&admin).send().json(), after);
    let p = app
        .patch(&path)
        .bearer(&hr)
        .if_match("\"2\"")
        .json(&json!({"team_id": "gone"}))
        .send()
        .problem(422, "validation");
    assert_eq!(field_errors(&p), ["team_id"]);
    app.patch(&path)
        .bearer(&hr)
        .if_match("\"1\"")
        .json(&json!({"level": "senior"}))
        .send()
        .problem(412, "precondition-failed");

    let deleted = app
        .req("DELETE", &path)
        .bearer(&hr)
        .if_match("\"2\"")
        .send();
    assert_eq!(deleted.status, 200, "{}", deleted.body);
    assert_eq!(deleted.json()["deleted"], true);
    app.get(&path)
        .bearer(&admin)
        .send()
        .problem(404, "not-found");

    let entries = audit_of(&app, &admin, "employee", &id);
    assert_eq!(
        actions(&entries),
        ["employee.create", "employee.update", "employee.delete"]
    );
    assert_eq!(entries[0]["after"]["base_salary_fen"], 650000);
    assert_eq!(entries[1]["before"]["base_salary_fen"], 650000);
    assert_eq!(entries[1]["after"]["base_salary_fen"], 700000);
    assert_eq!(entries[1]["before"]["phone"], "138 0013 8000");
    assert_eq!(entries[2]["after"]["deleted"], true);
}

#[test]
fn employees_are_visible_per_org5_and_only_admins_and_hr_write_them() {
    let app = TestApp::spawn();
    let admin = app.admin_token();
    let (sup_id, supervisor) = user(&app, &admin, "zhang.sup", &["supervisor"]);
    let (eng_id, engineer) = user(&app, &admin, "li.eng", &["engineer"]);
    let (_, manager) = user(&app, &admin, "chen.mgr", &["manager"]);
    let (_, finance) = user(&app, &admin, "cai.fin", &["finance"]);
    let (_, clerk) = user(&app, &admin, "nei.qin", &["clerk"]);
    let mine = id_of(
        &create_team(
            &app,
            &admin,
            json!({"name": "一组", "supervisor_user_id": sup_id}),
        )
        .json(),
    );
    let other = id_of(&create_team(&app, &admin, json!({"name": "二组"})).json());

    let sup_self = employee(
        &app,
        &admin,
        json!({"name": "张组长", "user_id": sup_id, "base_salary_fen": 900000}),
    );
    let own = employee(
        &app,
        &admin,
        json!({"name": "李工", "user_id": eng_id, "team_id": mine, "base_salary_fen": 600000}),
    );
    let colleague = employee(
        &app,
        &admin,
        json!({"name": "赵工", "team_id": mine, "base_salary_fen": 610000}),
    );
    let elsewhere = employee(
        &app,
        &admin,
        json!({"name": "钱工", "team_id": other, "base_salary_fen": 620000}),
    );
    let [sup_self, own, colleague, elsewhere] =
        [&sup_self, &own, &colleague, &elsewhere].map(id_of);

    // An engineer: their own record only; a colleague's reads as 404, in lists too.
    create_employee(&app, &engineer, json!({"name": "x", "base_salary_fen": 1}))
        .problem(403, "forbidden");
    assert_eq!(ids(&list(&app, &engineer, "")), [own.as_str()]);
    assert_eq!(
        app.get(&format!("/api/v1/employees/{own}"))
            .bearer(&engineer)
            .send()
            .status,
        200
    );
    app.get(&format!("/api/v1/employees/{colleague}"))
        .bearer(&engineer)
        .send()
        .problem(404, "not-found");
    app.get(&format!("/api/v1/employees/{colleague}/status-history"))
        .bearer(&engineer)
        .send()
        .problem(404, "not-found");
    app.patch(&format!("/api/v1/employees/{own}"))
        .bearer(&engineer)
        .if_match("\"1\"")
        .json(&json!({"base_salary_fen": 9_000_000}))
        .send()
        .problem(403, "forbidden");

    // A supervisor: the team they supervise, and themself.
    let mut want = vec![sup_self.clone(), own.clone(), colleague.clone()];
    want.sort();
    assert_eq!(ids(&list(&app, &supervisor, "")), want);
    assert_eq!(
        ids(&list(&app, &supervisor, &format!("?team_id={mine}&q=赵"))),
        [colleague.as_str()]
    );
    app.get(&format!("/api/v1/employees/{elsewhere}"))
        .bearer(&supervisor)
        .send()
        .problem(404, "not-found");

    // Office roles that do not manage people see none but their own (salaries are private).
    assert!(ids(&list(&app, &clerk, "")).is_empty());
    assert_eq!(
        list(&app, &finance, "")["items"].as_array().unwrap().len(),
        4
    );

    // A manager organises people but never touches salaries.
    let path = format!("/api/v1/employees/{colleague}");
    app.patch(&path)
        .bearer(&manager)
        .if_match("\"1\"")
        .json(&json!({"level": "mid", "base_salary_fen": 1}))
        .send()
        .problem(403, "forbidden");
    app.patch(&path)
        .bearer(&manager)
        .if_match("\"1\"")
        .json(&json!({"name": "改名"}))
        .send()
        .problem(403, "forbidden");
    let moved = app
        .patch(&path)
        .bearer(&manager)
        .if_match("\"1\"")
        .json(&json!({"level": "mid", "track": "presales", "team_id": other}))
        .send();
    assert_eq!(moved.status, 200, "{}", moved.body);
    let moved = moved.json();
    assert_eq!(moved["team_id"], other.as_str());
    assert_eq!(moved["base_salary_fen"], 610000);
    // Out of the supervisor's team now, so out of their sight.
    app.get(&path)
        .bearer(&supervisor)
        .send()
        .problem(404, "not-found");
}

#[test]
fn employment_status_follows_org2_and_keeps_its_history() {
    let app = TestApp::spawn();
    let admin = app.admin_token();
    let (_, hr) = user(&app, &admin, "hr.one", &["hr"]);
    let (_, engineer) = user(&app, &admin, "li.eng", &["engineer"]);
    let e = employee(
        &app,
        &hr,
        json!({"name": "王强", "base_salary_fen": 500000, "status_since": "2026-01-05"}),
    );
    let id = id_of(&e);
    let status = format!("/api/v1/employees/{id}/status");
    let change = |token: &str, etag: Option<&str>, body: Value| {
        let mut req = app.post(&status).bearer(token).json(&body);
        if let Some(etag) = etag {
            req = req.if_match(etag);
        }
        req.send()
    };

    change(
        &hr,
        None,
        json!({"status": "probation", "effective_on": "2026-02-01"}),
    )
    .problem(428, "precondition-required");
    change(
        &engineer,
        Some("\"1\""),
        json!({"status": "probation", "effective_on": "2026-02-01"}),
    )
    .problem(403, "forbidden");
    let p = change(
        &hr,
        Some("\"1\""),
        json!({"status": "regular", "effective_on": "2026-02-01"}),
    )
    .rule_conflict("ORG-2");
    assert!(p["detail"].as_str().unwrap().contains("ORG-2"), "{p}");
    let p = change(
        &hr,
        Some("\"1\""),
        json!({"status": "probation", "effective_on": "2025-12-31"}),
    )
    .problem(422, "validation");
    assert_eq!(field_errors(&p), ["effective_on"]);

    let res = change(
        &hr,
        Some("\"1\""),
        json!({"status": "probation", "effective_on": "2026-02-01", "note": "培训考核通过"}),
    );
    assert_eq!(res.status, 200, "{}", res.body);
    assert_eq!(res.etag(), "\"2\"");
    let after = res.json();
    assert_eq!(after["employment_status"], "probation");
    assert_eq!(after["status_since"], "2026-02-01");
    change(
        &hr,
        Some("\"1\""),
        json!({"status": "regular", "effective_on": "2026-05-01"}),
    )
    .problem(412, "precondition-failed");
    let res = change(
        &hr,
        Some("\"2\""),
        json!({"status": "left", "effective_on": "2026-03-15"}),
    );
    assert_eq!(res.status, 200, "{}", res.body);
    let p = change(
        &hr,
        Some("\"3\""),
        json!({"status": "regular", "effective_on": "2026-04-01"}),
    )
    .rule_conflict("ORG-2");
    assert!(p["detail"].as_str().unwrap().contains("ORG-2"), "{p}");
    let stored = app
        .get(&format!("/api/v1/employees/{id}"))
        .bearer(&admin)
        .send()
        .json();
    assert_eq!(stored["employment_status"], "left");
    assert_eq!(stored["status_since"], "2026-03-15");

    let history = app
        .get(&format!("/api/v1/employees/{id}/status-history"))
        .bearer(&admin)
        .send();
    assert_eq!(history.status, 200, "{}", history.body);
    let history = history.json();
    let items = history["items"].as_array().unwrap();
    let got: Vec<(&str, &str)> = items
        .iter()
        .map(|e| {
            (
                e["status"].as_str().unwrap(),
                e["effective_on"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            ("training", "2026-01-05"),
            ("probation", "2026-02-01"),
            ("left", "2026-03-15")
        ]
    );
    assert_eq!(items[1]["note"], "培训考核通过");
    assert!(items[1]["recorded_by"].is_string());
    assert_eq!(history["next_cursor"], Value::Null);

    let entries = audit_of(&app, &admin, "employee", &id);
    assert_eq!(
        actions(&entries),
        [
            "employee.create",
            "employee.change_status",
            "employee.change_status"
        ]
    );
    assert_eq!(entries[1]["before"]["employment_status"], "training");
    assert_eq!(entries[1]["after"]["employment_status"], "probation");
}

#[test]
fn delta_sync_returns_changes_in_update_order_with_tombstones() {
    let (app, clock) = TestApp::clocked("2026-03-09T10:00:00+08:00");
    let admin = app.admin_token();
    let made: Vec<Value> = ["甲", "乙", "丙"]
        .iter()
        .map(|n| employee(&app, &admin, json!({"name": n, "base_salary_fen": 100})))
        .collect();
    let all: Vec<String> = made.iter().map(id_of).collect();

    // Everything since the epoch, two at a time, in (updated_at, id) order.
    let first = list(
        &app,
        &admin,
        "?updated_since=2000-01-01T00:00:00%2B08:00&limit=2",
    );
    assert_eq!(ids(&first), all[..2]);
    let cursor = first["next_cursor"].as_str().unwrap();
    let second = list(
        &app,
        &admin,
        &format!("?updated_since=2000-01-01T00:00:00%2B08:00&limit=2&cursor={cursor}"),
    );
    assert_eq!(ids(&second), all[2..]);
    assert_eq!(second["next_cursor"], Value::Null);
    // A plain list cursor does not page a delta list.
    let plain = app
        .get("/api/v1/employees?limit=1")
        .bearer(&admin)
        .send()
        .json()["next_cursor"]
        .as_str()
        .unwrap()
        .to_owned();
    app.get(&format!(
        "/api/v1/employees?updated_since=2000-01-01T00:00:00%2B08:00&cursor={plain}"
    ))
    .bearer(&admin)
    .send()
    .problem(400, "bad-request");
    app.get("/api/v1/employees?updated_since=yesterday")
        .bearer(&admin)
        .send()
        .problem(400, "bad-request");

    // Later: a change and a delete, the tombstone last. A delta from a minute after the
    // creations is beyond the 60 s every delta list reaches back.
    let since = "2026-03-09T10:01:00%2B08:00";
    clock.set("2026-03-09T10:02:00+08:00");
    let admin = app.admin_token();
    let patched = app
        .patch(&format!("/api/v1/employees/{}", all[1]))
        .bearer(&admin)
        .if_match("\"1\"")
        .json(&json!({"station_city": "杭州"}))
        .send();
    assert_eq!(patched.status, 200, "{}", patched.body);
    clock.set("2026-03-09T10:03:00+08:00");
    let gone = app
        .req("DELETE", &format!("/api/v1/employees/{}", all[0]))
        .bearer(&admin)
        .if_match("\"1\"")
        .send();
    assert_eq!(gone.status, 200, "{}", gone.body);
    let delta = list(&app, &admin, &format!("?updated_since={since}&limit=1"));
    assert_eq!(ids(&delta), [all[1].clone()]);
    let cursor = delta["next_cursor"].as_str().unwrap();
    let delta = list(
        &app,
        &admin,
        &format!("?updated_since={since}&limit=1&cursor={cursor}"),
    );
    assert_eq!(ids(&delta), [all[0].clone()]);
    let tombstone = &delta["items"][0];
    assert_eq!(tombstone["deleted"], true);
    assert_eq!(tombstone["name"], "甲");
    assert_eq!(tombstone["version"], 2);
    let cursor = delta["next_cursor"].as_str().map(str::to_owned);
    if let Some(cursor) = cursor {
        let rest = list(
            &app,
            &admin,
            &format!("?updated_since={since}&cursor={cursor}"),
        );
        assert!(ids(&rest).is_empty());
    }

    // Without updated_since the deleted record is gone from the list.
    assert_eq!(ids(&list(&app, &admin, "")), all[1..]);
    assert_eq!(
        ids(&list(&app, &admin, "?employment_status=training&q=丙")),
        [all[2].clone()]
    );
}
