//! The SLA watch's scan (TKT-2): only targets with something new to say, on both databases;
//! and, ignored by default, its cost at 10,000 breached tickets before and after the marks
//! (`cargo test -p kefu-store --test sla_marks -- --ignored --nocapture`).

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use chrono::{Duration, NaiveDate, NaiveDateTime};
use common::fresh_databases;
use diesel::prelude::*;
use kefu_store::customers::{self, CustomerRow};
use kefu_store::schema::users;
use kefu_store::sla_marks::{self, BREACHED, DUE_SOON, Target};
use kefu_store::tickets::{self, TicketRow};
use kefu_store::users::UserRow;
use kefu_store::visibility::Visible;
use kefu_store::{DbConnection, notifications};
use kefu_tickets::channel::Channel;
use kefu_tickets::kinds::{Priority, TicketType};
use kefu_tickets::lifecycle::Status;
use std::time::Instant;

fn at(h: u32, m: u32) -> NaiveDateTime {
    NaiveDate::from_ymd_opt(2026, 3, 9)
        .and_then(|d| d.and_hms_opt(h, m, 0))
        .unwrap()
}

fn seed(conn: &mut DbConnection) {
    let user = UserRow {
        id: "u".into(),
        username: "u".into(),
        display_name: "u".into(),
        email: None,
        phone: None,
        kind: "human".into(),
        password_hash: None,
        disabled: false,
        must_change_password: false,
        created_at: at(0, 0),
        updated_at: at(0, 0),
        version: 1,
        session_version: 0,
        scope_changed_at: None,
    };
    diesel::insert_into(users::table)
        .values(&user)
        .execute(conn)
        .unwrap();
    customers::insert(
        conn,
        &CustomerRow {
            id: "c".into(),
            name: "c".into(),
            phone: None,
            key_account: false,
            dealer_name: None,
            dealer_consent: false,
            owner_user_id: None,
            team_id: None,
            note: None,
            created_at: at(0, 0),
            updated_at: at(0, 0),
            version: 1,
            deleted_at: None,
        },
    )
    .unwrap();
}

fn ticket(id: &str, response_due: NaiveDateTime, responded: bool) -> TicketRow {
    TicketRow {
        id: id.into(),
        number: format!("T-{id}"),
        channel: Channel::Phone,
        ticket_type: TicketType::Fault,
        priority: Priority::Urgent,
        status: Status::Assigned,
        customer_id: "c".into(),
        site_id: None,
        contact_id: None,
        equipment_id: None,
        description: String::new(),
        taken_by: "u".into(),
        assignee_id: None,
        team_id: None,
        planned_start: None,
        planned_end: None,
        appointment_confirmed_at: None,
        appointment_confirmed_with: None,
        escalated_at: None,
        escalation_reason: None,
        response_due_at: response_due,
        resolution_due_at: at(23, 0),
        responded_at: responded.then(|| at(1, 0)),
        waiting_since: None,
        resolved_at: None,
        resolution_summary: None,
        closed_at: None,
        cancelled_at: None,
        created_at: at(0, 0),
        updated_at: at(0, 0),
        version: 1,
        deleted_at: None,
    }
}

fn unannounced(conn: &mut DbConnection, now: NaiveDateTime) -> Vec<String> {
    let horizon = now + Duration::minutes(30);
    sla_marks::unannounced(conn, Target::Response, now, horizon, None, 100)
        .unwrap()
        .into_iter()
        .map(|t| t.id)
        .collect()
}

#[test]
fn the_scan_returns_each_target_until_it_is_announced_at_its_stage() {
    for db in fresh_databases() {
        let mut conn = db.conn();
        let conn: &mut DbConnection = &mut conn;
        seed(conn);
        tickets::insert(conn, &ticket("late", at(9, 0), false)).unwrap();
        tickets::insert(conn, &ticket("soon", at(10, 20), false)).unwrap();
        tickets::insert(conn, &ticket("met", at(9, 0), true)).unwrap();
        tickets::insert(conn, &ticket("later", at(12, 0), false)).unwrap();
        let now = at(10, 0);
        assert_eq!(unannounced(conn, now), ["late", "soon"], "{}", db.name());

        sla_marks::mark(conn, "late", Target::Response, at(9, 0), BREACHED, now).unwrap();
        sla_marks::mark(conn, "soon", Target::Response, at(10, 20), DUE_SOON, now).unwrap();
        assert!(unannounced(conn, now).is_empty(), "{}", db.name());
        // The due-soon one breaches: it has something new to say.
        assert_eq!(unannounced(conn, at(10, 21)), ["soon"], "{}", db.name());
        // A due instant moved (waiting for the customer) is announced again.
        let moved = ticket("late", at(9, 30), false);
        diesel::update(kefu_store::schema::tickets::table.find("late"))
            .set(kefu_store::schema::tickets::response_due_at.eq(moved.response_due_at))
            .execute(conn)
            .unwrap();
        assert_eq!(unannounced(conn, now), ["late"], "{}", db.name());
        // The resolution target is its own: nothing marked, due later than the horizon.
        let resolution = sla_marks::unannounced(
            conn,
            Target::Resolution,
            now,
            now + Duration::minutes(30),
            None,
            100,
        )
        .unwrap();
        assert!(resolution.is_empty(), "{}", db.name());
    }
}

/// The watch's scan at 10,000 open breached tickets, all already announced: before the marks
/// it read every one of them (and looked up their dedupe keys) each minute; after, it reads
/// none.
#[test]
#[ignore = "a measurement, run by hand"]
fn measure_the_scan_at_10000_breached_tickets() {
    const N: usize = 10_000;
    for db in fresh_databases() {
        let mut conn = db.conn();
        let conn: &mut DbConnection = &mut conn;
        seed(conn);
        for n in 0..N {
            tickets::insert(conn, &ticket(&format!("t{n:05}"), at(9, 0), false)).unwrap();
        }
        for n in 0..N {
            let id = format!("t{n:05}");
            sla_marks::mark(conn, &id, Target::Response, at(9, 0), BREACHED, at(9, 1)).unwrap();
            sla_marks::mark(conn, &id, Target::Resolution, at(23, 0), DUE_SOON, at(9, 1)).unwrap();
        }
        let now = at(22, 45);
        let horizon = now + Duration::minutes(30);

        let started = Instant::now();
        let mut after: Option<String> = None;
        let mut read = 0;
        loop {
            let rows = tickets::breached_or_at_risk(
                conn,
                &Visible::everything(),
                horizon,
                after.as_deref(),
                500,
            )
            .unwrap();
            let Some(last) = rows.last() else { break };
            after = Some(last.id.clone());
            read += rows.len();
            let keys: Vec<String> = rows
                .iter()
                .flat_map(|t| {
                    [
                        format!("sla:{}:response:breached:{}", t.id, t.response_due_at),
                        format!("sla:{}:resolution:due_soon:{}", t.id, t.resolution_due_at),
                    ]
                })
                .collect();
            notifications::dedupe_keys_used(conn, &keys).unwrap();
        }
        let before = started.elapsed();

        let started = Instant::now();
        let mut new_read = 0;
        for target in [Target::Response, Target::Resolution] {
            new_read += sla_marks::unannounced(conn, target, now, horizon, None, 500)
                .unwrap()
                .len();
        }
        let after_marks = started.elapsed();
        println!(
            "{}: {N} breached tickets: scan before {before:?} ({read} rows read), after {after_marks:?} ({new_read} rows read)",
            db.name()
        );
        assert_eq!(read, N);
        assert_eq!(new_read, 0);
    }
}
