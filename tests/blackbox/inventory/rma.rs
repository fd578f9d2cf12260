//! INV-6 RMA: a faulty unit leaves stock for its manufacturer with an `rma_out` row and comes
//! back repaired or replaced with an `rma_in` row; refusals name INV-6; the overdue list and
//! watch; ORG-5 on reads; export, delta sync and audit.

use super::{Store, created, store};
use crate::tickets::id;
use crate::{actions, audit_of};
use kefu_blackbox::Resp;
use serde_json::{Value, json};

fn send(s: &Store, token: &str, body: Value) -> Resp {
    s.app
        .post("/api/v1/part-rmas")
        .bearer(token)
        .json(&body)
        .send()
}

fn close(s: &Store, rma: &Value, body: Value) -> Resp {
    s.app
        .post(&format!("/api/v1/part-rmas/{}/close", id(rma)))
        .bearer(&s.clerk)
        .if_match(&format!("\"{}\"", rma["version"]))
        .json(&body)
        .send()
}

/// A 422 naming INV-6: the fields named, sorted.
fn refused(res: Resp) -> Vec<String> {
    assert_eq!(res.status, 422, "{}", res.body);
    let p = res.json();
    assert_eq!(p["rule"], "INV-6", "{p}");
    p["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap().to_owned())
        .collect()
}

/// The unit `serial` of `part` as the clerk lists it.
fn unit(s: &Store, part: &Value, serial: &str) -> Value {
    s.items(
        &s.clerk,
        &format!("/api/v1/serial-units?part_id={}&limit=200", id(part)),
    )
    .into_iter()
    .find(|u| u["serial"] == serial)
    .unwrap()
}

#[test]
fn inv_6_units_go_to_the_manufacturer_and_come_back_repaired_or_replaced() {
    let mut s = store();
    let boards = s.part("GST-MB-600", "serialised");
    let bulk = s.part("GST-DET-600", "bulk");
    s.moved(
        json!({"kind": "receipt", "part_id": id(&boards), "serials": ["SN-R1", "SN-R2"],
                   "to_location_id": id(&s.warehouse)}),
    );
    s.moved(
        json!({"kind": "receipt", "part_id": id(&bulk), "quantity": 3,
                   "to_location_id": id(&s.warehouse)}),
    );
    // An engineer brought SN-R2 back faulty: it is in their hands.
    s.moved(
        json!({"kind": "issue", "part_id": id(&boards), "serials": ["SN-R2"],
                   "from_location_id": id(&s.warehouse), "to_location_id": id(&s.hands1)}),
    );
    let rma1_body = json!({"part_id": id(&boards), "serial": "SN-R1",
        "from_location_id": id(&s.warehouse), "manufacturer": "海湾安全技术",
        "batch": "2025-11-B", "fault_reason": "主板无法上电"});

    // Only the office sends; what is sent is a named unit, by a day not in the future.
    send(&s, &s.eng1, rma1_body.clone()).problem(403, "forbidden");
    let mut bad = rma1_body.clone();
    bad["part_id"] = json!(id(&bulk));
    bad["serial"] = json!("X");
    bad["sent_on"] = json!("2026-03-10");
    assert_eq!(refused(send(&s, &s.clerk, bad)), vec!["part_id", "sent_on"]);
    let mut ghost = rma1_body.clone();
    ghost["serial"] = json!("SN-NOPE");
    assert_eq!(refused(send(&s, &s.clerk, ghost)), vec!["serial"]);

    // Sent: an `rma_out` row takes the unit out of the warehouse; it is at the manufacturer.
    let rma1 = created(send(&s, &s.clerk, rma1_body.clone()));
    assert_eq!(rma1["status"], "sent");
    assert_eq!(rma1["sent_on"], "2026-03-09");
    assert_eq!(rma1["manufacturer"], "海湾安全技术");
    assert_eq!(rma1["batch"], "2025-11-B");
    assert_eq!(rma1["overdue"], false);
    assert!(rma1["expected_back_on"].as_str().unwrap() > "2026-04-01");
    assert_eq!(s.level(&boards, &s.warehouse), 0);
    assert_eq!(unit(&s, &boards, "SN-R1")["status"], "at_manufacturer");
    let out = s.items(
        &s.clerk,
        &format!(
            "/api/v1/stock-movements?part_id={}&kind=rma_out",
            id(&boards)
        ),
    );
    assert_eq!(out.len(), 1);
    assert_eq!(out[0]["serial"], "SN-R1");
    assert_eq!(out[0]["from_location_id"], id(&s.warehouse));
    // The same unit cannot leave twice (INV-4: not in stock there).
    send(&s, &s.clerk, rma1_body).rule_conflict("INV-4");

    // ORG-5: the RMA of a unit from the first engineer's hands is theirs to read, not the
    // second's; the office reads all of them.
    let rma2 = created(send(
        &s,
        &s.clerk,
        json!({"part_id": id(&boards), "serial": "SN-R2", "from_location_id": id(&s.hands1),
               "manufacturer": "利达消防", "fault_reason": "通讯故障", "note": "现场带回"}),
    ));
    let path2 = format!("/api/v1/part-rmas/{}", id(&rma2));
    assert_eq!(s.app.get(&path2).bearer(&s.eng1).send().status, 200);
    s.app
        .get(&path2)
        .bearer(&s.eng2)
        .send()
        .problem(404, "not-found");
    assert!(s.items(&s.eng2, "/api/v1/part-rmas").is_empty());
    assert_eq!(s.items(&s.eng1, "/api/v1/part-rmas").len(), 1);
    s.app
        .get("/api/v1/part-rmas")
        .bearer(&s.contact)
        .send()
        .problem(403, "forbidden");
    let by_maker = s.items(
        &s.manager,
        "/api/v1/part-rmas?manufacturer=利达消防&status=sent",
    );
    assert_eq!(by_maker.len(), 1);
    assert_eq!(id(&by_maker[0]), id(&rma2));

    // A replacement needs its new serial and a location; then the new unit enters the books
    // with an `rma_in` row and the old one is written off.
    assert_eq!(
        refused(close(&s, &rma1, json!({"outcome": "replaced"}))),
        vec!["replacement_serial", "to_location_id"]
    );
    assert_eq!(
        refused(close(
            &s,
            &rma1,
            json!({"outcome": "written_off", "to_location_id": id(&s.warehouse),
                   "returned_on": "2026-03-01"})
        )),
        vec!["returned_on", "to_location_id"]
    );
    // A replacement serial already on the books is a 409 naming the field, and nothing moves.
    let taken = close(
        &s,
        &rma1,
        json!({"outcome": "replaced", "replacement_serial": "SN-R2",
               "to_location_id": id(&s.warehouse)}),
    )
    .problem(409, "conflict");
    assert_eq!(taken["errors"][0]["field"], "replacement_serial", "{taken}");
    assert_eq!(unit(&s, &boards, "SN-R1")["status"], "at_manufacturer");
    let res = close(
        &s,
        &rma1,
        json!({"outcome": "replaced", "replacement_serial": "SN-R1-NEW",
               "to_location_id": id(&s.warehouse), "outcome_note": "厂家更换新主板"}),
    );
    assert_eq!(res.status, 200, "{}", res.body);
    let rma1 = res.json();
    assert_eq!(rma1["status"], "replaced");
    assert_eq!(rma1["returned_on"], "2026-03-09");
    assert_eq!(rma1["replacement_serial"], "SN-R1-NEW");
    assert_eq!(
        rma1["replacement_unit_id"],
        unit(&s, &boards, "SN-R1-NEW")["id"]
    );
    assert_eq!(unit(&s, &boards, "SN-R1")["status"], "written_off");
    assert_eq!(unit(&s, &boards, "SN-R1-NEW")["status"], "in_stock");
    assert_eq!(s.level(&boards, &s.warehouse), 1);
    // Ended once (INV-6).
    close(&s, &rma1, json!({"outcome": "written_off"})).rule_conflict("INV-6");

    // Later than expected, the second is overdue: listed, and flagged once by the watch,
    // which tells the clerk.
    s.set_clock("2026-06-01T09:00:00+08:00");
    let overdue = s.items(&s.clerk, "/api/v1/part-rmas?overdue=true");
    assert_eq!(overdue.len(), 1);
    assert_eq!(id(&overdue[0]), id(&rma2));
    assert_eq!(overdue[0]["overdue"], true);
    let runner = s
        .app
        .another_instance(&[("KEFU_JOBS_ENABLED", "1"), ("KEFU_JOBS_POLL_MS", "50")]);
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    loop {
        let told = s
            .items(&s.clerk, "/api/v1/me/notifications")
            .iter()
            .filter(|n| n["kind"] == "part_rma.overdue" && n["entity_id"] == id(&rma2))
            .count();
        if told > 0 {
            assert_eq!(told, 1);
            break;
        }
        assert!(std::time::Instant::now() < deadline, "no part_rma.overdue");
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    drop(runner);
    let rma2 = s.app.get(&path2).bearer(&s.clerk).send().json();
    assert!(rma2["overdue_flagged_at"].is_string());

    // Repaired: the same unit comes back into stock with an `rma_in` row.
    let res = close(
        &s,
        &rma2,
        json!({"outcome": "returned", "to_location_id": id(&s.warehouse),
               "returned_on": "2026-05-29"}),
    );
    assert_eq!(res.status, 200, "{}", res.body);
    let rma2 = res.json();
    assert_eq!(
        (rma2["status"].clone(), rma2["overdue"].clone()),
        (json!("returned"), json!(false))
    );
    assert_eq!(unit(&s, &boards, "SN-R2")["location_id"], id(&s.warehouse));
    assert_eq!(s.level(&boards, &s.warehouse), 2);
    let back = s.items(
        &s.clerk,
        &format!(
            "/api/v1/stock-movements?part_id={}&kind=rma_in",
            id(&boards)
        ),
    );
    let serials: Vec<&str> = back.iter().map(|m| m["serial"].as_str().unwrap()).collect();
    assert_eq!(serials, vec!["SN-R1-NEW", "SN-R2"]);
    s.assert_levels_are_the_ledger();
    assert!(
        s.items(&s.clerk, "/api/v1/part-rmas?overdue=true")
            .is_empty()
    );

    // Delta sync, export and the audit trail with its events.
    let since = "2026-05-01T00:00:00%2B08:00";
    let changed = s.items(
        &s.clerk,
        &format!("/api/v1/part-rmas?updated_since={since}"),
    );
    assert_eq!(changed.len(), 1);
    let csv = s
        .app
        .get("/api/v1/part-rmas/export?format=csv&status=replaced")
        .bearer(&s.clerk)
        .send();
    assert_eq!(csv.status, 200, "{}", csv.body);
    let lines: Vec<&str> = csv.body.trim_start_matches('\u{feff}').lines().collect();
    assert!(
        lines[0].starts_with("id,part_id,serial_unit_id,serial,from_location_id,manufacturer"),
        "{}",
        lines[0]
    );
    assert_eq!(lines.len(), 2, "{}", csv.body);
    let trail = audit_of(&s.app, &s.admin, "part_rma", id(&rma1));
    assert_eq!(actions(&trail), vec!["part_rma.send", "part_rma.close"]);
    assert_eq!(trail[1]["after"]["status"], "replaced");
    let trail = audit_of(&s.app, &s.admin, "part_rma", id(&rma2));
    assert_eq!(
        actions(&trail),
        vec!["part_rma.send", "part_rma.overdue", "part_rma.close"]
    );
}
