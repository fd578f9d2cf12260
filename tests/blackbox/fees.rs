//! Customer-facing money (BIL-1 … BIL-4): the fee schedule, repair quotes with the manager's
//! approval outside `[floor, list]` and travel and lodging for remote out-of-warranty repairs,
//! the customer's answer, payments and deposits, and the full-payment gate before a factory
//! repair; ORG-5 (the customer's visibility) on quotes and payments; audit and stored state.

use crate::feedback_forms::{signature_png, upload_png};
use crate::tickets::id;
use crate::{actions, audit_of};
use kefu_blackbox::{Resp, TestApp};
use serde_json::{Value, json};
use std::path::PathBuf;

const PASSWORD: &str = "Fees-pass-1";

struct World {
    app: TestApp,
    clock: PathBuf,
    admin: String,
    manager: String,
    finance: String,
    clerk: String,
    eng1: String,
    eng1_id: String,
    eng2: String,
    /// Engineer one's customer, with a `local` and a `remote` site; its contact's token.
    x: Value,
    local: Value,
    remote: Value,
    contact_x: String,
    /// Nobody's customer, and its contact's token.
    contact_y: String,
}

impl Drop for World {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.clock);
    }
}

fn created(res: Resp) -> Value {
    assert_eq!(res.status, 201, "{}", res.body);
    res.json()
}

fn ok(res: Resp) -> Value {
    assert_eq!(res.status, 200, "{}", res.body);
    res.json()
}

/// A 422 whose `rule` is `rule`: a `rule-violation`, or a `validation` whose fields cite it.
fn refused(res: Resp, rule: &str) -> Value {
    assert_eq!(res.status, 422, "{}", res.body);
    let p = res.json();
    assert_eq!(p["rule"], rule, "{p}");
    p
}

/// A customer and a contact of it with a login; returns the customer and the contact's token.
fn customer(
    app: &TestApp,
    admin: &str,
    name: &str,
    owner: Option<&str>,
    login: &str,
) -> (Value, String) {
    let post = |path: &str, body: Value| created(app.post(path).bearer(admin).json(&body).send());
    let customer = post(
        "/api/v1/customers",
        json!({"name": name, "owner_user_id": owner}),
    );
    let contact = post(
        "/api/v1/contacts",
        json!({"customer_id": customer["id"], "name": format!("{name}联系人"), "phone": "13900000000"}),
    );
    let res = app
        .post(&format!("/api/v1/contacts/{}/login", id(&contact)))
        .bearer(admin)
        .if_match("\"1\"")
        .json(&json!({"username": login}))
        .send();
    let temporary = created(res)["generated_password"]
        .as_str()
        .unwrap()
        .to_owned();
    let first = app.token(login, &temporary);
    let res = app
        .post("/api/v1/me/password")
        .bearer(&first)
        .json(&json!({"current_password": temporary, "new_password": PASSWORD}))
        .send();
    assert_eq!(res.status, 204, "{}", res.body);
    (customer, app.token(login, PASSWORD))
}

/// Monday 2026-03-09 10:00 in Beijing.
fn world() -> World {
    let clock = std::env::temp_dir().join(format!("kefu-clock-{}", uuid::Uuid::new_v4()));
    std::fs::write(&clock, "2026-03-09T10:00:00+08:00").unwrap();
    let app = TestApp::builder()
        .env("KEFU_CLOCK_FILE", clock.to_str().unwrap())
        .spawn();
    let admin = app.admin_token();
    app.create_user(&admin, "mgr", &["manager"], PASSWORD);
    app.create_user(&admin, "fin", &["finance"], PASSWORD);
    app.create_user(&admin, "kuguan", &["clerk"], PASSWORD);
    let e1 = app.create_user(&admin, "eng1", &["engineer"], PASSWORD);
    app.create_user(&admin, "eng2", &["engineer"], PASSWORD);
    let (x, contact_x) = customer(&app, &admin, "甲公司", Some(id(&e1)), "x.contact");
    let (_, contact_y) = customer(&app, &admin, "乙公司", None, "y.contact");
    let city = json!({"name": "杭州市", "province": "浙江省", "has_station": true, "counties": []});
    created(app.post("/api/v1/cities").bearer(&admin).json(&city).send());
    let site = |name: &str, class: &str| {
        created(
            app.post("/api/v1/sites")
                .bearer(&admin)
                .json(
                    &json!({"customer_id": x["id"], "name": name, "address": "一路 1 号",
                               "city": "杭州市", "location_class_override": class}),
                )
                .send(),
        )
    };
    let (local, remote) = (site("本地厂区", "local"), site("外地厂区", "remote"));
    World {
        manager: app.token("mgr", PASSWORD),
        finance: app.token("fin", PASSWORD),
        clerk: app.token("kuguan", PASSWORD),
        eng1: app.token("eng1", PASSWORD),
        eng1_id: id(&e1).to_owned(),
        eng2: app.token("eng2", PASSWORD),
        app,
        clock,
        admin,
        x,
        local,
        remote,
        contact_x,
        contact_y,
    }
}

