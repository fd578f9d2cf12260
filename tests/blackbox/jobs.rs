//! The job runner: retries with backoff, dead letters and re-runs, expired leases taken over,
//! the admin endpoints, and the warranty reminders two instances run exactly once. Jobs of the
//! test-only kind `test.flaky` (`KEFU_JOBS_TEST_KINDS=1`) are put into the queue by SQL, as
//! another part of the system would enqueue them.
use crate::{actions, audit_of};
use kefu_blackbox::{Resp, TestApp};
use serde_json::{Value, json};
use std::time::{Duration, Instant};

const PASSWORD: &str = "Secret-pass-123";

fn runner_app() -> TestApp {
    TestApp::builder()
        .env("KEFU_JOBS_TEST_KINDS", "1")
        .env("KEFU_JOBS_POLL_MS", "100")
        .env("KEFU_JOBS_BACKOFF_BASE_SECS", "1")
        .env("KEFU_JOBS_BACKOFF_CAP_SECS", "2")
        .spawn()
}

fn db_time(t: chrono::DateTime<chrono::Utc>) -> String {
    t.format("%Y-%m-%d %H:%M:%S%.6f").to_string()
}

/// Queues a `test.flaky` job failing its first `fail_times` attempts, in `status` with a lease.
fn insert_flaky(
    app: &TestApp,
    fail_times: i64,
    max_attempts: i64,
    lease: Option<(&str, i64)>,
) -> String {
    let id = uuid::Uuid::now_v7().to_string();
    let now = chrono::Utc::now();
    let (status, leased_by, lease_until, attempts) = match lease {
        None => ("queued", "NULL".to_owned(), "NULL".to_owned(), 0),
        Some((worker, attempts)) => (
            "running",
            format!("'{worker}'"),
            format!("'{}'", db_time(now - chrono::Duration::seconds(5))),
            attempts,
        ),
    };
    app.db.execute(&format!(
        "INSERT INTO jobs (id, kind, payload, run_at, status, attempts, max_attempts, leased_by, \
         lease_until, created_at, updated_at, version) VALUES ('{id}', 'test.flaky', \
         '{{\"fail_times\": {fail_times}}}', '{t}', '{status}', {attempts}, {max_attempts}, \
         {leased_by}, {lease_until}, '{t}', '{t}', 1)",
        t = db_time(now)
    ));
    id
}

fn get_job(app: &TestApp, admin: &str, id: &str) -> Resp {
    app.get(&format!("/api/v1/jobs/{id}")).bearer(admin).send()
}

/// Polls the job until `done` holds (at most 30 s).
fn wait_job(app: &TestApp, admin: &str, id: &str, done: impl Fn(&Value) -> bool) -> Value {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let res = get_job(app, admin, id);
        assert_eq!(res.status, 200, "{}", res.body);
        let job = res.json();
        if done(&job) {
            return job;
        }
        assert!(Instant::now() < deadline, "job did not get there: {job}");
        std::thread::sleep(Duration::from_millis(100));
    }
}

fn seconds_between(a: &Value, b: &Value) -> f64 {
    let a = chrono::DateTime::parse_from_rfc3339(a.as_str().unwrap()).unwrap();
    let b = chrono::DateTime::parse_from_rfc3339(b.as_str().unwrap()).unwrap();
    (b - a).as_seconds_f64()
}

#[test]
fn a_failing_job_is_retried_with_backoff_until_it_succeeds() {
    let app = runner_app();
    let admin = app.admin_token();
    let id = insert_flaky(&app, 2, 5, None);
    let job = wait_job(&app, &admin, &id, |j| j["status"] == "succeeded");
    assert_eq!(job["attempts"], 3, "{job}");
    assert_eq!(job["kind"], "test.flaky");
    assert_eq!(job["payload"], json!({"fail_times": 2}));
    assert_eq!(job["last_error"], "planned failure 2 of 2");
    assert_eq!(job["lease_until"], Value::Null);
    // Two retries waited 1 s and then 2 s (base 1 s, doubled).
    let took = seconds_between(&job["created_at"], &job["updated_at"]);
    assert!(took >= 3.0, "retried after {took} s");
}

