use kefu_blackbox::{Req, TestApp};
use serde_json::{Value, json};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

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
    // The production wait for a connection: what "quick" means here.
    let app = TestApp::builder().env("KEFU_DB_TIMEOUT_MS", "3000").spawn();
    if app.db.backend != "postgres" {
        eprintln!(
            "skipped on {}: needs a database server to stop",
            app.db.backend
        );
        return;
    }
    let admin = app.admin_token();
    assert_eq!(app.get("/api/v1/me").bearer(&admin).send().status, 200);
    set_connections_allowed(&app, false);
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

    set_connections_allowed(&app, true);
    let me = app.get("/api/v1/me").bearer(&admin).send();
    assert_eq!(me.status, 200, "{}", me.body);
    assert_eq!(app.get("/readyz").send().status, 200);
}

/// Lets the test's database accept connections again, or refuses them and ends those open.
fn set_connections_allowed(app: &TestApp, allowed: bool) {
    let name = app.db.url.rsplit('/').next().unwrap();
    let mut sql = format!("ALTER DATABASE {name} ALLOW_CONNECTIONS {allowed};");
    if !allowed {
        sql.push_str(&format!(
            " SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}';"
        ));
    }
    app.db.admin_execute(&sql);
}

/// What one client of the outage test saw for one request.
struct Answer {
    key: String,
    status: u16,
    took: Duration,
    problem_type: String,
    body: String,
}

