//! Controller-data change instructions (CON-10) over HTTP on a test clock, on SQLite or
//! PostgreSQL: the signed instruction first, then the change against it, once.

use crate::tickets::{World, id, world};
use crate::{actions, audit_of};
use kefu_blackbox::Resp;
use serde_json::{Value, json};

fn created(res: Resp) -> Value {
    assert_eq!(res.status, 201, "{}", res.body);
    res.json()
}

#[test]
fn con_10_controller_data_changes_only_under_a_signed_instruction_recorded_first() {
    let mut w = world();
    w.set_clock("2026-03-02T10:00:00+08:00");
    let post = |token: &str, path: &str, body: Value| -> Resp {
        w.app.post(path).bearer(token).json(&body).send()
    };
    // Engineer 1's own customer, with two controllers at its site.
    let customer = created(post(
        &w.admin,
        "/api/v1/customers",
        json!({"name": "丙公司", "owner_user_id": w.eng1_id}),
    ));
    let site = created(post(
        &w.admin,
        "/api/v1/sites",
        json!({"customer_id": customer["id"], "name": "主楼", "address": "三路 3 号", "city": "杭州市"}),
    ));
    let product = created(post(
        &w.admin,
        "/api/v1/products",
        json!({"model": "JB-QB-200", "name": "火灾报警控制器", "category": "controller",
               "unit_price_fen": 100_000, "unit_cost_fen": 60_000, "floor_price_fen": 90_000}),
    ));
    let host = |serial: &str| {
        created(post(
            &w.admin,
            "/api/v1/equipment",
            json!({"site_id": site["id"], "product_id": product["id"], "serial": serial,
                   "controller_points": 200}),
        ))
    };
    let (h1, h2) = (host("HOST-1"), host("HOST-2"));

    // No instruction: refused, naming CON-10.
    let p = post(
        &w.eng1,
        "/api/v1/controller-data-changes",
        json!({"equipment_id": h1["id"], "note": "删除旧探测器"}),
    )
    .problem(422, "validation");
    assert_eq!(
        (p["rule"].clone(), p["errors"][0]["field"].clone()),
        (json!("CON-10"), json!("instruction_id"))
    );

    // A signature in the future is no signature.
    let p = post(
        &w.eng1,
        "/api/v1/controller-instructions",
        json!({"site_id": site["id"], "equipment_id": h1["id"], "action": "delete",
               "description": "删除 3 号回路已拆除的探测器", "signer_name": "王主任",
               "signed_at": "2026-03-02T11:00:00+08:00"}),
    )
    .problem(422, "validation");
    assert_eq!(p["errors"][0]["field"], "signed_at");
    // Another engineer does not see the customer's site.
    let p = post(
        &w.eng2,
        "/api/v1/controller-instructions",
        json!({"site_id": site["id"], "action": "change", "description": "x",
               "signer_name": "王主任", "signed_at": "2026-03-02T09:00:00+08:00"}),
    )
    .problem(422, "validation");
    assert_eq!(p["errors"][0]["field"], "site_id");

    let ins = created(post(
        &w.eng1,
        "/api/v1/controller-instructions",
        json!({"site_id": site["id"], "equipment_id": h1["id"], "action": "delete",
               "description": "删除 3 号回路已拆除的探测器", "signer_name": " 王主任 ",
               "signed_at": "2026-03-02T09:00:00+08:00"}),
    ));
    assert_eq!(
        (
            ins["status"].clone(),
            ins["signer_name"].clone(),
            ins["customer_id"].clone()
        ),
        (json!("signed"), json!("王主任"), customer["id"].clone())
    );
    assert_eq!(ins["recorded_by"], w.eng1_id.as_str());
    assert!(ins["changed_at"].is_null());

    // Before the signature, on another controller: refused naming CON-10.
    let change = |token: &str, body: Value| post(token, "/api/v1/controller-data-changes", body);
    let p = change(
        &w.eng1,
        json!({"instruction_id": ins["id"], "equipment_id": h1["id"],
               "changed_at": "2026-03-02T08:30:00+08:00"}),
    )
    .problem(422, "validation");
    assert_eq!(
        (p["rule"].clone(), p["errors"][0]["field"].clone()),
        (json!("CON-10"), json!("changed_at"))
    );
    let p = change(
        &w.eng1,
        json!({"instruction_id": ins["id"], "equipment_id": h2["id"]}),
    )
    .problem(422, "validation");
    assert_eq!(p["rule"], "CON-10");
    // Someone who does not see it cannot use it; a clerk does not change controllers.
    change(
        &w.eng2,
        json!({"instruction_id": ins["id"], "equipment_id": h1["id"]}),
    )
    .problem(422, "validation");

    // The change, recorded against the instruction, once.
    let res = change(
        &w.eng1,
        json!({"instruction_id": ins["id"], "equipment_id": h1["id"], "note": " 已删除，测试正常 "}),
    );
    assert_eq!(res.status, 200, "{}", res.body);
    assert_eq!(res.etag(), "\"2\"");
    let done = res.json();
    assert_eq!(
        (
            done["status"].clone(),
            done["changed_by"].clone(),
            done["change_note"].clone()
        ),
        (
            json!("carried_out"),
            json!(w.eng1_id),
            json!("已删除，测试正常")
        )
    );
    assert_eq!(done["change_equipment_id"], h1["id"]);
    assert_eq!(done["changed_at"], "2026-03-02T02:00:00Z");
    change(
        &w.eng1,
        json!({"instruction_id": ins["id"], "equipment_id": h1["id"]}),
    )
    .rule_conflict("CON-10");

    // ORG-5 on reads: the owner and the manager see it; another engineer reads 404.
    let path = format!("/api/v1/controller-instructions/{}", id(&ins));
    assert_eq!(w.app.get(&path).bearer(&w.eng1).send().status, 200);
    w.app
        .get(&path)
        .bearer(&w.eng2)
        .send()
        .problem(404, "not-found");
    let list = |token: &str, q: &str| -> Vec<Value> {
        let res = w
            .app
            .get(&format!("/api/v1/controller-instructions{q}"))
            .bearer(token)
            .send();
        assert_eq!(res.status, 200, "{}", res.body);
        res.json()["items"].as_array().unwrap().clone()
    };
    assert!(list(&w.eng2, "").is_empty());
    assert_eq!(list(&w.manager, "?status=carried_out").len(), 1);
    assert!(list(&w.manager, "?status=signed").is_empty());
    let delta = list(&w.eng1, "?updated_since=2026-03-02T01:00:00Z");
    assert_eq!(delta.len(), 1);
    assert_eq!(delta[0]["version"], 2);

    assert_eq!(
        actions(&audit_of(
            &w.app,
            &w.admin,
            "controller_instruction",
            id(&ins)
        )),
        [
            "controller_instruction.create",
            "controller_instruction.record_change"
        ]
    );
    let csv = w
        .app
        .get("/api/v1/controller-instructions/export?format=csv&columns=zh")
        .bearer(&w.manager)
        .send();
    assert_eq!(csv.status, 200, "{}", csv.body);
    assert!(
        csv.body.contains("签字人") && csv.body.contains("王主任"),
        "{}",
        csv.body
    );
}

