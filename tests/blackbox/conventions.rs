use kefu_blackbox::{Resp, TestApp};
use serde_json::json;

/// `POST /users` as `token` with an Idempotency-Key.
fn create_user_keyed(app: &TestApp, token: &str, key: &str, body: &serde_json::Value) -> Resp {
    app.post("/api/v1/users")
        .bearer(token)
        .header("Idempotency-Key", key)
        .json(body)
        .send()
}

fn user_body(name: &str) -> serde_json::Value {
    json!({"kind": "human", "username": name, "display_name": name, "roles": ["engineer"]})
}

#[test]
fn an_idempotent_post_runs_once_and_replays_its_first_response() {
    let app = TestApp::spawn();
    let admin = app.admin_token();
    let post = |body: serde_json::Value| create_user_keyed(&app, &admin, "create-li-1", &body);
    let first = post(user_body("li.ming"));
    assert_eq!(first.status, 201, "{}", first.body);
    assert!(first.header("idempotent-replayed").is_none());
    let second = post(user_body("li.ming"));
    assert_eq!(second.status, 201);
    assert_eq!(
        second.header("idempotent-replayed").as_deref(),
        Some("true")
    );
    assert_eq!(second.header("location"), first.header("location"));
    assert_eq!(second.header("etag"), first.header("etag"));
    let (a, b) = (first.json(), second.json());
    assert_eq!(a["id"], b["id"]);
    // The shown-once password was not stored for replay.
    assert!(a["generated_password"].is_string());
    assert!(b.get("generated_password").is_none());

    let list = app
        .get("/api/v1/users?q=li.ming")
        .bearer(&admin)
        .send()
        .json();
    assert_eq!(list["items"].as_array().unwrap().len(), 1);

    post(user_body("someone.else")).problem(422, "idempotency-key-reused");
    // Keys are per caller: another user's identical key is independent.
    let other = app.create_user(&admin, "admin2", &["admin"], "Admin-pass-2222");
    assert_eq!(other["username"], "admin2");
    let admin2 = app.token("admin2", "Admin-pass-2222");
    let theirs = app
        .post("/api/v1/users")
        .bearer(&admin2)
        .header("Idempotency-Key", "create-li-1")
        .json(&user_body("li.hua"))
        .send();
    assert_eq!(theirs.status, 201, "{}", theirs.body);
}

/// A request killed with its server (kill -9, power loss) leaves its key claimed and never
/// finished. The retry is told to wait while the claim's lease lasts, then runs afresh.
#[test]
fn a_key_left_claimed_by_a_crashed_request_is_retried_once_its_lease_ends() {
    use sha2::{Digest, Sha256};
    let app = TestApp::spawn();
    let admin = app.admin_token();
    let admin_id = app.get("/api/v1/me").bearer(&admin).send().json()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let body = user_body("crash.survivor");
    let hash = hex::encode(Sha256::digest(body.to_string().as_bytes()));
    let now = chrono::Utc::now().naive_utc();
    let at = |t: chrono::NaiveDateTime| t.format("%Y-%m-%d %H:%M:%S%.6f").to_string();
    // What the dead request left: a claim, no response, a lease still running.
    app.db.execute(&format!(
        "INSERT INTO idempotency_keys (actor_id, idem_key, method, path, request_hash, \
         created_at, lease_until) VALUES ('{admin_id}', 'crashed-1', 'POST', '/api/v1/users', \
         '{hash}', '{}', '{}')",
        at(now),
        at(now + chrono::Duration::seconds(30)),
    ));
    let post = || create_user_keyed(&app, &admin, "crashed-1", &body);
    let waiting = post();
    waiting.problem(409, "idempotency-in-progress");
    let retry_after: u64 = waiting.header("retry-after").unwrap().parse().unwrap();
    assert!((25..=30).contains(&retry_after), "{retry_after}");
    let users = || {
        app.get("/api/v1/users?q=crash.survivor")
            .bearer(&admin)
            .send()
            .json()["items"]
            .as_array()
            .unwrap()
            .len()
    };
    assert_eq!(users(), 0, "nothing ran while the claim was held");

    // The lease has run out: the retry runs the command, and later retries replay it.
    app.db.execute(&format!(
        "UPDATE idempotency_keys SET lease_until = '{}' WHERE idem_key = 'crashed-1'",
        at(now - chrono::Duration::seconds(1)),
    ));
    let fresh = post();
    assert_eq!(fresh.status, 201, "{}", fresh.body);
    assert!(fresh.header("idempotent-replayed").is_none());
    let again = post();
    assert_eq!(again.status, 201);
    assert_eq!(again.header("idempotent-replayed").as_deref(), Some("true"));
    assert_eq!(again.json()["id"], fresh.json()["id"]);
    assert_eq!(users(), 1);
}

