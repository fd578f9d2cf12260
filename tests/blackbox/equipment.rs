//! The products catalogue and installed equipment (ORG-4), with ORG-5 visibility, CON-8
//! effective points and delta sync. Customers and sites are inserted by SQL: their endpoints
//! are another resource's.
use crate::{actions, audit_of};
use kefu_blackbox::{Resp, TestApp};
use serde_json::{Value, json};

const PASSWORD: &str = "Secret-pass-123";

fn product(app: &TestApp, token: &str, model: &str) -> Value {
    let res = app
        .post("/api/v1/products")
        .bearer(token)
        .json(&json!({
            "model": model,
            "name": format!("报警控制器 {model}"),
            "category": "controller",
            "unit_price_fen": 100_000,
            "unit_cost_fen": 60_000,
            "floor_price_fen": 90_000
        }))
        .send();
    assert_eq!(res.status, 201, "{}", res.body);
    res.json()
}

fn post_equipment(app: &TestApp, token: &str, body: Value) -> Resp {
    app.post("/api/v1/equipment")
        .bearer(token)
        .json(&body)
        .send()
}

fn equipment(app: &TestApp, token: &str, site: &str, product: &str, serial: &str) -> Value {
    let res = post_equipment(
        app,
        token,
        json!({"site_id": site, "product_id": product, "serial": serial, "controller_points": 64}),
    );
    assert_eq!(res.status, 201, "{}", res.body);
    res.json()
}

fn delete(app: &TestApp, token: &str, path: &str, etag: &str) -> Resp {
    app.req("DELETE", path).bearer(token).if_match(etag).send()
}

fn id(v: &Value) -> String {
    v["id"].as_str().unwrap().to_owned()
}

