//! Change requests (TKT-12) over HTTP: every stage with its log, the manager's promised
//! date, the requesting engineer's test, delay notices before the promised date, and the
//! request a bug service record raises (TKT-6).

use crate::tickets::{World, id, world};
use crate::{actions, audit_of};
use serde_json::{Value, json};

fn request(w: &World, ticket: &Value) -> Value {
    let res = w
        .app
        .post(&format!("/api/v1/tickets/{}/change-requests", id(ticket)))
        .bearer(&w.eng1)
        .json(
            &json!({"title": "报警报表按防区汇总", "requirements": "增加按防区汇总页签",
                       "customer_stamp_ref": "FAX-0306-01"}),
        )
        .send();
    assert_eq!(res.status, 201, "{}", res.body);
    res.json()
}

fn cmd(w: &World, token: &str, cr: &Value, verb: &str, body: Value) -> kefu_blackbox::Resp {
    w.app
        .post(&format!("/api/v1/change-requests/{}/{verb}", id(cr)))
        .bearer(token)
        .if_match(&format!("\"{}\"", cr["version"]))
        .json(&body)
        .send()
}

fn ok(w: &World, token: &str, cr: &Value, verb: &str, body: Value) -> Value {
    let res = cmd(w, token, cr, verb, body);
    assert_eq!(res.status, 200, "{verb}: {}", res.body);
    res.json()
}

fn get(w: &World, token: &str, cr_id: &str) -> Value {
    let res = w
        .app
        .get(&format!("/api/v1/change-requests/{cr_id}"))
        .bearer(token)
        .send();
    assert_eq!(res.status, 200, "{}", res.body);
    res.json()
}