impl World {
    fn item(&self, code: &str, kind: &str, list: i64, floor: i64) -> Value {
        created(
            self.app
                .post("/api/v1/fee-items")
                .bearer(&self.finance)
                .json(
                    &json!({"code": code, "name": format!("项目 {code}"), "kind": kind,
                               "unit": "次", "list_price_fen": list, "floor_price_fen": floor}),
                )
                .send(),
        )
    }

    fn quote(&self, token: &str, body: Value) -> Resp {
        self.app
            .post("/api/v1/repair-quotes")
            .bearer(token)
            .json(&body)
            .send()
    }

    /// A command (`patch` or a verb) on `record` under `base` with its current version.
    fn run(&self, token: &str, base: &str, record: &Value, verb: &str, body: Value) -> Resp {
        let path = format!("/api/v1/{base}/{}", id(record));
        let req = if verb == "patch" {
            self.app.req("PATCH", &path)
        } else {
            self.app.post(&format!("{path}/{verb}"))
        };
        req.bearer(token)
            .if_match(&format!("\"{}\"", record["version"]))
            .json(&body)
            .send()
    }

    fn get(&self, token: &str, path: &str) -> Resp {
        self.app.get(path).bearer(token).send()
    }

    fn pay(&self, body: Value) -> Resp {
        self.app
            .post("/api/v1/payments")
            .bearer(&self.finance)
            .json(&body)
            .send()
    }

    /// An intake of X registered by the clerk and signed by the customer.
    fn signed_intake(&self, serial: &str) -> Value {
        let intake = created(
            self.app
                .post("/api/v1/repair-intakes")
                .bearer(&self.clerk)
                .json(&json!({"customer_id": self.x["id"], "serial": serial,
                               "reported_fault": "无法开机", "fault_reproduced": true}))
                .send(),
        );
        let signature = upload_png(
            &self.app,
            &self.clerk,
            ("repair_intake", id(&intake)),
            ("signature", "签名.png"),
            &signature_png(7),
        );
        ok(self.run(
            &self.clerk,
            "repair-intakes",
            &intake,
            "sign",
            json!({"signature_attachment_id": id(&signature), "signer_name": "王主任"}),
        ))
    }
}

