//! Issue 17: reads of tickets, visits, feedback forms, callbacks, change requests and work
//! orders carry `allowed_actions`, and the server then accepts exactly those. Each resource is
//! walked through each of its states; in each, callers in different roles (a manager, the
//! record's engineer, another engineer, the customer-service desk) try every action of the
//! resource with a valid body: a listed one must be accepted (on a fresh record in the same
//! state), one not listed refused (403/404/409/422) and the record left as it was. The list
//! read, the item of the list page and the command's answer say the same.

mod probe;

use crate::feedback_forms::{draft, signature_png, upload_signature, visit};
use crate::knowledge_base::article;
use crate::tickets::{World, id, world};
use probe::{Probe, clerk, created, names, step};
use serde_json::{Value, json};

#[test]
fn issue_17_ticket_actions_are_listed_exactly_when_accepted() {
    let w = world();
    let clerk = clerk(&w);
    const T: &str = "/api/v1/tickets";
    let eng1_id = w.eng1_id.clone();
    let body = move |action: &str, _: &Value| match action {
        "assign" => json!({"assignee_id": eng1_id, "planned_start": "2026-03-10T09:00:00+08:00",
                           "planned_end": "2026-03-10T11:00:00+08:00"}),
        "wait" | "cancel" | "reopen" => json!({"reason": "客户要求"}),
        "resolve" => json!({"resolution_summary": "更换通讯板"}),
        "confirm_appointment" => json!({"confirmed_with": "王工"}),
        "missed_appointment" => json!({"reason": "堵车", "customer_consented": true}),
        _ => json!({}),
    };
    let probe = Probe {
        w: &w,
        base: T,
        actions: &[
            ("assign", "POST", "/assign"),
            ("start", "POST", "/start"),
            ("wait", "POST", "/wait"),
            ("resume", "POST", "/resume"),
            ("resolve", "POST", "/resolve"),
            ("close", "POST", "/close"),
            ("cancel", "POST", "/cancel"),
            ("reopen", "POST", "/reopen"),
            ("confirm_appointment", "POST", "/confirm-appointment"),
            ("missed_appointment", "POST", "/missed-appointment"),
        ],
        body: &body,
    };
    let assigned = || w.assign(&w.fault("normal"), &w.eng1_id);
    let started = || w.ok(&w.eng1, &assigned(), "start", json!({}));
    let resolved = || {
        let t = started();
        w.ok(
            &w.eng1,
            &t,
            "resolve",
            json!({"resolution_summary": "修好"}),
        )
    };
    // TKT-11: a ticket with an unfinished work order does not resolve.
    let blocked = || {
        let t = started();
        created(
            w.app
                .post(&format!("/api/v1/tickets/{}/work-orders", id(&t)))
                .bearer(&w.eng1)
                .json(&json!({"target": "technical", "title": "固件问题", "description": "收不到报警"}))
                .send(),
        );
        probe_ticket(&w, &t)
    };
    let states: [(&str, &dyn Fn() -> Value); 8] = [
        ("new", &|| w.fault("normal")),
        ("assigned", &assigned),
        ("in_progress", &started),
        ("in_progress, work order open", &blocked),
        ("waiting_customer", &|| {
            w.ok(&w.eng1, &started(), "wait", json!({"reason": "等备件"}))
        }),
        ("resolved", &resolved),
        ("closed", &|| w.ok(&clerk, &resolved(), "close", json!({}))),
        ("cancelled", &|| {
            w.ok(
                &w.manager,
                &w.fault("normal"),
                "cancel",
                json!({"reason": "撤销"}),
            )
        }),
    ];
    let callers = [
        ("manager", w.manager.as_str()),
        ("assignee", w.eng1.as_str()),
        ("other engineer", w.eng2.as_str()),
        ("clerk", clerk.as_str()),
    ];
    let mut accepted = 0;
    for (state, make) in states {
        accepted += probe.walk(state, make, &callers);
    }
    // Sanity: the walk did accept commands, not only refuse them.
    assert!(accepted >= 20, "{accepted}");
    // The assignee of an assigned ticket with a window: start and the appointment commands.
    assert_eq!(
        names(&probe.read(&w.eng1, &assigned()).unwrap()),
        ["start", "confirm_appointment", "missed_appointment"]
    );
}

