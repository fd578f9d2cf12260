use kefu_blackbox::TestApp;
use serde_json::Value;

#[test]
fn health_readiness_and_metrics() {
    let app = TestApp::spawn();
    let health = app.get("/healthz").send();
    assert_eq!(health.status, 200);
    assert_eq!(health.json()["status"], "ok");
    let ready = app.get("/readyz").send();
    assert_eq!(ready.status, 200);
    assert_eq!(ready.json()["database"], app.db.backend);
    app.get("/api/v1/me").send();
    app.get("/api/v1/me").send();
    let metrics = app.get("/metrics").send();
    assert_eq!(metrics.status, 200);
    assert!(
        metrics
            .header("content-type")
            .unwrap()
            .starts_with("text/plain")
    );
    assert!(
        metrics.body.contains(
            "kefu_http_requests_total{method=\"GET\",route=\"/api/v1/me\",status=\"401\"} 2"
        ),
        "{}",
        metrics.body
    );
    assert!(metrics.body.contains("kefu_db_pool_connections"));
}

#[test]
fn the_served_spec_is_the_committed_spec_and_the_docs_load_offline() {
    let app = TestApp::spawn();
    let served = app.get("/api/v1/openapi.json").send();
    assert_eq!(served.status, 200);
    let served = served.json();
    let committed: Value =
        serde_json::from_str(include_str!("../../openapi/openapi.json")).unwrap();
    assert!(
        served == committed,
        "run `make openapi` and commit the result"
    );
    let (code, printed, _) = app.cli(&["openapi"], None);
    assert_eq!(code, 0);
    assert!(serde_json::from_str::<Value>(&printed).unwrap() == committed);

    let docs = app.get("/api/docs/").send();
    assert_eq!(docs.status, 200);
    assert!(
        docs.body.to_lowercase().contains("swagger"),
        "{}",
        docs.body
    );
    let redirect = app.get("/api/docs").send();
    assert!((300..400).contains(&redirect.status));
    let init = app.get("/api/docs/swagger-initializer.js").send();
    assert_eq!(init.status, 200);
    assert!(init.body.contains("/api/v1/openapi.json"));
}

/// The database going away gives a quick 503 with `Retry-After`, not a hang or a 500, and the
/// service recovers by itself when it comes back. (PostgreSQL only: an embedded SQLite file
/// cannot go away independently of the process.)
#[test]
fn a_lost_database_is_a_quick_503_and_service_recovers() {
    let app = TestApp::spawn();
    if app.db.backend != "postgres" {
        eprintln!(
            "skipped on {}: needs a database server to stop",
            app.db.backend
        );
        return;
    }
    let admin = app.admin_token();
    assert_eq!(app.get("/api/v1/me").bearer(&admin).send().status, 200);
    let name = app.db.url.rsplit('/').next().unwrap().to_owned();
    app.db.admin_execute(&format!(
        "ALTER DATABASE {name} ALLOW_CONNECTIONS false; \
         SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}';"
    ));
    let started = std::time::Instant::now();
    for _ in 0..3 {
        let res = app.get("/api/v1/me").bearer(&admin).send();
        res.problem(503, "unavailable");
        assert!(res.header("retry-after").is_some());
        assert!(
            !res.body.contains("terminat"),
            "no internals leak: {}",
            res.body
        );
    }
    assert!(started.elapsed() < std::time::Duration::from_secs(20));
    let ready = app.get("/readyz").send();
    ready.problem(503, "unavailable");

    app.db
        .admin_execute(&format!("ALTER DATABASE {name} ALLOW_CONNECTIONS true"));
    let me = app.get("/api/v1/me").bearer(&admin).send();
    assert_eq!(me.status, 200, "{}", me.body);
    assert_eq!(app.get("/readyz").send().status, 200);
}
