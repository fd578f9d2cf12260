//! Correcting a ticket after it was opened (TKT-1), with its SLA due instants moved on a new
//! priority (TKT-2), on the file clock with the 2026 calendar.

use crate::tickets::{id, world};
use crate::{actions, audit_of};
use kefu_blackbox::Resp;
use serde_json::{Value, json};

fn patch(w: &crate::tickets::World, token: &str, ticket: &Value, body: Value) -> Resp {
    w.app
        .req("PATCH", &format!("/api/v1/tickets/{}", id(ticket)))
        .bearer(token)
        .if_match(&format!("\"{}\"", ticket["version"]))
        .json(&body)
        .send()
}

#[test]
fn tkt_1_a_corrected_ticket_moves_its_due_instants_and_logs_both() {
    let w = world();
    let normal = w.assign(&w.fault("normal"), &w.eng1_id);
    // What an urgent ticket opened at the same instant would be due at.
    let urgent = w.fault("urgent");
    assert_ne!(normal["resolution_due_at"], urgent["resolution_due_at"]);

    let res = patch(
        &w,
        &w.manager,
        &normal,
        json!({"priority": "urgent", "description": "主机离线，整栋楼无报警", "reason": "客户来电升级"}),
    );
    assert_eq!(res.status, 200, "{}", res.body);
    let fixed = res.json();
    assert_eq!(res.etag(), format!("\"{}\"", fixed["version"]));
    assert_eq!(fixed["version"], normal["version"].as_i64().unwrap() + 1);
    assert_eq!(fixed["priority"], "urgent");
    assert_eq!(fixed["description"], "主机离线，整栋楼无报警");
    assert_eq!(fixed["response_due_at"], urgent["response_due_at"]);
    assert_eq!(fixed["resolution_due_at"], urgent["resolution_due_at"]);
    assert_eq!(
        fixed["status"], normal["status"],
        "a correction is not a transition"
    );

    let log = w
        .app
        .get(&format!("/api/v1/tickets/{}/transitions", id(&normal)))
        .bearer(&w.manager)
        .send()
        .json();
    let edit = log["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["action"] == "edit")
        .unwrap_or_else(|| panic!("no edit in {log}"))
        .clone();
    let reason = edit["reason"].as_str().unwrap();
    assert!(reason.contains("priority normal → urgent"), "{reason}");
    assert!(reason.contains("description changed"), "{reason}");
    assert!(reason.contains("客户来电升级"), "{reason}");
    assert!(reason.contains("resolution due"), "{reason}");
    assert_eq!(edit["to_status"], normal["status"]);

    let audit = audit_of(&w.app, &w.admin, "ticket", id(&normal));
    assert_eq!(actions(&audit).last().unwrap(), "ticket.update");
    let last = audit.last().unwrap();
    assert_eq!(last["before"]["priority"], "normal");
    assert_eq!(last["after"]["priority"], "urgent");

    // A patch that changes nothing is no new version.
    let unchanged = patch(&w, &w.eng1, &fixed, json!({"contact_id": null}));
    assert_eq!(unchanged.status, 200, "{}", unchanged.body);
    assert_eq!(unchanged.json()["version"], fixed["version"]);
    // The engineer on the ticket corrects it too; then the version they read is stale.
    let by_engineer = patch(
        &w,
        &w.eng1,
        &fixed,
        json!({"description": "现场确认：通讯板损坏"}),
    );
    assert_eq!(by_engineer.status, 200, "{}", by_engineer.body);
    patch(&w, &w.eng1, &fixed, json!({"description": "旧版本"}))
        .problem(412, "precondition-failed");
}

#[test]
fn tkt_1_corrections_are_checked_scoped_and_end_with_the_ticket() {
    let w = world();
    let ticket = w.assign(&w.fault("normal"), &w.eng1_id);
    // ORG-5: the other engineer does not see it; a role without the permission is refused.
    patch(&w, &w.eng2, &ticket, json!({"priority": "high"})).problem(404, "not-found");
    w.app
        .create_user(&w.admin, "fin", &["finance"], "Finance-pass-1");
    let finance = w.app.token("fin", "Finance-pass-1");
    patch(&w, &finance, &ticket, json!({"priority": "high"})).problem(403, "forbidden");
    // TKT-1: a site of another customer is refused naming the field; nothing changes.
    let wrong = patch(
        &w,
        &w.manager,
        &ticket,
        json!({"site_id": w.other_site["id"]}),
    );
    assert_eq!(
        wrong.problem(422, "validation")["errors"][0]["field"],
        "site_id"
    );
    let same = w
        .app
        .get(&format!("/api/v1/tickets/{}", id(&ticket)))
        .bearer(&w.manager)
        .send()
        .json();
    assert_eq!(same["version"], ticket["version"]);
    assert_eq!(same["site_id"], w.site["id"]);
    // TKT-3: a cancelled ticket is final.
    let cancelled = w.ok(&w.manager, &ticket, "cancel", json!({"reason": "重复报修"}));
    patch(&w, &w.manager, &cancelled, json!({"priority": "high"})).rule_conflict("TKT-3");
}