#[test]
fn issue_17_visit_actions_are_listed_exactly_when_accepted() {
    let w = world();
    let clerk = clerk(&w);
    const V: &str = "/api/v1/visits";
    let body = |action: &str, _: &Value| match action {
        "finish" => json!({"resolved": true}),
        "escalate" => json!({"reason": "需返厂"}),
        _ => json!({}),
    };
    let probe = Probe {
        w: &w,
        base: V,
        actions: &[
            ("approve", "POST", "/approve"),
            ("reject", "POST", "/reject"),
            ("depart", "POST", "/depart"),
            ("arrive", "POST", "/arrive"),
            ("finish", "POST", "/finish"),
            ("escalate", "POST", "/escalate"),
        ],
        body: &body,
    };
    let requested_on = |t: &Value| {
        created(
            w.app
                .post(&format!("/api/v1/tickets/{}/visits", id(t)))
                .bearer(&w.eng1)
                .json(&json!({"planned_date": "2026-03-10", "purpose": "现场检修"}))
                .send(),
        )
    };
    let requested = || requested_on(&w.assign(&w.fault("normal"), &w.eng1_id));
    let approved = || step(&w, &w.manager, V, &requested(), "approve", json!({}));
    let departed = || step(&w, &w.eng1, V, &approved(), "depart", json!({}));
    let arrived = || step(&w, &w.eng1, V, &departed(), "arrive", json!({}));
    let states: [(&str, &dyn Fn() -> Value); 9] = [
        ("requested", &requested),
        ("approved", &approved),
        ("rejected", &|| {
            step(&w, &w.manager, V, &requested(), "reject", json!({}))
        }),
        // TKT-5: nobody departs for a ticket no longer worked on.
        ("approved, ticket resolved", &|| {
            let t = w.ok(
                &w.eng1,
                &w.assign(&w.fault("normal"), &w.eng1_id),
                "start",
                json!({}),
            );
            let v = step(&w, &w.manager, V, &requested_on(&t), "approve", json!({}));
            let t = probe_ticket(&w, &t);
            w.ok(
                &w.eng1,
                &t,
                "resolve",
                json!({"resolution_summary": "电话解决"}),
            );
            v
        }),
        ("departed", &departed),
        ("arrived", &arrived),
        ("arrived, escalated", &|| {
            step(
                &w,
                &w.eng1,
                V,
                &arrived(),
                "escalate",
                json!({"reason": "x"}),
            )
        }),
        ("finished", &|| {
            step(
                &w,
                &w.eng1,
                V,
                &arrived(),
                "finish",
                json!({"resolved": false}),
            )
        }),
        ("finished, escalated", &|| {
            let v = step(
                &w,
                &w.eng1,
                V,
                &arrived(),
                "finish",
                json!({"resolved": false}),
            );
            step(&w, &w.eng1, V, &v, "escalate", json!({"reason": "x"}))
        }),
    ];
    let callers = [
        ("manager", w.manager.as_str()),
        ("engineer", w.eng1.as_str()),
        ("other engineer", w.eng2.as_str()),
        ("clerk", clerk.as_str()),
    ];
    let mut accepted = 0;
    for (state, make) in states {
        accepted += probe.walk(state, make, &callers);
    }
    assert!(accepted >= 8, "{accepted}");
}

/// The ticket `t` as it is now (its version moved with the visit's log entries).
fn probe_ticket(w: &World, t: &Value) -> Value {
    w.app
        .get(&format!("/api/v1/tickets/{}", id(t)))
        .bearer(&w.manager)
        .send()
        .json()
}

#[test]
fn issue_17_feedback_form_actions_are_listed_exactly_when_accepted() {
    let w = world();
    let clerk = clerk(&w);
    const F: &str = "/api/v1/feedback-forms";
    let body = |action: &str, form: &Value| match action {
        "update" => json!({"work_done": "更换通讯板，联网测试正常"}),
        "sign" => {
            let sig = upload_signature(&w, &w.eng1, ("feedback_form", id(form)), &signature_png(7));
            json!({"signature_attachment_id": sig, "signer_name": "王经理"})
        }
        "amend" => json!({"reason": "漏填电源模块"}),
        _ => json!({}),
    };
    let probe = Probe {
        w: &w,
        base: F,
        actions: &[
            ("update", "PATCH", ""),
            ("sign", "POST", "/sign"),
            ("amend", "POST", "/amendments"),
            ("receive", "POST", "/receive"),
        ],
        body: &body,
    };
    let signed_after = |finished: bool| {
        let form = draft(&w, &visit(&w, finished));
        let b = body("sign", &form);
        step(&w, &w.eng1, F, &form, "sign", b)
    };
    let received = || step(&w, &clerk, F, &signed_after(true), "receive", json!({}));
    let states: [(&str, &dyn Fn() -> Value); 5] = [
        ("draft", &|| draft(&w, &visit(&w, true))),
        ("signed", &|| signed_after(true)),
        // TKT-7: the office takes a form in once the visit has finished.
        ("signed on site", &|| signed_after(false)),
        ("received", &received),
        ("received, amendment pending", &|| {
            step(
                &w,
                &w.eng1,
                F,
                &received(),
                "amendments",
                json!({"reason": "补充"}),
            )
        }),
    ];
    let callers = [
        ("manager", w.manager.as_str()),
        ("engineer", w.eng1.as_str()),
        ("other engineer", w.eng2.as_str()),
        ("clerk", clerk.as_str()),
    ];
    let mut accepted = 0;
    for (state, make) in states {
        accepted += probe.walk(state, make, &callers);
    }
    assert!(accepted >= 8, "{accepted}");
}