fn ids(res: &Resp) -> Vec<String> {
    assert_eq!(res.status, 200, "{}", res.body);
    res.json()["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(id)
        .collect()
}

fn field_errors(v: &Value) -> Vec<String> {
    v["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap().to_owned())
        .collect()
}

/// Customer A (owned by `engineer_id` when given) with site `site-a`, customer B with `site-b`.
fn two_customers(app: &TestApp, engineer_id: Option<&str>) {
    app.db
        .insert_customer("cust-a", "甲公司", engineer_id, None);
    app.db.insert_customer("cust-b", "乙公司", None, None);
    app.db.insert_site("site-a", "cust-a", "杭州");
    app.db.insert_site("site-b", "cust-b", "宁波");
}

#[test]
fn products_crud_with_price_rules_roles_and_search() {
    let app = TestApp::spawn();
    let admin = app.admin_token();
    app.create_user(&admin, "eng", &["engineer"], PASSWORD);
    let engineer = app.token("eng", PASSWORD);
    app.create_user(&admin, "mgr", &["manager"], PASSWORD);
    let manager = app.token("mgr", PASSWORD);
    app.create_user(&admin, "cc", &["customer_contact"], PASSWORD);
    let contact = app.token("cc", PASSWORD);

    let created = app
        .post("/api/v1/products")
        .bearer(&manager)
        .json(&json!({
            "model": " GST-200 ", "name": "火灾报警控制器", "category": "controller",
            "unit_price_fen": 1_280_000, "unit_cost_fen": 760_000, "floor_price_fen": 1_100_000
        }))
        .send();
    assert_eq!(created.status, 201, "{}", created.body);
    assert_eq!(created.etag(), "\"1\"");
    let p = created.json();
    let pid = id(&p);
    assert_eq!(
        created.header("location").unwrap(),
        format!("/api/v1/products/{pid}")
    );
    assert_eq!(p["model"], "GST-200");
    assert_eq!(p["deleted"], false);

    // Engineers read but do not write; customer contacts do not read the catalogue.
    let got = app
        .get(&format!("/api/v1/products/{pid}"))
        .bearer(&engineer)
        .send();
    assert_eq!(got.status, 200, "{}", got.body);
    assert_eq!(got.json(), p);
    app.get("/api/v1/products")
        .bearer(&contact)
        .send()
        .problem(403, "forbidden");
    app.post("/api/v1/products")
        .bearer(&engineer)
        .json(&json!({"model": "X", "name": "x", "unit_price_fen": 1, "unit_cost_fen": 1, "floor_price_fen": 1}))
        .send()
        .problem(403, "forbidden");

    // Duplicate model; floor above the unit price; negative prices.
    let dup = app
        .post("/api/v1/products")
        .bearer(&admin)
        .json(&json!({"model": "GST-200", "name": "x", "unit_price_fen": 1, "unit_cost_fen": 1, "floor_price_fen": 1}))
        .send();
    dup.duplicate("model");
    let bad = app
        .post("/api/v1/products")
        .bearer(&admin)
        .json(&json!({"model": "F", "name": "x", "unit_price_fen": 100, "unit_cost_fen": 1, "floor_price_fen": 101}))
        .send()
        .problem(422, "validation");
    assert_eq!(field_errors(&bad), ["floor_price_fen"]);
    let bad = app
        .post("/api/v1/products")
        .bearer(&admin)
        .json(&json!({"model": "N", "name": "x", "unit_price_fen": -1, "unit_cost_fen": -5, "floor_price_fen": 0}))
        .send()
        .problem(422, "validation");
    let mut fields = field_errors(&bad);
    fields.sort();
    assert_eq!(fields, ["unit_cost_fen", "unit_price_fen"]);

    // PATCH: the floor is checked against the stored price too.
    let bad = app
        .patch(&format!("/api/v1/products/{pid}"))
        .bearer(&admin)
        .if_match("\"1\"")
        .json(&json!({"floor_price_fen": 1_300_000}))
        .send()
        .problem(422, "validation");
    assert_eq!(field_errors(&bad), ["floor_price_fen"]);
    let patched = app
        .patch(&format!("/api/v1/products/{pid}"))
        .bearer(&admin)
        .if_match("\"1\"")
        .json(&json!({"unit_price_fen": 1_350_000, "floor_price_fen": 1_300_000, "category": null}))
        .send();
    assert_eq!(patched.status, 200, "{}", patched.body);
    assert_eq!(patched.etag(), "\"2\"");
    let after = patched.json();
    assert_eq!(after["unit_price_fen"], 1_350_000);
    assert_eq!(after["category"], Value::Null);
    let reread = app
        .get(&format!("/api/v1/products/{pid}"))
        .bearer(&admin)
        .send()
        .json();
    assert_eq!(reread, after);

    // Search by model or name, Chinese included; filter by category.
    let other = product(&app, &admin, "JB-9");
    let search = |q: &str| {
        ids(&app
            .get(&format!("/api/v1/products?q={}", urlencode(q)))
            .bearer(&engineer)
            .send())
    };
    assert_eq!(search("火灾"), [pid.as_str()]);
    assert_eq!(search("gst"), [pid.as_str()]);
    assert_eq!(search("报警"), [pid.clone(), id(&other)]);
    assert_eq!(
        ids(&app
            .get("/api/v1/products?category=controller")
            .bearer(&engineer)
            .send()),
        [id(&other)]
    );

    // Delete is refused while live equipment uses the product.
    two_customers(&app, None);
    let e = equipment(&app, &admin, "site-a", &pid, "SN-1");
    delete(&app, &admin, &format!("/api/v1/products/{pid}"), "\"2\"").plain_conflict();
    let e_path = format!("/api/v1/equipment/{}", id(&e));
    assert_eq!(delete(&app, &admin, &e_path, "\"1\"").status, 200);
    delete(&app, &admin, &format!("/api/v1/products/{pid}"), "\"1\"")
        .problem(412, "precondition-failed");
    let gone = delete(&app, &admin, &format!("/api/v1/products/{pid}"), "\"2\"");
    assert_eq!(gone.status, 200, "{}", gone.body);
    assert_eq!(gone.json()["deleted"], true);
    app.get(&format!("/api/v1/products/{pid}"))
        .bearer(&admin)
        .send()
        .problem(404, "not-found");
    assert_eq!(search("报警"), [id(&other)]);
    // The deleted product's model is free for a new product; a second live one is refused.
    let successor = product(&app, &admin, "GST-200");
    assert_ne!(id(&successor), pid);
    app.post("/api/v1/products")
        .bearer(&admin)
        .json(&json!({"model": "GST-200", "name": "x", "unit_price_fen": 1, "unit_cost_fen": 1, "floor_price_fen": 1}))
        .send()
        .duplicate("model");
    // Equipment cannot be of a deleted product.
    let bad = post_equipment(
        &app,
        &admin,
        json!({"site_id": "site-a", "product_id": pid, "serial": "SN-2"}),
    )
    .problem(422, "validation");
    assert_eq!(field_errors(&bad), ["product_id"]);

    let trail = actions(&audit_of(&app, &admin, "product", &pid));
    assert_eq!(
        trail,
        ["product.create", "product.update", "product.delete"]
    );
}

fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

#[test]
fn equipment_crud_with_audit_trail() {
    let app = TestApp::spawn();
    let admin = app.admin_token();
    app.create_user(&admin, "clerk", &["clerk"], PASSWORD);
    let clerk = app.token("clerk", PASSWORD);
    two_customers(&app, None);
    let p = product(&app, &admin, "GST-200");
    let pid = id(&p);

    let res = post_equipment(
        &app,
        &clerk,
        json!({
            "site_id": "site-a", "product_id": pid, "serial": " SN-0001 ",
            "install_date": "2026-03-01", "warranty_end": "2099-02-28",
            "controller_points": 512, "note": "一号楼"
        }),
    );
    assert_eq!(res.status, 201, "{}", res.body);
    assert_eq!(res.etag(), "\"1\"");
    let e = res.json();
    let eid = id(&e);
    let path = format!("/api/v1/equipment/{eid}");
    assert_eq!(res.header("location").unwrap(), path);
    assert_eq!(e["serial"], "SN-0001");
    assert_eq!(e["site_id"], "site-a");
    assert_eq!(e["product"]["model"], "GST-200");
    assert_eq!(e["controller_points"], 512);
    assert_eq!(e["effective_points"], 512);
    assert_eq!(e["pure_alarm_controller"], false);
    assert_eq!(e["in_warranty"], true);
    assert_eq!(e["deleted"], false);

    let got = app.get(&path).bearer(&clerk).send();
    assert_eq!(got.status, 200);
    assert_eq!(got.etag(), "\"1\"");
    assert_eq!(got.json(), e);

    let patched = app
        .patch(&path)
        .bearer(&clerk)
        .if_match("\"1\"")
        .json(&json!({"site_id": "site-b", "warranty_end": "2026-03-31", "note": null}))
        .send();
    assert_eq!(patched.status, 200, "{}", patched.body);
    assert_eq!(patched.etag(), "\"2\"");
    let after = patched.json();
    assert_eq!(after["site_id"], "site-b");
    assert_eq!(after["note"], Value::Null);
    assert_eq!(
        after["in_warranty"], false,
        "the warranty ended in the past"
    );
    assert_eq!(after["install_date"], "2026-03-01");
    assert_eq!(app.get(&path).bearer(&clerk).send().json(), after);

    let gone = delete(&app, &clerk, &path, "\"2\"");
    assert_eq!(gone.status, 200, "{}", gone.body);
    assert_eq!(gone.json()["deleted"], true);
    app.get(&path)
        .bearer(&clerk)
        .send()
        .problem(404, "not-found");
    assert!(ids(&app.get("/api/v1/equipment").bearer(&clerk).send()).is_empty());

    let entries = audit_of(&app, &admin, "equipment", &eid);
    assert_eq!(
        actions(&entries),
        ["equipment.create", "equipment.update", "equipment.delete"]
    );
    assert_eq!(entries[1]["before"]["site_id"], "site-a");
    assert_eq!(entries[1]["after"]["site_id"], "site-b");
    assert_eq!(entries[1]["before"]["note"], "一号楼");
    assert_eq!(entries[2]["after"]["deleted"], true);
}

#[test]
fn serials_are_unique_per_product_among_live_equipment() {
    let app = TestApp::spawn();
    let admin = app.admin_token();
    two_customers(&app, None);
    let p1 = id(&product(&app, &admin, "P-1"));
    let p2 = id(&product(&app, &admin, "P-2"));
    let first = equipment(&app, &admin, "site-a", &p1, "SN-1");

    let dup = post_equipment(
        &app,
        &admin,
        json!({"site_id": "site-b", "product_id": p1, "serial": "SN-1"}),
    )
    .duplicate("serial");
    assert!(dup["detail"].as_str().unwrap().contains("serial"), "{dup}");
    // The same serial of another product is another device.
    let other = equipment(&app, &admin, "site-b", &p2, "SN-1");
    // Moving it onto the first product would duplicate the serial.
    app.patch(&format!("/api/v1/equipment/{}", id(&other)))
        .bearer(&admin)
        .if_match("\"1\"")
        .json(&json!({"product_id": p1}))
        .send()
        .duplicate("serial");
    // A deleted record's serial can be used again.
    let path = format!("/api/v1/equipment/{}", id(&first));
    assert_eq!(delete(&app, &admin, &path, "\"1\"").status, 200);
    equipment(&app, &admin, "site-b", &p1, "SN-1");
}

#[test]
fn equipment_validation_names_the_fields() {
    let app = TestApp::spawn();
    let admin = app.admin_token();
    two_customers(&app, None);
    let pid = id(&product(&app, &admin, "P-1"));

    let bad = post_equipment(
        &app,
        &admin,
        json!({"site_id": "site-a", "product_id": pid, "serial": "S",
               "install_date": "2026-03-01", "warranty_end": "2026-02-28"}),
    )
    .problem(422, "validation");
    assert_eq!(field_errors(&bad), ["warranty_end"]);

    let bad = post_equipment(
        &app,
        &admin,
        json!({"site_id": "site-a", "product_id": pid, "serial": "S", "controller_points": -1}),
    )
    .problem(422, "validation");
    assert_eq!(field_errors(&bad), ["controller_points"]);

    let bad = post_equipment(
        &app,
        &admin,
        json!({"site_id": "site-a", "product_id": "no-such-product", "serial": "S"}),
    )
    .problem(422, "validation");
    assert_eq!(field_errors(&bad), ["product_id"]);

    let bad = post_equipment(
        &app,
        &admin,
        json!({"site_id": "no-such-site", "product_id": pid, "serial": "S"}),
    )
    .problem(422, "validation");
    assert_eq!(field_errors(&bad), ["site_id"]);

    post_equipment(
        &app,
        &admin,
        json!({"site_id": "site-a", "product_id": pid, "serial": "S", "colour": "red"}),
    )
    .problem(400, "bad-request");

    // PATCH checks the warranty against the stored install date.
    let e = equipment(&app, &admin, "site-a", &pid, "S");
    app.patch(&format!("/api/v1/equipment/{}", id(&e)))
        .bearer(&admin)
        .if_match("\"1\"")
        .json(&json!({"install_date": "2026-03-01"}))
        .send();
    let bad = app
        .patch(&format!("/api/v1/equipment/{}", id(&e)))
        .bearer(&admin)
        .if_match("\"2\"")
        .json(&json!({"warranty_end": "2025-12-31"}))
        .send()
        .problem(422, "validation");
    assert_eq!(field_errors(&bad), ["warranty_end"]);
}

#[test]
fn org5_engineers_and_customer_contacts_see_only_their_customers_equipment() {
    let app = TestApp::spawn();
    let admin = app.admin_token();
    let eng = app.create_user(&admin, "eng", &["engineer"], PASSWORD);
    let engineer = app.token("eng", PASSWORD);
    let cc = app.create_user(&admin, "cc", &["customer_contact"], PASSWORD);
    let contact = app.token("cc", PASSWORD);
    two_customers(&app, Some(eng["id"].as_str().unwrap()));
    app.db
        .insert_contact("contact-a", "cust-a", Some(cc["id"].as_str().unwrap()));
    let pid = id(&product(&app, &admin, "P-1"));
    let a = equipment(&app, &admin, "site-a", &pid, "A-1");
    let b = equipment(&app, &admin, "site-b", &pid, "B-1");
    let a_path = format!("/api/v1/equipment/{}", id(&a));
    let b_path = format!("/api/v1/equipment/{}", id(&b));

    for token in [&engineer, &contact] {
        let got = app.get(&a_path).bearer(token).send();
        assert_eq!(got.status, 200, "{}", got.body);
        assert_eq!(got.json()["product"]["model"], "P-1");
        app.get(&b_path)
            .bearer(token)
            .send()
            .problem(404, "not-found");
        assert_eq!(
            ids(&app.get("/api/v1/equipment").bearer(token).send()),
            [id(&a)]
        );
        assert_eq!(
            ids(&app
                .get("/api/v1/equipment?customer_id=cust-b")
                .bearer(token)
                .send()),
            Vec::<String>::new()
        );
        assert_eq!(
            ids(&app
                .get("/api/v1/equipment?updated_since=2000-01-01T00:00:00Z")
                .bearer(token)
                .send()),
            [id(&a)]
        );
    }
    assert_eq!(
        ids(&app.get("/api/v1/equipment").bearer(&admin).send()),
        [id(&a), id(&b)]
    );

    // The engineer writes at their customer's sites only; B's site reads as unknown.
    let res = post_equipment(
        &app,
        &engineer,
        json!({"site_id": "site-a", "product_id": pid, "serial": "A-2"}),
    );
    assert_eq!(res.status, 201, "{}", res.body);
    let bad = post_equipment(
        &app,
        &engineer,
        json!({"site_id": "site-b", "product_id": pid, "serial": "B-2"}),
    )
    .problem(422, "validation");
    assert_eq!(field_errors(&bad), ["site_id"]);
    app.patch(&b_path)
        .bearer(&engineer)
        .if_match("\"1\"")
        .json(&json!({"note": "x"}))
        .send()
        .problem(404, "not-found");
    delete(&app, &engineer, &b_path, "\"1\"").problem(404, "not-found");
    // Customer contacts read; they do not write.
    post_equipment(
        &app,
        &contact,
        json!({"site_id": "site-a", "product_id": pid, "serial": "A-3"}),
    )
    .problem(403, "forbidden");

    // Filters.
    assert_eq!(
        ids(&app
            .get("/api/v1/equipment?site_id=site-b")
            .bearer(&admin)
            .send()),
        [id(&b)]
    );
    assert_eq!(
        ids(&app
            .get("/api/v1/equipment?customer_id=cust-a&serial=A-1")
            .bearer(&admin)
            .send()),
        [id(&a)]
    );
    assert_eq!(
        ids(&app.get("/api/v1/equipment?q=B-").bearer(&admin).send()),
        [id(&b)]
    );
}

#[test]
fn con8_a_pure_alarm_controller_counts_127_points_whatever_its_size() {
    let app = TestApp::spawn();
    let admin = app.admin_token();
    two_customers(&app, None);
    let pid = id(&product(&app, &admin, "P-1"));
    for (serial, points) in [
        ("S-1", json!(2000)),
        ("S-2", json!(8)),
        ("S-3", Value::Null),
    ] {
        let res = post_equipment(
            &app,
            &admin,
            json!({"site_id": "site-a", "product_id": pid, "serial": serial,
                   "controller_points": points, "pure_alarm_controller": true}),
        );
        assert_eq!(res.status, 201, "{}", res.body);
        let e = res.json();
        assert_eq!(e["effective_points"], 127, "{e}");
        assert_eq!(e["controller_points"], points);
    }
    let plain = equipment(&app, &admin, "site-a", &pid, "S-4");
    assert_eq!(plain["effective_points"], 64);
    let flipped = app
        .patch(&format!("/api/v1/equipment/{}", id(&plain)))
        .bearer(&admin)
        .if_match("\"1\"")
        .json(&json!({"pure_alarm_controller": true}))
        .send();
    assert_eq!(flipped.status, 200, "{}", flipped.body);
    assert_eq!(flipped.json()["effective_points"], 127);
}

#[test]
fn delta_sync_returns_changes_and_tombstones_in_update_order() {
    let (app, clock) = TestApp::clocked("2026-03-09T10:00:00+08:00");
    let admin = app.admin_token();
    two_customers(&app, None);
    let pid = id(&product(&app, &admin, "P-1"));
    let e1 = equipment(&app, &admin, "site-a", &pid, "S-1");
    let e2 = equipment(&app, &admin, "site-a", &pid, "S-2");
    let e3 = equipment(&app, &admin, "site-b", &pid, "S-3");
    // A minute after the creations, beyond the 60 s every delta list reaches back.
    let since = "2026-03-09T10:01:00+08:00".to_owned();
    clock.set("2026-03-09T10:02:00+08:00");
    let gone = delete(
        &app,
        &admin,
        &format!("/api/v1/equipment/{}", id(&e2)),
        "\"1\"",
    );
    assert_eq!(gone.status, 200, "{}", gone.body);

    // A plain list leaves the deleted record out.
    assert_eq!(
        ids(&app.get("/api/v1/equipment").bearer(&admin).send()),
        [id(&e1), id(&e3)]
    );

    // Everything since long ago, two per page: e1, e3, then e2's tombstone.
    let first = app
        .get("/api/v1/equipment?updated_since=2000-01-01T08:00:00%2B08:00&limit=2")
        .bearer(&admin)
        .send();
    assert_eq!(ids(&first), [id(&e1), id(&e3)]);
    let cursor = first.json()["next_cursor"].as_str().unwrap().to_owned();
    let second = app
        .get(&format!(
            "/api/v1/equipment?updated_since=2000-01-01T08:00:00%2B08:00&limit=2&cursor={cursor}"
        ))
        .bearer(&admin)
        .send();
    assert_eq!(ids(&second), [id(&e2)]);
    let page = second.json();
    assert_eq!(page["items"][0]["deleted"], true);
    assert_eq!(page["items"][0]["serial"], "S-2");
    assert_eq!(page["next_cursor"], Value::Null);

    // Only what changed since a minute after the creations: the tombstone.
    let recent = app
        .get(&format!("/api/v1/equipment?updated_since={since}"))
        .bearer(&admin)
        .send();
    assert_eq!(ids(&recent), [id(&e2)]);

    // An id cursor is not a sync cursor, and a bad instant is a 400.
    let plain = app
        .get("/api/v1/equipment?limit=1")
        .bearer(&admin)
        .send()
        .json();
    let id_cursor = plain["next_cursor"].as_str().unwrap();
    app.get(&format!(
        "/api/v1/equipment?updated_since=2000-01-01T00:00:00Z&cursor={id_cursor}"
    ))
    .bearer(&admin)
    .send()
    .problem(400, "bad-request");
    app.get("/api/v1/equipment?updated_since=yesterday")
        .bearer(&admin)
        .send()
        .problem(400, "bad-request");
    // An empty instant is no instant either (as in every other delta-sync list): it used to
    // be taken as no `updated_since` at all.
    app.get("/api/v1/equipment?updated_since=")
        .bearer(&admin)
        .send()
        .problem(400, "bad-request");
}

#[test]
fn equipment_and_product_changes_need_if_match() {
    let app = TestApp::spawn();
    let admin = app.admin_token();
    two_customers(&app, None);
    let p = product(&app, &admin, "P-1");
    let e = equipment(&app, &admin, "site-a", &id(&p), "S-1");
    for path in [
        format!("/api/v1/equipment/{}", id(&e)),
        format!("/api/v1/products/{}", id(&p)),
    ] {
        let missing = app.patch(&path).bearer(&admin).json(&json!({})).send();
        missing.problem(428, "precondition-required");
        let stale = app
            .patch(&path)
            .bearer(&admin)
            .if_match("\"7\"")
            .json(&json!({}))
            .send();
        stale.problem(412, "precondition-failed");
        app.req("DELETE", &path)
            .bearer(&admin)
            .send()
            .problem(428, "precondition-required");
    }
    // Nothing changed.
    let got = app
        .get(&format!("/api/v1/equipment/{}", id(&e)))
        .bearer(&admin)
        .send();
    assert_eq!(got.etag(), "\"1\"");
    assert_eq!(got.json()["serial"], "S-1");
}
