//! Spare parts (INV-1, INV-4): the catalogue on the products, locations, the ledger and the
//! stock levels it sums to, conditional updates under concurrency, and ORG-5 on stock.

use crate::tickets::id;
use crate::{actions, audit_of};
use kefu_blackbox::{Resp, TestApp};
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::path::PathBuf;

mod consumption;
mod counts;
mod intakes;
mod loans;
mod report;
mod rma;
mod rotation;

const PASSWORD: &str = "Inventory-pass-1";

struct Store {
    app: TestApp,
    clock: PathBuf,
    admin: String,
    manager: String,
    clerk: String,
    eng1: String,
    eng2: String,
    contact: String,
    product: Value,
    warehouse: Value,
    hands1: Value,
    hands2: Value,
}

fn created(res: Resp) -> Value {
    assert_eq!(res.status, 201, "{}", res.body);
    res.json()
}

/// A manager, a clerk, two engineers with their hands, a warehouse and a product to hang parts
/// on; the server's clock reads Monday 2026-03-09 10:00 in Beijing.
fn store() -> Store {
    let clock = std::env::temp_dir().join(format!("kefu-clock-{}", uuid::Uuid::new_v4()));
    std::fs::write(&clock, "2026-03-09T10:00:00+08:00").unwrap();
    let app = TestApp::builder()
        .env("KEFU_CLOCK_FILE", clock.to_str().unwrap())
        .spawn();
    let admin = app.admin_token();
    app.create_user(&admin, "mgr", &["manager"], PASSWORD);
    app.create_user(&admin, "kuguan", &["clerk"], PASSWORD);
    let e1 = app.create_user(&admin, "eng1", &["engineer"], PASSWORD);
    let e2 = app.create_user(&admin, "eng2", &["engineer"], PASSWORD);
    app.create_user(&admin, "cc", &["customer_contact"], PASSWORD);
    let clerk = app.token("kuguan", PASSWORD);
    let post = |token: &str, path: &str, body: Value| {
        created(app.post(path).bearer(token).json(&body).send())
    };
    let product = post(
        &admin,
        "/api/v1/products",
        json!({"model": "JB-QB-GST200", "name": "火灾报警控制器", "unit_price_fen": 1_280_000,
               "unit_cost_fen": 760_000, "floor_price_fen": 1_100_000}),
    );
    let warehouse = post(
        &clerk,
        "/api/v1/stock-locations",
        json!({"kind": "warehouse", "name": "杭州中心仓"}),
    );
    let hands1 = post(
        &clerk,
        "/api/v1/stock-locations",
        json!({"kind": "engineer", "name": "工程师一", "engineer_id": id(&e1)}),
    );
    let hands2 = post(
        &clerk,
        "/api/v1/stock-locations",
        json!({"kind": "engineer", "name": "工程师二", "engineer_id": id(&e2)}),
    );
    Store {
        manager: app.token("mgr", PASSWORD),
        clock,
        eng1: app.token("eng1", PASSWORD),
        eng2: app.token("eng2", PASSWORD),
        contact: app.token("cc", PASSWORD),
        app,
        admin,
        clerk,
        product,
        warehouse,
        hands1,
        hands2,
    }
}

impl Drop for Store {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.clock);
    }
}

impl Store {
    /// Moves the server's clock; everyone signs in again (tokens are of their time).
    fn set_clock(&mut self, instant: &str) {
        std::fs::write(&self.clock, instant).unwrap();
        self.admin = self.app.admin_token();
        self.manager = self.app.token("mgr", PASSWORD);
        self.clerk = self.app.token("kuguan", PASSWORD);
        self.eng1 = self.app.token("eng1", PASSWORD);
        self.eng2 = self.app.token("eng2", PASSWORD);
    }

    fn part(&self, code: &str, kind: &str) -> Value {
        created(
            self.app
                .post("/api/v1/parts")
                .bearer(&self.clerk)
                .json(&json!({"product_id": id(&self.product), "code": code,
                               "name": format!("备件 {code}"), "kind": kind,
                               "sale_price_fen": 12_000, "unit_cost_fen": 6_500,
                               "min_stock": 2}))
                .send(),
        )
    }

    fn move_as(&self, token: &str, body: Value) -> Resp {
        self.app
            .post("/api/v1/stock-movements")
            .bearer(token)
            .json(&body)
            .send()
    }

    fn moved(&self, body: Value) -> Vec<Value> {
        created(self.move_as(&self.clerk, body))["items"]
            .as_array()
            .unwrap()
            .clone()
    }

    fn items(&self, token: &str, path: &str) -> Vec<Value> {
        let res = self.app.get(path).bearer(token).send();
        assert_eq!(res.status, 200, "{path}: {}", res.body);
        res.json()["items"].as_array().unwrap().clone()
    }

