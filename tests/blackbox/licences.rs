//! Software licences (CON-4) over HTTP on a test clock, on SQLite or PostgreSQL: issued per
//! covered installation, renewed with the contract, kept in history, and checked by API keys.

use crate::contracts::{contact_token, create, ok};
use crate::tickets::{World, id, world};
use crate::{actions, audit_of};
use kefu_blackbox::Resp;
use serde_json::{Value, json};

fn created(res: Resp) -> Value {
    assert_eq!(res.status, 201, "{}", res.body);
    res.json()
}

/// Two installations at customer 甲's site: A installed 2026-03-10, B with no install date.
pub fn installations(w: &World) -> (Value, Value) {
    let product = created(
        w.app
            .post("/api/v1/products")
            .bearer(&w.admin)
            .json(
                &json!({"model": "QQ-2026", "name": "启擎软件", "category": "software",
                          "unit_price_fen": 100_000, "unit_cost_fen": 60_000,
                          "floor_price_fen": 90_000}),
            )
            .send(),
    );
    let mut made = Vec::new();
    for (serial, installed) in [("SW-A", Some("2026-03-10")), ("SW-B", None)] {
        let mut body = json!({"site_id": w.site["id"], "product_id": product["id"],
                              "serial": serial});
        if let Some(day) = installed {
            body["install_date"] = json!(day);
        }
        made.push(created(
            w.app
                .post("/api/v1/equipment")
                .bearer(&w.admin)
                .json(&body)
                .send(),
        ));
    }
    (made.remove(0), made.remove(0))
}

/// A signed yearly contract covering both installations, signed by engineer 1 on 2026-03-02.
fn licensed_contract(w: &World, a: &Value, b: &Value) -> Value {
    let c = create(
        w,
        &w.admin,
        json!({"title": "软件售后服务合同", "customer_id": w.customer["id"],
               "site_ids": [w.site["id"]], "equipment_ids": [a["id"], b["id"]],
               "signer_id": w.eng1_id, "period_start": "2026-03-01", "period_end": "2027-02-28",
               "amount_fen": 600_000, "renewal_mode": "express"}),
    );
    ok(w, &w.eng1, &c, "sign", json!({}))
}

pub fn issue(w: &World, token: &str, contract: &Value, body: Value) -> Resp {
    w.app
        .post(&format!("/api/v1/contracts/{}/licences", id(contract)))
        .bearer(token)
        .json(&body)
        .send()
}

fn get(w: &World, token: &str, path: &str) -> Resp {
    w.app.get(path).bearer(token).send()
}

fn items(res: &Resp) -> Vec<Value> {
    assert_eq!(res.status, 200, "{}", res.body);
    res.json()["items"].as_array().unwrap().clone()
}

fn serial_ok(s: &Value) {
    let s = s.as_str().unwrap();
    assert_eq!(s.len(), 26, "{s}");
    assert!(s.starts_with("KF-"), "{s}");
    assert!(
        s[3..].chars().all(|c| c == '-'
            || (c.is_ascii_alphanumeric() && c.is_ascii_uppercase() || c.is_ascii_digit())
                && !"ILOU".contains(c)),
        "{s}"
    );
}