/// A request killed after its command committed but before its response was stored: the
/// command's own transaction marked the key, so a retry after the lease is not run twice; it
/// is told the outcome was lost and which record was written.
#[test]
fn a_key_whose_command_committed_before_a_crash_is_never_run_twice() {
    let app = TestApp::spawn();
    let admin = app.admin_token();
    let post = || create_user_keyed(&app, &admin, "committed-1", &user_body("written.once"));
    let first = post();
    assert_eq!(first.status, 201, "{}", first.body);
    let written = first.json()["id"].as_str().unwrap().to_owned();
    // What a crash between the commit and the stored response leaves behind.
    let past = (chrono::Utc::now() - chrono::Duration::seconds(5)).naive_utc();
    app.db.execute(&format!(
        "UPDATE idempotency_keys SET status_code = NULL, response_body = NULL, \
         response_headers = NULL, lease_until = '{}' WHERE idem_key = 'committed-1'",
        past.format("%Y-%m-%d %H:%M:%S%.6f")
    ));
    let lost = post().problem(409, "idempotency-outcome-lost");
    assert_eq!(lost["entity_type"], "user");
    assert_eq!(lost["entity_id"], written.as_str());
    let list = app
        .get("/api/v1/users?q=written.once")
        .bearer(&admin)
        .send()
        .json();
    assert_eq!(list["items"].as_array().unwrap().len(), 1, "written once");
}

#[test]
fn failed_commands_replay_too_but_a_bad_key_is_refused() {
    let app = TestApp::spawn();
    let admin = app.admin_token();
    let bad = || create_user_keyed(&app, &admin, "k-bad", &json!({"username": "x"}));
    let first = bad();
    // A missing member is a well-formed body lacking a value: 422 naming it.
    first.problem(422, "validation");
    let again = bad();
    assert_eq!(again.body, first.body);
    assert_eq!(again.header("idempotent-replayed").as_deref(), Some("true"));
    let long = "k".repeat(300);
    create_user_keyed(&app, &admin, &long, &user_body("x1")).problem(400, "bad-request");
}

#[test]
fn bodies_must_be_json_of_bounded_size() {
    let app = TestApp::spawn();
    let admin = app.admin_token();
    app.post("/api/v1/users")
        .bearer(&admin)
        .raw("text/plain", "username=x")
        .send()
        .problem(415, "unsupported-media-type");
    app.post("/api/v1/users")
        .bearer(&admin)
        .raw("application/json", "{\"username\": ")
        .send()
        .problem(400, "bad-request");
    let huge = json!({"kind": "human", "username": "x".repeat(2 << 20), "display_name": "x", "roles": ["engineer"]});
    app.post("/api/v1/users")
        .bearer(&admin)
        .json(&huge)
        .send()
        .problem(413, "payload-too-large");
    app.post("/api/v1/users")
        .bearer(&admin)
        .header("Idempotency-Key", "big-1")
        .json(&huge)
        .send()
        .problem(413, "payload-too-large");
}

#[test]
fn every_response_carries_a_request_id_that_the_log_and_problems_share() {
    let app = TestApp::spawn();
    let res = app
        .get("/api/v1/users")
        .header("X-Request-Id", "trace-abc-123")
        .send();
    assert_eq!(res.header("x-request-id").as_deref(), Some("trace-abc-123"));
    let problem = res.problem(401, "unauthenticated");
    assert_eq!(problem["request_id"], "trace-abc-123");
    assert_eq!(problem["instance"], "/api/v1/users");
    let generated = app.get("/healthz").send();
    assert_eq!(generated.header("x-request-id").unwrap().len(), 36);
    // A hostile id is replaced, not echoed.
    let hostile = app
        .get("/healthz")
        .header("X-Request-Id", "a\"b<script>")
        .send();
    assert_ne!(
        hostile.header("x-request-id").as_deref(),
        Some("a\"b<script>")
    );

    std::thread::sleep(std::time::Duration::from_millis(200));
    let line = app
        .logs()
        .into_iter()
        .find(|l| l.contains("trace-abc-123"))
        .expect("access log line");
    let entry: serde_json::Value = serde_json::from_str(&line).unwrap();
    assert_eq!(entry["route"], "/api/v1/users");
    assert_eq!(entry["status"], 401);
    assert_eq!(entry["method"], "GET");
    assert!(entry["latency_ms"].is_number());
}

