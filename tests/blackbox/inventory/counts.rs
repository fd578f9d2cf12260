//! INV-7 daily counts: opening and closing counts of the fault-service centre, the anomalies
//! they raise (difference with both figures, damaged, below the minimum), their list, export
//! and notices, and the watch that flags a working day's missing count exactly once.

use super::{Store, created, store};
use crate::tickets::id;
use crate::{actions, audit_of};
use kefu_blackbox::Resp;
use serde_json::{Value, json};

fn centre(s: &Store) -> Value {
    created(
        s.app
            .post("/api/v1/stock-locations")
            .bearer(&s.clerk)
            .json(&json!({"kind": "service_centre", "name": "故障服务中心"}))
            .send(),
    )
}

fn submit(s: &Store, token: &str, body: Value) -> Resp {
    s.app
        .post("/api/v1/stock-counts")
        .bearer(token)
        .json(&body)
        .send()
}

/// The caller's inbox kinds.
fn told(s: &Store, token: &str, kind: &str) -> Vec<Value> {
    s.items(token, "/api/v1/me/notifications")
        .into_iter()
        .filter(|n| n["kind"] == kind)
        .collect()
}

#[test]
fn inv_7_the_closing_count_with_one_unit_missing_raises_a_difference() {
    let s = store();
    let centre = centre(&s);
    let boards = s.part("GST-MB-700", "serialised");
    let bulk = s.part("GST-DET-700", "bulk");
    s.moved(json!({"kind": "receipt", "part_id": id(&boards),
                   "serials": ["SN-1", "SN-2", "SN-3"], "to_location_id": id(&centre)}));
    s.moved(
        json!({"kind": "receipt", "part_id": id(&bulk), "quantity": 10,
                   "to_location_id": id(&centre)}),
    );

    // The opening count matches the books: no anomaly, nobody told.
    let opening = created(submit(
        &s,
        &s.clerk,
        json!({"location_id": id(&centre), "kind": "opening", "lines": [
            {"part_id": id(&boards), "serials": ["SN-3", "SN-1", "SN-2"]},
            {"part_id": id(&bulk), "quantity": 10}]}),
    ));
    assert_eq!(opening["anomalies"], json!([]));
    assert_eq!(opening["count"]["count_day"], "2026-03-09");
    assert_eq!(opening["count"]["anomaly_count"], 0);
    assert!(told(&s, &s.manager, "stock_count.anomalies").is_empty());

    // A minimum of 8 at the centre, above the part's own 2; one per part and location.
    let minimum = json!({"part_id": id(&bulk), "location_id": id(&centre), "min_quantity": 8});
    let set = s
        .app
        .post("/api/v1/stock-minimums")
        .bearer(&s.clerk)
        .json(&minimum)
        .send();
    let set = created(set);
    assert_eq!(set["min_quantity"], 8);
    s.app
        .post("/api/v1/stock-minimums")
        .bearer(&s.clerk)
        .json(&minimum)
        .send()
        .duplicate("part_id");

    // Closing: SN-2 is gone, 3 of the 10 detectors are damaged (7 usable, below 8).
    let res = submit(
        &s,
        &s.clerk,
        json!({"location_id": id(&centre), "kind": "closing", "note": "下班盘点", "lines": [
            {"part_id": id(&boards), "serials": ["SN-1", "SN-3"]},
            {"part_id": id(&bulk), "quantity": 10, "damaged_quantity": 3}]}),
    );
    let closing = created(res);
    let count = &closing["count"];
    assert_eq!(count["kind"], "closing");
    assert_eq!(count["anomaly_count"], 3);
    let anomalies = closing["anomalies"].as_array().unwrap();
    let of = |kind: &str| -> Value {
        anomalies
            .iter()
            .find(|a| a["kind"] == kind)
            .cloned()
            .unwrap_or_else(|| panic!("no {kind} in {anomalies:?}"))
    };
    let difference = of("difference");
    assert_eq!(difference["part_id"], id(&boards));
    assert_eq!(difference["expected_quantity"], 3);
    assert_eq!(difference["counted_quantity"], 2);
    assert_eq!(difference["missing_serials"], json!(["SN-2"]));
    assert_eq!(difference["unexpected_serials"], json!([]));
    assert_eq!(difference["count_id"], id(count));
    assert_eq!(difference["count_kind"], "closing");
    let damaged = of("damaged");
    assert_eq!(
        (
            damaged["part_id"].clone(),
            damaged["damaged_quantity"].clone()
        ),
        (json!(id(&bulk)), json!(3))
    );
    let below = of("below_minimum");
    assert_eq!(
        (
            below["counted_quantity"].clone(),
            below["min_quantity"].clone()
        ),
        (json!(10), json!(8))
    );

    // Stored and listed, with the figures.
    let listed = s.items(
        &s.manager,
        &format!("/api/v1/stock-count-anomalies?count_id={}", id(count)),
    );
    assert_eq!(listed.len(), 3);
    let stored = s.items(&s.manager, "/api/v1/stock-count-anomalies?kind=difference");
    assert_eq!(stored.len(), 1);
    assert_eq!(
        (
            stored[0]["expected_quantity"].clone(),
            stored[0]["counted_quantity"].clone()
        ),
        (json!(3), json!(2))
    );
    let got = s
        .app
        .get(&format!("/api/v1/stock-counts/{}", id(count)))
        .bearer(&s.manager)
        .send();
    assert_eq!(got.status, 200, "{}", got.body);
    assert_eq!(got.json()["lines"][0]["serials"], json!(["SN-1", "SN-3"]));
    // Delta sync returns them; the export has their columns.
    let since = "2026-03-09T00:00:00%2B08:00";
    assert_eq!(
        s.items(
            &s.manager,
            &format!("/api/v1/stock-count-anomalies?updated_since={since}")
        )
        .len(),
        3
    );
    let csv = s
        .app
        .get("/api/v1/stock-count-anomalies/export?format=csv&kind=difference")
        .bearer(&s.clerk)
        .send();
    assert_eq!(csv.status, 200, "{}", csv.body);
    let lines: Vec<&str> = csv.body.trim_start_matches('\u{feff}').lines().collect();
    assert!(lines[0].starts_with("id,kind,count_id,location_id,count_day,count_kind,part_id,expected_quantity,counted_quantity"), "{}", lines[0]);
    assert_eq!(lines.len(), 2, "{}", csv.body);

    // Audited, with the webhook event; the manager and the clerk are told once.
    let entries = audit_of(&s.app, &s.admin, "stock_count", id(count));
    assert_eq!(actions(&entries), vec!["stock_count.submit"]);
    let entries = audit_of(&s.app, &s.admin, "stock_count_anomaly", id(&difference));
    assert_eq!(actions(&entries), vec!["stock_count_anomaly.difference"]);
    assert_eq!(entries[0]["after"]["expected_quantity"], 3);
    for token in [&s.manager, &s.clerk] {
        let notices = told(&s, token, "stock_count.anomalies");
        assert_eq!(notices.len(), 1);
        assert_eq!(notices[0]["entity_id"], id(count));
    }
    assert!(told(&s, &s.eng1, "stock_count.anomalies").is_empty());

    // One closing count a day; the count moved no stock.
    submit(
        &s,
        &s.clerk,
        json!({"location_id": id(&centre), "kind": "closing", "lines": []}),
    )
    .duplicate("kind");
    assert_eq!(s.level(&boards, &centre), 3);
    assert_eq!(s.level(&bulk, &centre), 10);
}

