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
use kefu_store::{DbConnection, to_db_time, write_tx};

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

fn fail(conn: &mut DbConnection, key: &str, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
    write_tx(conn, |conn| {
        throttle::record_failure(conn, key, now, POLICY)
    })
    .expect("record a failure")
}

#[test]
fn reaching_max_failures_locks_the_key() {
    for db in fresh_databases() {
        let name = db.name();
        let mut conn = db.conn();
        let key = "user:alice";
        assert_eq!(row(&mut conn, key), None, "{name}");

        for n in 1..POLICY.max_failures {
            let now = t0() + Duration::seconds(n);
            assert_eq!(fail(&mut conn, key, now), None, "{name}: failure {n}");
            assert_eq!(
                row(&mut conn, key),
                Some((n, to_db_time(t0() + Duration::seconds(1)), None)),
                "{name}: after failure {n}"
            );
            assert_eq!(
                throttle::locked_until(&mut conn, key, now).expect("query"),
                None
            );
        }

        let now = t0() + Duration::seconds(POLICY.max_failures);
        let until = fail(&mut conn, key, now).expect("the limit locks");
        assert_eq!(until, now + POLICY.lockout, "{name}");
        assert!(until > now, "{name}: the lock ends in the future");
        assert_eq!(
            row(&mut conn, key),
            Some((
                POLICY.max_failures,
                to_db_time(t0() + Duration::seconds(1)),
                Some(to_db_time(until))
            )),
            "{name}: lock stored"
        );
        assert_eq!(
            throttle::locked_until(&mut conn, key, now).expect("query"),
            Some(until),
            "{name}"
        );
        assert_eq!(
            throttle::locked_until(&mut conn, key, until - Duration::seconds(1)).expect("query"),
            Some(until),
            "{name}: still locked just before the end"
        );
        assert_eq!(
            throttle::locked_until(&mut conn, key, until).expect("query"),
            None,
            "{name}: the lock is over at its end"
        );
        // Another key is untouched.
        assert_eq!(row(&mut conn, "ip:10.0.0.1"), None, "{name}");
        assert_eq!(
            throttle::locked_until(&mut conn, "ip:10.0.0.1", now).expect("query"),
            None
        );
    }
}

#[test]
fn failure_after_the_window_restarts_the_count() {
    for db in fresh_databases() {
        let name = db.name();
        let mut conn = db.conn();
        let key = "user:bob";
        fail(&mut conn, key, t0());
        fail(&mut conn, key, t0() + Duration::minutes(1));
        assert_eq!(row(&mut conn, key).map(|r| r.0), Some(2), "{name}");

        // The window is counted from its first failure: this one is past it.
        let later = t0() + POLICY.window + Duration::seconds(1);
        assert_eq!(fail(&mut conn, key, later), None, "{name}: no lock");
        assert_eq!(
            row(&mut conn, key),
            Some((1, to_db_time(later), None)),
            "{name}: a fresh window"
        );
        // It takes max_failures new failures to lock again.
        assert_eq!(fail(&mut conn, key, later + Duration::seconds(1)), None);
        let until = fail(&mut conn, key, later + Duration::seconds(2)).expect("locked");
        assert_eq!(
            until,
            later + Duration::seconds(2) + POLICY.lockout,
            "{name}"
        );
        assert_eq!(row(&mut conn, key).map(|r| r.0), Some(3), "{name}");
    }
}

#[test]
fn clear_forgets_the_key() {
    for db in fresh_databases() {
        let name = db.name();
        let mut conn = db.conn();
        for n in 0..POLICY.max_failures {
            fail(&mut conn, "user:carol", t0() + Duration::seconds(n));
        }
        fail(&mut conn, "user:dave", t0());
        assert!(
            throttle::locked_until(&mut conn, "user:carol", t0())
                .expect("query")
                .is_some(),
            "{name}"
        );

        throttle::clear(&mut conn, "user:carol").expect("clear");
        assert_eq!(row(&mut conn, "user:carol"), None, "{name}: row removed");
        assert_eq!(
            throttle::locked_until(&mut conn, "user:carol", t0()).expect("query"),
            None,
            "{name}"
        );
        assert_eq!(
            row(&mut conn, "user:dave").map(|r| r.0),
            Some(1),
            "{name}: kept"
        );
        // Clearing an unknown key is not an error; a new failure starts from one.
        throttle::clear(&mut conn, "user:nobody").expect("clear an unknown key");
        assert_eq!(fail(&mut conn, "user:carol", t0()), None, "{name}");
        assert_eq!(row(&mut conn, "user:carol").map(|r| r.0), Some(1), "{name}");
    }
}

#[test]
fn concurrent_failures_on_a_known_key_are_all_counted() {
    const THREADS: usize = 6;
    for db in fresh_databases() {
        let name = db.name();
        let key = "ip:10.0.0.2";
        fail(&mut db.conn(), key, t0());
        let results = race(&db, THREADS, move |_, conn| {
            write_tx(conn, |conn| {
                throttle::record_failure(conn, key, t0() + Duration::seconds(1), POLICY)
            })
            .map_err(|e| e.to_string())
        });
        assert!(results.iter().all(Result::is_ok), "{name}: {results:?}");
        // Only failures that reached the limit report a lock: the 3rd to the 7th.
        let locked = results.iter().filter(|r| matches!(r, Ok(Some(_)))).count();
        assert_eq!(locked, THREADS + 1 - 2, "{name}: {results:?}");
        assert_eq!(
            row(&mut db.conn(), key).map(|r| r.0),
            Some(THREADS as i64 + 1),
            "{name}: every failure counted"
        );
    }
}

#[test]
fn concurrent_first_failures_of_a_new_key_are_all_counted() {
    // The first failure of a key inserts its row. Racing first failures (a password-guessing
    // burst from one new address) must all be counted, not fail on the key's uniqueness.
    const THREADS: usize = 6;
    for db in fresh_databases() {
        let name = db.name();
        for round in 0..5 {
            let key = format!("ip:10.1.0.{round}");
            let racing_key = key.clone();
            let results = race(&db, THREADS, move |_, conn| {
                write_tx(conn, |conn| {
                    throttle::record_failure(conn, &racing_key, t0(), POLICY)
                })
                .map_err(|e| e.to_string())
            });
            let errors: Vec<&String> = results.iter().filter_map(|r| r.as_ref().err()).collect();
            assert!(
                errors.is_empty(),
                "{name} round {round}: {} of {THREADS} racing first failures failed: {errors:?}",
                errors.len()
            );
            assert_eq!(
                row(&mut db.conn(), &key).map(|r| r.0),
                Some(THREADS as i64),
                "{name} round {round}: every failure counted"
            );
        }
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
