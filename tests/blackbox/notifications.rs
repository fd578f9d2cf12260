//! The in-app inbox: each user sees and marks only their own notifications. The first test
//! inserts notifications by SQL, as any domain event would; the second follows the events
//! of a ticket (assignment, visit approval, escalation) into the inboxes they feed; the
//! warranty reminders of `jobs.rs` send real ones too.
use crate::{actions, audit_of};
use kefu_blackbox::TestApp;
use serde_json::Value;

const PASSWORD: &str = "Secret-pass-123";

fn insert(app: &TestApp, user_id: &str, title: &str) -> String {
    let id = uuid::Uuid::now_v7().to_string();
    // Two minutes ago: a delta sync from now, reaching back 60 s, leaves it out until it changes.
    let now = (chrono::Utc::now() - chrono::Duration::minutes(2)).format("%Y-%m-%d %H:%M:%S%.6f");
    app.db.execute(&format!(
        "INSERT INTO notifications (id, user_id, kind, title, body, entity_type, entity_id, \
         created_at, updated_at) VALUES ('{id}', '{user_id}', 'test.notice', '{title}', \
         '正文', 'equipment', 'eq-1', '{now}', '{now}')"
    ));
    // Distinct creation instants, so the order is the insertion order.
    std::thread::sleep(std::time::Duration::from_millis(5));
    id
}

fn list(app: &TestApp, token: &str, query: &str) -> (Vec<Value>, Value) {
    let res = app
        .get(&format!("/api/v1/me/notifications{query}"))
        .bearer(token)
        .send();
    assert_eq!(res.status, 200, "{}", res.body);
    let body = res.json();
    (
        body["items"].as_array().unwrap().clone(),
        body["next_cursor"].clone(),
    )
}

fn titles(items: &[Value]) -> Vec<&str> {
    items.iter().map(|n| n["title"].as_str().unwrap()).collect()
}

#[test]
fn the_inbox_lists_marks_read_and_syncs_only_the_callers_notifications() {
    let app = TestApp::builder().env("KEFU_JOBS_ENABLED", "0").spawn();
    let admin = app.admin_token();
    let alice = app.create_user(&admin, "alice", &["engineer"], PASSWORD);
    let bob = app.create_user(&admin, "bob", &["engineer"], PASSWORD);
    let alice_id = alice["id"].as_str().unwrap();
    let first = insert(&app, alice_id, "one");
    let second = insert(&app, alice_id, "two");
    insert(&app, alice_id, "three");
    let bobs = insert(&app, bob["id"].as_str().unwrap(), "for bob");
    let alice = app.token("alice", PASSWORD);
    let bob = app.token("bob", PASSWORD);

    // Newest first, paged.
    let (page, cursor) = list(&app, &alice, "?limit=2");
    assert_eq!(titles(&page), ["three", "two"]);
    let (rest, end) = list(
        &app,
        &alice,
        &format!("?limit=2&cursor={}", cursor.as_str().unwrap()),
    );
    assert_eq!(titles(&rest), ["one"]);
    assert_eq!(end, Value::Null);
    assert_eq!(page[0]["read"], false);
    assert_eq!(page[0]["read_at"], Value::Null);
    assert!(page[0].get("user_id").is_none(), "{}", page[0]);

    // Someone else's notification does not exist for the caller.
    app.post(&format!("/api/v1/me/notifications/{bobs}/read"))
        .bearer(&alice)
        .send()
        .problem(404, "not-found");
    app.post("/api/v1/me/notifications/no-such-id/read")
        .bearer(&alice)
        .send()
        .problem(404, "not-found");
    app.get("/api/v1/me/notifications?unread=maybe")
        .bearer(&alice)
        .send()
        .problem(400, "bad-request");

    let before_read = chrono::Utc::now().to_rfc3339();
    std::thread::sleep(std::time::Duration::from_millis(5));
    let read = app
        .post(&format!("/api/v1/me/notifications/{second}/read"))
        .bearer(&alice)
        .send();
    assert_eq!(read.status, 200, "{}", read.body);
    let read = read.json();
    assert_eq!(read["read"], true);
    assert_eq!(read["title"], "two");
    // Reading again changes nothing.
    let again = app
        .post(&format!("/api/v1/me/notifications/{second}/read"))
        .bearer(&alice)
        .send();
    assert_eq!(again.json()["read_at"], read["read_at"]);
    assert_eq!(
        actions(&audit_of(&app, &admin, "notification", &second)),
        ["notification.read"]
    );

    let (unread, _) = list(&app, &alice, "?unread=true");
    assert_eq!(titles(&unread), ["three", "one"]);
    let (was_read, _) = list(&app, &alice, "?unread=false");
    assert_eq!(titles(&was_read), ["two"]);
    // Delta sync: what changed since before the read.
    let since = before_read.replace('+', "%2B");
    let (changed, _) = list(&app, &alice, &format!("?updated_since={since}"));
    assert_eq!(titles(&changed), ["two"]);

    let all = app
        .post("/api/v1/me/notifications/read-all")
        .bearer(&alice)
        .send();
    assert_eq!(all.status, 200, "{}", all.body);
    assert_eq!(all.json()["marked"], 2);
    let (unread, _) = list(&app, &alice, "?unread=true");
    assert!(unread.is_empty());
    let first_now = list(&app, &alice, "").0;
    assert!(first_now.iter().all(|n| n["read"] == true), "{first_now:?}");
    assert!(first_now.iter().any(|n| n["id"] == first.as_str()));
    // Bob's inbox is untouched.
    let (bobs_inbox, _) = list(&app, &bob, "?unread=true");
    assert_eq!(titles(&bobs_inbox), ["for bob"]);
    let none_left = app
        .post("/api/v1/me/notifications/read-all")
        .bearer(&alice)
        .send();
    assert_eq!(none_left.json()["marked"], 0);
    app.get("/api/v1/me/notifications")
        .send()
        .problem(401, "unauthenticated");
}

