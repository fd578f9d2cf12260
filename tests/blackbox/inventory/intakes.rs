//! INV-5 repair intake: a device registered as it is taken in (damage, accessories, fault
//! reproduced), signed by the customer and then locked (409 INV-5), its status moved on to
//! `returned` (the callback desk told); ORG-5 for engineers and customer contacts; export,
//! delta sync and audit.

use super::{PASSWORD, Store, created, store};
use crate::feedback_forms::{signature_png, upload_png};
use crate::tickets::id;
use crate::{actions, audit_of};
use kefu_blackbox::Resp;
use serde_json::{Value, json};

/// A customer (owned by `owner` when given) and a contact of it with a login; returns the
/// customer and the contact's token.
fn customer(s: &Store, name: &str, owner: Option<&str>, login: &str) -> (Value, String) {
    let post =
        |path: &str, body: Value| created(s.app.post(path).bearer(&s.admin).json(&body).send());
    let customer = post(
        "/api/v1/customers",
        json!({"name": name, "owner_user_id": owner}),
    );
    let contact = post(
        "/api/v1/contacts",
        json!({"customer_id": customer["id"], "name": format!("{name}联系人"),
               "phone": "13900000000"}),
    );
    let res = s
        .app
        .post(&format!("/api/v1/contacts/{}/login", id(&contact)))
        .bearer(&s.admin)
        .if_match("\"1\"")
        .json(&json!({"username": login}))
        .send();
    let temporary = created(res)["generated_password"]
        .as_str()
        .unwrap()
        .to_owned();
    let first = s.app.token(login, &temporary);
    let res = s
        .app
        .post("/api/v1/me/password")
        .bearer(&first)
        .json(&json!({"current_password": temporary, "new_password": PASSWORD}))
        .send();
    assert_eq!(res.status, 204, "{}", res.body);
    (customer, s.app.token(login, PASSWORD))
}

fn register(s: &Store, token: &str, body: Value) -> Resp {
    s.app
        .post("/api/v1/repair-intakes")
        .bearer(token)
        .json(&body)
        .send()
}

fn command(s: &Store, token: &str, intake: &Value, verb: &str, body: Value) -> Resp {
    let path = format!("/api/v1/repair-intakes/{}", id(intake));
    let req = if verb == "patch" {
        s.app.req("PATCH", &path)
    } else {
        s.app.post(&format!("{path}/{verb}"))
    };
    req.bearer(token)
        .if_match(&format!("\"{}\"", intake["version"]))
        .json(&body)
        .send()
}

fn ok(res: Resp) -> Value {
    assert_eq!(res.status, 200, "{}", res.body);
    res.json()
}