#[test]
fn a_job_failing_max_attempts_times_is_dead_until_rerun() {
    let app = runner_app();
    let admin = app.admin_token();
    app.create_user(&admin, "mgr", &["manager"], PASSWORD);
    let manager = app.token("mgr", PASSWORD);
    let id = insert_flaky(&app, 10, 2, None);
    let job = wait_job(&app, &admin, &id, |j| j["status"] == "dead");
    assert_eq!(job["attempts"], 2);
    assert_eq!(job["last_error"], "planned failure 2 of 10");

    // The dead-letter list; other kinds and states filter it out.
    let dead = app.get("/api/v1/jobs?status=dead").bearer(&admin).send();
    assert_eq!(dead.status, 200, "{}", dead.body);
    let items = dead.json()["items"].as_array().unwrap().clone();
    assert_eq!(items.len(), 1, "{items:?}");
    assert_eq!(items[0]["id"], id.as_str());
    let of_kind = app
        .get("/api/v1/jobs?kind=test.flaky&status=queued")
        .bearer(&admin)
        .send();
    assert!(
        of_kind.json()["items"].as_array().unwrap().is_empty(),
        "{}",
        of_kind.body
    );
    app.get("/api/v1/jobs?status=stuck")
        .bearer(&admin)
        .send()
        .problem(400, "bad-request");

    // Admins only.
    app.get("/api/v1/jobs")
        .bearer(&manager)
        .send()
        .problem(403, "forbidden");
    get_job(&app, &manager, &id).problem(403, "forbidden");
    let rerun = format!("/api/v1/jobs/{id}/rerun");
    app.post(&rerun)
        .bearer(&manager)
        .if_match("\"1\"")
        .send()
        .problem(403, "forbidden");
    get_job(&app, &admin, "no-such-job").problem(404, "not-found");

    let etag = get_job(&app, &admin, &id).etag();
    app.post(&rerun)
        .bearer(&admin)
        .send()
        .problem(428, "precondition-required");
    app.post(&rerun)
        .bearer(&admin)
        .if_match("\"1\"")
        .send()
        .problem(412, "precondition-failed");
    let res = app.post(&rerun).bearer(&admin).if_match(&etag).send();
    assert_eq!(res.status, 200, "{}", res.body);
    let queued = res.json();
    assert_eq!(
        (queued["status"].clone(), queued["attempts"].clone()),
        (json!("queued"), json!(0))
    );
    assert_ne!(res.etag(), etag);
    let entries = audit_of(&app, &admin, "job", &id);
    assert_eq!(actions(&entries), ["job.rerun"]);
    assert_eq!(entries[0]["before"]["status"], "dead");
    assert_eq!(entries[0]["after"]["status"], "queued");

    // It runs again: two more failed attempts, dead again.
    let job = wait_job(&app, &admin, &id, |j| j["status"] == "dead");
    assert_eq!(job["attempts"], 2);

    // A succeeded job is not re-run.
    let ok = insert_flaky(&app, 0, 1, None);
    let done = wait_job(&app, &admin, &ok, |j| j["status"] == "succeeded");
    app.post(&format!("/api/v1/jobs/{ok}/rerun"))
        .bearer(&admin)
        .if_match(&format!("\"{}\"", done["version"]))
        .send()
        .plain_conflict();
}

#[test]
fn a_job_whose_lease_expired_is_taken_over() {
    let app = runner_app();
    let admin = app.admin_token();
    // Leased by an instance that died 5 s ago, on its first attempt.
    let id = insert_flaky(&app, 0, 3, Some(("crashed-instance", 1)));
    let job = wait_job(&app, &admin, &id, |j| j["status"] == "succeeded");
    assert_eq!(job["attempts"], 2);
    assert_ne!(job["leased_by"], "crashed-instance");
    assert!(
        job["leased_by"].as_str().is_some_and(|w| !w.is_empty()),
        "{job}"
    );
}

fn notifications(app: &TestApp, token: &str) -> Vec<Value> {
    let res = app.get("/api/v1/me/notifications").bearer(token).send();
    assert_eq!(res.status, 200, "{}", res.body);
    res.json()["items"].as_array().unwrap().clone()
}

fn equipment(
    app: &TestApp,
    admin: &str,
    site: &str,
    product: &str,
    serial: &str,
    end: chrono::NaiveDate,
) -> String {
    let res = app
        .post("/api/v1/equipment")
        .bearer(admin)
        .json(
            &json!({"site_id": site, "product_id": product, "serial": serial,
                      "warranty_end": end.to_string()}),
        )
        .send();
    assert_eq!(res.status, 201, "{}", res.body);
    res.json()["id"].as_str().unwrap().to_owned()
}

/// The wall-clock minute the job scheduler keys its periodic scans by.
fn minute_now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
        / 60
}