#[test]
fn issue_17_callback_actions_are_listed_exactly_when_accepted() {
    let w = world();
    let clerk = clerk(&w);
    const C: &str = "/api/v1/callbacks";
    let answers = json!({"form_signed": true, "timeliness": 5, "attitude": 5, "technical": 4,
                         "result_ok": true, "satisfied": true});
    let body = |action: &str, _: &Value| match action {
        "attempt" => json!({"note": "无人接听"}),
        _ => answers.clone(),
    };
    let probe = Probe {
        w: &w,
        base: C,
        actions: &[
            ("attempt", "POST", "/attempt"),
            ("complete", "POST", "/complete"),
        ],
        body: &body,
    };
    let open = || {
        let t = w.ok(
            &w.eng1,
            &w.assign(&w.fault("normal"), &w.eng1_id),
            "start",
            json!({}),
        );
        let t = w.ok(
            &w.eng1,
            &t,
            "resolve",
            json!({"resolution_summary": "修好"}),
        );
        created(
            w.app
                .post(C)
                .bearer(&clerk)
                .json(&json!({"ticket_id": id(&t), "source": "manual"}))
                .send(),
        )
    };
    let states: [(&str, &dyn Fn() -> Value); 3] = [
        ("open", &open),
        ("open, attempted", &|| {
            step(&w, &clerk, C, &open(), "attempt", json!({"note": "占线"}))
        }),
        ("done", &|| {
            step(&w, &clerk, C, &open(), "complete", answers.clone())
        }),
    ];
    let callers = [
        ("manager", w.manager.as_str()),
        ("engineer", w.eng1.as_str()),
        ("other engineer", w.eng2.as_str()),
        ("clerk", clerk.as_str()),
    ];
    let mut accepted = 0;
    for (state, make) in states {
        accepted += probe.walk(state, make, &callers);
    }
    assert!(accepted >= 6, "{accepted}");
}

