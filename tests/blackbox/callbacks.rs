//! Callbacks (TKT-9), their follow-ups and the satisfaction report (TKT-13) over HTTP, on
//! the file clock with the 2026 calendar.

use crate::tickets::{World, id, world};
use crate::{actions, audit_of};
use kefu_blackbox::Resp;
use serde_json::{Value, json};

const CLERK_PASS: &str = "Clerk-pass-1";

/// Moves the clock and signs the world's users and the clerk in again.
fn at(w: &mut World, instant: &str) -> String {
    w.set_clock(instant);
    w.app.token("clerk1", CLERK_PASS)
}

/// A fault ticket of `engineer`, worked and resolved.
fn resolved(w: &World, engineer_id: &str, engineer: &str) -> Value {
    let t = w.assign(&w.fault("normal"), engineer_id);
    let t = w.ok(engineer, &t, "start", json!({}));
    let t = w.ok(
        engineer,
        &t,
        "resolve",
        json!({"resolution_summary": "更换通讯板"}),
    );
    assert_eq!(t["status"], "resolved");
    t
}

fn create(w: &World, token: &str, body: Value) -> Value {
    let res = w
        .app
        .post("/api/v1/callbacks")
        .bearer(token)
        .json(&body)
        .send();
    assert_eq!(res.status, 201, "{}", res.body);
    res.json()
}

fn cmd(w: &World, token: &str, callback: &Value, verb: &str, body: Value) -> Resp {
    w.app
        .post(&format!("/api/v1/callbacks/{}/{verb}", id(callback)))
        .bearer(token)
        .if_match(&format!("\"{}\"", callback["version"]))
        .json(&body)
        .send()
}

fn answers(satisfied: bool, t: i64, a: i64, s: i64) -> Value {
    json!({"form_signed": true, "timeliness": t, "attitude": a, "technical": s,
           "result_ok": satisfied, "satisfied": satisfied, "notes": "回访记录"})
}

fn complete(w: &World, token: &str, callback: &Value, body: Value) -> Value {
    let res = cmd(w, token, callback, "complete", body);
    assert_eq!(res.status, 200, "{}", res.body);
    res.json()
}

fn get(w: &World, token: &str, path: &str) -> Value {
    let res = w.app.get(path).bearer(token).send();
    assert_eq!(res.status, 200, "{path}: {}", res.body);
    res.json()
}

