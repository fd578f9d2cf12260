//! Tickets (TKT-1..4) over HTTP on a test clock (`KEFU_CLOCK_FILE`) with the 2026 calendar.

use crate::{actions, audit_of};
use kefu_blackbox::{Resp, TestApp};
use serde_json::{Value, json};
use std::path::PathBuf;

pub struct World {
    pub app: TestApp,
    pub clock: PathBuf,
    pub admin: String,
    pub manager: String,
    pub eng1: String,
    pub eng1_id: String,
    pub eng2: String,
    pub eng2_id: String,
    pub customer: Value,
    pub site: Value,
    pub other_customer: Value,
    pub other_site: Value,
}

impl World {
    /// Moves the server's clock; tokens issued at another time are invalid then, so the
    /// world's users sign in again.
    pub fn set_clock(&mut self, instant: &str) {
        std::fs::write(&self.clock, instant).unwrap();
        self.admin = self.app.admin_token();
        self.manager = self.app.token("mgr", "Manager-pass-1");
        self.eng1 = self.app.token("eng1", "Engineer-pass-1");
        self.eng2 = self.app.token("eng2", "Engineer-pass-2");
    }

    /// Opens a ticket as `token`; asserts 201.
    pub fn open(&self, token: &str, body: Value) -> Value {
        let res = self
            .app
            .post("/api/v1/tickets")
            .bearer(token)
            .json(&body)
            .send();
        assert_eq!(res.status, 201, "{}", res.body);
        res.json()
    }

    pub fn fault(&self, priority: &str) -> Value {
        self.open(
            &self.admin,
            json!({"channel": "phone", "ticket_type": "fault", "priority": priority,
                   "customer_id": self.customer["id"], "site_id": self.site["id"],
                   "description": "报警主机通讯故障"}),
        )
    }

    /// Runs a ticket command with the ticket's current version.
    pub fn cmd(&self, token: &str, ticket: &Value, verb: &str, body: Value) -> Resp {
        self.app
            .post(&format!("/api/v1/tickets/{}/{verb}", id(ticket)))
            .bearer(token)
            .if_match(&format!("\"{}\"", ticket["version"]))
            .json(&body)
            .send()
    }

    pub fn ok(&self, token: &str, ticket: &Value, verb: &str, body: Value) -> Value {
        let res = self.cmd(token, ticket, verb, body);
        assert_eq!(res.status, 200, "{verb}: {}", res.body);
        res.json()
    }

    pub fn assign(&self, ticket: &Value, engineer_id: &str) -> Value {
        self.ok(
            &self.manager,
            ticket,
            "assign",
            json!({"assignee_id": engineer_id,
                   "planned_start": "2026-03-10T09:00:00+08:00",
                   "planned_end": "2026-03-10T11:00:00+08:00"}),
        )
    }
}

pub fn id(v: &Value) -> &str {
    v["id"].as_str().unwrap()
}

fn created(res: Resp) -> Value {
    assert_eq!(res.status, 201, "{}", res.body);
    res.json()
}

/// The 2026 calendar: Spring Festival 2026-02-15..23 off, make-up days 02-14 and 02-28.
fn upload_2026(app: &TestApp, admin: &str) {
    let etag = app
        .get("/api/v1/calendar/days?from=2026-01-01&to=2026-01-01")
        .bearer(admin)
        .send()
        .etag();
    let mut days = vec![json!({"day": "2026-02-14", "kind": "workday"})];
    for d in 15..=23 {
        days.push(json!({"day": format!("2026-02-{d:02}"), "kind": "holiday"}));
    }
    days.push(json!({"day": "2026-02-28", "kind": "workday"}));
    let res = app
        .req("PUT", "/api/v1/calendar/days")
        .bearer(admin)
        .if_match(&etag)
        .json(&json!({"from": "2026-01-01", "to": "2026-12-31", "days": days}))
        .send();
    assert_eq!(res.status, 200, "{}", res.body);
}

