//! Rate limits per caller and per client address: 429 with `Retry-After`, `RateLimit-*`
//! headers on every answer, health endpoints exempt.
use kefu_blackbox::{Resp, TestApp};

fn limit_headers(res: &Resp) -> (u64, u64, u64) {
    let n = |name: &str| -> u64 {
        res.header(name)
            .unwrap_or_else(|| panic!("{name} missing: {:?}", res.headers))
            .parse()
            .unwrap()
    };
    (
        n("ratelimit-limit"),
        n("ratelimit-remaining"),
        n("ratelimit-reset"),
    )
}

#[test]
fn a_caller_over_its_limit_gets_429_and_other_callers_do_not() {
    let app = TestApp::builder()
        .env("KEFU_RATE_LIMIT_PER_TOKEN", "3")
        .env("KEFU_RATE_LIMIT_PER_IP", "0")
        .spawn();
    let admin = app.admin_token();
    app.create_user(&admin, "other", &["engineer"], "Secret-pass-123");
    let other = app.token("other", "Secret-pass-123");
    // The admin's allowance: 3, of which creating the user used one.
    let me = app.get("/api/v1/me").bearer(&admin).send();
    assert_eq!(me.status, 200, "{}", me.body);
    assert_eq!(limit_headers(&me).0, 3);
    assert_eq!(limit_headers(&me).1, 1);
    assert_eq!(app.get("/api/v1/me").bearer(&admin).send().status, 200);
    let refused = app.get("/api/v1/me").bearer(&admin).send();
    let p = refused.problem(429, "rate-limited");
    assert!(p["detail"].as_str().unwrap().contains("20"), "{p}");
    assert_eq!(refused.header("retry-after").as_deref(), Some("20"));
    let (limit, remaining, reset) = limit_headers(&refused);
    assert_eq!((limit, remaining), (3, 0));
    assert!((59..=60).contains(&reset), "{reset}");
    // A refused request does nothing: the POST is not run.
    let res = app
        .post("/api/v1/teams")
        .bearer(&admin)
        .json(&serde_json::json!({"name": "一组"}))
        .send();
    res.problem(429, "rate-limited");
    let teams = app.get("/api/v1/teams").bearer(&other).send();
    assert_eq!(teams.status, 200, "another caller is not affected");
    assert_eq!(teams.json()["items"].as_array().unwrap().len(), 0);
    assert_eq!(limit_headers(&teams).1, 2);
    for _ in 0..10 {
        assert_eq!(app.get("/healthz").send().status, 200);
        assert_eq!(app.get("/readyz").send().status, 200);
    }
}

#[test]
fn an_address_over_its_limit_gets_429_and_health_checks_still_answer() {
    let app = TestApp::builder()
        .env("KEFU_RATE_LIMIT_PER_IP", "2")
        .spawn();
    assert_eq!(app.get("/api/v1/me").send().status, 401);
    let second = app.get("/api/v1/me").send();
    assert_eq!(limit_headers(&second), (2, 0, 60));
    let refused = app.get("/api/v1/me").send();
    refused.problem(429, "rate-limited");
    assert_eq!(refused.header("retry-after").as_deref(), Some("30"));
    assert_eq!(app.get("/healthz").send().status, 200);
    assert_eq!(app.get("/readyz").send().status, 200);
    assert!(
        app.get("/healthz")
            .send()
            .header("ratelimit-limit")
            .is_none()
    );
}
