//! Black-box tests: the real `kefu` binary over HTTP, on SQLite (default) or PostgreSQL
//! (`KEFU_TEST_DB=postgres` with `KEFU_TEST_PG_URL`).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod access_matrix;
mod allowed_actions;
mod api_keys;
mod attachments;
mod attendance;
mod audit;
mod auth;
mod calendar;
mod calendar_schedules;
mod callbacks;
mod cards_appeals;
mod cards_exams;
mod cards_probations;
mod cards_promotion;
mod cards_retests;
mod cards_scorecards;
mod cards_standings;
mod change_requests;
mod cli;
mod commissioning;
mod commissions;
mod complaints;
mod contract_lists;
mod contract_reminders;
mod contracts;
mod controller_data;
mod conventions;
mod crash;
mod customers;
mod delta_rules;
mod desk_agenda;
mod equipment;
mod expenses;
mod exports;
mod feedback_forms;
mod fees;
mod fines_complaints;
mod fines_leave;
mod fines_records;
mod form_callbacks;
mod hostile;
mod inventory;
mod jobs;
mod knowledge_base;
mod languages;
mod ledger;
mod ledger_kinds;
mod licences;
mod maintenance;
mod maintenance_overdue;
mod merge_patch;
mod notifications;
mod ops;
mod org;
mod payroll;
mod rate_limit;
mod receivables;
mod repair_warranty;
mod rules;
mod spec_conformance;
mod statement_counts;
mod sync;
mod ticket_edits;
mod ticket_lists;
mod tickets;
mod users;
mod visits;
mod webhooks;
mod work_orders;
mod working_time;

use kefu_blackbox::TestApp;
use serde_json::Value;

/// Audit entries for one record, oldest first.
pub fn audit_of(app: &TestApp, admin: &str, entity_type: &str, entity_id: &str) -> Vec<Value> {
    let res = app
        .get(&format!(
            "/api/v1/audit?entity_type={entity_type}&entity_id={entity_id}&limit=200"
        ))
        .bearer(admin)
        .send();
    assert_eq!(res.status, 200, "{}", res.body);
    let mut items = res.json()["items"].as_array().unwrap().clone();
    items.reverse();
    items
}

pub fn actions(entries: &[Value]) -> Vec<String> {
    entries
        .iter()
        .map(|e| e["action"].as_str().unwrap().to_owned())
        .collect()
}

/// Two more instances of `app` running the scheduled jobs, polling every 50 ms: a job's
/// "exactly once" holds while they race. Dropping them stops them.
pub fn job_runners(app: &TestApp) -> [TestApp; 2] {
    let env = [("KEFU_JOBS_ENABLED", "1"), ("KEFU_JOBS_POLL_MS", "50")];
    [app.another_instance(&env), app.another_instance(&env)]
}

/// The notices of `kind` in the inbox of `token`'s user, once the first has come (within a
/// minute) and two more seconds have passed for any duplicate to show.
pub fn awaited_notices(app: &TestApp, token: &str, kind: &str) -> Vec<Value> {
    let told = || -> Vec<Value> {
        let res = app.get("/api/v1/me/notifications").bearer(token).send();
        res.json()["items"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|n| n["kind"] == kind)
            .cloned()
            .collect()
    };
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    while told().is_empty() {
        assert!(std::time::Instant::now() < deadline, "no {kind} notice");
        std::thread::sleep(std::time::Duration::from_millis(200));
    }
    std::thread::sleep(std::time::Duration::from_secs(2));
    told()
}
