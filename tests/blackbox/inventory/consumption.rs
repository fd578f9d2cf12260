//! INV-2 consumption on a ticket: the parts on loan that a feedback form lists as used (with
//! their `loan_id`) become `consumption` ledger rows against the ticket as the customer signs
//! the form, in the same transaction, taking the units off the loan; a consumed unit returned
//! later is 422 naming INV-2.

use super::created;
use crate::feedback_forms::{form_ok, signature_png, upload_signature, visit};
use crate::tickets::{World, id, world};
use crate::{actions, audit_of};
use serde_json::{Value, json};

fn post(w: &World, token: &str, path: &str, body: Value) -> Value {
    created(w.app.post(path).bearer(token).json(&body).send())
}

fn loan_cmd(w: &World, token: &str, loan: &Value, verb: &str, body: Value) -> kefu_blackbox::Resp {
    w.app
        .post(&format!("/api/v1/part-loans/{}/{verb}", id(loan)))
        .bearer(token)
        .if_match(&format!("\"{}\"", loan["version"]))
        .json(&body)
        .send()
}

/// A loan of `body` to engineer one, approved and issued from `warehouse`.
fn issued(w: &World, warehouse: &Value, body: Value) -> Value {
    let loan = post(w, &w.eng1, "/api/v1/part-loans", body);
    let res = loan_cmd(w, &w.manager, &loan, "approve", json!({}));
    assert_eq!(res.status, 200, "{}", res.body);
    let res = loan_cmd(
        w,
        &w.admin,
        &res.json(),
        "issue",
        json!({"from_location_id": id(warehouse)}),
    );
    assert_eq!(res.status, 200, "{}", res.body);
    res.json()
}

fn get(w: &World, path: &str) -> Value {
    let res = w.app.get(path).bearer(&w.admin).send();
    assert_eq!(res.status, 200, "{path}: {}", res.body);
    res.json()
}

