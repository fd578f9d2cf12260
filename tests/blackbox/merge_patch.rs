//! Every PATCH is a JSON merge patch (RFC 7396): an absent member keeps its field, `null`
//! clears an optional field and is 422 `required` naming a field that cannot be cleared, with
//! nothing changed. Sent as `application/merge-patch+json` or `application/json` alike.

use crate::tickets::{id, world};
use kefu_blackbox::{Resp, TestApp};
use serde_json::{Value, json};

const MERGE_PATCH: &str = "application/merge-patch+json";

fn merge(app: &TestApp, token: &str, path: &str, version: &Value, body: Value) -> Resp {
    app.patch(path)
        .bearer(token)
        .if_match(&format!("\"{version}\""))
        .raw(MERGE_PATCH, &body.to_string())
        .send()
}

fn read(app: &TestApp, token: &str, path: &str) -> Value {
    let res = app.get(path).bearer(token).send();
    assert_eq!(res.status, 200, "{}", res.body);
    res.json()
}

/// `null` on `field` is 422 `required` naming it, and the record reads as before.
fn refuses_null(app: &TestApp, token: &str, path: &str, before: &Value, field: &str) {
    let res = merge(app, token, path, &before["version"], json!({ field: null }));
    let problem = res.problem(422, "validation");
    let errors = problem["errors"].as_array().unwrap();
    assert_eq!(errors.len(), 1, "{problem}");
    assert_eq!(errors[0]["field"], field, "{problem}");
    assert_eq!(errors[0]["code"], "required", "{problem}");
    assert_eq!(&read(app, token, path), before, "{path}: nothing changed");
}

#[test]
fn a_customer_patch_clears_optional_fields_and_refuses_null_for_required_ones() {
    let app = TestApp::spawn();
    let admin = app.admin_token();
    let created = app
        .post("/api/v1/customers")
        .bearer(&admin)
        .json(&json!({"name": "宁波消防工程公司", "phone": "0574-8888 1234", "note": "老客户"}))
        .send();
    assert_eq!(created.status, 201, "{}", created.body);
    let path = format!(
        "/api/v1/customers/{}",
        created.json()["id"].as_str().unwrap()
    );
    let before = read(&app, &admin, &path);
    for field in ["name", "key_account"] {
        refuses_null(&app, &admin, &path, &before, field);
    }

    let res = merge(
        &app,
        &admin,
        &path,
        &before["version"],
        json!({"phone": null}),
    );
    assert_eq!(res.status, 200, "{}", res.body);
    let after = read(&app, &admin, &path);
    assert_eq!(after["phone"], Value::Null, "null clears");
    assert_eq!(after["name"], "宁波消防工程公司", "absent keeps");
    assert_eq!(after["note"], "老客户", "absent keeps");
    assert_eq!(after["version"], before["version"].as_i64().unwrap() + 1);

    // Plain JSON is read the same way.
    let res = app
        .patch(&path)
        .bearer(&admin)
        .if_match(&format!("\"{}\"", after["version"]))
        .json(&json!({"note": null, "name": "宁波消防"}))
        .send();
    assert_eq!(res.status, 200, "{}", res.body);
    let last = read(&app, &admin, &path);
    assert_eq!(
        (&last["note"], &last["name"]),
        (&Value::Null, &json!("宁波消防"))
    );
    assert_eq!(last["phone"], Value::Null);
}

#[test]
fn a_user_patch_clears_optional_fields_and_refuses_null_for_required_ones() {
    let app = TestApp::spawn();
    let admin = app.admin_token();
    let created = app
        .post("/api/v1/users")
        .bearer(&admin)
        .json(
            &json!({"kind": "human", "username": "zhao.lei", "display_name": "赵磊", "roles": ["engineer"],
                      "email": "zhao.lei@example.com", "phone": "138 0000 1111"}),
        )
        .send();
    assert_eq!(created.status, 201, "{}", created.body);
    let path = format!("/api/v1/users/{}", created.json()["id"].as_str().unwrap());
    let before = read(&app, &admin, &path);
    for field in ["display_name", "roles"] {
        refuses_null(&app, &admin, &path, &before, field);
    }
    let res = merge(
        &app,
        &admin,
        &path,
        &before["version"],
        json!({"email": null}),
    );
    assert_eq!(res.status, 200, "{}", res.body);
    let after = read(&app, &admin, &path);
    assert_eq!(after["email"], Value::Null, "null clears");
    assert_eq!(after["phone"], before["phone"], "absent keeps");
    assert_eq!(after["display_name"], "赵磊", "absent keeps");
    assert_eq!(after["roles"], json!(["engineer"]));
}

#[test]
fn a_ticket_patch_refuses_null_for_required_fields() {
    let w = world();
    let ticket = w.assign(&w.fault("normal"), &w.eng1_id);
    let path = format!("/api/v1/tickets/{}", id(&ticket));
    let before = read(&w.app, &w.manager, &path);
    for field in ["priority", "description"] {
        refuses_null(&w.app, &w.manager, &path, &before, field);
    }
    let res = merge(
        &w.app,
        &w.manager,
        &path,
        &before["version"],
        json!({"description": "主机离线", "reason": "客户补充"}),
    );
    assert_eq!(res.status, 200, "{}", res.body);
    let after = read(&w.app, &w.manager, &path);
    assert_eq!(after["description"], "主机离线");
    assert_eq!(after["priority"], before["priority"], "absent keeps");
}