#[test]
fn issue_17_change_request_actions_are_listed_exactly_when_accepted() {
    let w = world();
    let clerk = clerk(&w);
    const R: &str = "/api/v1/change-requests";
    let body = |action: &str, _: &Value| match action {
        "review" => json!({"note": "同意", "promised_date": "2026-03-20"}),
        "reject" => json!({"note": "不做", "approve": false}),
        "record_feedback" => json!({"feedback": "客户满意"}),
        "delay" => json!({"new_promised_date": "2026-03-27", "reason": "联调延后",
                          "notified_contact": "王工"}),
        "cancel" => json!({"reason": "客户撤回"}),
        _ => json!({}),
    };
    let probe = Probe {
        w: &w,
        base: R,
        actions: &[
            ("confirm_requirements", "POST", "/confirm-requirements"),
            ("review", "POST", "/review"),
            ("reject", "POST", "/review"),
            ("start_development", "POST", "/start-development"),
            ("submit_for_test", "POST", "/submit-for-test"),
            ("pass_test", "POST", "/pass-test"),
            ("deliver", "POST", "/deliver"),
            ("record_feedback", "POST", "/record-feedback"),
            ("delay", "POST", "/delay"),
            ("cancel", "POST", "/cancel"),
        ],
        body: &body,
    };
    let requested = || {
        let t = w.assign(&w.fault("normal"), &w.eng1_id);
        created(
            w.app
                .post(&format!("/api/v1/tickets/{}/change-requests", id(&t)))
                .bearer(&w.eng1)
                .json(
                    &json!({"title": "报表按防区汇总", "requirements": "增加页签",
                              "customer_stamp_ref": "FAX-0306-01"}),
                )
                .send(),
        )
    };
    let m = w.manager.as_str();
    let e = w.eng1.as_str();
    let confirmed = || step(&w, e, R, &requested(), "confirm-requirements", json!({}));
    let reviewed = || {
        step(
            &w,
            m,
            R,
            &confirmed(),
            "review",
            body("review", &Value::Null),
        )
    };
    let developing = || step(&w, m, R, &reviewed(), "start-development", json!({}));
    let testing = || step(&w, m, R, &developing(), "submit-for-test", json!({}));
    let tested = || step(&w, e, R, &testing(), "pass-test", json!({}));
    let delivered = || step(&w, e, R, &tested(), "deliver", json!({}));
    let states: [(&str, &dyn Fn() -> Value); 10] = [
        ("requested", &requested),
        ("requirements_confirmed", &confirmed),
        ("reviewed", &reviewed),
        ("in_development", &developing),
        ("testing", &testing),
        ("tested", &tested),
        ("delivered", &delivered),
        ("feedback_recorded", &|| {
            step(
                &w,
                e,
                R,
                &delivered(),
                "record-feedback",
                body("record_feedback", &Value::Null),
            )
        }),
        ("rejected", &|| {
            step(
                &w,
                m,
                R,
                &confirmed(),
                "review",
                body("reject", &Value::Null),
            )
        }),
        ("cancelled", &|| {
            step(
                &w,
                m,
                R,
                &requested(),
                "cancel",
                body("cancel", &Value::Null),
            )
        }),
    ];
    let callers = [
        ("manager", m),
        ("requesting engineer", e),
        ("other engineer", w.eng2.as_str()),
        ("clerk", clerk.as_str()),
    ];
    let mut accepted = 0;
    for (state, make) in states {
        accepted += probe.walk(state, make, &callers);
    }
    assert!(accepted >= 15, "{accepted}");
}

#[test]
fn issue_17_work_order_actions_are_listed_exactly_when_accepted() {
    let w = world();
    let clerk = clerk(&w);
    let tech = w
        .app
        .create_user(&w.admin, "jishu", &["engineer"], "Tech-pass-1");
    let tech_token = w.app.token("jishu", "Tech-pass-1");
    const O: &str = "/api/v1/work-orders";
    let kb = article(
        &w.app,
        &clerk,
        json!({"title": "固件回退", "problem": "升级后无法上报", "answer": "联系客服远程回退固件。"}),
    );
    let kb_id = id(&kb).to_owned();
    let body = |action: &str, _: &Value| match action {
        "solve" => json!({"solution": "回退固件"}),
        "close" => json!({"kb_article_id": kb_id}),
        "cancel" => json!({"reason": "重复提交"}),
        _ => json!({}),
    };
    let probe = Probe {
        w: &w,
        base: O,
        actions: &[
            ("start", "POST", "/start"),
            ("solve", "POST", "/solve"),
            ("close", "POST", "/close"),
            ("cancel", "POST", "/cancel"),
        ],
        body: &body,
    };
    let open = || {
        let t = w.ok(
            &w.eng1,
            &w.assign(&w.fault("normal"), &w.eng1_id),
            "start",
            json!({}),
        );
        created(
            w.app
                .post(&format!("/api/v1/tickets/{}/work-orders", id(&t)))
                .bearer(&w.eng1)
                .json(
                    &json!({"target": "technical", "title": "固件升级后无法上报",
                              "description": "GST200 升级后收不到报警", "assignee_id": id(&tech)}),
                )
                .send(),
        )
    };
    let t = tech_token.as_str();
    let started = || step(&w, t, O, &open(), "start", json!({}));
    let solved = || step(&w, t, O, &started(), "solve", body("solve", &Value::Null));
    let states: [(&str, &dyn Fn() -> Value); 5] = [
        ("open", &open),
        ("in_progress", &started),
        ("solved", &solved),
        ("closed", &|| {
            step(
                &w,
                &clerk,
                O,
                &solved(),
                "close",
                body("close", &Value::Null),
            )
        }),
        ("cancelled", &|| {
            step(
                &w,
                &w.eng1,
                O,
                &open(),
                "cancel",
                body("cancel", &Value::Null),
            )
        }),
    ];
    let callers = [
        ("manager", w.manager.as_str()),
        ("raiser", w.eng1.as_str()),
        ("assignee", t),
        ("other engineer", w.eng2.as_str()),
        ("clerk", clerk.as_str()),
    ];
    let mut accepted = 0;
    for (state, make) in states {
        accepted += probe.walk(state, make, &callers);
    }
    assert!(accepted >= 8, "{accepted}");
}
