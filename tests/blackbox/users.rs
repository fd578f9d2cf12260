use crate::{actions, audit_of};
use kefu_blackbox::TestApp;
use serde_json::{Value, json};

fn create(app: &TestApp, admin: &str, body: Value) -> kefu_blackbox::Resp {
    app.post("/api/v1/users").bearer(admin).json(&body).send()
}

#[test]
fn admins_create_read_update_and_disable_users_with_an_audit_trail() {
    let app = TestApp::spawn();
    let admin = app.admin_token();
    let res = create(
        &app,
        &admin,
        json!({
            "kind": "human",
            "username": "  Li.Wei ",
            "display_name": " 李伟 ",
            "phone": "138 0013 8000",
            "email": "li.wei@example.com",
            "roles": ["engineer", "clerk", "engineer"],
            "password": "Engineer-pass-1"
        }),
    );
    assert_eq!(res.status, 201, "{}", res.body);
    let user = res.json();
    let id = user["id"].as_str().unwrap();
    assert_eq!(
        res.header("location").unwrap(),
        format!("/api/v1/users/{id}")
    );
    assert_eq!(res.etag(), "\"1\"");
    assert_eq!(user["username"], "li.wei");
    assert_eq!(user["display_name"], "李伟");
    assert_eq!(user["roles"], json!(["clerk", "engineer"]));
    assert_eq!(user["kind"], "human");
    assert_eq!(user["must_change_password"], false);
    assert!(user.get("generated_password").is_none());
    assert!(user.get("password_hash").is_none());

    let got = app
        .get(&format!("/api/v1/users/{id}"))
        .bearer(&admin)
        .send();
    assert_eq!(got.status, 200);
    assert_eq!(got.json()["phone"], "138 0013 8000");

    let patched = app
        .patch(&format!("/api/v1/users/{id}"))
        .bearer(&admin)
        .if_match(&got.etag())
        .json(&json!({"display_name": "李伟（华东）", "email": null, "roles": ["engineer"]}))
        .send();
    assert_eq!(patched.status, 200, "{}", patched.body);
    assert_eq!(patched.etag(), "\"2\"");
    let after = patched.json();
    assert_eq!(after["display_name"], "李伟（华东）");
    assert_eq!(after["email"], Value::Null);
    assert_eq!(after["phone"], "138 0013 8000");
    assert_eq!(after["roles"], json!(["engineer"]));
    assert_eq!(after["version"], 2);

    // The stored record is what GET returns now.
    let reread = app
        .get(&format!("/api/v1/users/{id}"))
        .bearer(&admin)
        .send()
        .json();
    assert_eq!(reread, after);

    let entries = audit_of(&app, &admin, "user", id);
    assert_eq!(actions(&entries), ["user.create", "user.update"]);
    let update = &entries[1];
    assert_eq!(update["before"]["display_name"], "李伟");
    assert_eq!(update["after"]["display_name"], "李伟（华东）");
    assert_eq!(update["before"]["roles"], json!(["clerk", "engineer"]));
    assert!(update["actor_id"].is_string());
    assert!(update["request_id"].is_string());
    assert!(
        !update.to_string().contains("argon2"),
        "audit must not hold password hashes"
    );
}

#[test]
fn bad_input_is_refused_naming_the_field_and_nothing_is_written() {
    let app = TestApp::spawn();
    let admin = app.admin_token();
    let base = json!({"kind": "human", "username": "li.wei", "display_name": "李伟", "roles": ["engineer"]});
    let with = |k: &str, v: Value| {
        let mut b = base.clone();
        b[k] = v;
        b
    };
    let cases = [
        (
            with("phone", json!("call me")),
            422,
            "validation",
            "phone",
            "format",
        ),
        (
            with("username", json!("李伟")),
            422,
            "validation",
            "username",
            "format",
        ),
        (
            with("email", json!("not-an-email")),
            422,
            "validation",
            "email",
            "email",
        ),
        (
            with("roles", json!([])),
            422,
            "validation",
            "roles",
            "length",
        ),
        (
            with("password", json!("short")),
            422,
            "validation",
            "password",
            "length",
        ),
        (
            with("roles", json!(["wizard"])),
            400,
            "bad-request",
            "roles[0]",
            "invalid_type",
        ),
        (
            with("nickname", json!("x")),
            400,
            "bad-request",
            "nickname",
            "unknown_field",
        ),
        (
            json!({"kind": "human", "username": "li.wei", "display_name": "李伟"}),
            422,
            "validation",
            "roles",
            "required",
        ),
    ];
    for (body, status, slug, field, code) in cases {
        let res = create(&app, &admin, body.clone());
        let problem = res.problem(status, slug);
        let errors = problem["errors"].as_array().unwrap();
        assert!(
            errors
                .iter()
                .any(|e| e["field"] == field && e["code"] == code),
            "{body} → {problem}"
        );
    }
    let list = app.get("/api/v1/users").bearer(&admin).send().json();
    assert_eq!(
        list["items"].as_array().unwrap().len(),
        1,
        "only admin exists"
    );

    assert_eq!(create(&app, &admin, base.clone()).status, 201);
    let dup = create(&app, &admin, with("username", json!("LI.WEI")));
    dup.duplicate("username");
}

