//! Hostile input: what an attacker or a broken client sends. Every answer is a 4xx, the
//! server stays up, and text that looks like SQL or HTML is data, stored and returned as sent.

use crate::feedback_forms::{signature_png, upload_png};
use crate::tickets::{id, world};
use kefu_blackbox::TestApp;
use serde_json::{Value, json};
use std::path::Path;

fn alive(app: &TestApp) {
    assert_eq!(
        app.get("/healthz").send().status,
        200,
        "the server is still up"
    );
}

#[test]
fn malformed_bodies_are_4xx_problems_and_the_server_stays_up() {
    let app = TestApp::spawn();
    let admin = app.admin_token();
    let post = |content_type: &str, body: Vec<u8>| {
        app.post("/api/v1/customers")
            .bearer(&admin)
            .bytes(content_type, body)
            .send()
    };
    // 100 000 levels of nesting: a recursive parser without a depth limit overflows its stack.
    let nested = post("application/json", "[".repeat(100_000).into_bytes());
    assert_eq!(nested.status, 400, "{}", nested.body);
    assert_eq!(
        nested.header("content-type").as_deref(),
        Some("application/problem+json")
    );
    let mut invalid_utf8 = b"{\"name\": \"".to_vec();
    invalid_utf8.extend_from_slice(&[0xff, 0xfe, 0xc3, 0x28]);
    invalid_utf8.extend_from_slice(b"\"}");
    let bad_text = post("application/json", invalid_utf8);
    assert_eq!(bad_text.status, 400, "{}", bad_text.body);
    assert_eq!(
        bad_text.header("content-type").as_deref(),
        Some("application/problem+json")
    );
    // A query string and a header section far past any real client's: refused by the HTTP
    // layer itself (see docs/robustness.md, known limits), never a 5xx.
    let long_query = app
        .get(&format!("/api/v1/customers?q={}", "x".repeat(64 * 1024)))
        .bearer(&admin)
        .send();
    // actix-http reads a request line that long as malformed (400); either way, problem+json.
    long_query.problem(400, "bad-request");
    let mut many_headers = app.get("/api/v1/customers").bearer(&admin);
    for n in 0..200 {
        many_headers = many_headers.header(&format!("x-filler-{n}"), "y");
    }
    // The HTTP layer answers 431 or closes the connection; it never serves it, and an answer
    // is problem+json.
    if let Ok(res) = many_headers.try_send() {
        res.problem(431, "request-header-fields-too-large");
    }
    alive(&app);
    assert_eq!(
        app.get("/api/v1/customers").bearer(&admin).send().json()["items"],
        json!([]),
        "nothing was written"
    );
}

#[test]
fn text_that_looks_like_sql_or_html_is_stored_and_returned_verbatim() {
    let app = TestApp::spawn();
    let admin = app.admin_token();
    let name = "甲'); DROP TABLE customers;-- <script>alert(\"x\")</script> %_\\";
    let created = app
        .post("/api/v1/customers")
        .bearer(&admin)
        .json(&json!({ "name": name }))
        .send();
    assert_eq!(created.status, 201, "{}", created.body);
    let id = created.json()["id"].as_str().unwrap().to_owned();
    let read = app
        .get(&format!("/api/v1/customers/{id}"))
        .bearer(&admin)
        .send()
        .json();
    assert_eq!(read["name"], name);
    // LIKE's wildcards in a search are literal characters, not patterns.
    let found = app
        .get("/api/v1/customers?q=%25_%5C")
        .bearer(&admin)
        .send()
        .json();
    assert_eq!(found["items"].as_array().unwrap().len(), 1, "{found}");
    let none = app
        .get("/api/v1/customers?q=%25%25%25")
        .bearer(&admin)
        .send()
        .json();
    assert_eq!(none["items"], json!([]), "{none}");
}

#[test]
fn a_file_name_that_climbs_out_of_the_storage_directory_stays_a_name() {
    let w = world();
    let ticket = w.fault("normal");
    let climbing = "../../../../../../tmp/kefu-escape.png";
    let stored = upload_png(
        &w.app,
        &w.admin,
        ("ticket", id(&ticket)),
        ("photo", climbing),
        &signature_png(7),
    );
    // The name loses its directories; the bytes live under the attachment's own id.
    assert_eq!(stored["filename"], "kefu-escape.png");
    let escaped = Path::new("/tmp/kefu-escape.png");
    assert!(
        !escaped.exists(),
        "a file was written outside the storage directory"
    );
    let inside = w
        .app
        .storage_dir
        .join("attachments")
        .join(stored["id"].as_str().unwrap());
    assert!(inside.exists(), "{}", inside.display());
    let content = w
        .app
        .get(&format!("/api/v1/attachments/{}/content", id(&stored)))
        .bearer(&w.admin)
        .send();
    assert_eq!(content.status, 200);
    assert_eq!(content.bytes, signature_png(7));
}

/// Sends `raw` on a fresh connection and reads the answer until the server closes it.
fn raw_exchange(app: &TestApp, raw: &[u8]) -> String {
    use std::io::{Read, Write};
    let addr = app.base.trim_start_matches("http://");
    let mut stream = std::net::TcpStream::connect(addr).unwrap();
    stream
        .set_read_timeout(Some(std::time::Duration::from_secs(10)))
        .unwrap();
    stream.write_all(raw).unwrap();
    let mut answer = Vec::new();
    let _ = stream.read_to_end(&mut answer);
    String::from_utf8_lossy(&answer).into_owned()
}

#[test]
fn requests_the_http_layer_cannot_read_are_answered_with_problem_json() {
    let app = TestApp::spawn();
    for (raw, status, slug) in [
        (
            &b"GET /api/v1/customers HTTP/1.1\r\nHost: x\r\nBad Header: y\r\n\r\n"[..],
            "400",
            "bad-request",
        ),
        (b"GET /api/v1/\x01 HTTP/9.9\r\n\r\n", "400", "bad-request"),
    ] {
        let answer = raw_exchange(&app, raw);
        let (head, body) = answer.split_once("\r\n\r\n").unwrap_or((&answer, ""));
        assert!(head.starts_with(&format!("HTTP/1.1 {status} ")), "{answer}");
        assert!(
            head.to_ascii_lowercase()
                .contains("content-type: application/problem+json"),
            "{answer}"
        );
        let problem: Value = serde_json::from_str(body).unwrap();
        assert_eq!(problem["type"], format!("urn:kefu:problem:{slug}"));
        assert_eq!(problem["status"].to_string(), status);
        assert!(problem["detail"].as_str().is_some_and(|d| !d.is_empty()));
    }
    // A header section past the server's buffer: 431, as problem+json.
    let mut raw = b"GET /api/v1/customers HTTP/1.1\r\nHost: x\r\n".to_vec();
    raw.extend_from_slice(format!("X-Big: {}\r\n\r\n", "y".repeat(256 * 1024)).as_bytes());
    let answer = raw_exchange(&app, &raw);
    assert!(answer.starts_with("HTTP/1.1 431 "), "{answer}");
    assert!(answer.contains("urn:kefu:problem:request-header-fields-too-large"));
    alive(&app);
}
