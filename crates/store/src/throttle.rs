//! Failed-login counters per account and per client address, kept in the database so that
//! every server instance sees the same counts.
//!
//! A login attempt is counted before its password is checked ([`reserve`]), with conditional
//! statements, so that parallel attempts can never get past the limit: checking a lock first
//! and counting the failure after the (slow) verification let every one of 40 parallel
//! guesses through. A successful attempt then gives its slot back ([`release`]) or forgets
//! the key ([`clear`]); a failed one keeps it.

use crate::schema::login_throttle;
use crate::{DbConnection, StoreError, from_db_time, to_db_time};
use chrono::{DateTime, Duration, Utc};
use diesel::prelude::*;
use diesel::result::{DatabaseErrorKind, Error as DieselError};

#[derive(Debug, Clone, Copy)]
pub struct ThrottlePolicy {
    pub max_failures: i64,
    pub window: Duration,
    pub lockout: Duration,
}

/// What [`reserve`] found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reservation {
    /// The attempt is counted; `locks` when it took the last slot, which locked the key.
    Reserved { locks: bool },
    /// The key is locked (or all its slots are taken) until this instant.
    Locked(DateTime<Utc>),
}

/// Counts one attempt against `key` before its password is checked, unless the key is locked
/// or already holds `max_failures` attempts in its window. The attempt that takes the last slot
/// locks the key at once, so that no parallel attempt gets in while it is being checked. A
/// window restarts when it has expired or its lock has ended.
pub fn reserve(
    conn: &mut DbConnection,
    key: &str,
    now: DateTime<Utc>,
    policy: ThrottlePolicy,
) -> Result<Reservation, StoreError> {
    let window_start = to_db_time(now - policy.window);
    let now_db = to_db_time(now);
    // A few rounds: each step is conditional, and a concurrent attempt may change the row
    // between them (create it, restart it); the next round then sees that.
    for _ in 0..3 {
        let counted = diesel::update(
            login_throttle::table
                .filter(login_throttle::throttle_key.eq(key))
                .filter(login_throttle::window_started_at.gt(window_start))
                .filter(login_throttle::failures.lt(policy.max_failures))
                .filter(login_throttle::locked_until.is_null()),
        )
        .set(login_throttle::failures.eq(login_throttle::failures + 1))
        .execute(conn)?;
        if counted == 1 {
            return lock_when_full(conn, key, now, policy);
        }
        let restarted = diesel::update(
            login_throttle::table
                .filter(login_throttle::throttle_key.eq(key))
                .filter(
                    login_throttle::locked_until
                        .le(now_db)
                        .or(login_throttle::locked_until
                            .is_null()
                            .and(login_throttle::window_started_at.le(window_start))),
                ),
        )
        .set((
            login_throttle::failures.eq(1),
            login_throttle::window_started_at.eq(now_db),
            login_throttle::locked_until.eq(None::<chrono::NaiveDateTime>),
        ))
        .execute(conn)?;
        if restarted == 1 {
            return lock_when_full(conn, key, now, policy);
        }
        let existing: Option<(i64, Option<chrono::NaiveDateTime>)> = login_throttle::table
            .find(key)
            .select((login_throttle::failures, login_throttle::locked_until))
            .first(conn)
            .optional()?;
        match existing {
            Some((_, Some(until))) if from_db_time(until) > now => {
                return Ok(Reservation::Locked(from_db_time(until)));
            }
            Some((failures, None)) if failures >= policy.max_failures => {
                // Full without a lock (the limit was lowered since): wait a lock-out.
                return Ok(Reservation::Locked(now + policy.lockout));
            }
            Some(_) => continue,
            None => {}
        }
        // In a savepoint: when a concurrent first attempt inserted the row before us, only the
        // insert rolls back and the next round counts on that row.
        let inserted = conn.transaction(|conn| {
            diesel::insert_into(login_throttle::table)
                .values((
                    login_throttle::throttle_key.eq(key),
                    login_throttle::failures.eq(1),
                    login_throttle::window_started_at.eq(now_db),
                ))
                .execute(conn)
        });
        match inserted {
            Ok(_) => return lock_when_full(conn, key, now, policy),
            Err(DieselError::DatabaseError(DatabaseErrorKind::UniqueViolation, _)) => {}
            Err(e) => return Err(e.into()),
        }
    }
    // Still contended after every round: refuse this attempt rather than let it in uncounted.
    Ok(Reservation::Locked(now + Duration::seconds(1)))
}

fn lock_when_full(
    conn: &mut DbConnection,
    key: &str,
    now: DateTime<Utc>,
    policy: ThrottlePolicy,
) -> Result<Reservation, StoreError> {
    let locked = diesel::update(
        login_throttle::table
            .filter(login_throttle::throttle_key.eq(key))
            .filter(login_throttle::failures.ge(policy.max_failures))
            .filter(login_throttle::locked_until.is_null()),
    )
    .set(login_throttle::locked_until.eq(Some(to_db_time(now + policy.lockout))))
    .execute(conn)?;
    Ok(Reservation::Reserved { locks: locked == 1 })
}

/// Gives back the slot of a reserved attempt that did not fail (it succeeded, or it was never
/// checked), lifting the lock its slot caused.
pub fn release(
    conn: &mut DbConnection,
    key: &str,
    policy: ThrottlePolicy,
) -> Result<(), StoreError> {
    diesel::update(
        login_throttle::table
            .filter(login_throttle::throttle_key.eq(key))
            .filter(login_throttle::failures.gt(0)),
    )
    .set(login_throttle::failures.eq(login_throttle::failures - 1))
    .execute(conn)?;
    diesel::update(
        login_throttle::table
            .filter(login_throttle::throttle_key.eq(key))
            .filter(login_throttle::failures.lt(policy.max_failures)),
    )
    .set(login_throttle::locked_until.eq(None::<chrono::NaiveDateTime>))
    .execute(conn)?;
    Ok(())
}

pub fn clear(conn: &mut DbConnection, key: &str) -> Result<(), StoreError> {
    diesel::delete(login_throttle::table.find(key)).execute(conn)?;
    Ok(())
}