#[test]
fn only_admins_manage_users() {
    let app = TestApp::spawn();
    let admin = app.admin_token();
    let user = app.create_user(&admin, "eng", &["engineer", "manager"], "Engineer-pass-1");
    let id = user["id"].as_str().unwrap();
    let eng = app.token("eng", "Engineer-pass-1");
    app.get("/api/v1/users")
        .bearer(&eng)
        .send()
        .problem(403, "forbidden");
    app.get(&format!("/api/v1/users/{id}"))
        .bearer(&eng)
        .send()
        .problem(403, "forbidden");
    create(
        &app,
        &eng,
        json!({"kind": "human", "username": "x1", "display_name": "x", "roles": ["admin"]}),
    )
    .problem(403, "forbidden");
    app.post(&format!("/api/v1/users/{id}/reset-password"))
        .bearer(&eng)
        .if_match("\"1\"")
        .json(&json!({}))
        .send()
        .problem(403, "forbidden");
    app.get("/api/v1/users")
        .send()
        .problem(401, "unauthenticated");
    // Nothing changed.
    let reread = app
        .get(&format!("/api/v1/users/{id}"))
        .bearer(&admin)
        .send()
        .json();
    assert_eq!(reread["version"], 1);
}

#[test]
fn unknown_users_are_404() {
    let app = TestApp::spawn();
    let admin = app.admin_token();
    app.get("/api/v1/users/01900000-0000-7000-8000-000000000000")
        .bearer(&admin)
        .send()
        .problem(404, "not-found");
    app.patch("/api/v1/users/nope")
        .bearer(&admin)
        .if_match("\"1\"")
        .json(&json!({"display_name": "x"}))
        .send()
        .problem(404, "not-found");
}

#[test]
fn changes_need_the_current_version() {
    let app = TestApp::spawn();
    let admin = app.admin_token();
    let user = app.create_user(&admin, "li.na", &["clerk"], "Clerk-pass-001");
    let path = format!("/api/v1/users/{}", user["id"].as_str().unwrap());
    let patch = |etag: Option<&str>, name: &str| {
        let mut req = app.patch(&path).bearer(&admin);
        if let Some(e) = etag {
            req = req.if_match(e);
        }
        req.json(&json!({ "display_name": name })).send()
    };
    patch(None, "A").problem(428, "precondition-required");
    patch(Some("garbage"), "A").problem(400, "bad-request");
    assert_eq!(patch(Some("\"1\""), "A").status, 200);
    // A second writer still holding version 1 loses, and is told the current version.
    let stale = patch(Some("\"1\""), "B").problem(412, "precondition-failed");
    assert_eq!(stale["current_version"], 2);
    let now = app.get(&path).bearer(&admin).send().json();
    assert_eq!(now["display_name"], "A");
    app.post(&format!("{path}/disable"))
        .bearer(&admin)
        .send()
        .problem(428, "precondition-required");
}

#[test]
fn a_generated_password_is_shown_once_and_must_be_changed() {
    let app = TestApp::spawn();
    let admin = app.admin_token();
    let res = create(
        &app,
        &admin,
        json!({"kind": "human", "username": "new.hire", "display_name": "新员工", "roles": ["engineer"]}),
    );
    assert_eq!(res.status, 201, "{}", res.body);
    let body = res.json();
    assert_eq!(body["must_change_password"], true);
    let password = body["generated_password"].as_str().unwrap();
    let login = app.login("new.hire", password);
    assert_eq!(login.status, 200);
    assert_eq!(login.json()["user"]["must_change_password"], true);
    let again = app
        .get(&format!("/api/v1/users/{}", body["id"].as_str().unwrap()))
        .bearer(&admin)
        .send()
        .json();
    assert!(again.get("generated_password").is_none());
}

#[test]
fn an_admin_reset_replaces_the_password_and_ends_sessions() {
    let app = TestApp::spawn();
    let admin = app.admin_token();
    let user = app.create_user(&admin, "sun.li", &["engineer"], "Engineer-pass-1");
    let id = user["id"].as_str().unwrap();
    let session = app.login("sun.li", "Engineer-pass-1").json();
    let reset = app
        .post(&format!("/api/v1/users/{id}/reset-password"))
        .bearer(&admin)
        .if_match("\"1\"")
        .json(&json!({}))
        .send();
    assert_eq!(reset.status, 200, "{}", reset.body);
    let body = reset.json();
    assert_eq!(body["user"]["must_change_password"], true);
    assert_eq!(reset.etag(), "\"2\"");
    let temporary = body["generated_password"].as_str().unwrap();
    app.login("sun.li", "Engineer-pass-1")
        .problem(401, "unauthenticated");
    app.token("sun.li", temporary);
    app.post("/api/v1/auth/refresh")
        .json(&json!({"refresh_token": session["refresh_token"]}))
        .send()
        .problem(401, "unauthenticated");
    let trail = actions(&audit_of(&app, &admin, "user", id));
    assert!(trail.contains(&"user.reset_password".to_owned()));
}

