//! The repair-warranty question (CON-9) over HTTP on a test clock, on SQLite or PostgreSQL:
//! repairs are recorded with their fault code when a ticket on a device is resolved.

use crate::tickets::{World, id, world};
use crate::{actions, audit_of};
use serde_json::{Value, json};

fn device(w: &World) -> Value {
    let post = |path: &str, body: Value| {
        let res = w.app.post(path).bearer(&w.admin).json(&body).send();
        assert_eq!(res.status, 201, "{}", res.body);
        res.json()
    };
    let product = post(
        "/api/v1/products",
        json!({"model": "GST-200", "name": "火灾报警控制器", "category": "controller",
               "unit_price_fen": 100_000, "unit_cost_fen": 60_000, "floor_price_fen": 90_000}),
    );
    post(
        "/api/v1/equipment",
        json!({"site_id": w.site["id"], "product_id": product["id"], "serial": "SN-0001",
               "controller_points": 64}),
    )
}

/// A fault ticket on `equipment` repaired by eng1 and resolved with `resolve`.
fn repair(w: &World, equipment: &Value, resolve: Value) -> Value {
    let t = w.open(
        &w.admin,
        json!({"channel": "phone", "ticket_type": "fault", "priority": "normal",
               "customer_id": w.customer["id"], "site_id": w.site["id"],
               "equipment_id": equipment["id"], "description": "主机通讯故障"}),
    );
    let t = w.assign(&t, &w.eng1_id);
    let t = w.ok(&w.eng1, &t, "start", json!({}));
    w.ok(&w.eng1, &t, "resolve", resolve)
}

fn ask(w: &World, token: &str, query: &str) -> kefu_blackbox::Resp {
    w.app
        .get(&format!("/api/v1/repair-warranty?{query}"))
        .bearer(token)
        .send()
}

#[test]
fn con_9_the_same_fault_89_days_after_a_repair_is_free_not_at_93_days_or_another_fault() {
    let mut w = world();
    w.set_clock("2026-03-02T10:00:00+08:00");
    let dev = device(&w);
    let e = id(&dev).to_owned();
    // A fault code needs a device; a defect flag needs a fault code.
    let plain = w.fault("normal");
    let plain = w.assign(&plain, &w.eng1_id);
    let plain = w.ok(&w.eng1, &plain, "start", json!({}));
    let p = w
        .cmd(
            &w.eng1,
            &plain,
            "resolve",
            json!({"resolution_summary": "x", "fault_code": "E-COMM"}),
        )
        .problem(422, "validation");
    assert_eq!(p["errors"][0]["field"], "fault_code");
    let p = w
        .cmd(
            &w.eng1,
            &plain,
            "resolve",
            json!({"resolution_summary": "x", "product_defect": true}),
        )
        .problem(422, "validation");
    assert_eq!(p["errors"][0]["field"], "product_defect");
    let unchanged = w
        .app
        .get(&format!("/api/v1/tickets/{}", id(&plain)))
        .bearer(&w.admin)
        .send()
        .json();
    assert_eq!(
        unchanged["status"], "in_progress",
        "the refusal saved nothing"
    );

    let t = repair(
        &w,
        &dev,
        json!({"resolution_summary": "更换通讯板", "fault_code": "E-COMM"}),
    );
    assert_eq!(t["status"], "resolved");
    let audit = audit_of(&w.app, &w.admin, "ticket", id(&t));
    assert!(
        actions(&audit).ends_with(&[
            "ticket.resolve".to_owned(),
            "ticket.record_repair".to_owned()
        ]),
        "{audit:?}"
    );
    assert_eq!(audit.last().unwrap()["after"]["fault_code"], "E-COMM");

    // 89 days later (2026-05-30): the same fault is a free redo, owed by eng1.
    w.set_clock("2026-05-30T10:00:00+08:00");
    let res = ask(
        &w,
        &w.manager,
        &format!("equipment_id={e}&fault_code=E-COMM"),
    );
    assert_eq!(res.status, 200, "{}", res.body);
    let a = res.json();
    assert_eq!(a["free_redo"], true, "{a}");
    assert_eq!(a["reason"], "warranty_redo");
    assert_eq!(a["owed_by"], w.eng1_id.as_str());
    assert_eq!(a["last_repair_ticket_id"], t["id"]);
    assert_eq!(a["last_repaired_on"], "2026-03-02");
    assert_eq!(a["warranty_until"], "2026-06-02");
    assert_eq!(a["on"], "2026-05-30");
    // Another fault on the same device: no.
    let a = ask(
        &w,
        &w.manager,
        &format!("equipment_id={e}&fault_code=E-POWER"),
    )
    .json();
    assert_eq!(
        (a["free_redo"].clone(), a["reason"].clone()),
        (json!(false), json!("no_earlier_repair"))
    );
    assert_eq!(a["owed_by"], Value::Null);
    // 93 days after the repair (2026-06-03): no.
    let a = ask(
        &w,
        &w.manager,
        &format!("equipment_id={e}&fault_code=E-COMM&on=2026-06-03"),
    )
    .json();
    assert_eq!(
        (a["free_redo"].clone(), a["reason"].clone()),
        (json!(false), json!("window_passed"))
    );

    // A repair that recorded a product defect owes nothing.
    let t2 = repair(
        &w,
        &dev,
        json!({"resolution_summary": "电源模块批次缺陷", "fault_code": "E-POWER", "product_defect": true}),
    );
    w.set_clock("2026-06-10T10:00:00+08:00");
    let a = ask(
        &w,
        &w.manager,
        &format!("equipment_id={e}&fault_code=E-POWER"),
    )
    .json();
    assert_eq!(
        (a["free_redo"].clone(), a["reason"].clone()),
        (json!(false), json!("product_defect"))
    );
    assert_eq!(a["last_repair_ticket_id"], t2["id"]);

    // ORG-5: another team's engineer does not see the device; a customer contact may not ask.
    ask(&w, &w.eng2, &format!("equipment_id={e}&fault_code=E-COMM")).problem(404, "not-found");
    let contact = crate::contracts::contact_token(&w);
    ask(&w, &contact, &format!("equipment_id={e}&fault_code=E-COMM")).problem(403, "forbidden");
    ask(&w, &w.manager, &format!("equipment_id={e}&fault_code=")).problem(422, "validation");
}