#[test]
fn con_4_licences_are_issued_per_installation_renewed_and_kept_in_history() {
    let mut w = world();
    w.set_clock("2026-03-02T10:00:00+08:00");
    let (a, b) = installations(&w);
    let c = licensed_contract(&w, &a, &b);

    // Engineers install, the office issues.
    issue(&w, &w.eng1, &c, json!({"equipment_id": a["id"]})).problem(403, "forbidden");
    // A from its installation day to the end of the service period, not yet begun.
    let la = created(issue(&w, &w.manager, &c, json!({"equipment_id": a["id"]})));
    serial_ok(&la["serial"]);
    assert_eq!(
        (
            la["valid_from"].clone(),
            la["valid_until"].clone(),
            la["state"].clone()
        ),
        (json!("2026-03-10"), json!("2027-02-28"), json!("pending"))
    );
    assert_eq!(la["customer_id"], w.customer["id"]);
    assert!(la["replaces_id"].is_null() && la["replaced_by_id"].is_null());
    // B has no installation day: from the day the contract was signed.
    let lb = created(issue(
        &w,
        &w.manager,
        &c,
        json!({"equipment_id": b["id"], "note": "  补发 "}),
    ));
    assert_eq!(
        (
            lb["valid_from"].clone(),
            lb["state"].clone(),
            lb["note"].clone()
        ),
        (json!("2026-03-02"), json!("valid"), json!("补发"))
    );
    assert_ne!(la["serial"], lb["serial"]);
    // Once per installation and contract; only covered installations; not past the period.
    issue(&w, &w.manager, &c, json!({"equipment_id": a["id"]})).rule_conflict("CON-4");
    let p =
        issue(&w, &w.manager, &c, json!({"equipment_id": w.site["id"]})).problem(422, "validation");
    assert_eq!(
        (p["errors"][0]["field"].clone(), p["rule"].clone()),
        (json!("equipment_id"), json!("CON-4"))
    );
    let draft = create(
        &w,
        &w.admin,
        json!({"title": "草稿", "customer_id": w.customer["id"], "equipment_ids": [a["id"]],
               "signer_id": w.eng1_id, "period_start": "2026-03-01", "period_end": "2026-12-31",
               "amount_fen": 1, "renewal_mode": "express"}),
    );
    issue(&w, &w.manager, &draft, json!({"equipment_id": a["id"]})).rule_conflict("CON-4");

    // ORG-5: the signer sees them, the contact of the customer too; another engineer nothing.
    let path = format!("/api/v1/licences/{}", id(&la));
    let res = get(&w, &w.eng1, &path);
    assert_eq!(res.status, 200, "{}", res.body);
    assert_eq!(res.etag(), "\"1\"");
    get(&w, &w.eng2, &path).problem(404, "not-found");
    assert!(items(&get(&w, &w.eng2, "/api/v1/licences")).is_empty());
    let contact = contact_token(&w);
    assert_eq!(items(&get(&w, &contact, "/api/v1/licences")).len(), 2);
    let by_eq = items(&get(
        &w,
        &w.admin,
        &format!("/api/v1/licences?equipment_id={}", id(&a)),
    ));
    assert_eq!(by_eq.len(), 1);
    assert_eq!(by_eq[0]["serial"], la["serial"]);

    // The express renewal, signed: each installation gets a new serial for the new period.
    w.set_clock("2027-02-20T10:00:00+08:00");
    // The contract jobs run on this instance too and may move the contract's version (a
    // reminder, an overdue payment) between a read and the renewal: renew the current one.
    let next = (0..5)
        .find_map(|_| {
            let current = get(&w, &w.eng1, &format!("/api/v1/contracts/{}", id(&c))).json();
            let res = w
                .app
                .post(&format!("/api/v1/contracts/{}/renew", id(&c)))
                .bearer(&w.eng1)
                .if_match(&format!("\"{}\"", current["version"]))
                .json(&json!({"period_end": "2028-02-29"}))
                .send();
            (res.status != 412).then_some(res)
        })
        .map(created)
        .expect("renewed within five tries");
    let none = items(&get(
        &w,
        &w.admin,
        &format!("/api/v1/licences?contract_id={}", id(&next)),
    ));
    assert!(none.is_empty(), "a draft renewal issues nothing yet");
    let next = ok(&w, &w.eng1, &next, "sign", json!({}));
    let renewed = items(&get(
        &w,
        &w.admin,
        &format!("/api/v1/licences?contract_id={}", id(&next)),
    ));
    assert_eq!(renewed.len(), 2);
    let na = renewed
        .iter()
        .find(|l| l["equipment_id"] == a["id"])
        .unwrap();
    serial_ok(&na["serial"]);
    assert_ne!(na["serial"], la["serial"]);
    assert_eq!(
        (
            na["valid_from"].clone(),
            na["valid_until"].clone(),
            na["state"].clone()
        ),
        (json!("2027-03-01"), json!("2028-02-29"), json!("pending"))
    );
    assert_eq!(na["replaces_id"], la["id"]);
    // The old one is kept, valid to its own end, linked to its successor.
    let old = get(&w, &w.eng1, &path).json();
    assert_eq!(
        (
            old["replaced_by_id"].clone(),
            old["state"].clone(),
            old["version"].clone()
        ),
        (na["id"].clone(), json!("valid"), json!(2))
    );
    let history = items(&get(
        &w,
        &w.eng1,
        &format!("/api/v1/licences/{}/history", id(na)),
    ));
    let serials: Vec<&Value> = history.iter().map(|l| &l["serial"]).collect();
    assert_eq!(serials, [&la["serial"], &na["serial"]]);
    get(&w, &w.eng2, &format!("/api/v1/licences/{}/history", id(na))).problem(404, "not-found");

    // Delta sync brings the superseded licences and the new ones.
    let changed = items(&get(
        &w,
        &w.admin,
        "/api/v1/licences?updated_since=2027-02-20T01:00:00Z",
    ));
    let mut changed: Vec<&str> = changed.iter().map(|l| l["id"].as_str().unwrap()).collect();
    changed.sort_unstable();
    let mut expected: Vec<&str> = renewed.iter().map(|l| l["id"].as_str().unwrap()).collect();
    expected.extend([id(&la), id(&lb)]);
    expected.sort_unstable();
    assert_eq!(changed, expected);

    // Audit: issue, then supersede on the old one; renew on the new one.
    assert_eq!(
        actions(&audit_of(&w.app, &w.admin, "licence", id(&la))),
        ["licence.issue", "licence.supersede"]
    );
    let trail = audit_of(&w.app, &w.admin, "licence", id(na));
    assert_eq!(actions(&trail), ["licence.renew"]);
    assert_eq!(trail[0]["after"]["replaces_id"], la["id"]);

    // Export: the same list as CSV.
    let csv = get(
        &w,
        &w.admin,
        "/api/v1/licences/export?format=csv&columns=zh",
    );
    assert_eq!(csv.status, 200, "{}", csv.body);
    assert!(csv.body.contains("序列号"), "{}", csv.body);
    assert!(csv.body.contains(la["serial"].as_str().unwrap()));
    assert_eq!(csv.body.lines().count(), 5);
}