#[test]
fn bil_1_the_fee_schedule_is_kept_by_finance_and_read_by_staff() {
    let w = world();
    let body = json!({"code": "LAB-1", "name": "控制器维修人工", "kind": "labour", "unit": "次",
                      "list_price_fen": 50_000, "floor_price_fen": 50_001});
    let post = |token: &str, body: &Value| {
        w.app
            .post("/api/v1/fee-items")
            .bearer(token)
            .json(body)
            .send()
    };
    // Engineers do not price; the floor is not above the list price.
    post(&w.eng1, &body).forbidden_by("BIL-1");
    let p = refused(post(&w.finance, &body), "BIL-1");
    assert_eq!(p["errors"][0]["field"], "floor_price_fen", "{p}");
    let item = w.item("LAB-1", "labour", 50_000, 40_000);
    assert_eq!(item["active"], true);
    assert_eq!(item["floor_price_fen"], 40_000);
    post(
        &w.manager,
        &json!({"code": "LAB-1", "name": "重复", "kind": "labour", "unit": "次",
                             "list_price_fen": 1, "floor_price_fen": 0}),
    )
    .duplicate("code");

    // Every staff member reads the schedule; a customer contact does not.
    assert_eq!(
        w.get(&w.eng1, &format!("/api/v1/fee-items/{}", id(&item)))
            .status,
        200
    );
    w.get(&w.contact_x, "/api/v1/fee-items")
        .forbidden_by("BIL-1");
    let listed = ok(w.get(&w.eng2, "/api/v1/fee-items?kind=labour&active=true"));
    assert_eq!(listed["items"].as_array().unwrap().len(), 1);

    // Changed with If-Match, checked as it will stand; retired once.
    let stale = w.run(
        &w.finance,
        "fee-items",
        &item,
        "patch",
        json!({"floor_price_fen": 60_000}),
    );
    assert_eq!(
        refused(stale, "BIL-1")["errors"][0]["field"],
        "floor_price_fen"
    );
    let changed = ok(w.run(
        &w.finance,
        "fee-items",
        &item,
        "patch",
        json!({"list_price_fen": 55_000}),
    ));
    assert_eq!(
        (
            changed["list_price_fen"].as_i64(),
            changed["version"].as_i64()
        ),
        (Some(55_000), Some(2))
    );
    w.run(&w.finance, "fee-items", &item, "retire", json!({}))
        .problem(412, "precondition-failed");
    let retired = ok(w.run(&w.finance, "fee-items", &changed, "retire", json!({})));
    assert_eq!(retired["active"], false);
    w.run(&w.finance, "fee-items", &retired, "retire", json!({}))
        .rule_conflict("BIL-1");
    let stored = ok(w.get(&w.eng1, &format!("/api/v1/fee-items/{}", id(&item))));
    assert_eq!(
        (
            stored["active"].as_bool(),
            stored["list_price_fen"].as_i64()
        ),
        (Some(false), Some(55_000))
    );
    assert_eq!(
        actions(&audit_of(&w.app, &w.admin, "fee_item", id(&item))),
        vec!["fee_item.create", "fee_item.update", "fee_item.retire"]
    );
    // A retired item takes no new line.
    let p = refused(
        w.quote(
            &w.eng1,
            json!({"customer_id": w.x["id"], "lines": [{"fee_item_id": id(&item), "quantity": 1}]}),
        ),
        "BIL-1",
    );
    assert_eq!(p["errors"][0]["field"], "lines[0].fee_item_id", "{p}");
    // Delta sync and export.
    let delta = ok(w.get(
        &w.eng1,
        "/api/v1/fee-items?updated_since=2026-03-01T00:00:00Z",
    ));
    assert_eq!(delta["items"][0]["version"], 3);
    let csv = w.get(&w.finance, "/api/v1/fee-items/export?format=csv");
    assert_eq!(csv.status, 200);
    assert!(csv.body.contains("LAB-1"), "{}", csv.body);
}

