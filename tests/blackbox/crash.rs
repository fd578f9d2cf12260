//! kill -9 under load. A server instance is killed while several clients write with
//! Idempotency-Keys (customers created; stock issued out of a warehouse); another instance on
//! the same database then takes every retry. What the
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

/// One kind of write the clients repeat: `POST path` with `body(key)`; `id_of` reads the
/// record a 201 names.
struct Workload {
    path: String,
    body: Box<dyn Fn(&str) -> Value + Send + Sync>,
    id_of: fn(&Value) -> String,
}

impl Workload {
    fn send(&self, base: &str, token: &str, key: &str) -> Result<Resp, String> {
        kefu_blackbox::Req::new("POST", format!("{base}{}", self.path))
            .bearer(token)
            .header("Idempotency-Key", key)
            .json(&(self.body)(key))
            .try_send()
    }
}

fn customers() -> Workload {
    Workload {
        path: "/api/v1/customers".to_owned(),
        body: Box::new(|key| json!({ "name": format!("客户 {key}") })),
        id_of: |v| v["id"].as_str().unwrap().to_owned(),
    }
}

/// Retries `key` until it is settled; returns the record id it names and how: `replayed`,
/// `fresh` or `outcome-lost`.
fn settle(app: &TestApp, token: &str, work: &Workload, key: &str) -> (String, &'static str) {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let res = work
            .send(&app.base, token, key)
            .expect("the surviving instance answers");
        match res.status {
            201 => {
                let how = if res.header("idempotent-replayed").is_some() {
                    "replayed"
                } else {
                    "fresh"
                };
                return ((work.id_of)(&res.json()), how);
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

const LEASE: [(&str, &str); 2] = [
    ("KEFU_IDEMPOTENCY_LEASE_SECS", "2"),
    ("KEFU_JOBS_ENABLED", "0"),
];

fn survivor() -> TestApp {
    let mut builder = TestApp::builder();
    for (k, v) in LEASE {
        builder = builder.env(k, v);
    }
    builder.spawn()
}

/// [`ROUNDS`] times: [`CLIENTS`] clients repeat `work` as `token` against a fresh instance on
/// `app`'s database until it is killed. Returns what each key's client saw.
fn kill_rounds(app: &TestApp, token: &str, work: &Arc<Workload>) -> BTreeMap<String, Seen> {
    let mut seen: BTreeMap<String, Seen> = BTreeMap::new();
    for round in 0..ROUNDS {
        let victim = app.another_instance(&LEASE);
        let stop = Arc::new(AtomicBool::new(false));
        let log = Arc::new(Mutex::new(Vec::new()));
        let clients: Vec<_> = (0..CLIENTS)
            .map(|client| {
                let (base, token) = (victim.base.clone(), token.to_owned());
                let (stop, log, work) = (stop.clone(), log.clone(), work.clone());
                std::thread::spawn(move || {
                    for n in 0.. {
                        let key = format!("r{round}-c{client}-{n}");
                        let seen = match work.send(&base, &token, &key) {
                            Ok(res) if res.status == 201 => {
                                Seen::Acknowledged((work.id_of)(&res.json()))
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
    seen
}

/// What `seen` holds: acknowledged keys and in-flight ones, each tested for at least one.
fn tally(seen: &BTreeMap<String, Seen>) -> (usize, usize) {
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
    (acknowledged, in_flight.len())
}

/// Retries every key of `seen` on `app`; each names one record, acknowledged ones the record
/// the client was told about. Returns each key's record and the count of each outcome.
fn settle_all(
    app: &TestApp,
    token: &str,
    work: &Workload,
    seen: &BTreeMap<String, Seen>,
) -> (BTreeMap<String, String>, BTreeMap<&'static str, usize>) {
    let mut outcomes: BTreeMap<&'static str, usize> = BTreeMap::new();
    let mut records = BTreeMap::new();
    for (key, seen) in seen {
        let (id, how) = settle(app, token, work, key);
        *outcomes.entry(how).or_default() += 1;
        if let Seen::Acknowledged(told) = seen {
            assert_eq!(&id, told, "{key}: the retry names the acknowledged record");
        }
        records.insert(key.clone(), id);
    }
    (records, outcomes)
}

#[test]
fn acknowledged_writes_survive_a_kill_9_exactly_once_and_in_flight_keys_settle() {
    let app = survivor();
    let admin = app.admin_token();
    let work = Arc::new(customers());
    let seen = kill_rounds(&app, &admin, &work);
    let (acknowledged, in_flight) = tally(&seen);
    let (records, outcomes) = settle_all(&app, &admin, &work, &seen);

    // Every key, retried on the surviving instance, names one record; acknowledged ones the
    // record the client was told about.
    for (key, id) in &records {
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
        "crash test: {ROUNDS} kill -9 rounds, {acknowledged} acknowledged writes, {in_flight} in flight; \
         retries: {outcomes:?}; 0 lost, 0 doubled, 0 stuck keys"
    );
}

/// INV-1/INV-4 under kill -9: single units issued out of a warehouse, each with its key. Every
/// key ends as exactly one ledger row, and the levels are still the ledger's sum.
#[test]
fn stock_issued_under_a_kill_9_is_in_the_ledger_exactly_once_and_the_levels_balance() {
    const RECEIVED: i64 = 100_000;
    let app = survivor();
    let admin = app.admin_token();
    let post = |path: &str, body: Value| {
        let res = app.post(path).bearer(&admin).json(&body).send();
        assert_eq!(res.status, 201, "{path}: {}", res.body);
        res.json()
    };
    let product = post(
        "/api/v1/products",
        json!({"model": "JTY-GD-G3", "name": "点型光电感烟探测器", "unit_price_fen": 9_000,
               "unit_cost_fen": 4_000, "floor_price_fen": 8_000}),
    );
    let part = post(
        "/api/v1/parts",
        json!({"product_id": product["id"], "code": "SMK-1", "name": "烟感", "kind": "bulk",
               "sale_price_fen": 9_000, "unit_cost_fen": 4_000, "min_stock": 0}),
    );
    let warehouse = post(
        "/api/v1/stock-locations",
        json!({"kind": "warehouse", "name": "中心仓"}),
    );
    let site = post(
        "/api/v1/stock-locations",
        json!({"kind": "service_centre", "name": "维修中心"}),
    );
    post(
        "/api/v1/stock-movements",
        json!({"kind": "receipt", "part_id": part["id"], "to_location_id": warehouse["id"],
               "quantity": RECEIVED}),
    );
    let (part_id, from, to) = (
        part["id"].clone(),
        warehouse["id"].clone(),
        site["id"].clone(),
    );
    let work = Arc::new(Workload {
        path: "/api/v1/stock-movements".to_owned(),
        body: Box::new(move |_| {
            json!({"kind": "issue", "part_id": part_id, "from_location_id": from,
                   "to_location_id": to, "quantity": 1})
        }),
        id_of: |v| v["items"][0]["id"].as_str().unwrap().to_owned(),
    });
    let seen = kill_rounds(&app, &admin, &work);
    let (acknowledged, in_flight) = tally(&seen);
    let (records, outcomes) = settle_all(&app, &admin, &work, &seen);

    // The ledger's issue rows are exactly the keys' records, once each.
    let mut issued: BTreeMap<String, usize> = BTreeMap::new();
    let mut cursor = String::new();
    loop {
        let page: Value = app
            .get(&format!(
                "/api/v1/stock-movements?part_id={}&kind=issue&limit=200{cursor}",
                part["id"].as_str().unwrap()
            ))
            .bearer(&admin)
            .send()
            .json();
        for m in page["items"].as_array().unwrap() {
            *issued
                .entry(m["id"].as_str().unwrap().to_owned())
                .or_default() += 1;
        }
        match page["next_cursor"].as_str() {
            Some(next) => cursor = format!("&cursor={next}"),
            None => break,
        }
    }
    let keyed: BTreeMap<String, usize> = records.values().map(|id| (id.clone(), 1)).collect();
    assert_eq!(issued, keyed, "one ledger row per key, none without one");
    let level = |location: &Value| -> i64 {
        let page: Value = app
            .get(&format!(
                "/api/v1/stock-levels?part_id={}&location_id={}",
                part["id"].as_str().unwrap(),
                location["id"].as_str().unwrap()
            ))
            .bearer(&admin)
            .send()
            .json();
        page["items"][0]["quantity"].as_i64().unwrap_or(0)
    };
    let n = records.len() as i64;
    assert_eq!(
        (level(&warehouse), level(&site)),
        (RECEIVED - n, n),
        "the levels are the ledger's sum"
    );
    let (code, out, _) = app.cli(&["verify-audit"], None);
    assert_eq!(code, 0, "the audit chain survives the kills: {out}");
    eprintln!(
        "crash test (stock issues): {ROUNDS} kill -9 rounds, {acknowledged} acknowledged issues, \
         {in_flight} in flight; retries: {outcomes:?}; 0 lost, 0 doubled, 0 stuck keys, levels balanced"
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
