use crate::{actions, audit_of};
use kefu_blackbox::TestApp;
use serde_json::json;

fn service_account(app: &TestApp, admin: &str, username: &str) -> String {
    let res = app
        .post("/api/v1/users")
        .bearer(admin)
        .json(&json!({
            "username": username,
            "display_name": "财务导出",
            "kind": "service",
            "roles": ["finance"],
        }))
        .send();
    assert_eq!(res.status, 201, "{}", res.body);
    assert!(res.json().get("generated_password").is_none());
    res.json()["id"].as_str().unwrap().to_owned()
}

#[test]
fn an_api_key_is_shown_once_acts_as_its_service_account_and_can_be_revoked() {
    let app = TestApp::spawn();
    let admin = app.admin_token();
    let account = service_account(&app, &admin, "finance-export");
    let res = app
        .post("/api/v1/api-keys")
        .bearer(&admin)
        .json(&json!({"user_id": account, "name": "monthly export"}))
        .send();
    assert_eq!(res.status, 201, "{}", res.body);
    let created = res.json();
    let key = created["key"].as_str().unwrap().to_owned();
    let key_id = created["id"].as_str().unwrap().to_owned();
    assert!(key.starts_with("kefu_"));
    assert_eq!(created["prefix"], key[..12]);
    assert!(created["last_used_at"].is_null());

    // The secret never appears again.
    let listed = app.get("/api/v1/api-keys").bearer(&admin).send();
    assert!(!listed.body.contains(&key));
    assert_eq!(listed.json()["items"][0]["id"], key_id.as_str());
    assert!(listed.json()["items"][0].get("key").is_none());

    let me = app.get("/api/v1/me").bearer(&key).send();
    assert_eq!(me.status, 200, "{}", me.body);
    assert_eq!(me.json()["username"], "finance-export");
    assert_eq!(me.json()["roles"], json!(["finance"]));
    // Its roles are the account's: no admin endpoints.
    app.get("/api/v1/users")
        .bearer(&key)
        .send()
        .problem(403, "forbidden");

    let used = app
        .get(&format!("/api/v1/api-keys/{key_id}"))
        .bearer(&admin)
        .send()
        .json();
    assert!(used["last_used_at"].is_string());

    let revoked = app
        .post(&format!("/api/v1/api-keys/{key_id}/revoke"))
        .bearer(&admin)
        .send();
    assert_eq!(revoked.status, 200);
    assert!(revoked.json()["revoked_at"].is_string());
    app.get("/api/v1/me")
        .bearer(&key)
        .send()
        .problem(401, "unauthenticated");
    app.post(&format!("/api/v1/api-keys/{key_id}/revoke"))
        .bearer(&admin)
        .send()
        .plain_conflict();
    let trail = actions(&audit_of(&app, &admin, "api_key", &key_id));
    assert_eq!(trail, ["api_key.create", "api_key.revoke"]);

    // Service accounts cannot log in with a password.
    app.login("finance-export", "anything-at-all-1")
        .problem(401, "unauthenticated");
}

#[test]
fn api_keys_only_for_service_accounts_and_only_by_admins() {
    let app = TestApp::spawn();
    let admin = app.admin_token();
    let person = app.create_user(&admin, "person", &["engineer"], "Engineer-pass-1");
    let res = app
        .post("/api/v1/api-keys")
        .bearer(&admin)
        .json(&json!({"user_id": person["id"], "name": "nope"}))
        .send();
    assert_eq!(
        res.problem(422, "validation")["errors"][0]["field"],
        "user_id"
    );
    let account = service_account(&app, &admin, "crm-sync");
    let past = app
        .post("/api/v1/api-keys")
        .bearer(&admin)
        .json(&json!({"user_id": account, "name": "x", "expires_at": "2020-01-01T00:00:00Z"}))
        .send();
    assert_eq!(
        past.problem(422, "validation")["errors"][0]["field"],
        "expires_at"
    );
    let eng = app.token("person", "Engineer-pass-1");
    app.post("/api/v1/api-keys")
        .bearer(&eng)
        .json(&json!({"user_id": account, "name": "x"}))
        .send()
        .problem(403, "forbidden");
    app.get("/api/v1/api-keys/nope")
        .bearer(&admin)
        .send()
        .problem(404, "not-found");
    let none = app.get("/api/v1/api-keys").bearer(&admin).send().json();
    assert_eq!(none["items"].as_array().unwrap().len(), 0);
}

#[test]
fn a_disabled_service_account_key_stops_working() {
    let app = TestApp::spawn();
    let admin = app.admin_token();
    let account = service_account(&app, &admin, "im-bot");
    let key = app
        .post("/api/v1/api-keys")
        .bearer(&admin)
        .json(&json!({"user_id": account, "name": "bot"}))
        .send()
        .json()["key"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(app.get("/api/v1/me").bearer(&key).send().status, 200);
    let res = app
        .post(&format!("/api/v1/users/{account}/disable"))
        .bearer(&admin)
        .if_match("\"1\"")
        .send();
    assert_eq!(res.status, 200, "{}", res.body);
    app.get("/api/v1/me")
        .bearer(&key)
        .send()
        .problem(401, "unauthenticated");
}