#[test]
fn problems_speak_the_callers_language() {
    let app = TestApp::spawn();
    let zh = app.get("/api/v1/nowhere").send().problem(404, "not-found");
    assert_eq!(zh["detail"], "请求的资源不存在或对你不可见");
    assert_eq!(zh["title"], "资源不存在");
    let en = app
        .get("/api/v1/nowhere")
        .header("Accept-Language", "en")
        .send()
        .problem(404, "not-found");
    assert_eq!(en["title"], "Not found");
    let admin = app.admin_token();
    let invalid = app
        .post("/api/v1/users")
        .bearer(&admin)
        .header("Accept-Language", "en")
        .json(&json!({"kind": "human", "username": "ok.name", "display_name": "x", "roles": [], "phone": "??"}))
        .send()
        .problem(422, "validation");
    assert_eq!(invalid["detail"], "2 field(s) failed validation");
}

/// A duplicate answers in the caller's language and names the field, never the database's
/// text, whether the service finds it before writing or the unique index refuses a racing
/// write on the blocking pool.
#[test]
fn a_duplicate_create_asked_in_english_answers_in_english() {
    let app = TestApp::spawn();
    let admin = app.admin_token();
    let team = |lang: &str| {
        app.post("/api/v1/teams")
            .bearer(&admin)
            .header("Accept-Language", lang)
            .json(&json!({"name": "华南组"}))
            .send()
    };
    let racing: Vec<_> = std::thread::scope(|s| {
        let writers: Vec<_> = (0..6).map(|_| s.spawn(|| team("en"))).collect();
        writers.into_iter().map(|w| w.join().unwrap()).collect()
    });
    let created = racing.iter().filter(|r| r.status == 201).count();
    assert_eq!(created, 1, "{racing:?}");
    for res in racing.iter().filter(|r| r.status != 201) {
        let p = res.duplicate("name");
        assert_eq!(p["title"], "Conflict");
        assert_eq!(
            p["detail"],
            "duplicate record: another record already has this name"
        );
        assert_eq!(p["errors"][0]["message"], "already used by another record");
    }
    let p = team("en").duplicate("name");
    assert_eq!(
        p["detail"],
        "duplicate record: another record already has this name"
    );
    let p = team("zh-CN").duplicate("name");
    assert_eq!(p["detail"], "记录重复：已有记录使用相同的 name");
}

#[test]
fn a_known_path_with_the_wrong_method_is_405_with_allow() {
    let app = TestApp::spawn();
    let admin = app.admin_token();
    let res = app.req("DELETE", "/api/v1/users").bearer(&admin).send();
    res.problem(405, "method-not-allowed");
    assert_eq!(res.header("allow").as_deref(), Some("GET, POST"));
    let res = app
        .req("PUT", "/api/v1/users/some-id")
        .bearer(&admin)
        .send();
    res.problem(405, "method-not-allowed");
    assert_eq!(res.header("allow").as_deref(), Some("GET, PATCH"));
    app.req("DELETE", "/api/v1/nothing-here")
        .send()
        .problem(404, "not-found");
}

#[test]
fn browsers_are_let_in_only_from_configured_origins() {
    let app = TestApp::builder()
        .env("KEFU_CORS_ORIGINS", "https://kefu.example.com")
        .spawn();
    let preflight = |origin: &str| {
        app.req("OPTIONS", "/api/v1/users")
            .header("Origin", origin)
            .header("Access-Control-Request-Method", "POST")
            .header(
                "Access-Control-Request-Headers",
                "authorization, idempotency-key",
            )
            .send()
    };
    let allowed = preflight("https://kefu.example.com");
    assert_eq!(allowed.status, 200, "{}", allowed.body);
    assert_eq!(
        allowed.header("access-control-allow-origin").as_deref(),
        Some("https://kefu.example.com")
    );
    let other = preflight("https://evil.example.net");
    assert!(other.header("access-control-allow-origin").is_none());
    let simple = app
        .get("/healthz")
        .header("Origin", "https://kefu.example.com")
        .send();
    let exposed = simple.header("access-control-expose-headers").unwrap();
    assert!(
        exposed.contains("etag") && exposed.contains("x-request-id"),
        "{exposed}"
    );
}