#[test]
fn con_4_a_tacit_renewal_issues_the_next_serials_itself() {
    let mut w = world();
    w.set_clock("2026-03-02T10:00:00+08:00");
    let (a, _) = installations(&w);
    let c = create(
        &w,
        &w.admin,
        json!({"title": "月度服务", "customer_id": w.customer["id"], "equipment_ids": [a["id"]],
               "signer_id": w.eng1_id, "period_start": "2026-03-01", "period_end": "2026-03-31",
               "amount_fen": 100_000, "renewal_mode": "tacit", "notice_days": 10}),
    );
    let c = ok(&w, &w.eng1, &c, "sign", json!({}));
    let first = created(issue(&w, &w.manager, &c, json!({"equipment_id": a["id"]})));
    w.set_clock("2026-04-01T09:00:00+08:00");
    let runner = w
        .app
        .another_instance(&[("KEFU_JOBS_ENABLED", "1"), ("KEFU_JOBS_POLL_MS", "50")]);
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    let next = loop {
        let all = items(&get(
            &w,
            &w.admin,
            &format!("/api/v1/licences?equipment_id={}", id(&a)),
        ));
        if let Some(n) = all.iter().find(|l| l["replaces_id"] == first["id"]) {
            break n.clone();
        }
        assert!(std::time::Instant::now() < deadline, "not renewed: {all:?}");
        std::thread::sleep(std::time::Duration::from_millis(200));
    };
    drop(runner);
    assert_eq!(
        (
            next["valid_from"].clone(),
            next["valid_until"].clone(),
            next["state"].clone()
        ),
        (json!("2026-04-01"), json!("2026-04-30"), json!("valid"))
    );
    let old = get(&w, &w.admin, &format!("/api/v1/licences/{}", id(&first))).json();
    assert_eq!(
        (old["replaced_by_id"].clone(), old["state"].clone()),
        (next["id"].clone(), json!("expired"))
    );
    assert_eq!(
        items(&get(
            &w,
            &w.admin,
            &format!("/api/v1/licences?equipment_id={}", id(&a))
        ))
        .len(),
        2,
        "exactly one successor"
    );
}

pub fn api_key(w: &World, username: &str) -> String {
    let account = created(
        w.app
            .post("/api/v1/users")
            .bearer(&w.admin)
            .json(&json!({"username": username, "display_name": "授权校验",
                          "kind": "service", "roles": ["engineer"]}))
            .send(),
    );
    created(
        w.app
            .post("/api/v1/api-keys")
            .bearer(&w.admin)
            .json(&json!({"user_id": account["id"], "name": "licence check"}))
            .send(),
    )["key"]
        .as_str()
        .unwrap()
        .to_owned()
}

