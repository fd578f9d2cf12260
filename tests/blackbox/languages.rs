//! Every kind of problem the server sends, asked for in zh-CN and in en: each answer names its
//! language in `Content-Language` and speaks only it (the support client checks every problem
//! of the suite the same way), and the request-strictness rules (no body for an all-optional
//! command, a missing member named in a 422, unknown query parameters refused everywhere).

use crate::tickets::{id, world};
use kefu_blackbox::{Req, TestApp, english_words, is_cjk};
use serde_json::{Value, json};

const LANGS: [&str; 2] = ["zh-CN", "en"];

/// Sends `make(lang)` in each language; asserts the problem kind and the language of its
/// texts; returns the two bodies (zh-CN, en).
fn in_both(status: u16, slug: &str, make: impl Fn() -> Req) -> [Value; 2] {
    LANGS.map(|lang| {
        let res = make().header("Accept-Language", lang).send();
        assert_eq!(res.header("content-language").as_deref(), Some(lang));
        let p = res.problem(status, slug);
        let text = texts(&p);
        if lang == "en" {
            assert!(!text.chars().any(is_cjk), "{text}");
        } else {
            assert_eq!(english_words(&text), None, "{text}");
            assert!(text.chars().any(is_cjk), "{text}");
        }
        p
    })
}

fn texts(p: &Value) -> String {
    let mut all = vec![
        p["title"].as_str().unwrap_or(""),
        p["detail"].as_str().unwrap_or(""),
    ];
    for e in p["errors"]
        .as_array()
        .map(Vec::as_slice)
        .unwrap_or_default()
    {
        all.push(e["message"].as_str().unwrap_or(""));
    }
    all.join(" | ")
}

fn fields(p: &Value) -> Vec<(String, String)> {
    p["errors"]
        .as_array()
        .map(Vec::as_slice)
        .unwrap_or_default()
        .iter()
        .map(|e| {
            (
                e["field"].as_str().unwrap_or("").to_owned(),
                e["code"].as_str().unwrap_or("").to_owned(),
            )
        })
        .collect()
}