/// PostgreSQL text cannot hold NUL: such input must be refused, never reach a query (500).
#[test]
fn nul_characters_are_refused_before_the_database() {
    let app = TestApp::spawn();
    let admin = app.admin_token();
    app.get("/api/v1/users?q=%00")
        .bearer(&admin)
        .send()
        .problem(400, "bad-request");
    app.get("/api/v1/users/a%00b")
        .bearer(&admin)
        .send()
        .problem(404, "not-found");
    let body = app
        .post("/api/v1/auth/login")
        .raw(
            "application/json",
            r#"{"username":"a\u0000b","password":"x"}"#,
        )
        .send()
        .problem(400, "bad-request");
    assert_eq!(body["errors"][0]["field"], "username");
    app.post("/api/v1/customers")
        .bearer(&admin)
        .raw("application/json", r#"{"name":"甲\u0000乙"}"#)
        .send()
        .problem(400, "bad-request");
}

#[test]
fn integral_numbers_written_with_a_fraction_are_integers() {
    // JSON has one number type: `1280000.0` is the integer 1280000 to a JSON Schema
    // `integer` (and to JavaScript), so the API takes it like `1280000`.
    let app = TestApp::spawn();
    let admin = app.admin_token();
    let created = app
        .post("/api/v1/products")
        .bearer(&admin)
        .raw(
            "application/json",
            r#"{"model":"JB-1","name":"控制器","unit_price_fen":1280000.0,"unit_cost_fen":7.6e5,"floor_price_fen":1100000}"#,
        )
        .send();
    assert_eq!(created.status, 201, "{}", created.body);
    let product = created.json();
    assert_eq!(product["unit_price_fen"], 1_280_000);
    assert_eq!(product["unit_cost_fen"], 760_000);
    // A fraction is still no integer.
    app.post("/api/v1/products")
        .bearer(&admin)
        .raw(
            "application/json",
            r#"{"model":"JB-2","name":"控制器","unit_price_fen":1.5,"unit_cost_fen":0,"floor_price_fen":0}"#,
        )
        .send()
        .problem(400, "bad-request");
}

#[test]
fn a_string_longer_than_its_spec_max_length_is_refused_even_when_the_excess_is_spaces() {
    // Strings are trimmed before the DTO's rules run, but the spec's `maxLength` is about the
    // text as sent: the server keeps the limit the document states, not a looser one.
    let app = TestApp::spawn();
    let admin = app.admin_token();
    let spec = app.get("/api/v1/openapi.json").send().json();
    let schemas = &spec["components"]["schemas"];
    assert_eq!(schemas["CreateCity"]["properties"]["name"]["maxLength"], 50);
    assert_eq!(schemas["CountyItem"]["maxLength"], 50);
    assert_eq!(
        schemas["CreateCity"]["properties"]["counties"]["items"]["$ref"],
        "#/components/schemas/CountyItem"
    );

    let padded = format!("  衢州{}", " ".repeat(49));
    let refused = app
        .post("/api/v1/cities")
        .bearer(&admin)
        .json(&json!({"name": padded, "province": "浙江"}))
        .send()
        .problem(422, "validation");
    assert_eq!(refused["errors"][0]["field"], "name");
    assert_eq!(refused["errors"][0]["code"], "length");

    let refused = app
        .post("/api/v1/cities")
        .bearer(&admin)
        .json(&json!({"name": "衢州", "province": "浙江", "counties": ["江山市", "县".repeat(51)]}))
        .send()
        .problem(422, "validation");
    assert_eq!(refused["errors"][0]["field"], "counties[1]");
    // Nothing was written.
    let listed = app
        .get("/api/v1/cities?q=衢州")
        .bearer(&admin)
        .send()
        .json();
    assert_eq!(listed["items"], json!([]));

    // Within the limit, surrounding spaces are trimmed as always.
    let created = app
        .post("/api/v1/cities")
        .bearer(&admin)
        .json(&json!({"name": " 衢州 ", "province": "浙江", "counties": [" 江山市 "]}))
        .send();
    assert_eq!(created.status, 201, "{}", created.body);
    let city = created.json();
    assert_eq!(city["name"], "衢州");
    assert_eq!(city["counties"], json!(["江山市"]));
}