/// PostgreSQL refusing connections while clients are writing and reading: every request is
/// answered (2xx, or 503 problem+json with `Retry-After`) within the pool timeout, none hangs or
/// fails otherwise; once the database is back the service is whole within 5 s, every
/// acknowledged write is there once, every refused key runs afresh, and the audit chain holds.
#[test]
fn a_database_lost_under_load_answers_every_request_quickly_and_loses_nothing() {
    let app = TestApp::builder()
        .env("KEFU_DB_TIMEOUT_MS", "1500")
        .env("KEFU_IDEMPOTENCY_LEASE_SECS", "2")
        .spawn();
    if app.db.backend != "postgres" {
        eprintln!(
            "skipped on {}: needs a database server to stop",
            app.db.backend
        );
        return;
    }
    let admin = app.admin_token();
    let stop = Arc::new(AtomicBool::new(false));
    let answers = Arc::new(Mutex::new(Vec::<Answer>::new()));
    let clients: Vec<_> = (0..6)
        .map(|client| {
            let (base, token) = (app.base.clone(), admin.clone());
            let (stop, answers) = (stop.clone(), answers.clone());
            std::thread::spawn(move || {
                let mut n = 0;
                while !stop.load(Ordering::Relaxed) {
                    n += 1;
                    let key = format!("outage-{client}-{n}");
                    std::thread::sleep(Duration::from_millis(20));
                    let started = Instant::now();
                    let req = if client % 2 == 0 {
                        Req::new("POST", format!("{base}/api/v1/customers"))
                            .header("Idempotency-Key", &key)
                            .json(&json!({ "name": format!("停电 {key}") }))
                    } else {
                        Req::new("GET", format!("{base}/api/v1/customers?limit=5"))
                    };
                    let res = req
                        .bearer(&token)
                        .try_send()
                        .expect("every request is answered");
                    let problem_type = serde_json::from_str::<Value>(&res.body)
                        .ok()
                        .and_then(|v| v["type"].as_str().map(str::to_owned))
                        .unwrap_or_default();
                    answers.lock().unwrap().push(Answer {
                        key: if client % 2 == 0 { key } else { String::new() },
                        status: res.status,
                        took: started.elapsed(),
                        problem_type,
                        body: res.body,
                    });
                }
            })
        })
        .collect();

    std::thread::sleep(Duration::from_millis(700));
    set_connections_allowed(&app, false);
    std::thread::sleep(Duration::from_secs(4));
    assert_eq!(
        app.get("/readyz").send().status,
        503,
        "not ready while the database is away"
    );
    set_connections_allowed(&app, true);
    let back = Instant::now();
    let recovered = loop {
        let res = app.get("/api/v1/customers?limit=1").bearer(&admin).send();
        if res.status == 200 && app.get("/readyz").send().status == 200 {
            break back.elapsed();
        }
        assert!(
            back.elapsed() < Duration::from_secs(5),
            "not whole 5 s after: {}",
            res.body
        );
        std::thread::sleep(Duration::from_millis(100));
    };
    std::thread::sleep(Duration::from_millis(500));
    stop.store(true, Ordering::Relaxed);
    for c in clients {
        c.join().unwrap();
    }

    let answers = std::mem::take(&mut *answers.lock().unwrap());
    let refused = answers.iter().filter(|a| a.status == 503).count();
    assert!(refused > 0, "no request met the outage: nothing was tested");
    for a in &answers {
        match a.status {
            200 | 201 => {}
            503 => assert_eq!(a.problem_type, "urn:kefu:problem:unavailable", "{}", a.body),
            other => panic!("unexpected {other} during the outage: {}", a.body),
        }
        // The pool timeout (1.5 s) bounds the wait for a connection; a request never hangs.
        assert!(
            a.took < Duration::from_secs(6),
            "{:?} for {}",
            a.took,
            a.body
        );
    }

    // Acknowledged creates are there once; refused ones run afresh when retried. A key whose
    // claim was taken before the database went away (and could not be released) is busy
    // until its lease ends, as `Retry-After` says; never longer. A connection cut during
    // COMMIT leaves the server unsure whether the write happened, so it answers 503; if it did
    // happen, the retry says so (409 `idempotency-outcome-lost`, naming the record) instead of
    // writing it twice.
    for a in answers.iter().filter(|a| !a.key.is_empty()) {
        let retry = loop {
            let res = Req::new("POST", format!("{}/api/v1/customers", app.base))
                .bearer(&admin)
                .header("Idempotency-Key", &a.key)
                .json(&json!({ "name": format!("停电 {}", a.key) }))
                .send();
            let busy = res.status == 409
                && res.json()["type"] == "urn:kefu:problem:idempotency-in-progress";
            if !busy || a.status != 503 {
                break res;
            }
            let wait: u64 = res.header("retry-after").unwrap().parse().unwrap();
            assert!(wait <= 2, "{}: busy beyond its lease: {}", a.key, res.body);
            std::thread::sleep(Duration::from_millis(500));
        };
        if retry.status == 409 {
            // Also after a 201 whose stored copy could not be written before the database
            // went: the retry names the record that 201 reported.
            let lost = retry.json();
            if a.status == 201 {
                let acknowledged: Value = serde_json::from_str(&a.body).unwrap_or_default();
                assert_eq!(lost["entity_id"], acknowledged["id"], "{}", a.body);
            }
            assert_eq!(
                lost["type"], "urn:kefu:problem:idempotency-outcome-lost",
                "{}: {}",
                a.key, retry.body
            );
            assert_eq!(lost["entity_type"], "customer", "{}", retry.body);
            let id = lost["entity_id"].as_str().unwrap();
            let written = app
                .get(&format!("/api/v1/customers/{id}"))
                .bearer(&admin)
                .send();
            assert_eq!(written.status, 200, "{}: the lost write is there", a.key);
            assert_eq!(written.json()["name"], format!("停电 {}", a.key));
            continue;
        }
        assert_eq!(retry.status, 201, "{}: {}", a.key, retry.body);
        let replayed = retry.header("idempotent-replayed").is_some();
        assert_eq!(
            replayed,
            a.status == 201,
            "{}: stored answer iff acknowledged",
            a.key
        );
    }
    let mut names = Vec::new();
    let mut cursor = String::new();
    loop {
        let page = app
            .get(&format!(
                "/api/v1/customers?q=%E5%81%9C%E7%94%B5&limit=100{cursor}"
            ))
            .bearer(&admin)
            .send()
            .json();
        for c in page["items"].as_array().unwrap() {
            names.push(c["name"].as_str().unwrap().to_owned());
        }
        match page["next_cursor"].as_str() {
            Some(c) => cursor = format!("&cursor={c}"),
            None => break,
        }
    }
    let mut unique = names.clone();
    unique.sort_unstable();
    unique.dedup();
    assert_eq!(unique.len(), names.len(), "no record written twice");
    let creates = answers.iter().filter(|a| !a.key.is_empty()).count();
    assert_eq!(names.len(), creates, "every create is there once");
    let (code, out, _) = app.cli(&["verify-audit"], None);
    assert_eq!(code, 0, "the audit chain holds: {out}");
    eprintln!(
        "database outage: {} requests, {refused} answered 503 while it was away, \
         whole again {recovered:?} after it came back",
        answers.len()
    );
}