#[test]
fn every_problem_kind_speaks_the_callers_language_only() {
    let w = world();
    let app = &w.app;
    let admin = w.admin.clone();

    // Validation, with the validator's limits worded in each language, in field order.
    let [zh, en] = in_both(422, "validation", || {
        app.post("/api/v1/users").bearer(&admin).json(
            &json!({"kind": "human", "username": "x", "display_name": "", "roles": ["engineer"]}),
        )
    });
    assert_eq!(fields(&zh), fields(&en));
    let f = fields(&en);
    let mut sorted = f.clone();
    sorted.sort();
    assert_eq!(f, sorted, "errors in field order");
    assert!(!en.to_string().contains("failed `"), "{en}");

    // Malformed JSON, an unknown member, a wrong type: no parser text, the field named.
    let [zh, en] = in_both(400, "bad-request", || {
        app.post("/api/v1/users")
            .bearer(&admin)
            .raw("application/json", "{\"username\":")
    });
    assert!(zh["detail"].as_str().unwrap().contains("JSON"));
    assert!(
        en["detail"]
            .as_str()
            .unwrap()
            .starts_with("The body is not valid JSON")
    );
    let [_, en] = in_both(400, "bad-request", || {
        app.post("/api/v1/users").bearer(&admin).json(
            &json!({"kind": "human", "username": "li.lei", "display_name": "李雷", "roles": ["engineer"], "nmae": 1}),
        )
    });
    assert_eq!(
        fields(&en),
        [("nmae".to_owned(), "unknown_field".to_owned())]
    );
    assert!(!en["detail"].as_str().unwrap().contains('`'), "{en}");
    let [_, en] = in_both(400, "bad-request", || {
        app.post("/api/v1/users")
            .bearer(&admin)
            .json(&json!({"kind": "human", "username": "li.lei", "display_name": "李雷", "roles": ["chief"]}))
    });
    assert_eq!(en["errors"][0]["code"], "invalid_type", "{en}");
    assert!(
        en["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("engineer"),
        "{en}"
    );

    // Not found, unauthenticated, forbidden, method not allowed, media type.
    in_both(404, "not-found", || {
        app.get("/api/v1/users/0193a0c4-7e1f-7000-8000-000000000009")
            .bearer(&admin)
    });
    in_both(401, "unauthenticated", || app.get("/api/v1/users"));
    in_both(401, "unauthenticated", || {
        app.post("/api/v1/auth/login")
            .json(&json!({"username": "nobody", "password": "Wrong-pass-1"}))
    });
    let eng = w.eng1.clone();
    in_both(403, "forbidden", || app.get("/api/v1/users").bearer(&eng));
    in_both(405, "method-not-allowed", || {
        app.req("DELETE", "/api/v1/me").bearer(&admin)
    });
    in_both(415, "unsupported-media-type", || {
        app.post("/api/v1/users")
            .bearer(&admin)
            .raw("text/plain", "hello")
    });

    // A duplicate, a state conflict (TKT-3) and a rule violation (TKT-5).
    let body = json!({"kind": "human", "username": "han.mei", "display_name": "韩梅", "roles": ["engineer"]});
    assert_eq!(
        app.post("/api/v1/users")
            .bearer(&admin)
            .json(&body)
            .send()
            .status,
        201
    );
    in_both(409, "conflict", || {
        app.post("/api/v1/users").bearer(&admin).json(&body)
    });
    let t = w.assign(&w.fault("low"), &w.eng1_id);
    let t = w.ok(&w.manager, &t, "cancel", json!({"reason": "客户撤销报修"}));
    let [zh, en] = in_both(409, "conflict", || {
        app.post(&format!("/api/v1/tickets/{}/start", id(&t)))
            .bearer(&w.eng1)
            .if_match(&format!("\"{}\"", t["version"]))
            .json(&json!({}))
    });
    assert_eq!(
        (&zh["rule"], &en["rule"]),
        (&json!("TKT-3"), &json!("TKT-3"))
    );
    assert!(
        zh["detail"]
            .as_str()
            .unwrap()
            .starts_with("TKT-3（工单生命周期）"),
        "{zh}"
    );
    let t = w.assign(&w.fault("high"), &w.eng1_id);
    let v = app
        .post(&format!("/api/v1/tickets/{}/visits", id(&t)))
        .bearer(&w.eng1)
        .json(&json!({"planned_date": "2026-03-10", "purpose": "现场检修"}))
        .send()
        .json();
    let [zh, _] = in_both(422, "rule-violation", || {
        app.post(&format!("/api/v1/visits/{}/depart", id(&v)))
            .bearer(&w.eng1)
            .if_match(&format!("\"{}\"", v["version"]))
            .json(&json!({}))
    });
    assert_eq!(zh["rule"], "TKT-5");

    // Preconditions and idempotency.
    let team = app
        .post("/api/v1/teams")
        .bearer(&admin)
        .json(&json!({"name": "一组"}))
        .send();
    assert_eq!(team.status, 201, "{}", team.body);
    let team_path = format!("/api/v1/teams/{}", team.json()["id"].as_str().unwrap());
    let rename = || {
        app.patch(&team_path)
            .bearer(&admin)
            .json(&json!({"name": "二组"}))
    };
    in_both(428, "precondition-required", rename);
    in_both(412, "precondition-failed", || rename().if_match("\"999\""));
    in_both(400, "bad-request", || rename().if_match("W/\"1\""));
    let keyed = |name: &str| {
        app.post("/api/v1/users")
            .bearer(&admin)
            .header("Idempotency-Key", "lang-key-1")
            .json(&json!({"kind": "human", "username": name, "display_name": name, "roles": ["engineer"]}))
    };
    assert_eq!(keyed("wang.fang").send().status, 201);
    in_both(422, "idempotency-key-reused", || keyed("zhao.lei"));

    // A temporary password allows nothing but changing it.
    let created = app
        .post("/api/v1/users")
        .bearer(&admin)
        .json(&json!({"kind": "human", "username": "temp.user", "display_name": "临时", "roles": ["admin"]}))
        .send()
        .json();
    let temp = app.token("temp.user", created["generated_password"].as_str().unwrap());
    in_both(403, "password-change-required", || {
        app.get("/api/v1/users").bearer(&temp)
    });
}

#[test]
fn rate_limits_and_oversized_bodies_speak_the_callers_language() {
    let app = TestApp::builder()
        .env("KEFU_RATE_LIMIT_PER_TOKEN", "3")
        .env("KEFU_RATE_LIMIT_PER_IP", "0")
        .env("KEFU_JSON_LIMIT_BYTES", "64")
        .spawn();
    in_both(413, "payload-too-large", || {
        app.post("/api/v1/auth/login")
            .json(&json!({"username": "a".repeat(100), "password": "x"}))
    });
    let admin = app.admin_token();
    while app.get("/api/v1/me").bearer(&admin).send().status == 200 {}
    let [zh, en] = in_both(429, "rate-limited", || app.get("/api/v1/me").bearer(&admin));
    assert!(zh["detail"].as_str().unwrap().contains('秒'), "{zh}");
    assert!(en["detail"].as_str().unwrap().contains("seconds"), "{en}");
}

#[test]
fn commands_without_input_take_no_body_and_missing_members_are_named() {
    let w = world();
    let app = &w.app;
    // An all-optional body may be left out entirely, or sent empty.
    let t = w.assign(&w.fault("low"), &w.eng1_id);
    let started = app
        .post(&format!("/api/v1/tickets/{}/start", id(&t)))
        .bearer(&w.eng1)
        .if_match(&format!("\"{}\"", t["version"]))
        .send();
    assert_eq!(started.status, 200, "{}", started.body);
    assert_eq!(started.json()["status"], "in_progress");
    // A required member left out is a 422 naming it, in each language.
    let started = started.json();
    let [zh, en] = in_both(422, "validation", || {
        app.post(&format!("/api/v1/tickets/{}/cancel", id(&started)))
            .bearer(&w.manager)
            .if_match(&format!("\"{}\"", started["version"]))
            .json(&json!({}))
    });
    for p in [&zh, &en] {
        assert_eq!(
            fields(p),
            [("reason".to_owned(), "required".to_owned())],
            "{p}"
        );
    }
    assert_eq!(en["errors"][0]["message"], "required");
    assert_eq!(zh["errors"][0]["message"], "必填");
    // So is the whole body left out.
    in_both(422, "validation", || {
        app.post(&format!("/api/v1/tickets/{}/cancel", id(&started)))
            .bearer(&w.manager)
            .if_match(&format!("\"{}\"", started["version"]))
    });
}

#[test]
fn unknown_query_parameters_are_refused_on_every_route() {
    let app = TestApp::spawn();
    let admin = app.admin_token();
    for path in [
        "/api/v1/me?bogus=1",
        "/api/v1/users?bogus=1",
        "/api/v1/me/notifications?limit=5&bogus=1",
    ] {
        let [_, en] = in_both(400, "bad-request", || app.get(path).bearer(&admin));
        assert_eq!(
            fields(&en),
            [("query.bogus".to_owned(), "unknown_field".to_owned())],
            "{path}"
        );
    }
    // Parameters an operation takes still pass.
    let ok = app.get("/api/v1/users?limit=5").bearer(&admin).send();
    assert_eq!(ok.status, 200, "{}", ok.body);
}