pub fn world() -> World {
    let clock = std::env::temp_dir().join(format!("kefu-clock-{}", uuid::Uuid::new_v4()));
    std::fs::write(&clock, "2026-03-06T17:30:00+08:00").unwrap();
    let app = TestApp::builder()
        .env("KEFU_CLOCK_FILE", clock.to_str().unwrap())
        .spawn();
    let admin = app.admin_token();
    upload_2026(&app, &admin);
    app.create_user(&admin, "mgr", &["manager"], "Manager-pass-1");
    let e1 = app.create_user(&admin, "eng1", &["engineer"], "Engineer-pass-1");
    let e2 = app.create_user(&admin, "eng2", &["engineer"], "Engineer-pass-2");
    let post = |path: &str, body: Value| created(app.post(path).bearer(&admin).json(&body).send());
    post(
        "/api/v1/cities",
        json!({"name": "杭州市", "province": "浙江省", "has_station": true, "counties": []}),
    );
    let customer = post("/api/v1/customers", json!({"name": "甲公司"}));
    let site = post(
        "/api/v1/sites",
        json!({"customer_id": customer["id"], "name": "厂区", "address": "一路 1 号", "city": "杭州市"}),
    );
    let other_customer = post("/api/v1/customers", json!({"name": "乙公司"}));
    let other_site = post(
        "/api/v1/sites",
        json!({"customer_id": other_customer["id"], "name": "仓库", "address": "二路 2 号", "city": "杭州市"}),
    );
    World {
        manager: app.token("mgr", "Manager-pass-1"),
        eng1: app.token("eng1", "Engineer-pass-1"),
        eng1_id: id(&e1).to_owned(),
        eng2: app.token("eng2", "Engineer-pass-2"),
        eng2_id: id(&e2).to_owned(),
        app,
        clock,
        admin,
        customer,
        site,
        other_customer,
        other_site,
    }
}

impl Drop for World {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.clock);
    }
}

