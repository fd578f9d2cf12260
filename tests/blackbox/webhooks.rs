//! Webhooks: signed deliveries of record changes to a local receiver, retries with backoff,
//! the delivery log, redelivery, and targets refused by the address policy.
use crate::{actions, audit_of};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use hmac::{Hmac, Mac};
use kefu_blackbox::{Resp, TestApp};
use serde_json::{Value, json};
use sha2::Sha256;
use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// One request the receiver got.
#[derive(Debug, Clone)]
struct Received {
    headers: HashMap<String, String>,
    body: String,
}

/// A local HTTP endpoint that answers 500 to its first `failures` requests, then 200.
struct Receiver {
    url: String,
    got: Arc<Mutex<Vec<Received>>>,
}

impl Receiver {
    fn start(failures: usize) -> Receiver {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}/hooks/kefu", listener.local_addr().unwrap());
        let got: Arc<Mutex<Vec<Received>>> = Arc::default();
        let log = got.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(mut stream) = stream else { continue };
                let mut reader = BufReader::new(stream.try_clone().unwrap());
                let mut line = String::new();
                reader.read_line(&mut line).unwrap();
                let mut headers = HashMap::new();
                loop {
                    line.clear();
                    reader.read_line(&mut line).unwrap();
                    let Some((k, v)) = line.trim_end().split_once(':') else {
                        break;
                    };
                    headers.insert(k.trim().to_ascii_lowercase(), v.trim().to_owned());
                }
                let len: usize = headers["content-length"].parse().unwrap();
                let mut body = vec![0; len];
                reader.read_exact(&mut body).unwrap();
                let n = {
                    let mut log = log.lock().unwrap();
                    log.push(Received {
                        headers,
                        body: String::from_utf8(body).unwrap(),
                    });
                    log.len()
                };
                let status = if n <= failures {
                    "500 Internal Server Error"
                } else {
                    "200 OK"
                };
                let _ = write!(
                    stream,
                    "HTTP/1.1 {status}\r\ncontent-length: 0\r\nconnection: close\r\n\r\n"
                );
            }
        });
        Receiver { url, got }
    }

    /// Waits until `n` requests arrived.
    fn wait_for(&self, n: usize) -> Vec<Received> {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let got = self.got.lock().unwrap().clone();
            if got.len() >= n || Instant::now() > deadline {
                return got;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

/// Verifies a delivery the way a receiver using the Standard Webhooks scheme does.
fn signature_valid(secret: &str, r: &Received) -> bool {
    let key = STANDARD
        .decode(secret.strip_prefix("whsec_").unwrap())
        .unwrap();
    let mut mac = Hmac::<Sha256>::new_from_slice(&key).unwrap();
    let signed = format!(
        "{}.{}.{}",
        r.headers["webhook-id"], r.headers["webhook-timestamp"], r.body
    );
    mac.update(signed.as_bytes());
    let expected = format!("v1,{}", STANDARD.encode(mac.finalize().into_bytes()));
    r.headers["webhook-signature"] == expected
}

fn app() -> TestApp {
    TestApp::builder()
        .env("KEFU_WEBHOOK_ALLOWED_HOSTS", "127.0.0.1")
        .env("KEFU_JOBS_POLL_MS", "100")
        .env("KEFU_JOBS_BACKOFF_BASE_SECS", "1")
        .spawn()
}

fn subscribe(app: &TestApp, admin: &str, url: &str, events: Value) -> Resp {
    app.post("/api/v1/webhooks")
        .bearer(admin)
        .json(&json!({"name": "CRM sync", "url": url, "event_types": events}))
        .send()
}

fn deliveries(app: &TestApp, admin: &str, query: &str) -> Vec<Value> {
    let res = app
        .get(&format!("/api/v1/webhook-deliveries?{query}"))
        .bearer(admin)
        .send();
    assert_eq!(res.status, 200, "{}", res.body);
    res.json()["items"].as_array().unwrap().clone()
}

fn delivery_when(app: &TestApp, admin: &str, id: &str, done: impl Fn(&Value) -> bool) -> Value {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let res = app
            .get(&format!("/api/v1/webhook-deliveries/{id}"))
            .bearer(admin)
            .send();
        assert_eq!(res.status, 200, "{}", res.body);
        let d = res.json();
        if done(&d) || Instant::now() > deadline {
            return d;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[test]
fn a_change_arrives_signed_after_the_receiver_failed_three_times() {
    let app = app();
    let admin = app.admin_token();
    let receiver = Receiver::start(3);
    let res = subscribe(&app, &admin, &receiver.url, json!(["customer.*"]));
    assert_eq!(res.status, 201, "{}", res.body);
    let created = res.json();
    let secret = created["secret"].as_str().unwrap().to_owned();
    let sub_id = created["webhook"]["id"].as_str().unwrap().to_owned();
    assert_eq!(created["webhook"]["event_types"], json!(["customer.*"]));
    assert!(
        created["webhook"].get("secret").is_none(),
        "the secret is not part of the record"
    );

    let customer = app
        .post("/api/v1/customers")
        .bearer(&admin)
        .json(&json!({"name": "杭州消防设备有限公司"}))
        .send();
    assert_eq!(customer.status, 201, "{}", customer.body);
    let customer_id = customer.json()["id"].as_str().unwrap().to_owned();

    let got = receiver.wait_for(4);
    assert_eq!(got.len(), 4, "three failures, then the success");
    for r in &got {
        assert!(signature_valid(&secret, r), "bad signature on {r:?}");
        assert_eq!(r.headers["webhook-id"], got[0].headers["webhook-id"]);
        assert_eq!(r.body, got[0].body, "every retry sends the same bytes");
    }
    let body: Value = serde_json::from_str(&got[0].body).unwrap();
    assert_eq!(body["type"], "customer.create");
    assert_eq!(body["entity_id"], customer_id.as_str());
    assert_eq!(body["data"]["name"], "杭州消防设备有限公司");

    let list = deliveries(&app, &admin, &format!("subscription_id={sub_id}"));
    assert_eq!(list.len(), 1, "one delivery for one event");
    let id = list[0]["id"].as_str().unwrap().to_owned();
    assert_eq!(got[0].headers["webhook-id"], id);
    let d = delivery_when(&app, &admin, &id, |d| d["status"] == "succeeded");
    assert_eq!(d["status"], "succeeded", "{d}");
    assert_eq!(d["attempts"], 4);
    assert_eq!(d["last_status_code"], 200);
    let codes: Vec<i64> = d["attempt_log"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["status_code"].as_i64().unwrap())
        .collect();
    assert_eq!(codes, vec![500, 500, 500, 200]);

    // Redelivery sends the same event again, once.
    let res = app
        .post(&format!("/api/v1/webhook-deliveries/{id}/redeliver"))
        .bearer(&admin)
        .send();
    assert_eq!(res.status, 202, "{}", res.body);
    let got = receiver.wait_for(5);
    assert_eq!(got.len(), 5);
    assert_eq!(got[4].body, got[0].body);
    assert!(signature_valid(&secret, &got[4]));
    let d = delivery_when(&app, &admin, &id, |d| d["attempts"] == 5);
    assert_eq!(d["status"], "succeeded", "{d}");
    let audit = actions(&audit_of(&app, &admin, "webhook_delivery", &id));
    assert_eq!(audit, vec!["webhook_delivery.redeliver"]);
    let audit = actions(&audit_of(&app, &admin, "webhook", &sub_id));
    assert_eq!(audit, vec!["webhook.create"]);
}

#[test]
fn a_change_that_rolls_back_sends_nothing_and_unsubscribed_events_are_not_queued() {
    let app = app();
    let admin = app.admin_token();
    let receiver = Receiver::start(0);
    let res = subscribe(&app, &admin, &receiver.url, json!(["site.create"]));
    assert_eq!(res.status, 201, "{}", res.body);
    let customer = app
        .post("/api/v1/customers")
        .bearer(&admin)
        .json(&json!({"name": "温州客户"}))
        .send();
    assert_eq!(customer.status, 201);
    let customer_id = customer.json()["id"].as_str().unwrap().to_owned();
    // The city is unknown: the command fails, and its event with it.
    let site = app
        .post("/api/v1/sites")
        .bearer(&admin)
        .json(&json!({"customer_id": customer_id, "name": "总部", "address": "某路 1 号", "city": "不存在市"}))
        .send();
    assert_eq!(site.status, 422, "{}", site.body);
    assert!(deliveries(&app, &admin, "").is_empty());
    std::thread::sleep(Duration::from_millis(500));
    assert!(receiver.got.lock().unwrap().is_empty());
}

#[test]
fn internal_addresses_are_refused_and_only_admins_manage_webhooks() {
    let app = TestApp::spawn();
    let admin = app.admin_token();
    for url in [
        "http://169.254.169.254/latest/meta-data/",
        "http://127.0.0.1:9000/hook",
        "http://localhost/hook",
        "http://[::1]/hook",
        "http://10.0.0.8/hook",
    ] {
        let res = subscribe(&app, &admin, url, json!(["*"]));
        let problem = res.problem(422, "validation");
        assert_eq!(problem["errors"][0]["field"], "url", "{url}: {problem}");
        assert_eq!(problem["errors"][0]["code"], "forbidden_target", "{url}");
    }
    let res = subscribe(&app, &admin, "ftp://example.com/", json!(["*"]));
    assert_eq!(
        res.problem(422, "validation")["errors"][0]["code"],
        "invalid_url"
    );
    let res = subscribe(&app, &admin, "https://example.com/", json!(["user.create"]));
    let problem = res.problem(422, "validation");
    assert_eq!(problem["errors"][0]["field"], "event_types[0]", "{problem}");
    assert_eq!(problem["errors"][0]["code"], "unknown_event_type");
    let list = app.get("/api/v1/webhooks").bearer(&admin).send();
    assert_eq!(list.json()["items"], json!([]), "nothing was stored");

    let res = subscribe(
        &app,
        &admin,
        "https://example.com/hook",
        json!(["equipment.*"]),
    );
    assert_eq!(res.status, 201, "{}", res.body);
    let id = res.json()["webhook"]["id"].as_str().unwrap().to_owned();
    app.create_user(&admin, "eng", &["engineer"], "Secret-pass-123");
    let eng = app.token("eng", "Secret-pass-123");
    for (method, path) in [
        ("GET", "/api/v1/webhooks".to_owned()),
        ("GET", format!("/api/v1/webhooks/{id}")),
        ("GET", "/api/v1/webhook-deliveries".to_owned()),
        ("GET", "/api/v1/webhooks/event-types".to_owned()),
    ] {
        let res = app.req(method, &path).bearer(&eng).send();
        res.problem(403, "forbidden");
    }
    let res = app.get("/api/v1/webhooks/no-such-id").bearer(&admin).send();
    res.problem(404, "not-found");

    // Pausing and deleting are versioned and audited.
    let got = app
        .get(&format!("/api/v1/webhooks/{id}"))
        .bearer(&admin)
        .send();
    let etag = got.etag();
    let res = app
        .patch(&format!("/api/v1/webhooks/{id}"))
        .bearer(&admin)
        .if_match(&etag)
        .json(&json!({"active": false, "url": "http://169.254.169.254/"}))
        .send();
    assert_eq!(res.problem(422, "validation")["errors"][0]["field"], "url");
    let res = app
        .patch(&format!("/api/v1/webhooks/{id}"))
        .bearer(&admin)
        .if_match(&etag)
        .json(&json!({"active": false}))
        .send();
    assert_eq!(res.status, 200, "{}", res.body);
    assert_eq!(res.json()["active"], false);
    let res = app
        .req("DELETE", &format!("/api/v1/webhooks/{id}"))
        .bearer(&admin)
        .if_match(&res.etag())
        .send();
    assert_eq!(res.status, 200, "{}", res.body);
    assert_eq!(res.json()["deleted"], true);
    let audit = actions(&audit_of(&app, &admin, "webhook", &id));
    assert_eq!(
        audit,
        vec!["webhook.create", "webhook.update", "webhook.delete"]
    );
    let types = app
        .get("/api/v1/webhooks/event-types")
        .bearer(&admin)
        .send()
        .json();
    let types: Vec<&str> = types
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["event_type"].as_str().unwrap())
        .collect();
    assert!(types.contains(&"customer.update"));
    assert!(!types.iter().any(|t| t.starts_with("user.")));
}

/// The audit chain's head is signed and published outside the database, as the webhook event
/// `audit.checkpoint` and a log line. Someone who cuts off the log's tail and rewrites the head
/// row too leaves a chain that verifies on its own, but not against the published checkpoint:
/// API and CLI both say where it was cut.
#[test]
fn a_published_audit_checkpoint_catches_a_cut_off_tail_with_a_rewritten_head() {
    let app = TestApp::builder()
        .env("KEFU_WEBHOOK_ALLOWED_HOSTS", "127.0.0.1")
        .env("KEFU_JOBS_ENABLED", "0")
        .spawn();
    let admin = app.admin_token();
    app.create_user(&admin, "e.f", &["engineer"], "Engineer-pass-1");
    let receiver = Receiver::start(0);
    let sub = subscribe(&app, &admin, &receiver.url, json!(["audit.checkpoint"]));
    assert_eq!(sub.status, 201, "{}", sub.body);
    let secret = sub.json()["secret"].as_str().unwrap().to_owned();

    // A scheduler instance publishes the checkpoint at its first poll.
    let scheduler =
        app.another_instance(&[("KEFU_JOBS_ENABLED", "1"), ("KEFU_JOBS_POLL_MS", "100")]);
    let got = receiver.wait_for(1);
    assert_eq!(got.len(), 1, "one checkpoint delivered");
    assert!(signature_valid(&secret, &got[0]));
    let event: Value = serde_json::from_str(&got[0].body).unwrap();
    assert_eq!(event["type"], "audit.checkpoint");
    let checkpoint = event["data"].clone();
    let (seq, hash) = (
        checkpoint["seq"].as_i64().unwrap(),
        checkpoint["hash"].as_str().unwrap().to_owned(),
    );
    assert!(seq >= 3, "{checkpoint}");
    assert_eq!(checkpoint["signature"].as_str().unwrap().len(), 64);
    let logged = scheduler
        .logs()
        .into_iter()
        .filter_map(|l| serde_json::from_str::<Value>(&l).ok())
        .find(|l| l["message"] == "audit checkpoint")
        .expect("the checkpoint is logged");
    assert_eq!(
        (&logged["seq"], &logged["hash"], &logged["signature"]),
        (
            &checkpoint["seq"],
            &checkpoint["hash"],
            &checkpoint["signature"]
        )
    );
    drop(scheduler);

    let verify = |query: &str| {
        let res = app
            .get(&format!("/api/v1/audit/verify{query}"))
            .bearer(&admin)
            .send();
        assert_eq!(res.status, 200, "{}", res.body);
        res.json()
    };
    let against = format!("?checkpoint={seq}:{hash}");
    assert_eq!(verify(&against)["intact"], true);

    // Cut the log back to before the checkpointed entry and make the head row agree.
    let kept = app
        .get("/api/v1/audit?limit=200")
        .bearer(&admin)
        .send()
        .json()["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["seq"] == seq - 1)
        .unwrap()["hash"]
        .as_str()
        .unwrap()
        .to_owned();
    let drop_triggers = if app.db.backend == "postgres" {
        "DROP TRIGGER audit_log_no_update ON audit_log;"
    } else {
        "DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete;"
    };
    app.db.execute(&format!(
        "{drop_triggers} DELETE FROM audit_log WHERE seq >= {seq}; \
         UPDATE audit_head SET seq = {}, hash = '{kept}' WHERE id = 1;",
        seq - 1
    ));
    let alone = verify("");
    assert_eq!(
        (&alone["intact"], &alone["head_seq"]),
        (&json!(true), &json!(seq - 1)),
        "the chain alone is fooled"
    );
    let caught = verify(&against);
    assert_eq!(caught["intact"], false);
    assert_eq!(caught["first_broken_seq"], seq);
    assert!(
        caught["reason"].as_str().unwrap().contains("cut off"),
        "{caught}"
    );
    let (code, out, _) = app.cli(
        &["verify-audit", "--checkpoint", &format!("{seq}:{hash}")],
        None,
    );
    assert_eq!(code, 1, "{out}");
    assert_eq!(
        serde_json::from_str::<Value>(&out).unwrap()["first_broken_seq"],
        seq
    );

    // A checkpoint that is not SEQ:HASH is refused, naming the parameter.
    let half = app
        .get(&format!("/api/v1/audit/verify?checkpoint={seq}"))
        .bearer(&admin)
        .send();
    assert_eq!(half.status, 400, "{}", half.body);
    assert_eq!(half.json()["errors"][0]["field"], "query.checkpoint");
}
