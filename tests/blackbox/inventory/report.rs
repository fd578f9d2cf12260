//! INV-9: the monthly spare-parts report from the ledger: per part opening, in, out, loans,
//! losses and closing, as JSON and XLSX; the closing is opening + received − sent and the live stock.

use super::{Store, created, store};
use crate::tickets::id;
use serde_json::{Value, json};
use std::collections::BTreeMap;

fn report(s: &Store, query: &str) -> Value {
    let res = s
        .app
        .get(&format!("/api/v1/reports/spare-parts-monthly?{query}"))
        .bearer(&s.manager)
        .send();
    assert_eq!(res.status, 200, "{}", res.body);
    res.json()
}

fn lines(report: &Value) -> BTreeMap<String, Value> {
    report["lines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| (l["part_id"].as_str().unwrap().to_owned(), l.clone()))
        .collect()
}

fn figures(l: &Value) -> [i64; 6] {
    ["opening", "received", "sent", "loans", "losses", "closing"].map(|k| l[k].as_i64().unwrap())
}

#[test]
fn inv_9_the_closing_stock_is_opening_plus_in_minus_out_and_the_live_stock() {
    let mut s = store();
    let bulk = s.part("GST-DET-900", "bulk");
    let boards = s.part("GST-MB-900", "serialised");
    // February: stock arrives, some goes to an engineer.
    s.set_clock("2026-02-20T10:00:00+08:00");
    s.moved(
        json!({"kind": "receipt", "part_id": id(&bulk), "quantity": 10,
                   "to_location_id": id(&s.warehouse)}),
    );
    s.moved(
        json!({"kind": "receipt", "part_id": id(&boards), "serials": ["B1", "B2", "B3"],
                   "to_location_id": id(&s.warehouse)}),
    );
    s.moved(json!({"kind": "issue", "part_id": id(&bulk), "quantity": 4,
                   "from_location_id": id(&s.warehouse), "to_location_id": id(&s.hands1)}));
    // March: more arrives, one is used, one lost, a board lent out and one sent away.
    s.set_clock("2026-03-09T10:00:00+08:00");
    s.moved(
        json!({"kind": "receipt", "part_id": id(&bulk), "quantity": 5,
                   "to_location_id": id(&s.warehouse)}),
    );
    s.moved(
        json!({"kind": "consumption", "part_id": id(&bulk), "quantity": 1,
                   "from_location_id": id(&s.hands1)}),
    );
    s.moved(json!({"kind": "loss", "part_id": id(&bulk), "quantity": 1,
                   "from_location_id": id(&s.hands1)}));
    s.moved(
        json!({"kind": "return", "part_id": id(&bulk), "quantity": 1,
                   "from_location_id": id(&s.hands1), "to_location_id": id(&s.warehouse)}),
    );
    s.moved(
        json!({"kind": "damage", "part_id": id(&boards), "serials": ["B3"],
                   "from_location_id": id(&s.warehouse)}),
    );
    let loan = created(
        s.app
            .post("/api/v1/part-loans")
            .bearer(&s.eng1)
            .json(&json!({"part_id": id(&boards), "serials": ["B1"]}))
            .send(),
    );
    let approve = s
        .app
        .post(&format!("/api/v1/part-loans/{}/approve", id(&loan)))
        .bearer(&s.manager)
        .if_match(&format!("\"{}\"", loan["version"]))
        .send();
    assert_eq!(approve.status, 200, "{}", approve.body);
    let approved = approve.json();
    let issue = s
        .app
        .post(&format!("/api/v1/part-loans/{}/issue", id(&loan)))
        .bearer(&s.clerk)
        .if_match(&format!("\"{}\"", approved["version"]))
        .json(&json!({"from_location_id": id(&s.warehouse)}))
        .send();
    assert_eq!(issue.status, 200, "{}", issue.body);

    let march = report(&s, "month=2026-03");
    assert_eq!(
        (march["from"].clone(), march["to"].clone()),
        (json!("2026-03-01"), json!("2026-03-31"))
    );
    let by_part = lines(&march);
    assert_eq!(by_part.len(), 2);
    // The company's stock: moves between locations are neither in nor out.
    assert_eq!(figures(&by_part[id(&bulk)]), [10, 5, 2, 0, 1, 13]);
    assert_eq!(figures(&by_part[id(&boards)]), [3, 0, 1, 1, 1, 2]);
    assert_eq!(by_part[id(&bulk)]["code"], "GST-DET-900");
    // For every part: closing = opening + received − sent, and the live stock over all locations.
    let mut live: BTreeMap<String, i64> = BTreeMap::new();
    for l in s.items(&s.clerk, "/api/v1/stock-levels?limit=200") {
        *live
            .entry(l["part_id"].as_str().unwrap().to_owned())
            .or_default() += l["quantity"].as_i64().unwrap();
    }
    for (part, line) in &by_part {
        let [opening, received, sent, _, _, closing] = figures(line);
        assert_eq!(closing, opening + received - sent, "{line}");
        assert_eq!(closing, live[part], "{line}");
    }
    // February's closing is March's opening.
    let february = lines(&report(&s, "month=2026-02"));
    assert_eq!(figures(&february[id(&bulk)]), [0, 10, 0, 0, 0, 10]);
    assert_eq!(february[id(&boards)]["closing"], 3);

    // One location: the warehouse's moves to the engineers are its out.
    let warehouse = lines(&report(
        &s,
        &format!("month=2026-03&location_id={}", id(&s.warehouse)),
    ));
    assert_eq!(figures(&warehouse[id(&bulk)]), [6, 6, 0, 0, 0, 12]);
    assert_eq!(figures(&warehouse[id(&boards)]), [3, 0, 2, 1, 1, 1]);
    assert_eq!(
        warehouse[id(&bulk)]["closing"],
        s.level(&bulk, &s.warehouse)
    );
    assert_eq!(
        warehouse[id(&boards)]["closing"],
        s.level(&boards, &s.warehouse)
    );

    // As XLSX for finance; a malformed month names the field; engineers are refused.
    let xlsx = s
        .app
        .get("/api/v1/reports/spare-parts-monthly/export?month=2026-03&format=xlsx")
        .bearer(&s.manager)
        .send();
    assert_eq!(xlsx.status, 200, "{}", xlsx.body);
    assert!(
        xlsx.header("content-type")
            .unwrap()
            .contains("spreadsheetml"),
        "{:?}",
        xlsx.header("content-type")
    );
    let p = s
        .app
        .get("/api/v1/reports/spare-parts-monthly?month=2026-13")
        .bearer(&s.manager)
        .send()
        .problem(422, "validation");
    assert_eq!(p["errors"][0]["field"], "query.month");
    s.app
        .get("/api/v1/reports/spare-parts-monthly?month=2026-03")
        .bearer(&s.eng1)
        .send()
        .problem(403, "forbidden");
}
