//! INV-8 rotation: the units idle longest are suggested first; a loan's issue of younger units
//! is recorded with the units it passed over, not refused; ORG-5 on the suggestion.

use super::{Store, created, store};
use crate::tickets::id;
use serde_json::{Value, json};

fn suggestion(s: &Store, token: &str, part: &Value, location: &Value) -> Value {
    let res = s
        .app
        .get(&format!(
            "/api/v1/parts/{}/issue-suggestion?location_id={}",
            id(part),
            id(location)
        ))
        .bearer(token)
        .send();
    assert_eq!(res.status, 200, "{}", res.body);
    res.json()
}

fn serials(out: &Value) -> Vec<String> {
    out["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["serial"].as_str().unwrap().to_owned())
        .collect()
}

/// Requests, approves and issues a loan of `serial` from the warehouse.
fn issued(s: &Store, part: &Value, serial: &str) -> Value {
    let loan = created(
        s.app
            .post("/api/v1/part-loans")
            .bearer(&s.eng1)
            .json(&json!({"part_id": id(part), "serials": [serial]}))
            .send(),
    );
    let mut loan = loan;
    for (token, verb, body) in [
        (&s.manager, "approve", None),
        (
            &s.clerk,
            "issue",
            Some(json!({"from_location_id": id(&s.warehouse)})),
        ),
    ] {
        let mut req = s
            .app
            .post(&format!("/api/v1/part-loans/{}/{verb}", id(&loan)))
            .bearer(token)
            .if_match(&format!("\"{}\"", loan["version"]));
        if let Some(body) = body {
            req = req.json(&body);
        }
        let res = req.send();
        assert_eq!(res.status, 200, "{verb}: {}", res.body);
        loan = res.json();
    }
    loan
}

#[test]
fn inv_8_the_oldest_idle_unit_is_suggested_first_and_passing_it_over_is_recorded() {
    let mut s = store();
    let boards = s.part("GST-MB-800", "serialised");
    let bulk = s.part("GST-DET-800", "bulk");
    s.moved(
        json!({"kind": "receipt", "part_id": id(&boards), "serials": ["R-OLD"],
                   "to_location_id": id(&s.warehouse)}),
    );
    s.moved(
        json!({"kind": "receipt", "part_id": id(&bulk), "quantity": 4,
                   "to_location_id": id(&s.warehouse)}),
    );
    let path = format!(
        "/api/v1/parts/{}/issue-suggestion?location_id={}",
        id(&boards),
        id(&s.warehouse)
    );
    s.app
        .get(&path)
        .bearer(&s.contact)
        .send()
        .problem(403, "forbidden");
    // A day later two more arrive.
    s.set_clock("2026-03-10T10:00:00+08:00");
    s.moved(
        json!({"kind": "receipt", "part_id": id(&boards), "serials": ["R-NEW2", "R-NEW1"],
                   "to_location_id": id(&s.warehouse)}),
    );

    let out = suggestion(&s, &s.clerk, &boards, &s.warehouse);
    assert_eq!(serials(&out), vec!["R-OLD", "R-NEW1", "R-NEW2"]);
    assert_eq!(out["items"][0]["idle_days"], 1);
    assert_eq!(out["items"][1]["idle_days"], 0);
    assert!(
        suggestion(&s, &s.clerk, &bulk, &s.warehouse)["items"]
            .as_array()
            .unwrap()
            .is_empty()
    );
    // ORG-5: an engineer sees the suggestion for their own hands, not the warehouse's stock.
    assert!(serials(&suggestion(&s, &s.eng1, &boards, &s.hands1)).is_empty());
    s.app
        .get(&path)
        .bearer(&s.eng1)
        .send()
        .problem(404, "not-found");

    // Issuing a younger unit is allowed; the older one passed over is recorded on the loan.
    let loan = issued(&s, &boards, "R-NEW1");
    assert_eq!(loan["status"], "issued");
    assert_eq!(loan["rotation_passed_over"], json!(["R-OLD"]));
    let stored = s
        .app
        .get(&format!("/api/v1/part-loans/{}", id(&loan)))
        .bearer(&s.clerk)
        .send()
        .json();
    assert_eq!(stored["rotation_passed_over"], json!(["R-OLD"]));
    // Following the suggestion records nothing passed over.
    let loan = issued(&s, &boards, "R-OLD");
    assert_eq!(loan["rotation_passed_over"], json!([]));
    assert_eq!(
        serials(&suggestion(&s, &s.clerk, &boards, &s.warehouse)),
        vec!["R-NEW2"]
    );
}

#[test]
fn inv_8_a_plain_issue_out_of_rotation_is_recorded_on_its_ledger_rows() {
    let mut s = store();
    let boards = s.part("GST-MB-810", "serialised");
    let bulk = s.part("GST-DET-810", "bulk");
    s.moved(
        json!({"kind": "receipt", "part_id": id(&boards), "serials": ["P-OLD"],
                   "to_location_id": id(&s.warehouse)}),
    );
    s.moved(
        json!({"kind": "receipt", "part_id": id(&bulk), "quantity": 4,
                   "to_location_id": id(&s.warehouse)}),
    );
    s.set_clock("2026-03-10T10:00:00+08:00");
    s.moved(
        json!({"kind": "receipt", "part_id": id(&boards), "serials": ["P-NEW1", "P-NEW2"],
                   "to_location_id": id(&s.warehouse)}),
    );
    let issue = |serials: &[&str]| {
        s.moved(
            json!({"kind": "issue", "part_id": id(&boards), "serials": serials,
                       "from_location_id": id(&s.warehouse), "to_location_id": id(&s.hands1)}),
        )
    };

    // Issuing a younger unit is allowed; the older one passed over is on the issue's row.
    let rows = issue(&["P-NEW1"]);
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0]["rotation_passed_over"], json!(["P-OLD"]));
    // Following the suggestion passes nothing over.
    let rows = issue(&["P-OLD"]);
    assert_eq!(rows[0]["rotation_passed_over"], json!([]));
    // Bulk issues and other movements carry no flag.
    let rows = s.moved(json!({"kind": "issue", "part_id": id(&bulk), "quantity": 1,
                   "from_location_id": id(&s.warehouse), "to_location_id": id(&s.hands1)}));
    assert!(rows[0]["rotation_passed_over"].is_null());
    // Stored: the ledger lists the flag, and exports it.
    let ledger = s.items(
        &s.clerk,
        &format!("/api/v1/stock-movements?part_id={}&kind=issue", id(&boards)),
    );
    let flagged: Vec<&Value> = ledger
        .iter()
        .filter(|m| m["rotation_passed_over"] == json!(["P-OLD"]))
        .collect();
    assert_eq!(flagged.len(), 1);
    assert_eq!(flagged[0]["serial"], "P-NEW1");
    let csv = s
        .app
        .get("/api/v1/stock-movements/export?format=csv")
        .bearer(&s.clerk)
        .send();
    assert_eq!(csv.status, 200);
    assert!(csv.body.contains("rotation_passed_over"), "{}", csv.body);
}
