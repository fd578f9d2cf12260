//! INV-2 loans: request → approve → issue → sign, due in working days, returns that must match
//! what was issued, the overdue list, rule and watch; INV-3 charges for lost units.

use super::{Store, created, store};
use crate::tickets::id;
use crate::{actions, audit_of};
use kefu_blackbox::Resp;
use serde_json::{Value, json};

fn cmd(s: &Store, token: &str, loan: &Value, verb: &str, body: Option<Value>) -> Resp {
    let mut req = s
        .app
        .post(&format!("/api/v1/part-loans/{}/{verb}", id(loan)))
        .bearer(token)
        .if_match(&format!("\"{}\"", loan["version"]));
    if let Some(body) = body {
        req = req.json(&body);
    }
    req.send()
}

fn ok(s: &Store, token: &str, loan: &Value, verb: &str, body: Option<Value>) -> Value {
    let res = cmd(s, token, loan, verb, body);
    assert_eq!(res.status, 200, "{verb}: {}", res.body);
    res.json()
}

fn request(s: &Store, body: Value) -> Resp {
    s.app
        .post("/api/v1/part-loans")
        .bearer(&s.eng1)
        .json(&body)
        .send()
}

/// The caller's inbox as (kind, record id).
fn kinds(s: &Store, token: &str) -> Vec<(String, String)> {
    s.items(token, "/api/v1/me/notifications")
        .iter()
        .map(|n| {
            (
                n["kind"].as_str().unwrap().to_owned(),
                n["entity_id"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect()
}

fn overdue_ids(s: &Store) -> Vec<String> {
    s.items(&s.manager, "/api/v1/part-loans?overdue=true")
        .iter()
        .map(|l| id(l).to_owned())
        .collect()
}

#[test]
fn inv_2_a_loan_from_request_to_return_overdue_after_two_working_days() {
    let mut s = store();
    let boards = s.part("GST-MB-210", "serialised");
    let bulk = s.part("GST-DET-010", "bulk");
    s.moved(
        json!({"kind": "receipt", "part_id": id(&boards), "serials": ["SN-A", "SN-B"],
                   "to_location_id": id(&s.warehouse)}),
    );
    s.moved(
        json!({"kind": "receipt", "part_id": id(&bulk), "quantity": 5,
                   "to_location_id": id(&s.warehouse)}),
    );

    // Monday 10:00: the engineer asks for two named units.
    let loan = created(request(
        &s,
        json!({"part_id": id(&boards), "serials": ["SN-A", "SN-B"]}),
    ));
    assert_eq!(loan["status"], "requested");
    assert_eq!(loan["location_id"], id(&s.hands1));
    assert_eq!(loan["serials"], json!(["SN-A", "SN-B"]));
    // Another engineer's loan is missing to them; only a manager approves.
    let path = format!("/api/v1/part-loans/{}", id(&loan));
    s.app
        .get(&path)
        .bearer(&s.eng2)
        .send()
        .problem(404, "not-found");
    cmd(&s, &s.eng2, &loan, "sign", None).problem(404, "not-found");
    let p = cmd(&s, &s.clerk, &loan, "approve", None).problem(403, "forbidden");
    assert!(p.get("rule").is_none() || p["rule"] == "INV-2", "{p}");
    assert!(s.items(&s.eng2, "/api/v1/part-loans").is_empty());
    assert!(
        kinds(&s, &s.manager).contains(&("part_loan.requested".to_owned(), id(&loan).to_owned()))
    );
    let loan = ok(&s, &s.manager, &loan, "approve", None);
    assert_eq!(loan["status"], "approved");
    assert!(kinds(&s, &s.eng1).contains(&("part_loan.approved".to_owned(), id(&loan).to_owned())));
    // The clerk issues: a `loan` row per unit into the engineer's hands, due Wednesday.
    let loan = ok(
        &s,
        &s.clerk,
        &loan,
        "issue",
        Some(json!({"from_location_id": id(&s.warehouse)})),
    );
    assert_eq!(loan["status"], "issued");
    assert_eq!(loan["due_on"], "2026-03-11");
    assert_eq!(loan["overdue"], false);
    assert!(kinds(&s, &s.eng1).contains(&("part_loan.issued".to_owned(), id(&loan).to_owned())));
    assert!(kinds(&s, &s.eng2).is_empty());
    assert_eq!(s.level(&boards, &s.hands1), 2);
    let rows = s.items(
        &s.clerk,
        &format!("/api/v1/stock-movements?part_id={}&kind=loan", id(&boards)),
    );
    assert_eq!(rows.len(), 2);
    // The engineer signs, once.
    let loan = ok(&s, &s.eng1, &loan, "sign", None);
    assert!(loan["signed_at"].is_string());
    let p = cmd(&s, &s.eng1, &loan, "sign", None).rule_conflict("INV-2");
    assert!(p["detail"].is_string());

    // A return must be what was issued on this loan.
    let p = cmd(
        &s,
        &s.clerk,
        &loan,
        "return",
        Some(json!({"to_location_id": id(&s.warehouse), "serials": ["SN-C"]})),
    )
    .problem(422, "rule-violation");
    assert_eq!(p["rule"], "INV-2");
    let loan = ok(
        &s,
        &s.clerk,
        &loan,
        "return",
        Some(
            json!({"to_location_id": id(&s.warehouse), "serials": ["SN-B"],
                              "unused": true}),
        ),
    );
    assert_eq!(loan["status"], "issued");
    assert_eq!(loan["outstanding_serials"], json!(["SN-A"]));
    assert_eq!(
        (
            loan["returned_quantity"].clone(),
            loan["unused_quantity"].clone()
        ),
        (json!(1), json!(1))
    );
    assert_eq!(s.level(&boards, &s.hands1), 1);

    // Wednesday 23:00: still not overdue; a new request is fine.
    s.set_clock("2026-03-11T23:00:00+08:00");
    assert!(overdue_ids(&s).is_empty());
    created(request(&s, json!({"part_id": id(&bulk), "quantity": 1})));
    // Thursday: overdue, listed, and a new request breaks INV-2.
    s.set_clock("2026-03-12T09:00:00+08:00");
    assert_eq!(overdue_ids(&s), vec![id(&loan).to_owned()]);
    let mine = s.items(&s.eng1, "/api/v1/part-loans?overdue=true");
    assert_eq!(mine.len(), 1);
    assert_eq!(mine[0]["overdue"], true);
    let p =
        request(&s, json!({"part_id": id(&bulk), "quantity": 1})).problem(422, "rule-violation");
    assert_eq!(p["rule"], "INV-2");

    // The overdue watch flags it once and tells the engineer.
    let runner = s
        .app
        .another_instance(&[("KEFU_JOBS_ENABLED", "1"), ("KEFU_JOBS_POLL_MS", "50")]);
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    loop {
        let inbox = s.items(&s.eng1, "/api/v1/me/notifications");
        let told = inbox
            .iter()
            .filter(|n| n["kind"] == "part_loan.overdue")
            .count();
        if told > 0 {
            assert_eq!(told, 1);
            break;
        }
        assert!(std::time::Instant::now() < deadline, "no part_loan.overdue");
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    drop(runner);
    let flagged = s
        .app
        .get(&format!("/api/v1/part-loans/{}", id(&loan)))
        .bearer(&s.eng1)
        .send();
    assert_eq!(flagged.status, 200, "{}", flagged.body);
    let loan = flagged.json();
    assert!(loan["overdue_flagged_at"].is_string());

    // INV-3: the engineer lost the last unit: it leaves the books and is charged at sale price.
    let loan = ok(
        &s,
        &s.eng1,
        &loan,
        "report-loss",
        Some(json!({"kind": "lost", "serials": ["SN-A"], "note": "现场遗失"})),
    );
    assert_eq!(loan["status"], "closed");
    assert_eq!(loan["lost_quantity"], 1);
    let charges = s.items(&s.eng1, "/api/v1/part-charges");
    assert_eq!(charges.len(), 1);
    assert_eq!(charges[0]["amount_fen"], 12_000);
    assert_eq!(charges[0]["unit_price_fen"], 12_000);
    assert_eq!(charges[0]["status"], "pending");
    assert_eq!(charges[0]["serials"], json!(["SN-A"]));
    assert_eq!(charges[0]["loan_id"], id(&loan));
    assert!(s.items(&s.eng2, "/api/v1/part-charges").is_empty());
    let units = s.items(
        &s.clerk,
        &format!("/api/v1/serial-units?part_id={}", id(&boards)),
    );
    let lost: Vec<&Value> = units.iter().filter(|u| u["serial"] == "SN-A").collect();
    assert_eq!(lost[0]["status"], "lost");
    assert_eq!(s.level(&boards, &s.hands1), 0);
    s.assert_levels_are_the_ledger();
    // Nothing overdue is out any more: the engineer may ask again.
    created(request(&s, json!({"part_id": id(&bulk), "quantity": 1})));

    assert_eq!(
        actions(&audit_of(&s.app, &s.admin, "part_loan", id(&loan))),
        vec![
            "part_loan.request",
            "part_loan.approve",
            "part_loan.issue",
            "part_loan.sign",
            "part_loan.return",
            "part_loan.overdue",
            "part_loan.report_loss"
        ]
    );
    assert_eq!(
        actions(&audit_of(&s.app, &s.admin, "part_charge", id(&charges[0]))),
        vec!["part_charge.create"]
    );
}

#[test]
fn inv_2_a_bulk_loan_comes_back_in_parts_and_never_more_than_was_issued() {
    let s = store();
    let bulk = s.part("GST-DET-011", "bulk");
    s.moved(
        json!({"kind": "receipt", "part_id": id(&bulk), "quantity": 2,
                   "to_location_id": id(&s.warehouse)}),
    );
    let loan = created(request(&s, json!({"part_id": id(&bulk), "quantity": 3})));
    let loan = ok(&s, &s.manager, &loan, "approve", None);
    // Only 2 in the warehouse: the issue is refused by INV-4 and nothing changes.
    cmd(
        &s,
        &s.clerk,
        &loan,
        "issue",
        Some(json!({"from_location_id": id(&s.warehouse)})),
    )
    .rule_conflict("INV-4");
    assert_eq!(s.level(&bulk, &s.warehouse), 2);
    let again = s
        .app
        .get(&format!("/api/v1/part-loans/{}", id(&loan)))
        .bearer(&s.manager)
        .send();
    assert_eq!(again.json()["status"], "approved");
    s.moved(
        json!({"kind": "receipt", "part_id": id(&bulk), "quantity": 1,
                   "to_location_id": id(&s.warehouse)}),
    );
    let loan = ok(
        &s,
        &s.clerk,
        &loan,
        "issue",
        Some(json!({"from_location_id": id(&s.warehouse)})),
    );
    let back = |q: i64| Some(json!({"to_location_id": id(&s.warehouse), "quantity": q}));
    let loan = ok(&s, &s.clerk, &loan, "return", back(2));
    assert_eq!(
        (loan["outstanding"].clone(), loan["status"].clone()),
        (json!(1), json!("issued"))
    );
    assert_eq!(
        cmd(&s, &s.clerk, &loan, "return", back(2)).problem(422, "rule-violation")["rule"],
        "INV-2"
    );
    let loan = ok(&s, &s.clerk, &loan, "return", back(1));
    assert_eq!(loan["status"], "closed");
    assert_eq!(s.level(&bulk, &s.warehouse), 3);
    assert_eq!(s.level(&bulk, &s.hands1), 0);
    s.assert_levels_are_the_ledger();
}

#[test]
fn inv_2_the_deadline_and_the_refusal_are_rule_table_values() {
    let mut s = store();
    let bulk = s.part("GST-DET-012", "bulk");
    s.moved(
        json!({"kind": "receipt", "part_id": id(&bulk), "quantity": 5,
                   "to_location_id": id(&s.warehouse)}),
    );
    // From March on: three working days, and an overdue loan no longer blocks a request.
    let set = s
        .app
        .get("/api/v1/rules/spare-part-loans")
        .bearer(&s.admin)
        .send();
    assert_eq!(set.json()["versions"][0]["value"]["return_due_days"], 2);
    let put = s
        .app
        .req("PUT", "/api/v1/rules/spare-part-loans/versions/2026-03-01")
        .bearer(&s.admin)
        .if_match(&set.etag())
        .json(
            &json!({"value": {"return_due_days": 3, "refuse_while_overdue": false},
                      "note": "三个工作日，逾期不拦截"}),
        )
        .send();
    assert_eq!(put.status, 200, "{}", put.body);

    let loan = created(request(&s, json!({"part_id": id(&bulk), "quantity": 1})));
    let loan = ok(&s, &s.manager, &loan, "approve", None);
    let loan = ok(
        &s,
        &s.clerk,
        &loan,
        "issue",
        Some(json!({"from_location_id": id(&s.warehouse)})),
    );
    assert_eq!(loan["due_on"], "2026-03-12");
    s.set_clock("2026-03-13T09:00:00+08:00");
    assert_eq!(overdue_ids(&s), vec![id(&loan).to_owned()]);
    let next = created(request(&s, json!({"part_id": id(&bulk), "quantity": 1})));
    assert_eq!(next["status"], "requested");
}