/// A 422 naming INV-5: the fields named, sorted.
fn refused(res: Resp) -> Vec<String> {
    assert_eq!(res.status, 422, "{}", res.body);
    let p = res.json();
    assert_eq!(p["rule"], "INV-5", "{p}");
    p["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn inv_5_a_device_is_registered_signed_locked_and_returned() {
    let s = store();
    let eng1 = s.app.get("/api/v1/me").bearer(&s.eng1).send().json();
    // Engineer one serves X: a walk-in of X is theirs to register.
    let (x, contact_x) = customer(&s, "甲公司", Some(id(&eng1)), "x.contact");
    let (y, contact_y) = customer(&s, "乙公司", None, "y.contact");
    let ticket = created(
        s.app
            .post("/api/v1/tickets")
            .bearer(&s.admin)
            .json(
                &json!({"channel": "phone", "ticket_type": "fault", "priority": "normal",
                          "customer_id": x["id"],
                          "description": "手持机无法开机"}),
            )
            .send(),
    );
    let body = json!({"ticket_id": id(&ticket), "customer_id": id(&x), "model": "GST-LD-8319",
        "serial": " SN-IN-1 ", "visible_damage": "外壳右上角裂纹",
        "accessories": ["电源适配器", "数据线"], "reported_fault": "通电后无显示",
        "fault_reproduced": true, "reproduction_notes": "加电检测，屏幕无显示"});

    // Only staff who take devices in register; the fields are checked, naming INV-5.
    register(&s, &contact_x, body.clone()).problem(403, "forbidden");
    let mut bad = body.clone();
    bad["customer_id"] = json!(id(&y));
    bad["accessories"] = json!(["线", "线"]);
    assert_eq!(
        refused(register(&s, &s.clerk, bad)),
        vec!["accessories", "ticket_id"]
    );
    let mut ghost = body.clone();
    ghost["customer_id"] = json!("no-such-customer");
    assert_eq!(refused(register(&s, &s.clerk, ghost)), vec!["customer_id"]);

    let intake = created(register(&s, &s.clerk, body.clone()));
    assert_eq!(intake["status"], "received");
    assert_eq!(intake["serial"], "SN-IN-1");
    assert_eq!(intake["signed"], false);
    assert_eq!(intake["fault_reproduced"], true);
    assert_eq!(intake["accessories"], json!(["电源适配器", "数据线"]));
    assert_eq!(intake["ticket_id"], id(&ticket));

    // Unsigned, it is corrected; it does not move on before the customer signed.
    let intake = ok(command(
        &s,
        &s.clerk,
        &intake,
        "patch",
        json!({"visible_damage": "外壳裂纹，屏幕划痕", "reproduction_notes": null}),
    ));
    assert_eq!(intake["visible_damage"], "外壳裂纹，屏幕划痕");
    assert!(intake["reproduction_notes"].is_null());
    command(&s, &s.clerk, &intake, "move", json!({"to": "in_repair"})).rule_conflict("INV-5");

    // The signature is a `signature` attachment of the intake itself; its hash is sealed.
    let stray = upload_png(
        &s.app,
        &s.clerk,
        ("ticket", id(&ticket)),
        ("signature", "签名.png"),
        &signature_png(3),
    );
    assert_eq!(
        refused(command(
            &s,
            &s.clerk,
            &intake,
            "sign",
            json!({"signature_attachment_id": id(&stray), "signer_name": "王主任"}),
        )),
        vec!["signature_attachment_id"]
    );
    let png = signature_png(5);
    let signature = upload_png(
        &s.app,
        &s.clerk,
        ("repair_intake", id(&intake)),
        ("signature", "签名.png"),
        &png,
    );
    let signed = ok(command(
        &s,
        &s.clerk,
        &intake,
        "sign",
        json!({"signature_attachment_id": id(&signature), "signer_name": "王主任"}),
    ));
    assert_eq!(signed["signed"], true);
    assert_eq!(signed["signer_name"], "王主任");
    assert_eq!(signed["signature_sha256"], signature["sha256"]);

    // Signed, the facts are locked and a second signature is refused: 409 naming INV-5.
    command(&s, &s.clerk, &signed, "patch", json!({"serial": "SN-X"})).rule_conflict("INV-5");
    command(
        &s,
        &s.clerk,
        &signed,
        "sign",
        json!({"signature_attachment_id": id(&signature), "signer_name": "王主任"}),
    )
    .rule_conflict("INV-5");

    // The status moves forward only, through to the customer.
    let moved = ok(command(
        &s,
        &s.clerk,
        &signed,
        "move",
        json!({"to": "in_repair", "note": "已送工厂维修部"}),
    ));
    assert_eq!(moved["status"], "in_repair");
    command(&s, &s.clerk, &moved, "move", json!({"to": "received"})).rule_conflict("INV-5");
    let ready = ok(command(
        &s,
        &s.clerk,
        &moved,
        "move",
        json!({"to": "awaiting_return"}),
    ));
    let returned = ok(command(
        &s,
        &s.clerk,
        &ready,
        "move",
        json!({"to": "returned"}),
    ));
    assert_eq!(returned["status"], "returned");
    assert!(returned["returned_at"].is_string());
    command(&s, &s.clerk, &returned, "move", json!({"to": "returned"})).rule_conflict("INV-5");
    // Seed 001: every repaired device is called back; the desk hears of its return.
    let notices = s
        .app
        .get("/api/v1/me/notifications")
        .bearer(&s.clerk)
        .send()
        .json();
    assert!(
        notices["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|n| n["kind"] == "repair_intake.returned"),
        "{notices}"
    );

    // Stored state and the audit trail.
    let stored = ok(s
        .app
        .get(&format!("/api/v1/repair-intakes/{}", id(&intake)))
        .bearer(&s.manager)
        .send());
    assert_eq!(stored["status"], "returned");
    assert_eq!(stored["visible_damage"], "外壳裂纹，屏幕划痕");
    assert_eq!(
        actions(&audit_of(&s.app, &s.admin, "repair_intake", id(&intake))),
        vec![
            "repair_intake.create",
            "repair_intake.update",
            "repair_intake.sign",
            "repair_intake.move",
            "repair_intake.move",
            "repair_intake.move",
        ]
    );

    // ORG-5: a customer contact reads their customer's intakes, read only; another
    // customer's contact and an engineer who neither took it in nor holds the ticket get 404.
    let path = format!("/api/v1/repair-intakes/{}", id(&intake));
    assert_eq!(s.app.get(&path).bearer(&contact_x).send().status, 200);
    assert_eq!(s.items(&contact_x, "/api/v1/repair-intakes").len(), 1);
    s.app
        .get(&path)
        .bearer(&contact_y)
        .send()
        .problem(404, "not-found");
    assert!(s.items(&contact_y, "/api/v1/repair-intakes").is_empty());
    s.app
        .get(&path)
        .bearer(&s.eng2)
        .send()
        .problem(404, "not-found");
    command(&s, &s.eng2, &stored, "move", json!({"to": "returned"})).problem(404, "not-found");
    command(&s, &contact_x, &stored, "patch", json!({"model": "X"})).problem(403, "forbidden");

    // An engineer's own intake (a walk-in, no ticket) is theirs, not the other engineer's.
    let walk_in = created(register(
        &s,
        &s.eng1,
        json!({"customer_id": id(&x), "serial": "SN-IN-2", "reported_fault": "按键失灵",
               "fault_reproduced": false}),
    ));
    assert_eq!(walk_in["accessories"], json!([]));
    let walk_path = format!("/api/v1/repair-intakes/{}", id(&walk_in));
    assert_eq!(s.app.get(&walk_path).bearer(&s.eng1).send().status, 200);
    s.app
        .get(&walk_path)
        .bearer(&s.eng2)
        .send()
        .problem(404, "not-found");
    let mine = s.items(&s.eng1, "/api/v1/repair-intakes");
    assert_eq!(mine.len(), 1);
    assert_eq!(id(&mine[0]), id(&walk_in));
    assert!(s.items(&s.eng2, "/api/v1/repair-intakes").is_empty());

    // Filters, paging, delta sync and export.
    let all = s.items(&s.manager, "/api/v1/repair-intakes?limit=1");
    assert_eq!(all.len(), 1);
    let unsigned = s.items(&s.manager, "/api/v1/repair-intakes?signed=false");
    assert_eq!(unsigned.len(), 1);
    assert_eq!(id(&unsigned[0]), id(&walk_in));
    let by_serial = s.items(
        &s.manager,
        "/api/v1/repair-intakes?serial=SN-IN-1&status=returned",
    );
    assert_eq!(by_serial.len(), 1);
    let changed = s.items(
        &s.manager,
        "/api/v1/repair-intakes?updated_since=2026-03-01T00:00:00Z",
    );
    assert_eq!(changed.len(), 2);
    let csv = s
        .app
        .get("/api/v1/repair-intakes/export?format=csv")
        .bearer(&s.manager)
        .send();
    assert_eq!(csv.status, 200);
    assert!(csv.body.contains("SN-IN-1"), "{}", csv.body);
    assert!(csv.body.contains("fault_reproduced"), "{}", csv.body);
    let xlsx = s
        .app
        .get("/api/v1/repair-intakes/export?format=xlsx")
        .bearer(&s.manager)
        .send();
    assert_eq!(xlsx.status, 200);
}