    /// The level of `part` at `location` as the API lists it (0 when never stocked).
    fn level(&self, part: &Value, location: &Value) -> i64 {
        let path = format!(
            "/api/v1/stock-levels?part_id={}&location_id={}",
            id(part),
            id(location)
        );
        self.items(&self.clerk, &path)
            .first()
            .map_or(0, |l| l["quantity"].as_i64().unwrap())
    }

    /// INV-1: every level equals what the whole ledger says for its part and location.
    fn assert_levels_are_the_ledger(&self) {
        let mut ledger: BTreeMap<(String, String), i64> = BTreeMap::new();
        for m in self.items(&self.clerk, "/api/v1/stock-movements?limit=200") {
            let part = m["part_id"].as_str().unwrap().to_owned();
            let q = m["quantity"].as_i64().unwrap();
            if let Some(to) = m["to_location_id"].as_str() {
                *ledger.entry((part.clone(), to.to_owned())).or_default() += q;
            }
            if let Some(from) = m["from_location_id"].as_str() {
                *ledger.entry((part, from.to_owned())).or_default() -= q;
            }
        }
        let levels: BTreeMap<(String, String), i64> = self
            .items(&self.clerk, "/api/v1/stock-levels?limit=200")
            .iter()
            .map(|l| {
                let key = (
                    l["part_id"].as_str().unwrap().to_owned(),
                    l["location_id"].as_str().unwrap().to_owned(),
                );
                (key, l["quantity"].as_i64().unwrap())
            })
            .collect();
        assert!(!levels.is_empty());
        assert_eq!(levels, ledger);
        assert!(levels.values().all(|q| *q >= 0));
    }
}

fn issue(s: &Store, part: &Value, to: &Value, quantity: Option<i64>, serials: &[&str]) -> Value {
    let mut body = json!({"kind": "issue", "part_id": id(part),
                          "from_location_id": id(&s.warehouse), "to_location_id": id(to)});
    if let Some(q) = quantity {
        body["quantity"] = json!(q);
    }
    if !serials.is_empty() {
        body["serials"] = json!(serials);
    }
    body
}