#[test]
fn bil_2_a_quote_below_the_floor_waits_for_the_manager_and_the_customer_answers() {
    let w = world();
    let labour = w.item("LAB-2", "labour", 50_000, 40_000);
    let part = w.item("PART-2", "part", 12_000, 10_000);
    let body = json!({"customer_id": w.x["id"], "site_id": w.local["id"],
        "lines": [{"fee_item_id": id(&labour), "quantity": 1, "unit_price_fen": 39_000},
                  {"fee_item_id": id(&part), "quantity": 2}]});
    // ORG-5: an engineer quotes only for a customer they see.
    assert_eq!(
        refused(w.quote(&w.eng2, body.clone()), "BIL-2")["errors"][0]["field"],
        "customer_id"
    );
    w.quote(&w.contact_x, body.clone()).forbidden_by("BIL-2");
    let quote = created(w.quote(&w.eng1, body));
    assert_eq!(quote["status"], "draft");
    assert_eq!(quote["engineer_id"], w.eng1_id.as_str());
    assert_eq!(quote["needs_approval"], true);
    assert_eq!(quote["lines"][0]["out_of_band"], true);
    assert_eq!(quote["lines"][1]["unit_price_fen"], 12_000);
    assert_eq!(
        (quote["total_fen"].as_i64(), quote["fee_fen"].as_i64()),
        (Some(63_000), Some(63_000))
    );
    assert_eq!(quote["floor_fen"], 60_000);

    // BIL-2: below the floor, the quote is not issued without the manager: 422 naming BIL-2.
    refused(
        w.run(&w.eng1, "repair-quotes", &quote, "issue", json!({})),
        "BIL-2",
    );
    w.run(&w.eng1, "repair-quotes", &quote, "approve", json!({}))
        .forbidden_by("BIL-2");
    let approved = ok(w.run(&w.manager, "repair-quotes", &quote, "approve", json!({})));
    assert!(approved["approved_by"].is_string());
    // A schedule change later never moves the quote's copied prices.
    let stale_labour = ok(w.run(
        &w.finance,
        "fee-items",
        &labour,
        "patch",
        json!({"floor_price_fen": 30_000}),
    ));
    assert_eq!(stale_labour["floor_price_fen"], 30_000);
    let issued = ok(w.run(&w.eng1, "repair-quotes", &approved, "issue", json!({})));
    assert_eq!(issued["status"], "issued");
    assert_eq!(
        (
            issued["remote"].as_bool(),
            issued["lines"][0]["floor_price_fen"].as_i64()
        ),
        (Some(false), Some(40_000))
    );
    w.run(
        &w.eng1,
        "repair-quotes",
        &issued,
        "patch",
        json!({"note": "改"}),
    )
    .rule_conflict("BIL-2");

    // ORG-5: another engineer and another customer's contact read it as 404.
    let path = format!("/api/v1/repair-quotes/{}", id(&quote));
    w.get(&w.eng2, &path).problem(404, "not-found");
    w.get(&w.contact_y, &path).problem(404, "not-found");
    w.run(&w.contact_y, "repair-quotes", &issued, "accept", json!({}))
        .problem(404, "not-found");
    assert!(
        ok(w.get(&w.eng2, "/api/v1/repair-quotes"))["items"]
            .as_array()
            .unwrap()
            .is_empty()
    );
    assert_eq!(
        ok(w.get(&w.contact_x, "/api/v1/repair-quotes"))["items"]
            .as_array()
            .unwrap()
            .len(),
        1
    );

    // The customer's own contact accepts; the engineer is told; answered once.
    let accepted = ok(w.run(
        &w.contact_x,
        "repair-quotes",
        &issued,
        "accept",
        json!({"note": "同意维修"}),
    ));
    assert_eq!(accepted["status"], "accepted");
    assert_eq!(
        (
            accepted["owed_fen"].as_i64(),
            accepted["answer_note"].as_str()
        ),
        (Some(63_000), Some("同意维修"))
    );
    w.run(&w.eng1, "repair-quotes", &accepted, "refuse", json!({}))
        .rule_conflict("BIL-2");
    w.run(&w.eng1, "repair-quotes", &accepted, "cancel", json!({}))
        .rule_conflict("BIL-2");
    let inbox = ok(w.get(&w.eng1, "/api/v1/me/notifications"));
    assert!(
        inbox["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|n| n["kind"] == "repair_quote.accepted"),
        "{inbox}"
    );
    let stored = ok(w.get(&w.finance, &path));
    assert_eq!(stored["status"], "accepted");
    assert_eq!(
        actions(&audit_of(&w.app, &w.admin, "repair_quote", id(&quote))),
        vec![
            "repair_quote.create",
            "repair_quote.approve",
            "repair_quote.issue",
            "repair_quote.accept"
        ]
    );

    // Within the band, no approval is needed (and none can be given); a refusal tells too.
    let plain = created(w.quote(
        &w.eng1,
        json!({"customer_id": w.x["id"], "site_id": w.local["id"],
        "lines": [{"fee_item_id": id(&part), "quantity": 1}]}),
    ));
    assert_eq!(plain["needs_approval"], false);
    w.run(&w.manager, "repair-quotes", &plain, "approve", json!({}))
        .rule_conflict("BIL-2");
    let issued = ok(w.run(&w.clerk, "repair-quotes", &plain, "issue", json!({})));
    let refused_q = ok(w.run(
        &w.clerk,
        "repair-quotes",
        &issued,
        "refuse",
        json!({"note": "太贵"}),
    ));
    assert_eq!(refused_q["status"], "refused");
    let inbox = ok(w.get(&w.eng1, "/api/v1/me/notifications"));
    assert!(
        inbox["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|n| n["kind"] == "repair_quote.refused")
    );
}

#[test]
fn bil_3_a_remote_out_of_warranty_repair_carries_travel_and_lodging() {
    let w = world();
    let labour = w.item("LAB-3", "labour", 50_000, 40_000);
    let travel = w.item("TRV-3", "travel", 30_000, 30_000);
    let lodging = w.item("LDG-3", "lodging", 20_000, 20_000);
    let product = created(
        w.app
            .post("/api/v1/products")
            .bearer(&w.admin)
            .json(&json!({
        "model": "JB-QB-3", "name": "火灾报警控制器", "category": "controller",
        "unit_price_fen": 100_000, "unit_cost_fen": 60_000, "floor_price_fen": 90_000}))
            .send(),
    );
    let equipment = created(
        w.app
            .post("/api/v1/equipment")
            .bearer(&w.admin)
            .json(&json!({
        "site_id": w.remote["id"], "product_id": product["id"], "serial": "SN-OUT-3",
        "warranty_end": "2026-01-31"}))
            .send(),
    );
    let quote = created(w.quote(
        &w.eng1,
        json!({"customer_id": w.x["id"],
        "equipment_id": equipment["id"], "lines": [{"fee_item_id": id(&labour), "quantity": 1}]}),
    ));
    // The equipment's site is remote and its warranty ended in January: 422 naming BIL-3.
    let p = refused(
        w.run(&w.eng1, "repair-quotes", &quote, "issue", json!({})),
        "BIL-3",
    );
    // In zh-CN (the default) the detail names the rule in Chinese.
    assert!(
        p["detail"]
            .as_str()
            .unwrap()
            .contains("BIL-3（远程客户差旅费）"),
        "{p}"
    );
    let with_travel = ok(w.run(
        &w.eng1,
        "repair-quotes",
        &quote,
        "patch",
        json!({"lines": [
        {"fee_item_id": id(&labour), "quantity": 1}, {"fee_item_id": id(&travel), "quantity": 1}]}),
    ));
    refused(
        w.run(&w.eng1, "repair-quotes", &with_travel, "issue", json!({})),
        "BIL-3",
    );
    let full = ok(w.run(
        &w.eng1,
        "repair-quotes",
        &with_travel,
        "patch",
        json!({"lines": [
        {"fee_item_id": id(&labour), "quantity": 1}, {"fee_item_id": id(&travel), "quantity": 1},
        {"fee_item_id": id(&lodging), "quantity": 2}]}),
    ));
    assert_eq!(
        (
            full["total_fen"].as_i64(),
            full["fee_fen"].as_i64(),
            full["floor_fen"].as_i64()
        ),
        (Some(120_000), Some(50_000), Some(40_000))
    );
    let issued = ok(w.run(&w.eng1, "repair-quotes", &full, "issue", json!({})));
    assert_eq!(
        (
            issued["remote"].as_bool(),
            issued["out_of_warranty"].as_bool()
        ),
        (Some(true), Some(true))
    );

    // At the local site without equipment, no trip lines are needed; no site at all: 422.
    let local = created(w.quote(
        &w.eng1,
        json!({"customer_id": w.x["id"], "site_id": w.local["id"],
        "lines": [{"fee_item_id": id(&labour), "quantity": 1}]}),
    ));
    assert_eq!(
        ok(w.run(&w.eng1, "repair-quotes", &local, "issue", json!({})))["remote"],
        false
    );
    let nowhere = created(w.quote(
        &w.eng1,
        json!({"customer_id": w.x["id"],
        "lines": [{"fee_item_id": id(&labour), "quantity": 1}]}),
    ));
    let p = refused(
        w.run(&w.eng1, "repair-quotes", &nowhere, "issue", json!({})),
        "BIL-3",
    );
    assert_eq!(p["errors"][0]["field"], "site_id", "{p}");
}

#[test]
fn bil_4_a_repair_moves_to_the_factory_only_after_full_payment_or_a_deposit() {
    let w = world();
    let labour = w.item("LAB-4", "labour", 50_000, 40_000);
    let intake = w.signed_intake("SN-PAY-1");
    let quote = created(w.quote(
        &w.eng1,
        json!({"customer_id": w.x["id"], "site_id": w.local["id"],
        "intake_id": id(&intake), "lines": [{"fee_item_id": id(&labour), "quantity": 1}]}),
    ));
    let payment = |amount: i64| {
        json!({"customer_id": w.x["id"], "kind": "payment",
        "quote_id": id(&quote), "amount_fen": amount, "paid_on": "2026-03-09",
        "method": "bank_transfer", "account": "工行基本户", "document": "invoice", "document_no": "No.1"})
    };
    // Money comes for an accepted quote only.
    w.pay(payment(10_000)).rule_conflict("BIL-4");
    let issued = ok(w.run(&w.eng1, "repair-quotes", &quote, "issue", json!({})));
    let accepted = ok(w.run(&w.clerk, "repair-quotes", &issued, "accept", json!({})));
    assert_eq!(accepted["owed_fen"], 50_000);

    // BIL-4: before the full payment the repair does not go to the factory.
    let factory = json!({"to": "in_repair", "repair_site": "factory"});
    refused(
        w.run(&w.clerk, "repair-intakes", &intake, "move", factory.clone()),
        "BIL-4",
    );
    w.app
        .post("/api/v1/payments")
        .bearer(&w.eng1)
        .json(&payment(10_000))
        .send()
        .forbidden_by("BIL-4");
    let first = created(w.pay(payment(20_000)));
    assert_eq!(
        (first["method"].as_str(), first["document"].as_str()),
        (Some("bank_transfer"), Some("invoice"))
    );
    refused(
        w.run(&w.clerk, "repair-intakes", &intake, "move", factory.clone()),
        "BIL-4",
    );
    refused(w.pay(payment(30_001)), "BIL-4");
    let future = json!({"paid_on": "2026-03-10"});
    let mut tomorrow = payment(1);
    tomorrow["paid_on"] = future["paid_on"].clone();
    assert_eq!(
        refused(w.pay(tomorrow), "BIL-4")["errors"][0]["field"],
        "paid_on"
    );
    created(w.pay(payment(30_000)));
    let paid = ok(w.get(&w.finance, &format!("/api/v1/repair-quotes/{}", id(&quote))));
    assert_eq!(
        (paid["paid_fen"].as_i64(), paid["owed_fen"].as_i64()),
        (Some(50_000), Some(0))
    );
    assert!(paid["fully_paid_at"].is_string());
    let moved = ok(w.run(&w.clerk, "repair-intakes", &intake, "move", factory.clone()));
    assert_eq!(
        (moved["status"].as_str(), moved["repair_site"].as_str()),
        (Some("in_repair"), Some("factory"))
    );

    // A device repair may take a deposit instead: held, then refunded or converted once.
    let second = w.signed_intake("SN-DEP-2");
    let at_centre = ok(w.run(
        &w.clerk,
        "repair-intakes",
        &second,
        "move",
        json!({"to": "in_repair"}),
    ));
    assert_eq!(at_centre["repair_site"], "service_centre");
    refused(
        w.run(
            &w.clerk,
            "repair-intakes",
            &at_centre,
            "move",
            factory.clone(),
        ),
        "BIL-4",
    );
    let deposit = json!({"customer_id": w.x["id"], "kind": "deposit", "amount_fen": 20_000,
        "method": "wechat", "account": "微信收款", "document": "receipt"});
    assert_eq!(
        refused(w.pay(deposit.clone()), "BIL-4")["errors"][0]["field"],
        "intake_id"
    );
    let mut held = deposit.clone();
    held["intake_id"] = json!(id(&second));
    let held = created(w.pay(held));
    assert_eq!(
        (held["deposit_state"].as_str(), held["paid_on"].as_str()),
        (Some("held"), Some("2026-03-09"))
    );
    let to_factory = ok(w.run(&w.clerk, "repair-intakes", &at_centre, "move", factory));
    assert_eq!(to_factory["repair_site"], "factory");
    w.run(&w.clerk, "payments", &held, "refund", json!({}))
        .forbidden_by("BIL-4");
    let refunded = ok(w.run(
        &w.finance,
        "payments",
        &held,
        "refund",
        json!({"note": "维修完成退押金"}),
    ));
    assert_eq!(refunded["deposit_state"], "refunded");
    w.run(&w.finance, "payments", &refunded, "convert", json!({}))
        .rule_conflict("BIL-4");
    w.run(&w.finance, "payments", &first, "refund", json!({}))
        .rule_conflict("BIL-4");

    // A deposit converted into the fee pays the accepted quote it names.
    let third = w.signed_intake("SN-DEP-3");
    let q3 = created(w.quote(
        &w.eng1,
        json!({"customer_id": w.x["id"], "site_id": w.local["id"],
        "intake_id": id(&third), "lines": [{"fee_item_id": id(&labour), "quantity": 1}]}),
    ));
    let mut d3 = deposit.clone();
    d3["intake_id"] = json!(id(&third));
    d3["quote_id"] = json!(id(&q3));
    let d3 = created(w.pay(d3));
    w.run(&w.finance, "payments", &d3, "convert", json!({}))
        .rule_conflict("BIL-4");
    let q3 = ok(w.run(&w.eng1, "repair-quotes", &q3, "issue", json!({})));
    ok(w.run(&w.eng1, "repair-quotes", &q3, "accept", json!({})));
    let converted = ok(w.run(&w.finance, "payments", &d3, "convert", json!({})));
    assert_eq!(converted["deposit_state"], "converted");
    let new_payment = ok(w.get(
        &w.finance,
        &format!(
            "/api/v1/payments/{}",
            converted["converted_payment_id"].as_str().unwrap()
        ),
    ));
    assert_eq!(
        (
            new_payment["kind"].as_str(),
            new_payment["amount_fen"].as_i64()
        ),
        (Some("payment"), Some(20_000))
    );
    let q3 = ok(w.get(&w.finance, &format!("/api/v1/repair-quotes/{}", id(&q3))));
    assert_eq!(q3["paid_fen"], 20_000);
    assert_eq!(
        actions(&audit_of(&w.app, &w.admin, "customer_payment", id(&d3))),
        vec!["customer_payment.record", "customer_payment.convert"]
    );

    // ORG-5: X's contact reads X's payments; another engineer and Y's contact get 404.
    let path = format!("/api/v1/payments/{}", id(&first));
    assert_eq!(w.get(&w.contact_x, &path).status, 200);
    w.get(&w.eng2, &path).problem(404, "not-found");
    w.get(&w.contact_y, &path).problem(404, "not-found");
    assert!(
        ok(w.get(&w.contact_y, "/api/v1/payments"))["items"]
            .as_array()
            .unwrap()
            .is_empty()
    );
    let listed = ok(w.get(
        &w.finance,
        &format!("/api/v1/payments?quote_id={}&kind=payment", id(&quote)),
    ));
    assert_eq!(listed["items"].as_array().unwrap().len(), 2);
}

#[test]
fn bil_5_invoices_keep_the_address_and_credit_notes_stay_within_them() {
    let w = world();
    let labour = w.item("LAB-5", "labour", 50_000, 40_000);
    let quote = created(w.quote(
        &w.eng1,
        json!({"customer_id": w.x["id"], "site_id": w.local["id"],
        "lines": [{"fee_item_id": id(&labour), "quantity": 1}]}),
    ));
    let body = json!({"number": "INV-0001", "customer_id": w.x["id"], "subject_kind": "repair_quote",
        "subject_id": id(&quote), "amount_fen": 50_000, "mailing_address": "杭州市一路 1 号",
        "contact_name": "王主任", "contact_phone": "13900000000"});
    let issue = |token: &str, body: &Value| {
        w.app
            .post("/api/v1/invoices")
            .bearer(token)
            .json(body)
            .send()
    };
    issue(&w.eng1, &body).forbidden_by("BIL-5");
    let mut stray = body.clone();
    stray["subject_kind"] = json!("contract");
    assert_eq!(
        refused(issue(&w.finance, &stray), "BIL-5")["errors"][0]["field"],
        "subject_id"
    );
    let invoice = created(issue(&w.finance, &body));
    assert_eq!(
        (
            invoice["mailing_address"].as_str(),
            invoice["remaining_fen"].as_i64()
        ),
        (Some("杭州市一路 1 号"), Some(50_000))
    );
    issue(&w.finance, &body).duplicate("number");

    let credit = |inv: &Value, number: &str, amount: i64| {
        w.run(
            &w.finance,
            "invoices",
            inv,
            "credit-notes",
            json!({"number": number, "amount_fen": amount, "reason": "部分退款"}),
        )
    };
    let credited = ok(credit(&invoice, "CN-1", 30_000));
    assert_eq!(
        (
            credited["credited_fen"].as_i64(),
            credited["remaining_fen"].as_i64()
        ),
        (Some(30_000), Some(20_000))
    );
    assert_eq!(credited["credit_notes"][0]["number"], "CN-1");
    refused(credit(&credited, "CN-2", 20_001), "BIL-5");
    let full = ok(credit(&credited, "CN-2", 20_000));
    assert_eq!(full["remaining_fen"], 0);
    refused(credit(&full, "CN-3", 1), "BIL-5");

    let path = format!("/api/v1/invoices/{}", id(&invoice));
    assert_eq!(
        ok(w.get(&w.contact_x, &path))["credit_notes"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
    w.get(&w.contact_y, &path).problem(404, "not-found");
    w.get(&w.eng2, &path).problem(404, "not-found");
    assert_eq!(
        actions(&audit_of(&w.app, &w.admin, "invoice", id(&invoice))),
        vec!["invoice.issue", "invoice.credit", "invoice.credit"]
    );
}