#[test]
fn inv_7_counts_are_the_service_centres_and_fit_their_parts() {
    let s = store();
    let centre = centre(&s);
    let bulk = s.part("GST-DET-701", "bulk");
    // Only the service centre counts daily.
    let p = submit(
        &s,
        &s.clerk,
        json!({"location_id": id(&s.warehouse), "kind": "opening", "lines": []}),
    )
    .problem(422, "validation");
    assert_eq!(p["rule"], "INV-7");
    assert_eq!(p["errors"][0]["field"], "location_id");
    // A bulk part is counted, not listed by serial; damaged at most what was counted.
    let p = submit(
        &s,
        &s.clerk,
        json!({"location_id": id(&centre), "kind": "opening", "lines": [
            {"part_id": id(&bulk), "quantity": 1, "damaged_quantity": 2}]}),
    )
    .problem(422, "validation");
    assert_eq!(p["rule"], "INV-7");
    assert_eq!(p["errors"][0]["field"], "lines[0].damaged_quantity");
    let p = submit(
        &s,
        &s.clerk,
        json!({"location_id": id(&centre), "kind": "opening", "lines": [
            {"part_id": "nope", "quantity": 1}]}),
    )
    .problem(422, "validation");
    assert_eq!(p["errors"][0]["field"], "lines[0].part_id");
    // Nothing was stored by the refusals.
    assert!(s.items(&s.clerk, "/api/v1/stock-counts").is_empty());

    // Engineers neither count nor read counts; an unknown count is 404.
    submit(
        &s,
        &s.eng1,
        json!({"location_id": id(&centre), "kind": "opening", "lines": []}),
    )
    .problem(403, "forbidden");
    for path in [
        "/api/v1/stock-counts",
        "/api/v1/stock-count-anomalies",
        "/api/v1/stock-minimums",
    ] {
        s.app
            .get(path)
            .bearer(&s.eng1)
            .send()
            .problem(403, "forbidden");
    }
    s.app
        .get("/api/v1/stock-counts/nope")
        .bearer(&s.clerk)
        .send()
        .problem(404, "not-found");
}

#[test]
fn inv_7_a_working_day_without_its_closing_count_is_flagged_once() {
    let mut s = store();
    let centre = centre(&s);
    // Tuesday: the opening count only.
    s.set_clock("2026-03-10T09:00:00+08:00");
    created(submit(
        &s,
        &s.clerk,
        json!({"location_id": id(&centre), "kind": "opening", "lines": []}),
    ));
    // Wednesday: two instances run the watch; Tuesday's closing count is flagged once.
    s.set_clock("2026-03-11T08:30:00+08:00");
    let jobs = [("KEFU_JOBS_ENABLED", "1"), ("KEFU_JOBS_POLL_MS", "50")];
    let one = s.app.another_instance(&jobs);
    let two = s.app.another_instance(&jobs);
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    while told(&s, &s.clerk, "stock_count.missing").is_empty() {
        assert!(
            std::time::Instant::now() < deadline,
            "no stock_count.missing"
        );
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    std::thread::sleep(std::time::Duration::from_millis(500));
    drop((one, two));
    let missing = s.items(
        &s.manager,
        "/api/v1/stock-count-anomalies?kind=missing_count",
    );
    assert_eq!(missing.len(), 1, "{missing:?}");
    assert_eq!(missing[0]["location_id"], id(&centre));
    assert_eq!(missing[0]["count_day"], "2026-03-10");
    assert_eq!(missing[0]["count_kind"], "closing");
    assert_eq!(missing[0]["count_id"], Value::Null);
    assert_eq!(told(&s, &s.clerk, "stock_count.missing").len(), 1);
    assert_eq!(told(&s, &s.manager, "stock_count.missing").len(), 1);
    let entries = audit_of(&s.app, &s.admin, "stock_count_anomaly", id(&missing[0]));
    assert_eq!(actions(&entries), vec!["stock_count_anomaly.missing_count"]);
}