pub fn check(app: &kefu_blackbox::TestApp, key: &str, serial: &str) -> Resp {
    app.post("/api/v1/licence-checks")
        .bearer(key)
        .json(&json!({"serial": serial}))
        .send()
}

#[test]
fn con_4_the_check_answers_unknown_and_expired_serials_alike_for_api_keys_only() {
    let mut w = world();
    w.set_clock("2026-03-02T10:00:00+08:00");
    let (a, b) = installations(&w);
    let c = licensed_contract(&w, &a, &b);
    let la = created(issue(&w, &w.manager, &c, json!({"equipment_id": a["id"]})));
    let lb = created(issue(&w, &w.manager, &c, json!({"equipment_id": b["id"]})));
    let serial_a = la["serial"].as_str().unwrap();
    let serial_b = lb["serial"].as_str().unwrap();
    let key = api_key(&w, "licence-check");
    let other_key = api_key(&w, "licence-check-2");
    // The check's own limit: 3 a minute per key (the per-caller limit stays high).
    let app = w
        .app
        .another_instance(&[("KEFU_LICENCE_CHECK_PER_KEY", "3")]);

    // Valid today: until the end of the service period.
    let valid = check(&app, &key, serial_b);
    assert_eq!(valid.status, 200, "{}", valid.body);
    assert_eq!(
        valid.json(),
        json!({"valid": true, "valid_until": "2027-02-28"})
    );
    assert_eq!(valid.header("ratelimit-limit").as_deref(), Some("3"));
    // Not begun yet (A from 03-10) and unknown: the same status and body, byte for byte.
    let unknown = check(&app, &key, "KF-00000-00000-00000-00000");
    let pending = check(&app, &key, serial_a);
    assert_eq!(unknown.status, 200);
    assert_eq!(unknown.json(), json!({"valid": false, "valid_until": null}));
    assert_eq!(
        (pending.status, &pending.body),
        (unknown.status, &unknown.body)
    );
    // Over the key's limit: 429 with Retry-After; another key is not affected.
    let refused = check(&app, &key, serial_b);
    refused.problem(429, "rate-limited");
    assert!(refused.header("retry-after").is_some());
    assert_eq!(check(&app, &other_key, serial_b).status, 200);

    // People's access tokens are refused, whatever their role.
    for token in [&w.admin, &w.eng1] {
        check(&w.app, token, serial_b).problem(403, "forbidden");
    }
    w.app
        .post("/api/v1/licence-checks")
        .json(&json!({"serial": serial_b}))
        .send()
        .problem(401, "unauthenticated");

    // A terminated contract's licence answers the same.
    let short = create(
        &w,
        &w.admin,
        json!({"title": "终止的合同", "customer_id": w.customer["id"], "equipment_ids": [b["id"]],
               "signer_id": w.eng1_id, "period_start": "2026-03-01", "period_end": "2026-12-31",
               "amount_fen": 1, "renewal_mode": "express"}),
    );
    let short = ok(&w, &w.eng1, &short, "sign", json!({}));
    let lv = created(issue(
        &w,
        &w.manager,
        &short,
        json!({"equipment_id": b["id"]}),
    ));
    let live = check(&w.app, &other_key, lv["serial"].as_str().unwrap());
    assert_eq!(live.json()["valid_until"], "2026-12-31");
    ok(
        &w,
        &w.manager,
        &short,
        "terminate",
        json!({"reason": "客户停用"}),
    );
    let void = check(&w.app, &other_key, lv["serial"].as_str().unwrap());
    assert_eq!((void.status, &void.body), (200, &unknown.body));
    let l = get(&w, &w.admin, &format!("/api/v1/licences/{}", id(&lv))).json();
    assert_eq!(l["state"], "void");

    // Past the period: expired answers exactly as unknown.
    w.set_clock("2027-03-01T09:00:00+08:00");
    let expired = check(&w.app, &other_key, serial_b);
    let unknown_now = check(&w.app, &other_key, "no-such-serial");
    assert_eq!((expired.status, &expired.body), (200, &unknown.body));
    assert_eq!(
        (unknown_now.status, &unknown_now.body),
        (200, &unknown.body)
    );
}