#[test]
fn inv_2_loaned_parts_used_on_a_signed_form_are_consumed_on_its_ticket() {
    let w = world();
    let product = post(
        &w,
        &w.admin,
        "/api/v1/products",
        json!({"model": "GST200", "name": "报警控制器", "unit_price_fen": 100_000,
               "unit_cost_fen": 60_000, "floor_price_fen": 90_000}),
    );
    let part = |code: &str, kind: &str| {
        post(
            &w,
            &w.admin,
            "/api/v1/parts",
            json!({"product_id": id(&product), "code": code, "name": code, "kind": kind,
                   "sale_price_fen": 12_000, "unit_cost_fen": 6_500, "min_stock": 0}),
        )
    };
    let boards = part("MB-C", "serialised");
    let detectors = part("DET-C", "bulk");
    let warehouse = post(
        &w,
        &w.admin,
        "/api/v1/stock-locations",
        json!({"kind": "warehouse", "name": "中心仓"}),
    );
    post(
        &w,
        &w.admin,
        "/api/v1/stock-locations",
        json!({"kind": "engineer", "name": "工程师一", "engineer_id": w.eng1_id}),
    );
    for body in [
        json!({"kind": "receipt", "part_id": id(&boards), "serials": ["SN-C1", "SN-C2"],
               "to_location_id": id(&warehouse)}),
        json!({"kind": "receipt", "part_id": id(&detectors), "quantity": 5,
               "to_location_id": id(&warehouse)}),
    ] {
        post(&w, &w.admin, "/api/v1/stock-movements", body);
    }
    let board_loan = issued(
        &w,
        &warehouse,
        json!({"part_id": id(&boards), "serials": ["SN-C1", "SN-C2"]}),
    );
    let detector_loan = issued(
        &w,
        &warehouse,
        json!({"part_id": id(&detectors), "quantity": 3}),
    );

    // The form lists one board and two detectors from the loans, and a part of no loan.
    let v = visit(&w, true);
    let form = post(
        &w,
        &w.eng1,
        &format!("/api/v1/visits/{}/feedback-form", id(&v)),
        json!({"work_done": "更换主板与探测器", "result": "resolved", "parts_used": [
            {"part": "主板", "quantity": 1, "serial": "SN-C1", "loan_id": id(&board_loan)},
            {"part": "探测器", "quantity": 2, "loan_id": id(&detector_loan)},
            {"part": "螺丝", "quantity": 4}
        ]}),
    );
    assert_eq!(
        form["current_version"]["parts_used"][0]["loan_id"],
        id(&board_loan)
    );
    // Nothing is consumed before the customer signs.
    let board = get(&w, &format!("/api/v1/part-loans/{}", id(&board_loan)));
    assert_eq!(board["consumed_quantity"], 0);

    let sig = upload_signature(&w, &w.eng1, ("feedback_form", id(&form)), &signature_png(9));
    let signed = form_ok(
        &w,
        &w.eng1,
        "POST",
        &form,
        "/sign",
        json!({"signature_attachment_id": sig, "signer_name": "王经理"}),
    );
    assert_eq!(signed["status"], "signed");
    let ticket_id = signed["ticket_id"].as_str().unwrap();

    // The loans gave the units up: consumed, no longer out.
    let board = get(&w, &format!("/api/v1/part-loans/{}", id(&board_loan)));
    assert_eq!(board["consumed_quantity"], 1);
    assert_eq!(board["outstanding"], 1);
    assert_eq!(board["outstanding_serials"], json!(["SN-C2"]));
    assert_eq!(board["status"], "issued");
    let detector = get(&w, &format!("/api/v1/part-loans/{}", id(&detector_loan)));
    assert_eq!(
        (&detector["consumed_quantity"], &detector["outstanding"]),
        (&json!(2), &json!(1))
    );
    // The ledger has the consumption rows against the ticket, out of the engineer's hands.
    let rows = get(&w, "/api/v1/stock-movements?kind=consumption&limit=200")["items"]
        .as_array()
        .unwrap()
        .clone();
    assert_eq!(rows.len(), 2, "{rows:?}");
    assert!(rows.iter().all(|r| r["ticket_id"] == ticket_id));
    assert!(
        rows.iter()
            .all(|r| r["from_location_id"] == board["location_id"])
    );
    let unit = &get(&w, &format!("/api/v1/serial-units?part_id={}", id(&boards)))["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["serial"] == "SN-C1")
        .unwrap()
        .clone();
    assert_eq!(unit["status"], "consumed");
    assert_eq!(
        actions(&audit_of(&w.app, &w.admin, "part_loan", id(&board_loan))),
        vec![
            "part_loan.request",
            "part_loan.approve",
            "part_loan.issue",
            "part_loan.consume"
        ]
    );

    // A consumed unit does not come back on the loan: 422 naming INV-2.
    let res = loan_cmd(
        &w,
        &w.admin,
        &board,
        "return",
        json!({"to_location_id": id(&warehouse), "serials": ["SN-C1"]}),
    );
    assert_eq!(res.status, 422, "{}", res.body);
    assert_eq!(res.json()["rule"], "INV-2");
    // An amendment that drops a consumed line is refused (the unit is off the books); one that
    // adds the second board consumes only it, and the loan closes.
    let v1 = &signed["current_version"]["parts_used"];
    let dropped = form_ok(
        &w,
        &w.eng1,
        "POST",
        &signed,
        "/amendments",
        json!({"reason": "少填", "parts_used": [v1[1].clone()]}),
    );
    let sig2 = upload_signature(&w, &w.eng1, ("feedback_form", id(&form)), &signature_png(8));
    let res = w
        .app
        .post(&format!("/api/v1/feedback-forms/{}/sign", id(&form)))
        .bearer(&w.eng1)
        .if_match(&format!("\"{}\"", dropped["version"]))
        .json(&json!({"signature_attachment_id": sig2, "signer_name": "王经理"}))
        .send();
    assert_eq!(res.status, 422, "{}", res.body);
    assert_eq!(res.json()["rule"], "INV-2");
    let amended = form_ok(
        &w,
        &w.eng1,
        "PATCH",
        &dropped,
        "",
        json!({"parts_used": [v1[0].clone(), v1[1].clone(),
            {"part": "主板", "quantity": 1, "serial": "SN-C2", "loan_id": id(&board_loan)}]}),
    );
    form_ok(
        &w,
        &w.eng1,
        "POST",
        &amended,
        "/sign",
        json!({"signature_attachment_id": sig2, "signer_name": "王经理"}),
    );
    let board = get(&w, &format!("/api/v1/part-loans/{}", id(&board_loan)));
    assert_eq!(
        (&board["consumed_quantity"], &board["status"]),
        (&json!(2), &json!("closed"))
    );
    let detector = get(&w, &format!("/api/v1/part-loans/{}", id(&detector_loan)));
    assert_eq!(detector["consumed_quantity"], 2);
    let rows = get(&w, "/api/v1/stock-movements?kind=consumption&limit=200")["items"]
        .as_array()
        .unwrap()
        .len();
    assert_eq!(rows, 3);
}
