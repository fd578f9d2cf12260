//! CAL-1 storage on both databases: a replace touches only its range, and of two concurrent
//! uploads on the same calendar version exactly one is stored, whole.

// Helpers outside #[test] functions panic on failure too, as tests should.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use chrono::{NaiveDate, TimeZone, Utc};
use common::{fresh_databases, race};
use kefu_core::DayKind;
use kefu_store::calendar::{self, NewCalendarDay};
use kefu_store::users::VersionedWrite;
use kefu_store::write_tx;

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn day(s: &str, kind: DayKind) -> NewCalendarDay {
    NewCalendarDay {
        day: d(s),
        kind,
        note: Some(format!("note {s}")),
    }
}

fn stored(conn: &mut kefu_store::DbConnection) -> Vec<(NaiveDate, DayKind)> {
    calendar::list(conn, d("1900-01-01"), None)
        .unwrap()
        .into_iter()
        .map(|c| (c.day, c.kind))
        .collect()
}

#[test]
fn cal_1_a_replace_touches_only_its_range() {
    let now = Utc.with_ymd_and_hms(2026, 11, 23, 8, 0, 0).unwrap();
    for db in fresh_databases() {
        let name = db.name();
        let mut conn = db.conn();
        assert_eq!(calendar::meta(&mut conn).unwrap().version, 1, "{name}");
        assert_eq!(
            calendar::meta(&mut conn).unwrap().updated_at,
            None,
            "{name}"
        );
        let year = [
            day("2026-02-14", DayKind::Workday),
            day("2026-02-16", DayKind::Holiday),
            day("2026-12-31", DayKind::Holiday),
        ];
        let written =
            calendar::replace_range(&mut conn, d("2026-01-01"), d("2026-12-31"), 1, &year, now)
                .unwrap();
        assert_eq!(written, VersionedWrite::Written, "{name}");
        let next = [day("2027-01-01", DayKind::Holiday)];
        calendar::replace_range(&mut conn, d("2027-01-01"), d("2027-01-31"), 2, &next, now)
            .unwrap();
        // February only: the rest of 2026 and 2027 stay.
        let feb = [day("2026-02-17", DayKind::Holiday)];
        calendar::replace_range(&mut conn, d("2026-02-01"), d("2026-02-28"), 3, &feb, now).unwrap();
        assert_eq!(
            stored(&mut conn),
            [
                (d("2026-02-17"), DayKind::Holiday),
                (d("2026-12-31"), DayKind::Holiday),
                (d("2027-01-01"), DayKind::Holiday),
            ],
            "{name}"
        );
        let listed = calendar::list(&mut conn, d("2026-02-17"), Some(d("2026-12-31"))).unwrap();
        assert_eq!(listed.len(), 2, "{name}");
        assert_eq!(listed[0].note.as_deref(), Some("note 2026-02-17"), "{name}");
        let meta = calendar::meta(&mut conn).unwrap();
        assert_eq!(meta.version, 4, "{name}");
        assert_eq!(meta.updated_at, Some(now.naive_utc()), "{name}");
        // A stale version changes nothing.
        let stale =
            calendar::replace_range(&mut conn, d("2026-01-01"), d("2026-12-31"), 3, &[], now)
                .unwrap();
        assert_eq!(stale, VersionedWrite::Stale(4), "{name}");
        assert_eq!(stored(&mut conn).len(), 3, "{name}");
    }
}

#[test]
fn cal_1_concurrent_uploads_on_one_version_have_one_winner() {
    let now = Utc.with_ymd_and_hms(2026, 11, 23, 8, 0, 0).unwrap();
    for db in fresh_databases() {
        let name = db.name();
        for round in 0..4_i64 {
            let version = round + 1;
            let outcomes = race(&db, 2, move |thread, conn| {
                // Each writer uploads its own set of days for the whole year.
                let days: Vec<NewCalendarDay> = (1..=20)
                    .map(|k| {
                        let date = format!("2026-{:02}-{:02}", 1 + thread * 6, k);
                        day(&date, DayKind::Holiday)
                    })
                    .collect();
                write_tx(conn, |conn| {
                    calendar::replace_range(
                        conn,
                        d("2026-01-01"),
                        d("2026-12-31"),
                        version,
                        &days,
                        now,
                    )
                })
                .expect("replace")
            });
            let winners: Vec<usize> = (0..2)
                .filter(|t| outcomes[*t] == VersionedWrite::Written)
                .collect();
            assert_eq!(winners.len(), 1, "{name} round {round}: {outcomes:?}");
            let winner = winners[0];
            assert_eq!(
                outcomes[1 - winner],
                VersionedWrite::Stale(version + 1),
                "{name} round {round}"
            );
            let mut conn = db.conn();
            let days = stored(&mut conn);
            assert_eq!(days.len(), 20, "{name} round {round}");
            let month = 1 + winner as u32 * 6;
            assert!(
                days.iter()
                    .all(|(date, _)| chrono::Datelike::month(date) == month),
                "{name} round {round}: the winner's days only, got {days:?}"
            );
            assert_eq!(calendar::meta(&mut conn).unwrap().version, version + 1);
        }
    }
}
