//! TKT-7 → TKT-9 over HTTP: receiving a signed feedback form creates its callback.

use crate::feedback_forms::{draft, form_ok, get, signature_png, upload_signature, visit};
use crate::tickets::{id, world};
use crate::{actions, audit_of};
use serde_json::json;

/// The whole TKT-7 → TKT-9 path: a signed form received on Wednesday is called back that
/// day by the clerk who took it in; a satisfied callback closes the resolved ticket. A form
/// a manager takes in on Saturday goes to the desk and is called back on Monday.
#[test]
fn tkt_9_a_form_received_on_wednesday_is_called_back_the_same_day() {
    let mut w = world();
    let clerk = w
        .app
        .create_user(&w.admin, "clerk1", &["clerk"], "Clerk-pass-1");
    w.set_clock("2026-03-10T15:00:00+08:00");
    let v = visit(&w, true);
    let form = draft(&w, &v);
    let png = signature_png(3);
    let sig = upload_signature(&w, &w.eng1, ("feedback_form", id(&form)), &png);
    let form = form_ok(
        &w,
        &w.eng1,
        "POST",
        &form,
        "/sign",
        json!({"signature_attachment_id": sig, "signer_name": "王经理"}),
    );
    let ticket = get(
        &w,
        &w.admin,
        &format!("/api/v1/tickets/{}", v["ticket_id"].as_str().unwrap()),
    );
    let ticket = if ticket["status"] == "assigned" {
        w.ok(&w.eng1, &ticket, "start", json!({}))
    } else {
        ticket
    };
    let ticket = w.ok(
        &w.eng1,
        &ticket,
        "resolve",
        json!({"resolution_summary": "更换通讯板"}),
    );

    w.set_clock("2026-03-11T16:20:00+08:00");
    let clerk_token = w.app.token("clerk1", "Clerk-pass-1");
    let form = form_ok(&w, &clerk_token, "POST", &form, "/receive", json!({}));
    assert_eq!(form["status"], "received");
    let page = get(
        &w,
        &clerk_token,
        &format!("/api/v1/callbacks?ticket_id={}", id(&ticket)),
    );
    let items = page["items"].as_array().unwrap();
    assert_eq!(items.len(), 1, "{page}");
    let callback = &items[0];
    assert_eq!(
        (
            &callback["source"],
            &callback["feedback_form_id"],
            &callback["due_date"],
            &callback["assignee_id"],
            &callback["status"]
        ),
        (
            &json!("feedback_form"),
            &form["id"],
            &json!("2026-03-11"),
            &clerk["id"],
            &json!("open")
        )
    );
    // The receipt and its callback are one transaction: both audited, in that order.
    let audit = audit_of(&w.app, &w.admin, "callback", id(callback));
    assert_eq!(actions(&audit), ["callback.create"]);
    assert_eq!(audit[0]["actor_id"], clerk["id"]);

    let res = w
        .app
        .post(&format!("/api/v1/callbacks/{}/complete", id(callback)))
        .bearer(&clerk_token)
        .if_match(&format!("\"{}\"", callback["version"]))
        .json(&json!({"form_signed": true, "timeliness": 5, "attitude": 5,
                      "technical": 4, "result_ok": true, "satisfied": true}))
        .send();
    assert_eq!(res.status, 200, "{}", res.body);
    let closed = get(&w, &w.admin, &format!("/api/v1/tickets/{}", id(&ticket)));
    assert_eq!(closed["status"], "closed");

    // Saturday 14 March: a manager takes a form in; the desk's clerk calls on Monday.
    w.set_clock("2026-03-13T15:00:00+08:00");
    let v = visit(&w, true);
    let form = draft(&w, &v);
    let sig = upload_signature(&w, &w.eng1, ("feedback_form", id(&form)), &png);
    let form = form_ok(
        &w,
        &w.eng1,
        "POST",
        &form,
        "/sign",
        json!({"signature_attachment_id": sig, "signer_name": "王经理"}),
    );
    w.set_clock("2026-03-14T10:00:00+08:00");
    form_ok(&w, &w.manager, "POST", &form, "/receive", json!({}));
    let page = get(
        &w,
        &w.manager,
        &format!(
            "/api/v1/callbacks?ticket_id={}",
            v["ticket_id"].as_str().unwrap()
        ),
    );
    let items = page["items"].as_array().unwrap();
    assert_eq!(items.len(), 1, "{page}");
    assert_eq!(
        (&items[0]["due_date"], &items[0]["assignee_id"]),
        (&json!("2026-03-16"), &clerk["id"])
    );
}