#[test]
fn tkt_9_a_satisfied_callback_closes_the_resolved_ticket() {
    let mut w = world();
    let clerk = w
        .app
        .create_user(&w.admin, "clerk1", &["clerk"], CLERK_PASS);
    // Wednesday 2026-03-11: the callback is due the same day and goes to the only clerk.
    let clerk_token = at(&mut w, "2026-03-11T10:00:00+08:00");
    let t = resolved(&w, &w.eng1_id.clone(), &w.eng1.clone());
    let c = create(
        &w,
        &clerk_token,
        json!({"ticket_id": id(&t), "source": "manual"}),
    );
    assert_eq!(c["due_date"], "2026-03-11");
    assert_eq!(c["assignee_id"], clerk["id"]);
    assert_eq!(
        (c["status"].clone(), c["overdue"].clone()),
        (json!("open"), json!(false))
    );

    // ORG-5: the ticket's engineer sees it; another engineer gets 404, in lists too.
    get(&w, &w.eng1, &format!("/api/v1/callbacks/{}", id(&c)));
    w.app
        .get(&format!("/api/v1/callbacks/{}", id(&c)))
        .bearer(&w.eng2)
        .send()
        .problem(404, "not-found");
    let listed = get(&w, &w.eng2, "/api/v1/callbacks");
    assert_eq!(listed["items"], json!([]));
    // Engineers only read.
    cmd(&w, &w.eng1, &c, "attempt", json!({})).problem(403, "forbidden");

    // Not reached: counted, still open.
    let res = cmd(&w, &clerk_token, &c, "attempt", json!({"note": "无人接听"}));
    assert_eq!(res.status, 200, "{}", res.body);
    let c = res.json();
    assert_eq!(
        (c["attempts"].clone(), c["status"].clone()),
        (json!(1), json!("open"))
    );

    // Scores are 1–5, named by field.
    let p =
        cmd(&w, &clerk_token, &c, "complete", answers(true, 5, 6, 4)).problem(422, "validation");
    assert!(p.to_string().contains("attitude"), "{p}");
    // A stale version is refused.
    let mut stale = c.clone();
    stale["version"] = json!(1);
    cmd(&w, &clerk_token, &stale, "complete", answers(true, 5, 5, 4))
        .problem(412, "precondition-failed");

    let done = complete(&w, &clerk_token, &c, answers(true, 5, 5, 4));
    assert_eq!(done["status"], "done");
    assert_eq!(done["reached"], true);
    assert_eq!(done["completed_by"], clerk["id"]);
    assert_eq!(done["follow_up_id"], Value::Null);
    cmd(&w, &clerk_token, &done, "complete", answers(true, 5, 5, 4)).rule_conflict("TKT-9");

    // The ticket is closed, the log names the clerk and TKT-9.
    let t = get(&w, &w.eng1, &format!("/api/v1/tickets/{}", id(&t)));
    assert_eq!(t["status"], "closed");
    let log = get(
        &w,
        &w.eng1,
        &format!("/api/v1/tickets/{}/transitions", id(&t)),
    );
    let last = log["items"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(last["action"], "close");
    assert_eq!(last["actor_id"], clerk["id"]);
    assert!(
        last["reason"].as_str().unwrap().starts_with("TKT-9"),
        "{last}"
    );

    let audit = audit_of(&w.app, &w.admin, "callback", id(&c));
    assert_eq!(
        actions(&audit),
        ["callback.create", "callback.attempt", "callback.complete"]
    );
    assert_eq!(audit[2]["actor_id"], clerk["id"]);
    // The clerk was told of the new task.
    let inbox = get(&w, &clerk_token, "/api/v1/me/notifications");
    assert!(
        inbox["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|n| n["kind"] == "callback.assigned"),
        "{inbox}"
    );
    // Delta sync for the mobile app.
    let synced = get(
        &w,
        &clerk_token,
        "/api/v1/callbacks?updated_since=2026-03-11T09:00:00%2B08:00",
    );
    assert_eq!(synced["items"][0]["id"], c["id"]);
}

#[test]
fn tkt_9_the_managers_close_decision_closes_the_resolved_ticket() {
    let mut w = world();
    w.app
        .create_user(&w.admin, "clerk1", &["clerk"], CLERK_PASS);
    let clerk = at(&mut w, "2026-03-13T10:00:00+08:00");
    let t = resolved(&w, &w.eng1_id.clone(), &w.eng1.clone());
    let c = create(&w, &clerk, json!({"ticket_id": id(&t), "source": "manual"}));
    let done = complete(&w, &clerk, &c, answers(false, 3, 2, 4));
    let follow_up_id = done["follow_up_id"].as_str().unwrap().to_owned();
    let path = format!("/api/v1/callback-follow-ups/{follow_up_id}/answer");
    let f = get(
        &w,
        &w.manager,
        &format!("/api/v1/callback-follow-ups/{follow_up_id}"),
    );
    // A close takes no reason and no engineer.
    let p = w
        .app
        .post(&path)
        .bearer(&w.manager)
        .if_match(&format!("\"{}\"", f["version"]))
        .json(&json!({"answer": "已解释", "decision": "close", "assignee_id": w.eng2_id}))
        .send()
        .problem(422, "validation");
    assert_eq!(p["errors"][0]["field"], "assignee_id", "{p}");
    let res = w
        .app
        .post(&path)
        .bearer(&w.manager)
        .if_match(&format!("\"{}\"", f["version"]))
        .json(&json!({"answer": "已向客户解释误报原因为现场施工粉尘", "decision": "close"}))
        .send();
    assert_eq!(res.status, 200, "{}", res.body);
    assert_eq!(res.json()["decision"], "close");
    let t = get(&w, &w.eng1, &format!("/api/v1/tickets/{}", id(&t)));
    assert_eq!(t["status"], "closed");
    let log = get(
        &w,
        &w.eng1,
        &format!("/api/v1/tickets/{}/transitions", id(&t)),
    );
    let last = log["items"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(
        (last["action"].clone(), last["reason"].clone()),
        (
            json!("close"),
            json!("TKT-9: the manager answered the dissatisfied customer")
        )
    );
    let ticket_audit = actions(&audit_of(&w.app, &w.admin, "ticket", id(&t)));
    assert_eq!(
        ticket_audit.last().map(String::as_str),
        Some("ticket.close")
    );
}

#[test]
fn tkt_9_a_dissatisfied_callback_makes_a_follow_up_for_the_manager() {
    let mut w = world();
    w.app
        .create_user(&w.admin, "clerk1", &["clerk"], CLERK_PASS);
    let mgr_id = get(&w, &w.manager, "/api/v1/me")["id"].clone();
    // Friday 2026-03-13: 3 working days later is Wednesday 2026-03-18.
    let clerk = at(&mut w, "2026-03-13T10:00:00+08:00");
    let t = resolved(&w, &w.eng1_id.clone(), &w.eng1.clone());
    let c = create(&w, &clerk, json!({"ticket_id": id(&t), "source": "manual"}));
    let done = complete(&w, &clerk, &c, answers(false, 2, 3, 3));
    assert_eq!(done["satisfied"], false);
    let follow_up_id = done["follow_up_id"].as_str().unwrap().to_owned();

    let f = get(
        &w,
        &w.manager,
        &format!("/api/v1/callback-follow-ups/{follow_up_id}"),
    );
    assert_eq!(f["owner_id"], mgr_id);
    assert_eq!(f["due_date"], "2026-03-18");
    assert_eq!(
        (f["status"].clone(), f["callback_id"].clone()),
        (json!("open"), c["id"].clone())
    );
    let listed = get(
        &w,
        &w.manager,
        &format!("/api/v1/callback-follow-ups?ticket_id={}", id(&t)),
    );
    assert_eq!(listed["items"].as_array().unwrap().len(), 1);
    // The manager was told.
    let inbox = get(&w, &w.manager, "/api/v1/me/notifications");
    assert!(
        inbox["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|n| n["kind"] == "callback.follow_up" && n["entity_id"] == json!(follow_up_id)),
        "{inbox}"
    );
    // The ticket waits, resolved, for the manager's answer.
    let t = get(&w, &w.eng1, &format!("/api/v1/tickets/{}", id(&t)));
    assert_eq!(t["status"], "resolved");

    // Engineers do not read follow-ups; the manager answers with If-Match.
    w.app
        .get(&format!("/api/v1/callback-follow-ups/{follow_up_id}"))
        .bearer(&w.eng1)
        .send()
        .problem(403, "forbidden");
    let answer = |body: Value| {
        w.app
            .post(&format!(
                "/api/v1/callback-follow-ups/{follow_up_id}/answer"
            ))
            .bearer(&w.manager)
            .if_match(&format!("\"{}\"", f["version"]))
            .json(&body)
            .send()
    };
    // Reopening needs its reason; nothing is written without one.
    let p = answer(json!({"answer": "已致电客户致歉", "decision": "reopen"}))
        .problem(422, "validation");
    assert_eq!(p["rule"], "TKT-9", "{p}");
    assert_eq!(p["errors"][0]["field"], "reopen_reason", "{p}");
    let res = answer(json!({
        "answer": "已致电客户致歉，周五复查",
        "decision": "reopen",
        "reopen_reason": "客户反映仍有误报",
        "assignee_id": w.eng2_id,
    }));
    assert_eq!(res.status, 200, "{}", res.body);
    let f = res.json();
    assert_eq!(
        (
            f["status"].clone(),
            f["answered_by"].clone(),
            f["decision"].clone(),
            f["decision_reason"].clone()
        ),
        (
            json!("answered"),
            mgr_id,
            json!("reopen"),
            json!("客户反映仍有误报")
        )
    );
    // Reopened with the manager's reason and handed to the engineer the manager chose, who
    // starts it afresh.
    let t = get(&w, &w.eng2, &format!("/api/v1/tickets/{}", id(&t)));
    assert_eq!(
        (t["status"].clone(), t["assignee_id"].clone()),
        (json!("assigned"), json!(w.eng2_id))
    );
    let log = get(
        &w,
        &w.eng2,
        &format!("/api/v1/tickets/{}/transitions", id(&t)),
    );
    let log = log["items"].as_array().unwrap();
    let reopen = log.iter().find(|e| e["action"] == "reopen").unwrap();
    assert_eq!(
        reopen["reason"],
        "TKT-9: the manager reopens it after the customer's complaint: 客户反映仍有误报"
    );
    assert_eq!(log.last().unwrap()["action"], "reassign", "{log:?}");
    assert_eq!(
        actions(&audit_of(
            &w.app,
            &w.admin,
            "callback_follow_up",
            &follow_up_id
        )),
        ["callback_follow_up.create", "callback_follow_up.answer"]
    );
    let ticket_audit = actions(&audit_of(&w.app, &w.admin, "ticket", id(&t)));
    assert!(
        ticket_audit.ends_with(&["ticket.reopen".to_owned(), "ticket.reassign".to_owned()]),
        "{ticket_audit:?}"
    );
    // Answered once.
    let again = w
        .app
        .post(&format!(
            "/api/v1/callback-follow-ups/{follow_up_id}/answer"
        ))
        .bearer(&w.manager)
        .if_match(&format!("\"{}\"", f["version"]))
        .json(&json!({"answer": "再次致电", "decision": "close"}))
        .send()
        .problem(409, "conflict");
    assert_eq!(again["rule"], "TKT-9", "{again}");

    // After a repair, the callback is due within the rule's 30 calendar days of shipping.
    let r = create(
        &w,
        &clerk,
        json!({"ticket_id": id(&t), "source": "repair_return", "shipped_on": "2026-03-02"}),
    );
    assert_eq!(
        (r["due_date"].clone(), r["source"].clone()),
        (json!("2026-04-01"), json!("repair_return"))
    );
    let p = w
        .app
        .post("/api/v1/callbacks")
        .bearer(&clerk)
        .json(&json!({"ticket_id": id(&t), "source": "repair_return"}))
        .send()
        .problem(422, "validation");
    assert!(p.to_string().contains("shipped_on"), "{p}");
    // Overdue once its day has passed.
    let clerk = at(&mut w, "2026-04-02T09:00:00+08:00");
    let overdue = get(&w, &clerk, "/api/v1/callbacks?overdue=true");
    let ids: Vec<&Value> = overdue["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| &c["id"])
        .collect();
    assert_eq!(ids, [&r["id"]]);

    // The overdue watch tells the assignee once.
    let runner = w
        .app
        .another_instance(&[("KEFU_JOBS_ENABLED", "1"), ("KEFU_JOBS_POLL_MS", "50")]);
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    let told = loop {
        let inbox = get(&w, &clerk, "/api/v1/me/notifications");
        let told: Vec<Value> = inbox["items"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|n| n["kind"] == "callback.overdue")
            .cloned()
            .collect();
        if !told.is_empty() {
            break told;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "no callback.overdue: {inbox}"
        );
        std::thread::sleep(std::time::Duration::from_millis(100));
    };
    assert_eq!(told.len(), 1, "{told:?}");
    assert_eq!(told[0]["entity_id"], r["id"]);
    drop(runner);
    // A shipping day before the rule set's first version still gets today's deadline; one
    // after today (2 April) is refused.
    let old = create(
        &w,
        &clerk,
        json!({"ticket_id": id(&t), "source": "repair_return", "shipped_on": "1981-12-18"}),
    );
    assert_eq!(old["due_date"], "1982-01-17");
    let p = w
        .app
        .post("/api/v1/callbacks")
        .bearer(&clerk)
        .json(&json!({"ticket_id": id(&t), "source": "repair_return", "shipped_on": "2026-04-03"}))
        .send()
        .problem(422, "validation");
    assert_eq!(p["errors"][0]["field"], "shipped_on", "{p}");
}

#[test]
fn tkt_13_the_satisfaction_report_averages_per_engineer_as_json_and_csv() {
    let mut w = world();
    w.app
        .create_user(&w.admin, "clerk1", &["clerk"], CLERK_PASS);
    let clerk = at(&mut w, "2026-03-11T10:00:00+08:00");
    let (e1, e1_token, e2, e2_token) = (
        w.eng1_id.clone(),
        w.eng1.clone(),
        w.eng2_id.clone(),
        w.eng2.clone(),
    );
    for (engineer, token, scores) in [
        (&e1, &e1_token, (true, 5, 5, 4)),
        (&e1, &e1_token, (false, 2, 3, 3)),
        (&e2, &e2_token, (true, 4, 4, 4)),
    ] {
        let t = resolved(&w, engineer, token);
        let c = create(&w, &clerk, json!({"ticket_id": id(&t), "source": "manual"}));
        complete(
            &w,
            &clerk,
            &c,
            answers(scores.0, scores.1, scores.2, scores.3),
        );
    }
    // An open callback does not count.
    let t = resolved(&w, &e2, &e2_token);
    create(&w, &clerk, json!({"ticket_id": id(&t), "source": "manual"}));

    let r = get(
        &w,
        &w.manager,
        "/api/v1/reports/satisfaction?month=2026-03&group_by=engineer",
    );
    assert_eq!(
        (r["period"].clone(), r["from"].clone(), r["to"].clone()),
        (json!("2026-03"), json!("2026-03-01"), json!("2026-03-31"))
    );
    let groups = r["groups"].as_array().unwrap();
    let of = |eng: &str| {
        groups
            .iter()
            .find(|g| g["key"] == json!(eng))
            .unwrap()
            .clone()
    };
    let g1 = of(&e1);
    assert_eq!(g1["name"], "eng1");
    assert_eq!(
        (
            g1["completed"].clone(),
            g1["reached"].clone(),
            g1["satisfied"].clone()
        ),
        (json!(2), json!(2), json!(1))
    );
    assert_eq!(g1["satisfaction_rate_bp"], 5000);
    assert_eq!(
        (
            g1["avg_timeliness_x100"].clone(),
            g1["avg_attitude_x100"].clone(),
            g1["avg_technical_x100"].clone()
        ),
        (json!(350), json!(400), json!(350))
    );
    assert_eq!(g1["overall_score_x100"], 367); // 22 / 6
    let g2 = of(&e2);
    assert_eq!(
        (
            g2["completed"].clone(),
            g2["satisfaction_rate_bp"].clone(),
            g2["overall_score_x100"].clone()
        ),
        (json!(1), json!(10000), json!(400))
    );
    assert_eq!(r["total"]["completed"], 3);
    // The quarter holds the same callbacks; February none.
    let q = get(
        &w,
        &w.manager,
        "/api/v1/reports/satisfaction?quarter=2026-Q1",
    );
    assert_eq!(q["total"]["completed"], 3);
    let feb = get(&w, &w.manager, "/api/v1/reports/satisfaction?month=2026-02");
    assert_eq!(feb["groups"], json!([]));
    w.app
        .get("/api/v1/reports/satisfaction?quarter=2026-Q5")
        .bearer(&w.manager)
        .send()
        .problem(422, "validation");
    w.app
        .get("/api/v1/reports/satisfaction?month=2026-03")
        .bearer(&w.eng1)
        .send()
        .problem(403, "forbidden");

    // The CSV holds the same figures, with Chinese headers.
    let res = w
        .app
        .get("/api/v1/reports/satisfaction/export?month=2026-03&group_by=engineer&format=csv&columns=zh")
        .bearer(&w.manager)
        .send();
    assert_eq!(res.status, 200, "{}", res.body);
    assert!(res.header("content-type").unwrap().starts_with("text/csv"));
    let lines: Vec<&str> = res.body.trim_start_matches('\u{feff}').lines().collect();
    assert!(lines[0].starts_with("编号,名称,完成回访数"), "{}", lines[0]);
    assert!(lines[0].contains("满意率（基点）"), "{}", lines[0]);
    assert!(
        lines.contains(&format!("{e1},eng1,2,2,1,5000,1,350,400,350,367").as_str()),
        "{}",
        res.body
    );
    assert!(
        lines.contains(&format!("{e2},eng2,1,1,1,10000,1,400,400,400,400").as_str()),
        "{}",
        res.body
    );
    assert_eq!(lines.len(), 3, "{}", res.body);
}

/// TKT-13 counts a callback in the period it was completed in (the survey is taken when the
/// customer is reached), in the company's time zone: due Tuesday 31 March and completed half
/// an hour into 1 April (Beijing time, still 31 March in UTC), it is April's.
#[test]
fn tkt_13_a_callback_counts_in_the_month_it_was_completed() {
    let mut w = world();
    w.app
        .create_user(&w.admin, "clerk1", &["clerk"], CLERK_PASS);
    let clerk = at(&mut w, "2026-03-30T10:00:00+08:00");
    let (e1, e1_token) = (w.eng1_id.clone(), w.eng1.clone());
    let t = resolved(&w, &e1, &e1_token);
    let c = create(
        &w,
        &clerk,
        json!({"ticket_id": id(&t), "source": "manual", "due_date": "2026-03-31"}),
    );
    assert_eq!(c["due_date"], "2026-03-31");
    let clerk = at(&mut w, "2026-04-01T00:30:00+08:00");
    let done = complete(&w, &clerk, &c, answers(true, 5, 5, 5));
    assert_eq!(done["status"], "done");

    let march = get(&w, &w.manager, "/api/v1/reports/satisfaction?month=2026-03");
    assert_eq!(march["total"]["completed"], 0, "{march}");
    let april = get(&w, &w.manager, "/api/v1/reports/satisfaction?month=2026-04");
    assert_eq!(april["total"]["completed"], 1, "{april}");
    assert_eq!(april["groups"][0]["key"], json!(e1));
    let q2 = get(
        &w,
        &w.manager,
        "/api/v1/reports/satisfaction?quarter=2026-Q2",
    );
    assert_eq!(q2["total"]["satisfied"], 1, "{q2}");
}