#[test]
fn tkt_12_a_change_request_goes_through_every_stage_with_its_log() {
    let w = world();
    let t = w.assign(&w.fault("normal"), &w.eng1_id);
    let cr = request(&w, &t);
    assert_eq!(
        (
            cr["stage"].clone(),
            cr["requested_by"].clone(),
            cr["customer_stamp_ref"].clone()
        ),
        (json!("requested"), json!(w.eng1_id), json!("FAX-0306-01"))
    );
    // Another engineer does not see it.
    w.app
        .get(&format!("/api/v1/change-requests/{}", id(&cr)))
        .bearer(&w.eng2)
        .send()
        .problem(404, "not-found");
    let listed = w
        .app
        .get("/api/v1/change-requests")
        .bearer(&w.eng2)
        .send()
        .json();
    assert_eq!(listed["items"], json!([]));

    let cr = ok(
        &w,
        &w.eng1,
        &cr,
        "confirm-requirements",
        json!({"reason": "已与王工确认"}),
    );
    assert_eq!(cr["stage"], "requirements_confirmed");
    // Only managers review, and the review promises a date.
    cmd(
        &w,
        &w.eng1,
        &cr,
        "review",
        json!({"note": "同意", "promised_date": "2026-03-20"}),
    )
    .problem(403, "forbidden");
    let p = cmd(&w, &w.manager, &cr, "review", json!({"note": "同意"})).problem(422, "validation");
    assert_eq!(p["errors"][0]["field"], "promised_date");
    assert_eq!(
        (&p["rule"], &p["errors"][0]["rule"]),
        (&json!("TKT-12"), &json!("TKT-12"))
    );
    let cr = ok(
        &w,
        &w.manager,
        &cr,
        "review",
        json!({"note": "同意修改", "promised_date": "2026-03-20"}),
    );
    assert_eq!(
        (
            cr["stage"].clone(),
            cr["promised_date"].clone(),
            cr["review_note"].clone()
        ),
        (json!("reviewed"), json!("2026-03-20"), json!("同意修改"))
    );
    // Out of turn is a conflict.
    cmd(&w, &w.eng1, &cr, "deliver", json!({})).rule_conflict("TKT-12");
    let cr = ok(&w, &w.manager, &cr, "start-development", json!({}));
    let cr = ok(
        &w,
        &w.manager,
        &cr,
        "submit-for-test",
        json!({"reason": "开发完成"}),
    );
    assert_eq!(cr["stage"], "testing");

    // The ticket goes to eng2, who now sees the request but may not test it.
    w.assign(&t, &w.eng2_id);
    let p = cmd(&w, &w.eng2, &cr, "pass-test", json!({})).problem(422, "rule-violation");
    assert_eq!(p["rule"], "TKT-12");
    let cr = ok(&w, &w.eng1, &cr, "pass-test", json!({"reason": "测试通过"}));
    assert_eq!(
        (cr["stage"].clone(), cr["tested_by"].clone()),
        (json!("tested"), json!(w.eng1_id))
    );
    let cr = ok(
        &w,
        &w.eng1,
        &cr,
        "deliver",
        json!({"reason": "已协助客户升级"}),
    );
    assert_eq!(cr["stage"], "delivered");
    cmd(
        &w,
        &w.eng1,
        &cr,
        "delay",
        json!({"new_promised_date": "2026-03-27", "reason": "x", "notified_contact": "王工"}),
    )
    .rule_conflict("TKT-12");
    let cr = ok(
        &w,
        &w.eng1,
        &cr,
        "record-feedback",
        json!({"feedback": "客户满意"}),
    );
    assert_eq!(
        (cr["stage"].clone(), cr["customer_feedback"].clone()),
        (json!("feedback_recorded"), json!("客户满意"))
    );

    // The stage log: each step with actor and reason.
    let got = get(&w, &w.manager, id(&cr));
    let log: Vec<(String, Value, Value, Value)> = got["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["action"].as_str().unwrap().to_owned(),
                e["to_stage"].clone(),
                e["actor_id"].clone(),
                e["reason"].clone(),
            )
        })
        .collect();
    let mgr_id = got["reviewed_by"].clone();
    let eng1 = json!(w.eng1_id);
    assert_eq!(
        log,
        vec![
            (
                "request".to_owned(),
                json!("requested"),
                eng1.clone(),
                json!("客户盖章申请 FAX-0306-01")
            ),
            (
                "confirm_requirements".to_owned(),
                json!("requirements_confirmed"),
                eng1.clone(),
                json!("已与王工确认")
            ),
            (
                "review".to_owned(),
                json!("reviewed"),
                mgr_id.clone(),
                json!("同意修改")
            ),
            (
                "start_development".to_owned(),
                json!("in_development"),
                mgr_id.clone(),
                Value::Null
            ),
            (
                "submit_for_test".to_owned(),
                json!("testing"),
                mgr_id.clone(),
                json!("开发完成")
            ),
            (
                "pass_test".to_owned(),
                json!("tested"),
                eng1.clone(),
                json!("测试通过")
            ),
            (
                "deliver".to_owned(),
                json!("delivered"),
                eng1.clone(),
                json!("已协助客户升级")
            ),
            (
                "record_feedback".to_owned(),
                json!("feedback_recorded"),
                eng1.clone(),
                json!("客户满意")
            ),
        ]
    );
    // The requesting engineer was told when the change was ready for testing.
    let inbox = w
        .app
        .get("/api/v1/me/notifications")
        .bearer(&w.eng1)
        .send()
        .json();
    assert!(
        inbox["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|n| n["kind"] == "change_request.ready_for_test")
    );
    let entries = audit_of(&w.app, &w.admin, "change_request", id(&cr));
    assert_eq!(
        actions(&entries),
        [
            "change_request.create",
            "change_request.confirm_requirements",
            "change_request.review",
            "change_request.start_development",
            "change_request.submit_for_test",
            "change_request.pass_test",
            "change_request.deliver",
            "change_request.record_feedback",
        ]
    );
    assert_eq!(entries[2]["actor_id"], mgr_id);
    assert_eq!(entries[2]["after"]["promised_date"], "2026-03-20");
}