#[test]
fn con_10_the_manager_confirms_a_recorded_change_once_with_the_customers_signature() {
    let mut w = world();
    w.set_clock("2026-03-02T10:00:00+08:00");
    let post = |token: &str, path: &str, body: Value| -> Resp {
        w.app.post(path).bearer(token).json(&body).send()
    };
    let customer = created(post(
        &w.admin,
        "/api/v1/customers",
        json!({"name": "丁公司", "owner_user_id": w.eng1_id}),
    ));
    let site = created(post(
        &w.admin,
        "/api/v1/sites",
        json!({"customer_id": customer["id"], "name": "主楼", "address": "四路 4 号", "city": "杭州市"}),
    ));
    let product = created(post(
        &w.admin,
        "/api/v1/products",
        json!({"model": "JB-QB-300", "name": "火灾报警控制器", "category": "controller",
               "unit_price_fen": 100_000, "unit_cost_fen": 60_000, "floor_price_fen": 90_000}),
    ));
    let host = created(post(
        &w.admin,
        "/api/v1/equipment",
        json!({"site_id": site["id"], "product_id": product["id"], "serial": "HOST-9",
               "controller_points": 200}),
    ));
    let ins = created(post(
        &w.eng1,
        "/api/v1/controller-instructions",
        json!({"site_id": site["id"], "equipment_id": host["id"], "action": "change",
               "description": "修改 2 号回路点位注释", "signer_name": "王主任",
               "signed_at": "2026-03-02T09:00:00+08:00"}),
    ));
    fn confirm_as(w: &World, ins: &Value, token: &str, version: &Value, body: Value) -> Resp {
        w.app
            .post(&format!(
                "/api/v1/controller-instructions/{}/confirm",
                id(ins)
            ))
            .bearer(token)
            .if_match(&format!("\"{version}\""))
            .json(&body)
            .send()
    }
    let signed = json!({"record_signer_name": "王主任"});
    // Not carried out yet: nothing to confirm.
    confirm_as(&w, &ins, &w.manager, &ins["version"], signed.clone()).rule_conflict("CON-10");
    let done = post(
        &w.eng1,
        "/api/v1/controller-data-changes",
        json!({"instruction_id": ins["id"], "equipment_id": host["id"], "note": "测试正常"}),
    );
    assert_eq!(done.status, 200, "{}", done.body);
    let done = done.json();

    // The next day the manager confirms; an engineer may not, the record needs the signature.
    w.set_clock("2026-03-03T09:30:00+08:00");
    confirm_as(&w, &ins, &w.eng1, &done["version"], signed.clone()).problem(403, "forbidden");
    let p =
        confirm_as(&w, &ins, &w.manager, &done["version"], json!({})).problem(422, "validation");
    assert_eq!(
        (p["rule"].clone(), p["errors"][0]["field"].clone()),
        (json!("CON-10"), json!("record_signer_name"))
    );
    assert_eq!(
        confirm_as(&w, &ins, &w.manager, &json!(1), signed.clone()).status,
        412
    );
    let res = confirm_as(
        &w,
        &ins,
        &w.manager,
        &done["version"],
        json!({"record_signer_name": " 王主任 "}),
    );
    assert_eq!(res.status, 200, "{}", res.body);
    let confirmed = res.json();
    assert_eq!(confirmed["record_signer_name"], "王主任");
    assert_eq!(confirmed["manager_confirmed_at"], "2026-03-03T01:30:00Z");
    assert_eq!(confirmed["status"], "carried_out");
    assert_eq!(
        confirmed["version"].as_i64().unwrap(),
        done["version"].as_i64().unwrap() + 1
    );
    confirm_as(&w, &ins, &w.manager, &confirmed["version"], signed).rule_conflict("CON-10");
    let audit = audit_of(&w.app, &w.admin, "controller_instruction", id(&ins));
    assert_eq!(
        actions(&audit),
        [
            "controller_instruction.create",
            "controller_instruction.record_change",
            "controller_instruction.confirm"
        ]
    );
    assert_eq!(audit[2]["before"]["manager_confirmed_by"], Value::Null);
    assert_eq!(
        audit[2]["after"]["manager_confirmed_by"],
        confirmed["manager_confirmed_by"]
    );
}