fn kinds_of(app: &TestApp, token: &str) -> Vec<(String, String, String)> {
    list(app, token, "")
        .0
        .iter()
        .map(|n| {
            (
                n["kind"].as_str().unwrap().to_owned(),
                n["entity_type"].as_str().unwrap().to_owned(),
                n["title"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

#[test]
fn assignment_visit_requests_decisions_and_escalations_reach_the_right_inboxes() {
    use crate::tickets::{id, world};
    let w = world();
    let t = w.fault("urgent");
    let number = t["number"].as_str().unwrap().to_owned();
    let t = w.assign(&t, &w.eng1_id);
    let inbox = list(&w.app, &w.eng1, "").0;
    assert_eq!(inbox.len(), 1, "{inbox:?}");
    assert_eq!(inbox[0]["kind"], "ticket.assigned");
    assert_eq!(inbox[0]["entity_id"], id(&t));
    assert_eq!(inbox[0]["title"], format!("新工单指派：{number}"));
    // Planned window in company time.
    assert!(
        inbox[0]["body"]
            .as_str()
            .unwrap()
            .contains("2026-03-10 09:00"),
        "{}",
        inbox[0]
    );
    assert!(kinds_of(&w.app, &w.eng2).is_empty());

    let v = w
        .app
        .post(&format!("/api/v1/tickets/{}/visits", id(&t)))
        .bearer(&w.eng1)
        .json(&serde_json::json!({"planned_date": "2026-03-10", "purpose": "现场检修"}))
        .send()
        .json();
    assert_eq!(
        kinds_of(&w.app, &w.manager),
        [(
            "visit.approval_needed".to_owned(),
            "visit".to_owned(),
            format!("外出申请待审批：{number}")
        )]
    );
    let decide = |token: &str, visit: &Value, verb: &str, body: Value| {
        let res = w
            .app
            .post(&format!("/api/v1/visits/{}/{verb}", id(visit)))
            .bearer(token)
            .if_match(&format!("\"{}\"", visit["version"]))
            .json(&body)
            .send();
        assert_eq!(res.status, 200, "{}", res.body);
        res.json()
    };
    let v = decide(
        &w.manager,
        &v,
        "approve",
        serde_json::json!({"note": "同意"}),
    );
    let mine = list(&w.app, &w.eng1, "").0;
    assert_eq!(mine[0]["kind"], "visit.approved");
    assert_eq!(mine[0]["body"], "同意");
    assert_eq!(mine.len(), 2);
    let v = decide(&w.eng1, &v, "depart", serde_json::json!({}));
    let v = decide(&w.eng1, &v, "arrive", serde_json::json!({}));
    let v = decide(
        &w.eng1,
        &v,
        "finish",
        serde_json::json!({"resolved": false, "note": "需返厂"}),
    );
    decide(
        &w.eng1,
        &v,
        "escalate",
        serde_json::json!({"reason": "主板损坏"}),
    );
    let manager = list(&w.app, &w.manager, "").0;
    assert_eq!(manager[0]["kind"], "visit.escalated");
    assert_eq!(manager[0]["body"], "主板损坏");
    assert_eq!(manager.len(), 2);
    // Nobody else was told anything.
    assert!(kinds_of(&w.app, &w.eng2).is_empty());
}

/// Waits until `token`'s inbox holds a notification of `kind`; returns the inbox.
fn wait_for(app: &TestApp, token: &str, kind: &str) -> Vec<Value> {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    loop {
        let inbox = list(app, token, "").0;
        if inbox.iter().any(|n| n["kind"] == kind) {
            return inbox;
        }
        assert!(std::time::Instant::now() < deadline, "no {kind}: {inbox:?}");
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
}

fn of_kind<'a>(inbox: &'a [Value], kind: &str) -> Vec<&'a Value> {
    inbox.iter().filter(|n| n["kind"] == kind).collect()
}

/// TKT-2 through the scheduler: the assignee hears an hour before the response is due (the
/// `sla-policy`'s `due_soon_minutes`), and the assignee and the managers when it is missed;
/// each once, however many instances and rounds run.
#[test]
fn the_sla_watch_warns_the_assignee_before_a_target_and_tells_managers_of_a_breach() {
    use crate::tickets::world;
    let w = world();
    let t = w.assign(&w.fault("urgent"), &w.eng1_id);
    let due: chrono::DateTime<chrono::Utc> =
        t["response_due_at"].as_str().unwrap().parse().unwrap();
    let set_clock = |at: chrono::DateTime<chrono::Utc>| {
        std::fs::write(&w.clock, at.to_rfc3339()).unwrap();
    };
    let runner = w
        .app
        .another_instance(&[("KEFU_JOBS_ENABLED", "1"), ("KEFU_JOBS_POLL_MS", "50")]);

    // Tokens expire as the clock moves on: sign in again at each step.
    let tokens = || {
        (
            w.app.token("eng1", "Engineer-pass-1"),
            w.app.token("eng2", "Engineer-pass-2"),
            w.app.token("mgr", "Manager-pass-1"),
        )
    };
    set_clock(due - chrono::Duration::minutes(30));
    let (eng1, _, manager) = tokens();
    let inbox = wait_for(&w.app, &eng1, "ticket.due_soon");
    let soon = of_kind(&inbox, "ticket.due_soon");
    assert_eq!(soon.len(), 1, "{inbox:?}");
    assert_eq!(soon[0]["entity_id"], t["id"]);
    assert_eq!(
        soon[0]["title"],
        format!("工单即将超时：{}", t["number"].as_str().unwrap())
    );
    assert!(
        soon[0]["body"].as_str().unwrap().starts_with("响应时限"),
        "{}",
        soon[0]
    );
    // Assigned: the managers are not bothered before a breach.
    assert!(of_kind(&list(&w.app, &manager, "").0, "ticket.due_soon").is_empty());

    set_clock(due + chrono::Duration::minutes(1));
    let (eng1, _, manager) = tokens();
    wait_for(&w.app, &eng1, "ticket.breached");
    wait_for(&w.app, &manager, "ticket.breached");
    // Further rounds (a new period each minute) send nothing again.
    set_clock(due + chrono::Duration::minutes(3));
    std::thread::sleep(std::time::Duration::from_secs(2));
    let (eng1, eng2, manager) = tokens();
    for token in [&eng1, &manager] {
        let inbox = list(&w.app, token, "").0;
        assert_eq!(of_kind(&inbox, "ticket.breached").len(), 1, "{inbox:?}");
    }
    assert_eq!(
        of_kind(&list(&w.app, &eng1, "").0, "ticket.due_soon").len(),
        1
    );
    assert!(list(&w.app, &eng2, "").0.is_empty());
    drop(runner);
}