#[test]
fn tkt_12_a_delay_is_announced_before_the_promised_date_and_kept_in_the_history() {
    let mut w = world();
    let t = w.assign(&w.fault("normal"), &w.eng1_id);
    let cr = request(&w, &t);
    let cr = ok(&w, &w.eng1, &cr, "confirm-requirements", json!({}));
    let cr = ok(
        &w,
        &w.manager,
        &cr,
        "review",
        json!({"note": "同意", "promised_date": "2026-03-20"}),
    );
    let due = |w: &World| -> Vec<Value> {
        let res = w
            .app
            .get("/api/v1/change-requests?delay_notice_due=true")
            .bearer(&w.manager)
            .send();
        assert_eq!(res.status, 200, "{}", res.body);
        res.json()["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["id"].clone())
            .collect()
    };
    // Friday 6 March: the 20th is far off.
    assert_eq!(due(&w), Vec::<Value>::new());

    let p = cmd(
        &w,
        &w.eng1,
        &cr,
        "delay",
        json!({"new_promised_date": "2026-03-20", "reason": "x", "notified_contact": "王工"}),
    )
    .problem(422, "validation");
    assert_eq!(p["errors"][0]["field"], "new_promised_date");
    let cr = ok(
        &w,
        &w.eng1,
        &cr,
        "delay",
        json!({"new_promised_date": "2026-03-27", "reason": "需求变更", "notified_contact": "王工"}),
    );
    assert_eq!(cr["promised_date"], "2026-03-27");
    assert_eq!(
        cr["delay_notices"],
        json!([{"old_promised_date": "2026-03-20", "new_promised_date": "2026-03-27",
                "reason": "需求变更", "notified_contact": "王工", "noticed_by": w.eng1_id,
                "noticed_at": "2026-03-06T09:30:00Z"}])
    );
    let cr = ok(&w, &w.manager, &cr, "start-development", json!({}));

    // Thursday 26 March: one working day before the 27th, the notice is due.
    w.set_clock("2026-03-26T09:00:00+08:00");
    assert_eq!(due(&w), vec![cr["id"].clone()]);
    // Friday 27 March, the promised day itself: too late to announce a delay.
    w.set_clock("2026-03-27T09:00:00+08:00");
    let p = cmd(
        &w,
        &w.eng1,
        &cr,
        "delay",
        json!({"new_promised_date": "2026-04-03", "reason": "来不及", "notified_contact": "王工"}),
    )
    .problem(422, "rule-violation");
    assert_eq!(p["rule"], "TKT-12");
    let got = get(&w, &w.eng1, id(&cr));
    assert_eq!(got["promised_date"], "2026-03-27");
    assert_eq!(got["delay_notices"].as_array().unwrap().len(), 1);
    let entries = audit_of(&w.app, &w.admin, "change_request", id(&cr));
    assert_eq!(
        actions(&entries),
        [
            "change_request.create",
            "change_request.confirm_requirements",
            "change_request.review",
            "change_request.delay",
            "change_request.start_development",
        ]
    );
    assert_eq!(entries[3]["before"]["promised_date"], "2026-03-20");
    assert_eq!(entries[3]["after"]["promised_date"], "2026-03-27");
}

#[test]
fn tkt_6_a_bug_service_record_raises_a_change_request_with_its_promised_date() {
    let w = world();
    let t = w.assign(&w.fault("normal"), &w.eng1_id);
    let res = w
        .app
        .post(&format!("/api/v1/tickets/{}/service-records", id(&t)))
        .bearer(&w.eng1)
        .json(
            &json!({"mode": "remote", "kind": "bug", "work_done": "复现问题",
                       "reproduction_steps": "打开报表", "error_text": "NullReference",
                       "promised_date": "2026-03-20"}),
        )
        .send();
    assert_eq!(res.status, 201, "{}", res.body);
    let rec = res.json();
    let cr_id = rec["change_request_id"]
        .as_str()
        .expect("a change request")
        .to_owned();
    let cr = get(&w, &w.eng1, &cr_id);
    assert_eq!(
        (
            cr["stage"].clone(),
            cr["promised_date"].clone(),
            cr["service_record_id"].clone(),
            cr["requested_by"].clone(),
            cr["ticket_id"].clone(),
            cr["customer_stamp_ref"].clone()
        ),
        (
            json!("requested"),
            json!("2026-03-20"),
            rec["id"].clone(),
            json!(w.eng1_id),
            t["id"].clone(),
            Value::Null
        )
    );
    assert!(
        cr["requirements"]
            .as_str()
            .unwrap()
            .contains("NullReference")
    );
    assert_eq!(cr["events"][0]["action"], "request");
    // The record's list names its request too.
    let list = w
        .app
        .get(&format!("/api/v1/tickets/{}/service-records", id(&t)))
        .bearer(&w.eng1)
        .send()
        .json();
    assert_eq!(list["items"][0]["change_request_id"], json!(cr_id));
    // The stamped application is needed before the requirements are confirmed.
    let p = cmd(&w, &w.eng1, &cr, "confirm-requirements", json!({})).problem(422, "rule-violation");
    assert_eq!(p["rule"], "TKT-12");
    let cr = ok(
        &w,
        &w.eng1,
        &cr,
        "confirm-requirements",
        json!({"customer_stamp_ref": "FAX-0307"}),
    );
    assert_eq!(cr["customer_stamp_ref"], "FAX-0307");
    let entries = audit_of(&w.app, &w.admin, "change_request", &cr_id);
    assert_eq!(
        actions(&entries),
        [
            "change_request.create",
            "change_request.confirm_requirements"
        ]
    );
    assert_eq!(entries[0]["actor_id"], json!(w.eng1_id));
    let rec_audit = audit_of(&w.app, &w.admin, "service_record", id(&rec));
    assert_eq!(rec_audit[0]["after"]["change_request_id"], json!(cr_id));
}

/// The scheduler's `change_requests.delay_watch`: one working day before the promised date
/// (the `service-deadlines` default) the requesting engineer and the managers are told, once.
#[test]
fn tkt_12_the_delay_watch_warns_before_the_promised_date_once() {
    let w = world();
    let t = w.assign(&w.fault("normal"), &w.eng1_id);
    let cr = request(&w, &t);
    let cr = ok(&w, &w.eng1, &cr, "confirm-requirements", json!({}));
    ok(
        &w,
        &w.manager,
        &cr,
        "review",
        json!({"note": "同意", "promised_date": "2026-03-20"}),
    );
    let runner = w
        .app
        .another_instance(&[("KEFU_JOBS_ENABLED", "1"), ("KEFU_JOBS_POLL_MS", "50")]);
    let inbox = |user: &str, password: &str| -> Vec<Value> {
        let token = w.app.token(user, password);
        let res = w.app.get("/api/v1/me/notifications").bearer(&token).send();
        assert_eq!(res.status, 200, "{}", res.body);
        res.json()["items"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|n| n["kind"] == "change_request.delay_notice_due")
            .cloned()
            .collect()
    };
    // Friday 6 March: nothing is due yet.
    std::thread::sleep(std::time::Duration::from_secs(2));
    assert!(inbox("eng1", "Engineer-pass-1").is_empty());
    // Thursday 19 March: the 20th is one working day away.
    std::fs::write(&w.clock, "2026-03-19T09:00:00+08:00").unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    while inbox("eng1", "Engineer-pass-1").is_empty() {
        assert!(
            std::time::Instant::now() < deadline,
            "no delay notice warning"
        );
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    std::thread::sleep(std::time::Duration::from_secs(2));
    for (user, password) in [("eng1", "Engineer-pass-1"), ("mgr", "Manager-pass-1")] {
        let got = inbox(user, password);
        assert_eq!(got.len(), 1, "{user}: {got:?}");
        assert_eq!(got[0]["entity_id"], cr["id"]);
    }
    assert!(inbox("eng2", "Engineer-pass-2").is_empty());
    drop(runner);
}
