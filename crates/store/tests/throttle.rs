//! Failed-login counters: a lock after `max_failures` inside the window, a fresh count after
//! it, and `clear` forgetting the key — checked against the stored row.

// Helpers outside #[test] functions panic on failure too, as tests should.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use chrono::{DateTime, Duration, NaiveDateTime, TimeZone, Utc};
use common::{fresh_databases, race};
use diesel::prelude::*;
use kefu_store::schema::login_throttle;
use kefu_store::throttle::{self, ThrottlePolicy};
use kefu_store::{DbConnection, write_tx};

const POLICY: ThrottlePolicy = ThrottlePolicy {
    max_failures: 3,
    window: Duration::minutes(15),
    lockout: Duration::minutes(10),
};

fn t0() -> DateTime<Utc> {
    // Whole microseconds, so instants compare equal after a round trip through either backend.
    Utc.with_ymd_and_hms(2026, 3, 2, 9, 30, 0)
        .single()
        .expect("a valid instant")
        + Duration::microseconds(654_321)
}

/// (failures, window_started_at, locked_until) as stored, `None` when there is no row.
fn row(conn: &mut DbConnection, key: &str) -> Option<(i64, NaiveDateTime, Option<NaiveDateTime>)> {
    login_throttle::table
        .find(key)
        .select((
            login_throttle::failures,
            login_throttle::window_started_at,
            login_throttle::locked_until,
        ))
        .first(conn)
        .optional()
        .expect("read the throttle row")
}

#[test]
fn clear_forgets_the_key() {
    use throttle::Reservation::{Locked, Reserved};
    for db in fresh_databases() {
        let name = db.name();
        let mut conn = db.conn();
        for n in 0..POLICY.max_failures {
            reserve(&mut conn, "user:carol", t0() + Duration::seconds(n));
        }
        reserve(&mut conn, "user:dave", t0());
        assert!(
            matches!(
                reserve(&mut conn, "user:carol", t0() + Duration::seconds(10)),
                Locked(_)
            ),
            "{name}"
        );

        throttle::clear(&mut conn, "user:carol").expect("clear");
        assert_eq!(row(&mut conn, "user:carol"), None, "{name}: row removed");
        assert_eq!(
            row(&mut conn, "user:dave").map(|r| r.0),
            Some(1),
            "{name}: kept"
        );
        // Clearing an unknown key is not an error; a new attempt starts from one.
        throttle::clear(&mut conn, "user:nobody").expect("clear an unknown key");
        assert_eq!(
            reserve(&mut conn, "user:carol", t0() + Duration::seconds(11)),
            Reserved { locks: false },
            "{name}"
        );
        assert_eq!(row(&mut conn, "user:carol").map(|r| r.0), Some(1), "{name}");
    }
}

fn reserve(conn: &mut DbConnection, key: &str, now: DateTime<Utc>) -> throttle::Reservation {
    write_tx(conn, |conn| throttle::reserve(conn, key, now, POLICY)).expect("reserve")
}

#[test]
fn reserving_counts_before_the_check_and_locks_on_the_last_slot() {
    use throttle::Reservation::{Locked, Reserved};
    for db in fresh_databases() {
        let name = db.name();
        let mut conn = db.conn();
        let key = "user:dora";
        assert_eq!(
            reserve(&mut conn, key, t0()),
            Reserved { locks: false },
            "{name}"
        );
        assert_eq!(
            reserve(&mut conn, key, t0()),
            Reserved { locks: false },
            "{name}"
        );
        // The third slot is the last: taking it locks the key while it is being checked.
        assert_eq!(
            reserve(&mut conn, key, t0()),
            Reserved { locks: true },
            "{name}"
        );
        let until = t0() + POLICY.lockout;
        assert_eq!(reserve(&mut conn, key, t0()), Locked(until), "{name}");
        // A success gives its slot back and lifts the lock its slot caused.
        write_tx(&mut conn, |conn| throttle::release(conn, key, POLICY)).expect("release");
        assert_eq!(
            row(&mut conn, key).map(|r| (r.0, r.2)),
            Some((2, None)),
            "{name}"
        );
        assert_eq!(
            reserve(&mut conn, key, t0()),
            Reserved { locks: true },
            "{name}"
        );
        // A lock that has ended starts a fresh window.
        assert_eq!(
            reserve(&mut conn, key, until),
            Reserved { locks: false },
            "{name}"
        );
        assert_eq!(row(&mut conn, key).map(|r| r.0), Some(1), "{name}");
    }
}

#[test]
fn parallel_reservations_never_exceed_the_limit() {
    // More parallel attempts on one key, new or known, than it has slots: exactly
    // `max_failures` get one.
    const THREADS: usize = 6;
    for db in fresh_databases() {
        let name = db.name();
        for round in 0..3 {
            let key = format!("user:racer{round}");
            if round == 2 {
                reserve(&mut db.conn(), &key, t0());
            }
            let racing_key = key.clone();
            let results = race(&db, THREADS, move |_, conn| {
                write_tx(conn, |conn| {
                    throttle::reserve(conn, &racing_key, t0(), POLICY)
                })
                .map_err(|e| e.to_string())
            });
            assert!(results.iter().all(Result::is_ok), "{name}: {results:?}");
            let reserved = results
                .iter()
                .filter(|r| matches!(r, Ok(throttle::Reservation::Reserved { .. })))
                .count();
            let expected = if round == 2 { 2 } else { 3 };
            assert_eq!(reserved, expected, "{name} round {round}: {results:?}");
            assert_eq!(
                row(&mut db.conn(), &key).map(|r| r.0),
                Some(POLICY.max_failures),
                "{name} round {round}"
            );
        }
    }
}