/// Issue 4's done-when: two instances on one database run the warranty reminder job of the
/// same minute, and each reminder is created exactly once.
#[test]
fn two_instances_send_each_warranty_reminder_exactly_once() {
    let started = minute_now();
    // The first instance only sets up the data; the two that follow run the jobs.
    let setup = TestApp::builder().env("KEFU_JOBS_ENABLED", "0").spawn();
    let admin = setup.admin_token();
    let engineer = setup.create_user(&admin, "eng", &["engineer"], PASSWORD);
    setup.create_user(&admin, "mgr", &["manager"], PASSWORD);
    setup.create_user(&admin, "other", &["engineer"], PASSWORD);
    setup
        .db
        .insert_customer("cust-a", "甲公司", engineer["id"].as_str(), None);
    setup.db.insert_site("site-a", "cust-a", "杭州");
    let product = setup
        .post("/api/v1/products")
        .bearer(&admin)
        .json(
            &json!({"model": "GST-200", "name": "火灾报警控制器", "unit_price_fen": 100,
                      "unit_cost_fen": 50, "floor_price_fen": 80}),
        )
        .send();
    assert_eq!(product.status, 201, "{}", product.body);
    let product = product.json()["id"].as_str().unwrap().to_owned();
    let today = (chrono::Utc::now() + chrono::Duration::hours(8)).date_naive();
    let days = |n: i64| today + chrono::Duration::days(n);
    let ending = equipment(&setup, &admin, "site-a", &product, "SN-END", days(10));
    let also = equipment(&setup, &admin, "site-a", &product, "SN-TODAY", days(0));
    equipment(&setup, &admin, "site-a", &product, "SN-LATER", days(60));
    let gone = equipment(&setup, &admin, "site-a", &product, "SN-GONE", days(5));
    let etag = setup
        .get(&format!("/api/v1/equipment/{gone}"))
        .bearer(&admin)
        .send()
        .etag();
    let deleted = setup
        .req("DELETE", &format!("/api/v1/equipment/{gone}"))
        .bearer(&admin)
        .if_match(&etag)
        .send();
    assert_eq!(deleted.status, 200, "{}", deleted.body);

    let runners = [("KEFU_JOBS_ENABLED", "1"), ("KEFU_JOBS_POLL_MS", "50")];
    let first = setup.another_instance(&runners);
    let second = setup.another_instance(&runners);

    let deadline = Instant::now() + Duration::from_secs(40);
    let reminders = |token: &str| {
        notifications(&setup, token)
            .iter()
            .filter(|n| n["kind"] == "equipment.warranty_ending")
            .count()
    };
    while reminders(&admin) < 2 {
        assert!(
            Instant::now() < deadline,
            "no reminders: {:?}",
            first.logs()
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    // Both instances keep polling; give a duplicate every chance to appear.
    std::thread::sleep(Duration::from_secs(2));

    let manager = setup.token("mgr", PASSWORD);
    let eng = setup.token("eng", PASSWORD);
    for (who, token) in [("admin", &admin), ("mgr", &manager), ("eng", &eng)] {
        // (In December the admins are also told of a missing holiday schedule: not counted.)
        let inbox: Vec<Value> = notifications(&setup, token)
            .into_iter()
            .filter(|n| n["kind"] != "calendar.schedule_missing")
            .collect();
        let mut about: Vec<&str> = inbox
            .iter()
            .map(|n| n["entity_id"].as_str().unwrap())
            .collect();
        about.sort_unstable();
        let mut expected = vec![ending.as_str(), also.as_str()];
        expected.sort_unstable();
        assert_eq!(about, expected, "{who}: {inbox:?}");
        assert!(
            inbox
                .iter()
                .all(|n| n["kind"] == "equipment.warranty_ending" && n["read"] == false)
        );
    }
    let soon = notifications(&setup, &eng)
        .into_iter()
        .find(|n| n["entity_id"] == ending.as_str())
        .unwrap();
    assert_eq!(soon["entity_type"], "equipment");
    assert!(soon["title"].as_str().unwrap().contains("SN-END"), "{soon}");
    assert!(soon["body"].as_str().unwrap().contains("甲公司"), "{soon}");
    assert!(
        soon["body"]
            .as_str()
            .unwrap()
            .contains(&days(10).to_string()),
        "{soon}"
    );
    // Not responsible for the customer: nothing, and someone else's notification is 404.
    let other = setup.token("other", PASSWORD);
    assert!(notifications(&setup, &other).is_empty());
    setup
        .post(&format!(
            "/api/v1/me/notifications/{}/read",
            soon["id"].as_str().unwrap()
        ))
        .bearer(&other)
        .send()
        .problem(404, "not-found");

    // One audit entry per reminder, whichever instance sent it.
    for id in [&ending, &also] {
        let entries = audit_of(&setup, &admin, "equipment", id);
        let reminders: Vec<&Value> = entries
            .iter()
            .filter(|e| e["action"] == "equipment.warranty_reminder")
            .collect();
        assert_eq!(reminders.len(), 1, "{entries:?}");
        assert_eq!(
            reminders[0]["after"]["notified_user_ids"]
                .as_array()
                .unwrap()
                .len(),
            3
        );
    }
    // Each minute's scan is one job, run by one of the two instances.
    let res = setup
        .get("/api/v1/jobs?kind=equipment.warranty_reminders&limit=200")
        .bearer(&admin)
        .send();
    let scans = res.json()["items"].as_array().unwrap().clone();
    // One scan per wall-clock minute the instances ran: a loaded or paused machine
    // stretches the test across more minute boundaries than the usual one.
    let minutes = usize::try_from(minute_now() - started).unwrap() + 1;
    assert!(
        !scans.is_empty() && scans.len() <= minutes,
        "{} scans in {minutes} minutes: {scans:?}",
        scans.len()
    );
    let mut keys: Vec<&str> = scans
        .iter()
        .map(|j| j["dedupe_key"].as_str().unwrap())
        .collect();
    keys.dedup();
    assert_eq!(keys.len(), scans.len(), "{scans:?}");
    for scan in &scans {
        assert!(["succeeded", "queued", "running"].contains(&scan["status"].as_str().unwrap()));
    }
    assert!(
        scans
            .iter()
            .any(|j| j["status"] == "succeeded" && j["attempts"] == 1),
        "{scans:?}"
    );
    drop((first, second));
}