#[test]
fn inv_1_every_movement_is_a_ledger_row_and_the_levels_are_its_sum() {
    let s = store();
    let bulk = s.part("GST-DET-001", "bulk");
    assert_eq!(
        (
            bulk["kind"].clone(),
            bulk["sale_price_fen"].clone(),
            bulk["min_stock"].clone()
        ),
        (json!("bulk"), json!(12_000), json!(2))
    );
    let boards = s.part("GST-MB-200", "serialised");
    // A part needs a live product; codes are unique.
    let res = s
        .app
        .post("/api/v1/parts")
        .bearer(&s.clerk)
        .json(
            &json!({"product_id": "nope", "code": "X", "name": "X", "kind": "bulk",
                      "sale_price_fen": 1, "unit_cost_fen": 1, "min_stock": 0}),
        )
        .send();
    assert_eq!(
        res.problem(422, "validation")["errors"][0]["field"],
        "product_id"
    );

    let receipt = s.moved(
        json!({"kind": "receipt", "part_id": id(&bulk), "quantity": 10,
                                 "to_location_id": id(&s.warehouse), "note": "采购入库"}),
    );
    assert_eq!(receipt.len(), 1);
    assert_eq!(receipt[0]["kind"], "receipt");
    assert_eq!(receipt[0]["quantity"], 10);
    assert_eq!(receipt[0]["from_location_id"], Value::Null);
    let units = s.moved(json!({"kind": "receipt", "part_id": id(&boards),
                               "serials": ["SN-1", "SN-2", "SN-3"],
                               "to_location_id": id(&s.warehouse)}));
    assert_eq!(units.len(), 3);
    assert_eq!(units[1]["serial"], "SN-2");
    assert!(units.iter().all(|u| u["quantity"] == 1));

    let issued = s.moved(issue(&s, &bulk, &s.hands1, Some(4), &[]));
    assert!(issued[0]["actor_id"].as_str().is_some());
    s.moved(issue(&s, &boards, &s.hands1, None, &["SN-1", "SN-2"]));
    s.moved(
        json!({"kind": "return", "part_id": id(&bulk), "quantity": 1,
                   "from_location_id": id(&s.hands1), "to_location_id": id(&s.warehouse)}),
    );
    s.moved(
        json!({"kind": "consumption", "part_id": id(&bulk), "quantity": 2,
                   "from_location_id": id(&s.hands1)}),
    );
    let lost = s.moved(
        json!({"kind": "loss", "part_id": id(&boards), "serials": ["SN-1"],
                              "from_location_id": id(&s.hands1)}),
    );
    s.moved(
        json!({"kind": "count_adjustment", "part_id": id(&bulk), "quantity": 1,
                   "from_location_id": id(&s.warehouse), "note": "盘点少一个"}),
    );

    assert_eq!(s.level(&bulk, &s.warehouse), 10 - 4 + 1 - 1);
    assert_eq!(s.level(&bulk, &s.hands1), 4 - 1 - 2);
    assert_eq!(s.level(&boards, &s.warehouse), 1);
    assert_eq!(s.level(&boards, &s.hands1), 1);
    s.assert_levels_are_the_ledger();

    // The units: where each one is, and the lost one off the books.
    let units = s.items(
        &s.clerk,
        &format!("/api/v1/serial-units?part_id={}", id(&boards)),
    );
    let by_serial: BTreeMap<&str, (&str, Option<&str>)> = units
        .iter()
        .map(|u| {
            (
                u["serial"].as_str().unwrap(),
                (u["status"].as_str().unwrap(), u["location_id"].as_str()),
            )
        })
        .collect();
    assert_eq!(by_serial["SN-1"], ("lost", None));
    assert_eq!(by_serial["SN-2"], ("in_stock", Some(id(&s.hands1))));
    assert_eq!(by_serial["SN-3"], ("in_stock", Some(id(&s.warehouse))));

    // Each ledger row is audited, with its actor, as `stock_movement.<kind>`.
    let entries = audit_of(&s.app, &s.admin, "stock_movement", id(&lost[0]));
    assert_eq!(actions(&entries), vec!["stock_movement.loss"]);
    assert_eq!(entries[0]["after"]["serial"], "SN-1");
    assert_eq!(
        actions(&audit_of(&s.app, &s.admin, "part", id(&bulk))),
        vec!["part.create"]
    );

    // INV-1: a movement that does not fit its part or kind names the field and the rule.
    let p = s
        .move_as(&s.clerk, issue(&s, &bulk, &s.hands1, Some(1), &["SN-9"]))
        .problem(422, "validation");
    assert_eq!(p["rule"], "INV-1");
    assert_eq!(p["errors"][0]["field"], "serials");
    let p = s
        .move_as(
            &s.clerk,
            json!({"kind": "loss", "part_id": id(&bulk), "quantity": 1,
                                   "to_location_id": id(&s.warehouse)}),
        )
        .problem(422, "validation");
    assert_eq!(p["rule"], "INV-1");
    let p = s
        .move_as(&s.clerk, issue(&s, &boards, &s.hands1, None, &["SN-404"]))
        .problem(422, "validation");
    assert_eq!(p["errors"][0]["field"], "serials");
    // A serial already on the books is a duplicate.
    s.move_as(
        &s.clerk,
        json!({"kind": "receipt", "part_id": id(&boards), "serials": ["SN-3"],
                                "to_location_id": id(&s.warehouse)}),
    )
    .duplicate("serials");
    // INV-4: more than the location holds, or a unit that is elsewhere, is 409 and changes
    // nothing.
    s.move_as(&s.clerk, issue(&s, &bulk, &s.hands2, Some(7), &[]))
        .rule_conflict("INV-4");
    s.move_as(
        &s.clerk,
        issue(&s, &boards, &s.hands2, None, &["SN-3", "SN-2"]),
    )
    .rule_conflict("INV-4");
    assert_eq!(s.level(&bulk, &s.warehouse), 6);
    assert_eq!(s.level(&boards, &s.warehouse), 1);
    assert_eq!(s.level(&boards, &s.hands2), 0);
    s.assert_levels_are_the_ledger();

    // The lists export like the others.
    let res = s
        .app
        .get("/api/v1/stock-levels/export?format=csv")
        .bearer(&s.clerk)
        .send();
    assert_eq!(res.status, 200, "{}", res.body);
    let lines: Vec<&str> = res.body.trim_start_matches('\u{feff}').lines().collect();
    assert_eq!(lines[0], "id,part_id,location_id,quantity,updated_at");
    assert_eq!(lines.len(), 1 + 4, "{}", res.body);
    let warehouse_bulk = format!("{},{},6,", id(&bulk), id(&s.warehouse));
    assert!(
        lines.iter().any(|l| l.contains(&warehouse_bulk)),
        "{}",
        res.body
    );
}

