//! Visits (TKT-5, TKT-8), service records (TKT-6), the board and the agenda over HTTP.

use crate::tickets::{id, world};
use crate::{actions, audit_of};
use serde_json::{Value, json};

fn visit_cmd(
    w: &crate::tickets::World,
    token: &str,
    visit: &Value,
    verb: &str,
    body: Value,
) -> kefu_blackbox::Resp {
    w.app
        .post(&format!("/api/v1/visits/{}/{verb}", id(visit)))
        .bearer(token)
        .if_match(&format!("\"{}\"", visit["version"]))
        .json(&body)
        .send()
}

#[test]
fn tkt_5_departing_needs_an_approved_request_and_the_visit_is_recorded() {
    let w = world();
    let t = w.assign(&w.fault("urgent"), &w.eng1_id);
    let res = w
        .app
        .post(&format!("/api/v1/tickets/{}/visits", id(&t)))
        .bearer(&w.eng1)
        .json(&json!({"planned_date": "2026-03-10", "purpose": "现场检修"}))
        .send();
    assert_eq!(res.status, 201, "{}", res.body);
    let v = res.json();
    assert_eq!(
        (v["status"].clone(), v["engineer_id"].clone()),
        (json!("requested"), json!(w.eng1_id))
    );
    // Another engineer neither sees nor requests.
    w.app
        .get(&format!("/api/v1/visits/{}", id(&v)))
        .bearer(&w.eng2)
        .send()
        .problem(404, "not-found");
    let p = visit_cmd(&w, &w.eng1, &v, "depart", json!({})).problem(422, "rule-violation");
    assert_eq!(p["rule"], "TKT-5");
    // Only managers approve.
    visit_cmd(&w, &w.eng1, &v, "approve", json!({})).problem(403, "forbidden");
    let res = visit_cmd(&w, &w.manager, &v, "approve", json!({"note": "同意"}));
    assert_eq!(res.status, 200, "{}", res.body);
    let v = res.json();
    assert_eq!(v["status"], "approved");
    // A report from the future is refused.
    let p = visit_cmd(
        &w,
        &w.eng1,
        &v,
        "depart",
        json!({"at": "2026-03-06T18:30:00+08:00"}),
    )
    .problem(422, "validation");
    assert_eq!(p["errors"][0]["field"], "at");
    let v = visit_cmd(
        &w,
        &w.eng1,
        &v,
        "depart",
        json!({"at": "2026-03-06T17:32:00+08:00"}),
    )
    .json();
    assert_eq!(v["departed_at"], "2026-03-06T09:32:00Z");
    let v = visit_cmd(
        &w,
        &w.eng1,
        &v,
        "arrive",
        json!({"gps": {"lat": 30.2741, "lng": 120.1551, "accuracy_m": 12}}),
    )
    .json();
    assert_eq!(
        v["arrived_gps"],
        json!({"lat": 30.2741, "lng": 120.1551, "accuracy_m": 12})
    );
    let v = visit_cmd(
        &w,
        &w.eng1,
        &v,
        "finish",
        json!({"resolved": false, "note": "需返厂"}),
    )
    .json();
    assert_eq!(
        (v["status"].clone(), v["unresolved_not_escalated"].clone()),
        (json!("finished"), json!(true))
    );
    let flagged = w
        .app
        .get("/api/v1/visits?unresolved_not_escalated=true")
        .bearer(&w.manager)
        .send()
        .json();
    assert_eq!(flagged["items"].as_array().unwrap().len(), 1);
    let res = visit_cmd(
        &w,
        &w.eng1,
        &v,
        "escalate",
        json!({"reason": "主板损坏，现场无法修复"}),
    );
    assert_eq!(res.status, 200, "{}", res.body);
    let v = res.json();
    assert_eq!(v["unresolved_not_escalated"], false);
    assert_eq!(v["escalated_by"], w.eng1_id.as_str());
    let log = w
        .app
        .get(&format!("/api/v1/tickets/{}/transitions", id(&t)))
        .bearer(&w.manager)
        .send()
        .json();
    assert_eq!(
        log["items"].as_array().unwrap().last().unwrap()["action"],
        "escalate"
    );
    assert_eq!(
        actions(&audit_of(&w.app, &w.admin, "visit", id(&v))),
        [
            "visit.request",
            "visit.approve",
            "visit.depart",
            "visit.arrive",
            "visit.finish",
            "visit.escalate"
        ]
    );
    // Delta sync of visits.
    let sync = w
        .app
        .get("/api/v1/visits?updated_since=2026-03-06T00:00:00Z")
        .bearer(&w.eng1)
        .send()
        .json();
    assert_eq!(sync["items"][0]["id"], v["id"]);

    // TKT-6: a data-clearing record needs the SQL.
    let path = format!("/api/v1/tickets/{}/service-records", id(&t));
    let p = w.app.post(&path).bearer(&w.eng1)
        .json(&json!({"mode": "onsite", "visit_id": v["id"], "kind": "data_clearing", "work_done": "清除记录", "tool": "SSMS"}))
        .send().problem(422, "validation");
    assert_eq!(p["errors"][0]["field"], "sql");
    assert_eq!(
        (&p["rule"], &p["errors"][0]["rule"]),
        (&json!("TKT-6"), &json!("TKT-6"))
    );
    assert!(
        p["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("TKT-6")
    );
    // A field of another kind is in no variant of the spec's `oneOf`: refused, not dropped.
    let p = w.app.post(&path).bearer(&w.eng1)
        .json(&json!({"mode": "remote", "kind": "general", "work_done": "远程指导", "report_name": "月报"}))
        .send().problem(422, "validation");
    assert_eq!(
        (
            &p["errors"][0]["field"],
            &p["errors"][0]["code"],
            &p["errors"][0]["rule"]
        ),
        (
            &json!("report_name"),
            &json!("not_allowed"),
            &json!("TKT-6")
        )
    );
    let res = w.app.post(&path).bearer(&w.eng1)
        .json(&json!({"mode": "remote", "kind": "bug", "work_done": "复现问题",
                      "reproduction_steps": "打开报表", "error_text": "NullReference", "promised_date": "2026-03-20"}))
        .send();
    assert_eq!(res.status, 201, "{}", res.body);
    let rec = res.json();
    assert_eq!(
        rec["details"],
        json!({"reproduction_steps": "打开报表", "error_text": "NullReference", "promised_date": "2026-03-20"})
    );
    assert_eq!(rec["promised_date"], "2026-03-20");
    let list = w.app.get(&path).bearer(&w.manager).send().json();
    assert_eq!(list["items"].as_array().unwrap().len(), 1);
}

#[test]
fn the_board_and_the_agenda_show_the_day() {
    let w = world();
    let t = w.assign(&w.fault("normal"), &w.eng1_id);
    let v = w
        .app
        .post(&format!("/api/v1/tickets/{}/visits", id(&t)))
        .bearer(&w.eng1)
        .json(&json!({"planned_date": "2026-03-10", "purpose": "现场检修"}))
        .send()
        .json();
    let board = w
        .app
        .get("/api/v1/dispatch-board?date=2026-03-10")
        .bearer(&w.manager)
        .send();
    assert_eq!(board.status, 200, "{}", board.body);
    let board = board.json();
    let engineers = board["engineers"].as_array().unwrap();
    assert_eq!(engineers.len(), 1);
    assert_eq!(engineers[0]["engineer_id"], w.eng1_id.as_str());
    assert_eq!(engineers[0]["visits"][0]["id"], v["id"]);
    assert_eq!(engineers[0]["planned_tickets"][0]["id"], t["id"]);
    w.app
        .get("/api/v1/dispatch-board?date=2026-03-10")
        .bearer(&w.eng1)
        .send()
        .problem(403, "forbidden");

    let agenda = w
        .app
        .get("/api/v1/me/agenda?date=2026-03-10")
        .bearer(&w.eng1)
        .send();
    assert_eq!(agenda.status, 200, "{}", agenda.body);
    let agenda = agenda.json();
    let items = agenda["items"].as_array().unwrap();
    assert_eq!(items.len(), 1, "{agenda}");
    assert_eq!(items[0]["visit"]["id"], v["id"]);
    assert_eq!(items[0]["ticket"]["id"], t["id"]);
    assert_eq!(items[0]["site"]["address"], "一路 1 号");
    assert_eq!(items[0]["customer"]["contact_allowed"], true);
    let other = w
        .app
        .get("/api/v1/me/agenda?date=2026-03-10")
        .bearer(&w.eng2)
        .send()
        .json();
    assert!(other["items"].as_array().unwrap().is_empty());
}

/// The log lines a request left, parsed, found by its id.
fn log_lines_of(app: &kefu_blackbox::TestApp, request_id: &str) -> Vec<Value> {
    std::thread::sleep(std::time::Duration::from_millis(200));
    app.logs()
        .into_iter()
        .filter(|l| l.contains(request_id))
        .filter_map(|l| serde_json::from_str(&l).ok())
        .collect()
}

#[test]
fn one_request_is_followed_through_the_log_from_its_actor_to_its_command_and_rule() {
    let w = world();
    let t = w.assign(&w.fault("urgent"), &w.eng1_id);
    let res = w
        .app
        .post(&format!("/api/v1/tickets/{}/visits", id(&t)))
        .bearer(&w.eng1)
        .json(&json!({"planned_date": "2026-03-10", "purpose": "现场检修"}))
        .send();
    assert_eq!(res.status, 201, "{}", res.body);
    let v = res.json();
    let refused = w
        .app
        .post(&format!("/api/v1/visits/{}/depart", id(&v)))
        .bearer(&w.eng1)
        .header("X-Request-Id", "trace-refused-1")
        .if_match(&format!("\"{}\"", v["version"]))
        .json(&json!({}))
        .send()
        .problem(422, "rule-violation");
    assert_eq!(refused["rule"], "TKT-5");
    let manager_id = w.app.get("/api/v1/me").bearer(&w.manager).send().json()["id"].clone();
    let approved = w
        .app
        .post(&format!("/api/v1/visits/{}/approve", id(&v)))
        .bearer(&w.manager)
        .header("X-Request-Id", "trace-done-1")
        .if_match(&format!("\"{}\"", v["version"]))
        .json(&json!({"note": "同意"}))
        .send();
    assert_eq!(approved.status, 200, "{}", approved.body);

    let lines = log_lines_of(&w.app, "trace-refused-1");
    let command = lines
        .iter()
        .find(|l| l["message"] == "command")
        .unwrap_or_else(|| panic!("no command line in {lines:?}"));
    assert_eq!(
        (&command["outcome"], &command["rule"], &command["status"]),
        (&json!("rule-violation"), &json!("TKT-5"), &json!(422))
    );
    let request_span = &command["spans"][0];
    assert_eq!(request_span["name"], "request");
    assert_eq!(request_span["request_id"], "trace-refused-1");
    assert_eq!(request_span["actor"], json!(w.eng1_id));
    assert_eq!(command["spans"][1]["name"], "command");
    let access = lines
        .iter()
        .find(|l| l["message"] == "request")
        .expect("the request's own line");
    assert_eq!(
        (&access["status"], &access["spans"][0]["actor"]),
        (&json!(422), &json!(w.eng1_id))
    );

    let lines = log_lines_of(&w.app, "trace-done-1");
    let command = lines
        .iter()
        .find(|l| l["message"] == "command")
        .unwrap_or_else(|| panic!("no command line in {lines:?}"));
    assert_eq!(command["outcome"], "done");
    let span = &command["spans"][1];
    assert_eq!(
        (&span["action"], &span["entity"], &span["record_id"]),
        (&json!("visit.approve"), &json!("visit"), &v["id"])
    );
    assert_eq!(command["spans"][0]["actor"], manager_id);
}
