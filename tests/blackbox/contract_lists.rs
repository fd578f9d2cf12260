//! The contract list as the other lists: CSV export, delta sync, the expiring filter (CON-3),
//! and the scanned signed contract as an attachment.

use crate::contracts::{create, listed, ok, yearly};
use crate::tickets::{id, world};
use serde_json::json;

#[test]
fn contracts_export_delta_sync_expiring_list_and_the_scanned_contract() {
    let mut w = world();
    let c = yearly(&w, &w.eng1_id, "express");
    let res = w
        .app
        .get("/api/v1/contracts/export?format=csv")
        .bearer(&w.admin)
        .send();
    assert_eq!(res.status, 200, "{}", res.body);
    let header = res
        .body
        .lines()
        .next()
        .unwrap()
        .trim_start_matches('\u{feff}')
        .to_owned();
    assert!(
        header.starts_with("id,title,customer_id,predecessor_id,site_ids"),
        "{header}"
    );
    assert!(res.body.contains("2026 年度维保合同") && res.body.contains(id(&c)));

    // Delta sync: only what changed after the instant.
    let since = "2026-03-06T10:00:00Z";
    w.set_clock("2026-03-07T09:00:00+08:00");
    let other = yearly(&w, &w.eng1_id.clone(), "tacit");
    assert_eq!(
        listed(&w, &w.admin, &format!("?updated_since={since}")),
        [id(&other).to_owned()]
    );

    // CON-3's list: signed or active contracts ending within N days.
    let short = create(
        &w,
        &w.admin,
        json!({"title": "短期合同", "customer_id": w.customer["id"],
        "signer_id": w.eng1_id, "period_start": "2026-03-01", "period_end": "2026-03-31",
        "amount_fen": 1, "renewal_mode": "express"}),
    );
    assert!(
        listed(&w, &w.admin, "?expiring_within_days=30").is_empty(),
        "a draft is not expiring"
    );
    let short = ok(&w, &w.eng1, &short, "sign", json!({}));
    assert_eq!(
        listed(&w, &w.admin, "?expiring_within_days=30"),
        [id(&short).to_owned()]
    );
    assert!(listed(&w, &w.admin, "?expiring_within_days=20").is_empty());
    w.app
        .get("/api/v1/contracts?expiring_within_days=4000")
        .bearer(&w.admin)
        .send()
        .problem(422, "validation");

    // The scanned signed contract hangs off the contract, seen with it.
    let scan = crate::feedback_forms::upload_png(
        &w.app,
        &w.eng1,
        ("contract", id(&short)),
        ("document", "scan.png"),
        &crate::feedback_forms::signature_png(3),
    );
    assert_eq!(scan["owner_type"], "contract");
    let res = w
        .app
        .get(&format!("/api/v1/attachments/{}", id(&scan)))
        .bearer(&w.eng2)
        .send();
    assert_eq!(res.status, 404, "{}", res.body);
    let res = w
        .app
        .get(&format!("/api/v1/attachments/{}", id(&scan)))
        .bearer(&w.eng1)
        .send();
    assert_eq!(res.status, 200, "{}", res.body);
}