#[test]
fn tkt_2_due_instants_follow_the_2026_calendar_and_pause_while_waiting() {
    let mut w = world();
    // Friday 2026-03-06 17:30: an urgent fault (1 working day to resolve, 1 working hour to
    // answer) is due on Monday at 17:30; the answer at 09:00 (the day starts at 08:00).
    let t = w.fault("urgent");
    assert_eq!(t["status"], "new");
    assert!(
        t["number"].as_str().unwrap().starts_with("T20260306-"),
        "{t}"
    );
    assert_eq!(t["resolution_due_at"], "2026-03-09T09:30:00Z");
    assert_eq!(t["response_due_at"], "2026-03-09T01:00:00Z");
    assert_eq!(t["breached"], false);

    // Friday 2026-02-13 17:30: the next working day is the make-up Saturday 14 February.
    w.set_clock("2026-02-13T17:30:00+08:00");
    let festive = w.fault("urgent");
    assert_eq!(festive["resolution_due_at"], "2026-02-14T09:30:00Z");
    assert!(
        festive["number"]
            .as_str()
            .unwrap()
            .starts_with("T20260213-")
    );

    // Monday 09:00 to 11:00 waiting for the customer: the resolution moves 2 working hours,
    // from Monday 17:30 to Tuesday 10:00.
    w.set_clock("2026-03-09T08:30:00+08:00");
    let t = w.assign(&t, &w.eng1_id);
    let t = w.ok(&w.eng1, &t, "start", json!({}));
    assert_eq!(t["responded_at"], "2026-03-09T00:30:00Z");
    w.set_clock("2026-03-09T09:00:00+08:00");
    let t = w.ok(&w.eng1, &t, "wait", json!({"reason": "等待客户提供备份"}));
    assert_eq!(t["status"], "waiting_customer");
    assert_eq!(t["waiting_since"], "2026-03-09T01:00:00Z");
    // While waiting the clock stands still: past the old due instant, nothing is breached.
    w.set_clock("2026-03-09T18:00:00+08:00");
    let got = w
        .app
        .get(&format!("/api/v1/tickets/{}", id(&t)))
        .bearer(&w.eng1)
        .send()
        .json();
    assert_eq!(got["resolution_breached"], false);
    w.set_clock("2026-03-09T11:00:00+08:00");
    let t = w.ok(&w.eng1, &t, "resume", json!({}));
    assert_eq!(t["status"], "in_progress");
    assert_eq!(t["waiting_since"], Value::Null);
    assert_eq!(t["resolution_due_at"], "2026-03-10T02:00:00Z");
    // The response was met before the wait: its due instant stays.
    assert_eq!(t["response_due_at"], "2026-03-09T01:00:00Z");

    // Tuesday 10:30: breached, listed as such and at risk.
    w.set_clock("2026-03-10T10:30:00+08:00");
    let got = w
        .app
        .get(&format!("/api/v1/tickets/{}", id(&t)))
        .bearer(&w.manager)
        .send()
        .json();
    assert_eq!(
        (
            got["resolution_breached"].clone(),
            got["response_breached"].clone()
        ),
        (json!(true), json!(false))
    );
    let breached = w
        .app
        .get("/api/v1/tickets?breached=true")
        .bearer(&w.manager)
        .send()
        .json();
    let ids: Vec<&str> = breached["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(id)
        .collect();
    assert!(ids.contains(&id(&t)), "{breached}");
    let at_risk = w
        .app
        .get("/api/v1/tickets/at-risk?within_minutes=0")
        .bearer(&w.manager)
        .send();
    assert_eq!(at_risk.status, 200, "{}", at_risk.body);
    let ids: Vec<String> = at_risk.json()["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| id(v).to_owned())
        .collect();
    assert!(ids.contains(&id(&t).to_owned()));
    // The ticket of 13 February was never worked on: breached too.
    assert!(ids.contains(&id(&festive).to_owned()));
}

#[test]
fn tkt_3_every_transition_is_logged_and_invalid_ones_are_409() {
    let w = world();
    let t = w.fault("normal");
    let t = w.assign(&t, &w.eng1_id);
    let t = w.ok(&w.eng1, &t, "start", json!({"reason": "开始处理"}));
    let t = w.ok(
        &w.eng1,
        &t,
        "resolve",
        json!({"resolution_summary": "更换通讯板"}),
    );
    assert_eq!(t["status"], "resolved");
    // The English detail names the transition refused.
    let p = w
        .app
        .post(&format!("/api/v1/tickets/{}/assign", id(&t)))
        .bearer(&w.manager)
        .header("Accept-Language", "en")
        .if_match(&format!("\"{}\"", t["version"]))
        .json(&json!({"assignee_id": w.eng2_id}))
        .send()
        .rule_conflict("TKT-3");
    assert!(
        p["detail"]
            .as_str()
            .unwrap()
            .contains("resolved → assigned"),
        "{p}"
    );
    // A stale version is 412, a missing one 428.
    w.app
        .post(&format!("/api/v1/tickets/{}/close", id(&t)))
        .bearer(&w.manager)
        .json(&json!({}))
        .send()
        .problem(428, "precondition-required");
    let mut stale = t.clone();
    stale["version"] = json!(1);
    w.cmd(&w.manager, &stale, "reopen", json!({"reason": "x"}))
        .problem(412, "precondition-failed");
    let t = w.ok(
        &w.manager,
        &t,
        "reopen",
        json!({"reason": "客户反馈仍有故障"}),
    );
    assert_eq!(t["status"], "in_progress");
    assert_eq!(t["resolved_at"], Value::Null);

    let log = w
        .app
        .get(&format!("/api/v1/tickets/{}/transitions", id(&t)))
        .bearer(&w.eng1)
        .send();
    assert_eq!(log.status, 200, "{}", log.body);
    let log = log.json()["items"].as_array().unwrap().clone();
    let steps: Vec<(String, Value, String)> = log
        .iter()
        .map(|e| {
            (
                e["action"].as_str().unwrap().to_owned(),
                e["from_status"].clone(),
                e["to_status"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(
        steps,
        vec![
            ("open".to_owned(), Value::Null, "new".to_owned()),
            ("assign".to_owned(), json!("new"), "assigned".to_owned()),
            (
                "start".to_owned(),
                json!("assigned"),
                "in_progress".to_owned()
            ),
            (
                "resolve".to_owned(),
                json!("in_progress"),
                "resolved".to_owned()
            ),
            (
                "reopen".to_owned(),
                json!("resolved"),
                "in_progress".to_owned()
            ),
        ]
    );
    assert_eq!(log[2]["actor_id"], w.eng1_id.as_str());
    assert_eq!(log[2]["reason"], "开始处理");
    assert_eq!(log[3]["reason"], "更换通讯板");
    assert_eq!(log[4]["reason"], "客户反馈仍有故障");
    let audit = audit_of(&w.app, &w.admin, "ticket", id(&t));
    assert_eq!(
        actions(&audit),
        [
            "ticket.create",
            "ticket.assign",
            "ticket.start",
            "ticket.resolve",
            "ticket.reopen"
        ]
    );

    // Cancelled tickets cannot get visits.
    let c = w.assign(&w.fault("low"), &w.eng1_id);
    let c = w.ok(&w.manager, &c, "cancel", json!({"reason": "客户撤销报修"}));
    assert_eq!(c["status"], "cancelled");
    w.app
        .post(&format!("/api/v1/tickets/{}/visits", id(&c)))
        .bearer(&w.eng1)
        .json(&json!({"planned_date": "2026-03-10", "purpose": "检修"}))
        .send()
        .rule_conflict("TKT-5");
    w.cmd(&w.eng1, &c, "start", json!({}))
        .rule_conflict("TKT-3");
}

#[test]
fn tkt_4_appointments_and_a_miss_without_consent_is_escalated() {
    let w = world();
    let t = w.assign(&w.fault("high"), &w.eng1_id);
    assert_eq!(t["planned_start"], "2026-03-10T01:00:00Z");
    // Only the assigned engineer confirms.
    w.cmd(
        &w.eng2,
        &t,
        "confirm-appointment",
        json!({"confirmed_with": "王工"}),
    )
    .problem(404, "not-found");
    w.cmd(
        &w.manager,
        &t,
        "confirm-appointment",
        json!({"confirmed_with": "王工"}),
    )
    .problem(403, "forbidden");
    let t = w.ok(
        &w.eng1,
        &t,
        "confirm-appointment",
        json!({"confirmed_with": "王工"}),
    );
    assert_eq!(t["appointment_confirmed_with"], "王工");
    assert_eq!(t["responded_at"], "2026-03-06T09:30:00Z");
    let t = w.ok(
        &w.eng1,
        &t,
        "missed-appointment",
        json!({"reason": "堵车", "customer_consented": false}),
    );
    assert_eq!(t["escalation_reason"], "堵车");
    assert_eq!(t["appointment_confirmed_at"], Value::Null);
    let log = w
        .app
        .get(&format!("/api/v1/tickets/{}/transitions", id(&t)))
        .bearer(&w.manager)
        .send()
        .json();
    let names: Vec<&str> = log["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "open",
            "assign",
            "confirm_appointment",
            "missed_appointment",
            "escalate"
        ]
    );
    // Reassigning is recorded as such.
    let t = w.assign(&t, &w.eng2_id);
    assert_eq!(t["assignee_id"], w.eng2_id.as_str());
    w.app
        .get(&format!("/api/v1/tickets/{}", id(&t)))
        .bearer(&w.eng1)
        .send()
        .problem(404, "not-found");
}

#[test]
fn org_5_engineers_see_their_tickets_and_contacts_open_web_tickets() {
    let mut w = world();
    let mine = w.assign(&w.fault("normal"), &w.eng1_id);
    let theirs = w.assign(&w.fault("normal"), &w.eng2_id);
    let list = w.app.get("/api/v1/tickets").bearer(&w.eng1).send().json();
    let ids: Vec<&str> = list["items"].as_array().unwrap().iter().map(id).collect();
    assert_eq!(ids, [id(&mine)]);
    w.app
        .get(&format!("/api/v1/tickets/{}", id(&theirs)))
        .bearer(&w.eng1)
        .send()
        .problem(404, "not-found");
    w.cmd(&w.eng1, &theirs, "start", json!({}))
        .problem(404, "not-found");
    // An engineer may not assign.
    w.cmd(&w.eng1, &mine, "assign", json!({"assignee_id": w.eng1_id}))
        .problem(403, "forbidden");
    // Parts of another customer are refused by name.
    let res = w
        .app
        .post("/api/v1/tickets")
        .bearer(&w.admin)
        .json(
            &json!({"channel": "phone", "ticket_type": "fault", "customer_id": w.customer["id"],
                      "site_id": w.other_site["id"], "description": "x"}),
        )
        .send();
    let p = res.problem(422, "validation");
    assert_eq!(p["errors"][0]["field"], "site_id");

    // A customer contact with a login.
    let contact = created(w.app.post("/api/v1/contacts").bearer(&w.admin)
        .json(&json!({"customer_id": w.customer["id"], "name": "甲联系人", "phone": "13900000000"})).send());
    let login = w
        .app
        .post(&format!("/api/v1/contacts/{}/login", id(&contact)))
        .bearer(&w.admin)
        .if_match("\"1\"")
        .json(&json!({"username": "jia.contact"}))
        .send();
    assert_eq!(login.status, 201, "{}", login.body);
    let temporary = login.json()["generated_password"]
        .as_str()
        .unwrap()
        .to_owned();
    let first = w.app.token("jia.contact", &temporary);
    let changed = w
        .app
        .post("/api/v1/me/password")
        .bearer(&first)
        .json(&json!({"current_password": temporary, "new_password": "Contact-pass-1"}))
        .send();
    assert_eq!(changed.status, 204, "{}", changed.body);
    let cc = w.app.token("jia.contact", "Contact-pass-1");
    let own = w.open(&cc, json!({"ticket_type": "consultation", "customer_id": w.customer["id"], "description": "咨询升级"}));
    assert_eq!(own["channel"], "web");
    let p = w.app.post("/api/v1/tickets").bearer(&cc)
        .json(&json!({"channel": "phone", "ticket_type": "fault", "customer_id": w.customer["id"], "description": "x"}))
        .send().problem(422, "validation");
    assert_eq!(p["errors"][0]["field"], "channel");
    let p = w.app.post("/api/v1/tickets").bearer(&cc)
        .json(&json!({"channel": "web", "ticket_type": "fault", "customer_id": w.other_customer["id"], "description": "x"}))
        .send().problem(422, "validation");
    assert_eq!(p["errors"][0]["field"], "customer_id");
    let other = w.open(
        &w.admin,
        json!({"channel": "email", "ticket_type": "fault",
        "customer_id": w.other_customer["id"], "description": "乙公司报修"}),
    );
    let list = w.app.get("/api/v1/tickets").bearer(&cc).send().json();
    let seen: Vec<&str> = list["items"].as_array().unwrap().iter().map(id).collect();
    assert_eq!(seen.len(), 3, "{list}");
    assert!(!seen.contains(&id(&other)));
    w.app
        .get(&format!("/api/v1/tickets/{}", id(&other)))
        .bearer(&cc)
        .send()
        .problem(404, "not-found");
    // A client-chosen id makes the create idempotent.
    let uuid = "0193a5c2-7b1e-7c3d-9a40-5f0e8d2b1c99";
    let body = json!({"id": uuid, "channel": "im", "ticket_type": "fault", "customer_id": w.customer["id"], "description": "离线创建"});
    let first = w.open(&w.admin, body.clone());
    let again = w
        .app
        .post("/api/v1/tickets")
        .bearer(&w.admin)
        .json(&body)
        .send();
    assert_eq!(again.status, 200, "{}", again.body);
    assert_eq!(again.json()["number"], first["number"]);
    // Delta sync returns what changed after an instant.
    w.set_clock("2026-03-06T18:00:00+08:00");
    let later = w.ok(&w.eng1, &mine, "start", json!({}));
    let sync = w
        .app
        .get("/api/v1/tickets?updated_since=2026-03-06T17:45:00%2B08:00")
        .bearer(&w.eng1)
        .send()
        .json();
    let synced: Vec<&str> = sync["items"].as_array().unwrap().iter().map(id).collect();
    assert_eq!(synced, [id(&later)]);
}
