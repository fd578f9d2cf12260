//! kill -9 under load. A server instance is killed while several clients create records with
//! Idempotency-Keys; another instance on the same database then takes every retry. What the
//! clients were told before the kill must hold exactly once, and every key that was in flight
//! must come back retryable: the stored answer, a fresh execution, or (when the command had
//! committed but its answer was lost) 409 `idempotency-outcome-lost` naming the record, but
//! never a key stuck "in progress" and never a record written twice.

use kefu_blackbox::{Resp, TestApp};
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const CLIENTS: usize = 6;
const ROUNDS: usize = 3;

/// What one client saw for one key before the kill.
#[derive(Debug, Clone)]
enum Seen {
    Acknowledged(String),
    InFlight,
}

fn create(base: &str, token: &str, key: &str) -> Result<Resp, String> {
    kefu_blackbox::Req::new("POST", format!("{base}/api/v1/customers"))
        .bearer(token)
        .header("Idempotency-Key", key)
        .json(&json!({ "name": format!("客户 {key}") }))
        .try_send()
}

/// Retries `key` until it is settled; returns the record id it names and how: `replayed`,
/// `fresh` or `outcome-lost`.
fn settle(app: &TestApp, token: &str, key: &str) -> (String, &'static str) {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let res = create(&app.base, token, key).expect("the surviving instance answers");
        match res.status {
            201 => {
                let how = if res.header("idempotent-replayed").is_some() {
                    "replayed"
                } else {
                    "fresh"
                };
                return (res.json()["id"].as_str().unwrap().to_owned(), how);
            }
            409 if res.json()["type"] == "urn:kefu:problem:idempotency-outcome-lost" => {
                let id = res.json()["entity_id"].as_str().unwrap().to_owned();
                return (id, "outcome-lost");
            }
            409 if res.json()["type"] == "urn:kefu:problem:idempotency-in-progress" => {
                assert!(
                    Instant::now() < deadline,
                    "{key} stuck in progress: {}",
                    res.body
                );
                let wait: u64 = res.header("retry-after").unwrap().parse().unwrap();
                std::thread::sleep(Duration::from_millis(wait.min(3) * 1000));
            }
            other => panic!("{key}: unexpected {other}: {}", res.body),
        }
    }
}

#[test]
fn acknowledged_writes_survive_a_kill_9_exactly_once_and_in_flight_keys_settle() {
    let lease = [
        ("KEFU_IDEMPOTENCY_LEASE_SECS", "2"),
        ("KEFU_JOBS_ENABLED", "0"),
    ];
    let mut builder = TestApp::builder();
    for (k, v) in lease {
        builder = builder.env(k, v);
    }
    let app = builder.spawn();
    let admin = app.admin_token();
    let mut seen: BTreeMap<String, Seen> = BTreeMap::new();
    for round in 0..ROUNDS {
        let victim = app.another_instance(&lease);
        let stop = Arc::new(AtomicBool::new(false));
        let log = Arc::new(Mutex::new(Vec::new()));
        let clients: Vec<_> = (0..CLIENTS)
            .map(|client| {
                let (base, token) = (victim.base.clone(), admin.clone());
                let (stop, log) = (stop.clone(), log.clone());
                std::thread::spawn(move || {
                    for n in 0.. {
                        let key = format!("r{round}-c{client}-{n}");
                        let seen = match create(&base, &token, &key) {
                            Ok(res) if res.status == 201 => {
                                Seen::Acknowledged(res.json()["id"].as_str().unwrap().to_owned())
                            }
                            Ok(res) => panic!("{key}: {} {}", res.status, res.body),
                            Err(_) => Seen::InFlight,
                        };
                        let died = matches!(seen, Seen::InFlight);
                        log.lock().unwrap().push((key, seen));
                        if died || stop.load(Ordering::Relaxed) {
                            break;
                        }
                    }
                })
            })
            .collect();
        // A loaded machine may take seconds to answer the first request of a fresh instance:
        // kill only after a write got through, at a point that moves from round to round.
        let started = Instant::now();
        while started.elapsed() < Duration::from_secs(30)
            && !log
                .lock()
                .unwrap()
                .iter()
                .any(|(_, s)| matches!(s, Seen::Acknowledged(_)))
        {
            std::thread::sleep(Duration::from_millis(20));
        }
        std::thread::sleep(Duration::from_millis(300 + 150 * round as u64));
        drop(victim); // SIGKILL, mid-request for most clients
        stop.store(true, Ordering::Relaxed);
        for c in clients {
            c.join().unwrap();
        }
        seen.extend(log.lock().unwrap().drain(..));
    }

    let acknowledged = seen
        .values()
        .filter(|s| matches!(s, Seen::Acknowledged(_)))
        .count();
    let in_flight: Vec<&String> = seen
        .iter()
        .filter(|(_, s)| matches!(s, Seen::InFlight))
        .map(|(k, _)| k)
        .collect();
    assert!(
        acknowledged > 0,
        "the clients got no write through before the kills"
    );
    assert!(
        !in_flight.is_empty(),
        "no request was in flight at any kill: nothing was tested"
    );

    // Every key, retried on the surviving instance, names one record; acknowledged ones the
    // record the client was told about.
    let mut outcomes: BTreeMap<&str, usize> = BTreeMap::new();
    for (key, seen) in &seen {
        let (id, how) = settle(&app, &admin, key);
        *outcomes.entry(how).or_default() += 1;
        if let Seen::Acknowledged(told) = seen {
            assert_eq!(&id, told, "{key}: the retry names the acknowledged record");
        }
        let name = format!("客户 {key}");
        let found: Value = app
            .get(&format!(
                "/api/v1/customers?q={}&limit=10",
                urlencode(&name)
            ))
            .bearer(&admin)
            .send()
            .json();
        let matching: Vec<&Value> = found["items"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|c| c["name"] == name.as_str())
            .collect();
        assert_eq!(matching.len(), 1, "{key}: written exactly once: {found}");
        assert_eq!(matching[0]["id"], id.as_str(), "{key}");
    }
    let (code, out, _) = app.cli(&["verify-audit"], None);
    assert_eq!(code, 0, "the audit chain survives the kills: {out}");
    eprintln!(
        "crash test: {ROUNDS} kill -9 rounds, {acknowledged} acknowledged writes, {} in flight; \
         retries: {outcomes:?}; 0 lost, 0 doubled, 0 stuck keys",
        in_flight.len()
    );
}

fn urlencode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}
