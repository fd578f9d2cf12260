//! The employee list's two seeks on both databases: by id without deleted rows, and the
//! delta-sync seek by `(updated_at, id)` with tombstones, ties on `updated_at` included.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use chrono::{NaiveDate, NaiveDateTime};
use common::fresh_databases;
use kefu_store::delta::ListMode;
use kefu_store::employees::{self, EmployeeFilter, EmployeeRow};
use kefu_store::teams::{self, TeamRow};
use kefu_store::visibility::Visible;
use kefu_store::{DbConnection, new_id};

fn at(s: &str) -> NaiveDateTime {
    NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S%.f").unwrap()
}

fn employee(name: &str, team: Option<&str>, updated: &str, deleted: bool) -> EmployeeRow {
    EmployeeRow {
        id: new_id(),
        user_id: None,
        name: name.to_owned(),
        phone: None,
        team_id: team.map(str::to_owned),
        supervisor_user_id: None,
        track: None,
        level: None,
        station_city: None,
        employment_status: "training".to_owned(),
        status_since: NaiveDate::from_ymd_opt(2026, 1, 5).unwrap(),
        base_salary_fen: 100,
        phone_allowance_class: None,
        created_at: at("2026-01-01 00:00:00"),
        updated_at: at(updated),
        version: 1,
        deleted_at: deleted.then(|| at(updated)),
    }
}

fn page_all(conn: &mut DbConnection, filter: &EmployeeFilter, since: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut after = None;
    loop {
        let seek = ListMode::Changed {
            since: at(since),
            after: after.clone(),
        };
        let rows = employees::list(conn, filter, &seek, 2).unwrap();
        let Some(last) = rows.last() else { break };
        after = Some((last.updated_at, last.id.clone()));
        out.extend(rows.iter().map(|r| r.name.clone()));
    }
    out
}

#[test]
fn delta_seek_pages_through_ties_without_gaps_and_keeps_tombstones() {
    for db in fresh_databases() {
        let mut conn = db.conn();
        let team = TeamRow {
            id: new_id(),
            name: "一组".to_owned(),
            supervisor_user_id: None,
            station_city: None,
            created_at: at("2026-01-01 00:00:00"),
            updated_at: at("2026-01-01 00:00:00"),
            version: 1,
            deleted_at: None,
        };
        teams::insert(&mut conn, &team).unwrap();
        // Inserted out of update order; b, c and d share one instant.
        for row in [
            employee("e", None, "2026-03-01 10:00:02", false),
            employee("b", Some(&team.id), "2026-03-01 10:00:01.5", false),
            employee("c", None, "2026-03-01 10:00:01.5", true),
            employee("a", None, "2026-03-01 10:00:00.000001", false),
            employee("d", Some(&team.id), "2026-03-01 10:00:01.5", false),
            employee("old", None, "2026-02-01 00:00:00", false),
        ] {
            employees::insert(&mut conn, &row).unwrap();
        }
        let everyone = EmployeeFilter {
            visible: Visible::everything(),
            ..EmployeeFilter::default()
        };
        assert_eq!(
            page_all(&mut conn, &everyone, "2026-03-01 00:00:00"),
            ["a", "b", "c", "d", "e"],
            "{}",
            db.name()
        );
        // Strictly after `since`.
        assert_eq!(
            page_all(&mut conn, &everyone, "2026-03-01 10:00:01.5"),
            ["e"],
            "{}",
            db.name()
        );
        let team_only = EmployeeFilter {
            visible: Visible {
                team_ids: vec![team.id.clone()],
                ..Visible::default()
            },
            ..EmployeeFilter::default()
        };
        assert_eq!(
            page_all(&mut conn, &team_only, "2026-01-01 00:00:00"),
            ["b", "d"],
            "{}",
            db.name()
        );
        // The plain list leaves the deleted one out.
        let plain =
            employees::list(&mut conn, &everyone, &ListMode::Live { after_id: None }, 50).unwrap();
        let mut names: Vec<String> = plain.into_iter().map(|r| r.name).collect();
        names.sort();
        assert_eq!(names, ["a", "b", "d", "e", "old"], "{}", db.name());
    }
}