#[test]
fn org_5_an_engineer_sees_the_stock_in_their_own_hands_only() {
    let s = store();
    let bulk = s.part("GST-DET-002", "bulk");
    s.moved(
        json!({"kind": "receipt", "part_id": id(&bulk), "quantity": 5,
                   "to_location_id": id(&s.warehouse)}),
    );
    s.moved(issue(&s, &bulk, &s.hands1, Some(2), &[]));
    s.moved(issue(&s, &bulk, &s.hands2, Some(1), &[]));

    let levels = s.items(&s.eng1, "/api/v1/stock-levels");
    assert_eq!(levels.len(), 1);
    assert_eq!(levels[0]["location_id"], id(&s.hands1));
    assert_eq!(levels[0]["quantity"], 2);
    let ledger = s.items(&s.eng1, "/api/v1/stock-movements");
    assert_eq!(ledger.len(), 1);
    assert_eq!(ledger[0]["to_location_id"], id(&s.hands1));
    // Another engineer's hands read as missing; the shared locations are listed.
    s.app
        .get(&format!("/api/v1/stock-locations/{}", id(&s.hands2)))
        .bearer(&s.eng1)
        .send()
        .problem(404, "not-found");
    let seen: Vec<String> = s
        .items(&s.eng1, "/api/v1/stock-locations")
        .iter()
        .map(|l| id(l).to_owned())
        .collect();
    assert_eq!(
        seen,
        vec![id(&s.warehouse).to_owned(), id(&s.hands1).to_owned()]
    );
    assert!(
        s.items(
            &s.eng1,
            &format!("/api/v1/stock-levels?location_id={}", id(&s.hands2))
        )
        .is_empty()
    );
    // The clerk sees every location.
    assert_eq!(s.items(&s.clerk, "/api/v1/stock-levels").len(), 3);
    // Engineers record no movement; customer contacts see nothing of inventory.
    s.move_as(&s.eng1, issue(&s, &bulk, &s.hands1, Some(1), &[]))
        .problem(403, "forbidden");
    for path in [
        "/api/v1/parts",
        "/api/v1/stock-levels",
        "/api/v1/stock-movements",
        "/api/v1/stock-locations",
        "/api/v1/serial-units",
    ] {
        s.app
            .get(path)
            .bearer(&s.contact)
            .send()
            .problem(403, "forbidden");
    }
    s.app
        .get(&format!("/api/v1/parts/{}", id(&bulk)))
        .bearer(&s.contact)
        .send()
        .problem(403, "forbidden");
    assert_eq!(s.level(&bulk, &s.warehouse), 2);
    let _ = &s.eng2;
}

/// Sends `body` `n` times at once; returns the responses.
fn at_once(s: &Store, n: usize, body: &Value) -> Vec<Resp> {
    std::thread::scope(|scope| {
        let handles: Vec<_> = (0..n)
            .map(|_| scope.spawn(|| s.move_as(&s.clerk, body.clone())))
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    })
}

#[test]
fn inv_4_fifty_simultaneous_issues_of_the_last_three_units_leave_three_winners() {
    let s = store();
    let bulk = s.part("GST-DET-003", "bulk");
    s.moved(
        json!({"kind": "receipt", "part_id": id(&bulk), "quantity": 3,
                   "to_location_id": id(&s.warehouse)}),
    );
    let answers = at_once(&s, 50, &issue(&s, &bulk, &s.hands1, Some(1), &[]));
    let won = answers.iter().filter(|r| r.status == 201).count();
    let lost: Vec<&Resp> = answers.iter().filter(|r| r.status != 201).collect();
    assert_eq!(won, 3);
    assert_eq!(lost.len(), 47);
    for r in lost {
        r.rule_conflict("INV-4");
    }
    assert_eq!(s.level(&bulk, &s.warehouse), 0);
    assert_eq!(s.level(&bulk, &s.hands1), 3);
    let issues = s.items(
        &s.clerk,
        &format!(
            "/api/v1/stock-movements?part_id={}&kind=issue&limit=200",
            id(&bulk)
        ),
    );
    assert_eq!(issues.len(), 3);

    // One serialised unit: exactly one winner, and the unit is in one place.
    let boards = s.part("GST-MB-201", "serialised");
    s.moved(
        json!({"kind": "receipt", "part_id": id(&boards), "serials": ["SN-ONLY"],
                   "to_location_id": id(&s.warehouse)}),
    );
    let answers = at_once(&s, 50, &issue(&s, &boards, &s.hands2, None, &["SN-ONLY"]));
    assert_eq!(answers.iter().filter(|r| r.status == 201).count(), 1);
    for r in answers.iter().filter(|r| r.status != 201) {
        r.rule_conflict("INV-4");
    }
    let units = s.items(
        &s.clerk,
        &format!("/api/v1/serial-units?part_id={}", id(&boards)),
    );
    assert_eq!(units.len(), 1);
    assert_eq!(units[0]["location_id"], id(&s.hands2));
    assert_eq!(s.level(&boards, &s.hands2), 1);
    assert_eq!(s.level(&boards, &s.warehouse), 0);
    s.assert_levels_are_the_ledger();
}
