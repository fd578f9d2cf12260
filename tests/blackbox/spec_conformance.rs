//! Regressions for what `make fuzz` (schemathesis against openapi/openapi.json) found: the
//! server must accept exactly what the spec admits and refuse the rest.

use kefu_blackbox::TestApp;
use serde_json::json;

/// If-Match takes exactly the spec's pattern `^"[0-9]{1,18}"$`; anything else is 400 (`*`, bare
/// numbers, signs and spaces inside the quotes used to be read as a version). A weak tag is
/// refused too: If-Match uses the strong comparison (RFC 9110 §13.1.1), and `W/"1"` used to
/// be applied as if it were `"1"`.
#[test]
fn if_match_accepts_only_etags_of_this_api() {
    let app = TestApp::spawn();
    let admin = app.admin_token();
    let user = app.create_user(&admin, "etag.target", &["clerk"], "Etag-target-1");
    let path = format!("/api/v1/users/{}", user["id"].as_str().unwrap());
    for bad in [
        "*",
        "1",
        "\"+1\"",
        "\"-1\"",
        "\" 1\"",
        "W/\"1\"",
        "w/\"1\"",
        "W/W/\"1\"",
        "\"1234567890123456789\"",
    ] {
        let res = app
            .patch(&path)
            .bearer(&admin)
            .header("Accept-Language", "en")
            .if_match(bad)
            .json(&json!({"display_name": "弱标签"}))
            .send();
        let body = res.problem(400, "bad-request");
        assert!(
            body["detail"]
                .as_str()
                .is_some_and(|d| d.contains("strong ETag")),
            "{bad}: {}",
            res.body
        );
    }
    // Nothing was applied: the record is still at version 1, and the strong tag works.
    let res = app
        .patch(&path)
        .bearer(&admin)
        .if_match("\"1\"")
        .json(&json!({"display_name": "强标签"}))
        .send();
    assert_eq!(res.status, 200, "{}", res.body);
    assert_eq!(res.etag(), "\"2\"");
    assert_eq!(res.json()["display_name"], "强标签");
}

/// Every string matching the cursor pattern of the spec is a cursor (a page that starts after
/// that key), not a 400; strings outside it are still 400, a NUL byte included (it was a 500
/// on PostgreSQL, whose text cannot hold one).
#[test]
fn any_cursor_of_the_documented_shape_is_accepted() {
    let app = TestApp::spawn();
    let admin = app.admin_token();
    for ok in ["k", "k01", "kff", "k7a7a7a"] {
        let res = app
            .get(&format!("/api/v1/users?cursor={ok}"))
            .bearer(&admin)
            .send();
        assert_eq!(res.status, 200, "{ok}: {}", res.body);
        let res = app
            .get(&format!("/api/v1/api-keys?cursor={ok}"))
            .bearer(&admin)
            .send();
        assert_eq!(res.status, 200, "{ok}: {}", res.body);
    }
    let res = app.get("/api/v1/audit?cursor=k3939").bearer(&admin).send();
    assert_eq!(res.status, 200, "{}", res.body);
    for bad in ["", "k0", "kzz", "x01", "k00", "k6100"] {
        app.get(&format!("/api/v1/users?cursor={bad}"))
            .bearer(&admin)
            .send()
            .problem(400, "bad-request");
    }
    app.get("/api/v1/audit?cursor=k7a")
        .bearer(&admin)
        .send()
        .problem(400, "bad-request");
}

/// The password policy counts ASCII classes, so the spec can state it as a pattern: a
/// non-ASCII letter counts as "other" (it used to count as lowercase, refusing this password
/// although it matches the documented pattern).
#[test]
fn the_password_policy_is_the_documented_one() {
    let app = TestApp::spawn();
    let admin = app.admin_token();
    app.create_user(&admin, "accented", &["clerk"], "ééééééééea");
    let res = app
        .post("/api/v1/users")
        .bearer(&admin)
        .json(
            &json!({"kind": "human", "username": "weak.one", "display_name": "weak",
            "roles": ["clerk"], "password": "李伟李伟李伟李伟李伟"}),
        )
        .send();
    assert_eq!(res.problem(422, "validation")["errors"][0]["code"], "weak");
}

/// A service account with a password matches no variant of CreateUser (`CreateUserService`
/// has no `password`) and is 422 `not_allowed` naming it.
#[test]
fn a_service_account_with_a_password_is_refused() {
    let app = TestApp::spawn();
    let admin = app.admin_token();
    let res = app
        .post("/api/v1/users")
        .bearer(&admin)
        .json(
            &json!({"username": "svc.pw", "display_name": "svc", "kind": "service",
            "roles": ["finance"], "password": "Service-pass-1"}),
        )
        .send();
    let problem = res.problem(422, "validation");
    assert_eq!(problem["errors"][0]["field"], "password");
    assert_eq!(problem["errors"][0]["code"], "not_allowed");
}

/// `q` is at most 200 characters on every list (the spec's `maxLength`); longer text is a 400
/// naming `query.q`, where 50,000 characters used to be a 500 on SQLite ("LIKE or GLOB pattern
/// too complex"). One list per domain; 200 characters, Chinese included, still search.
#[test]
fn search_text_longer_than_200_characters_is_400() {
    let app = TestApp::spawn();
    let admin = app.admin_token();
    let long = "a".repeat(50_000);
    let just_over = "报".repeat(201);
    let at_most = "报".repeat(200);
    for list in [
        "/api/v1/users",
        "/api/v1/teams",
        "/api/v1/customers",
        "/api/v1/products",
        "/api/v1/equipment",
        "/api/v1/tickets",
        "/api/v1/kb-articles",
    ] {
        for q in [&long, &just_over] {
            let res = app
                .get(&format!("{list}?q={}", urlencode(q)))
                .bearer(&admin)
                .send();
            let body = res.problem(400, "bad-request");
            assert_eq!(
                body["errors"][0]["field"], "query.q",
                "{list}: {}",
                res.body
            );
            assert_eq!(body["errors"][0]["code"], "length", "{list}: {}", res.body);
            // The limit is told in the caller's language (zh-CN here).
            assert!(
                body["errors"][0]["message"]
                    .as_str()
                    .is_some_and(|m| m.contains("最多 200")),
                "{list}: {}",
                res.body
            );
        }
        let res = app
            .get(&format!("{list}?q={}", urlencode(&at_most)))
            .bearer(&admin)
            .send();
        assert_eq!(res.status, 200, "{list}: {}", res.body);
        assert_eq!(res.json()["items"], json!([]), "{list}");
    }
}

/// Percent-encodes all but ASCII letters and digits (which stay as they are, so 50,000 of
/// them still fit in the request line).
fn urlencode(text: &str) -> String {
    text.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() {
                char::from(b).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}