#[test]
fn the_last_enabled_admin_cannot_be_removed() {
    let app = TestApp::spawn();
    let admin = app.admin_token();
    let me = app.get("/api/v1/me").bearer(&admin).send();
    let id = me.json()["id"].as_str().unwrap().to_owned();
    let path = format!("/api/v1/users/{id}");
    app.post(&format!("{path}/disable"))
        .bearer(&admin)
        .if_match(&me.etag())
        .send()
        .plain_conflict();
    app.patch(&path)
        .bearer(&admin)
        .if_match(&me.etag())
        .json(&json!({"roles": ["manager"]}))
        .send()
        .plain_conflict();
    // With a second admin, the first may step down.
    app.create_user(&admin, "admin2", &["admin"], "Admin-pass-2222");
    let demoted = app
        .patch(&path)
        .bearer(&admin)
        .if_match(&me.etag())
        .json(&json!({"roles": ["manager"]}))
        .send();
    assert_eq!(demoted.status, 200, "{}", demoted.body);
}

#[test]
fn lists_page_with_cursors_and_filter() {
    let app = TestApp::spawn();
    let admin = app.admin_token();
    for i in 0..5 {
        let roles: &[&str] = if i % 2 == 0 {
            &["engineer"]
        } else {
            &["clerk"]
        };
        app.create_user(&admin, &format!("user{i}"), roles, "Some-pass-0001");
    }
    let mut seen = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let path = match &cursor {
            Some(c) => format!("/api/v1/users?limit=2&cursor={c}"),
            None => "/api/v1/users?limit=2".to_owned(),
        };
        let page = app.get(&path).bearer(&admin).send().json();
        let items = page["items"].as_array().unwrap();
        assert!(items.len() <= 2);
        seen.extend(
            items
                .iter()
                .map(|u| u["username"].as_str().unwrap().to_owned()),
        );
        match page["next_cursor"].as_str() {
            Some(c) => cursor = Some(c.to_owned()),
            None => break,
        }
    }
    assert_eq!(seen, ["admin", "user0", "user1", "user2", "user3", "user4"]);

    let engineers = app
        .get("/api/v1/users?role=engineer")
        .bearer(&admin)
        .send()
        .json();
    let names: Vec<_> = engineers["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["username"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["user0", "user2", "user4"]);
    let q = app
        .get("/api/v1/users?q=user3")
        .bearer(&admin)
        .send()
        .json();
    assert_eq!(q["items"][0]["username"], "user3");
    assert_eq!(q["items"].as_array().unwrap().len(), 1);

    let bad = app.get("/api/v1/users?colour=red").bearer(&admin).send();
    assert_eq!(
        bad.problem(400, "bad-request")["errors"][0]["field"],
        "query.colour"
    );
    app.get("/api/v1/users?limit=0")
        .bearer(&admin)
        .send()
        .problem(422, "validation");
    app.get("/api/v1/users?limit=201")
        .bearer(&admin)
        .send()
        .problem(422, "validation");
    app.get("/api/v1/users?cursor=forged")
        .bearer(&admin)
        .send()
        .problem(400, "bad-request");
}

#[test]
fn a_temporary_password_allows_nothing_but_changing_it() {
    let app = TestApp::spawn();
    let admin = app.admin_token();
    let created = create(
        &app,
        &admin,
        json!({"kind": "human", "username": "second.admin", "display_name": "二号管理员", "roles": ["admin"]}),
    )
    .json();
    let temporary = created["generated_password"].as_str().unwrap();
    let token = app.token("second.admin", temporary);
    let blocked = app.get("/api/v1/users").bearer(&token).send();
    blocked.problem(403, "password-change-required");
    assert_eq!(app.get("/api/v1/me").bearer(&token).send().status, 200);
    let changed = app
        .post("/api/v1/me/password")
        .bearer(&token)
        .json(&json!({"current_password": temporary, "new_password": "Second-admin-1"}))
        .send();
    assert_eq!(changed.status, 204, "{}", changed.body);
    let token = app.token("second.admin", "Second-admin-1");
    let me = app.get("/api/v1/me").bearer(&token).send().json();
    assert_eq!(me["must_change_password"], false);
    assert_eq!(app.get("/api/v1/users").bearer(&token).send().status, 200);
}
