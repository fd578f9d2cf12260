//! Failed-login counters per account and per client address, kept in the database so that
//! every server instance sees the same counts.

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

/// When the key is locked out, the instant the lock ends.
pub fn locked_until(
    conn: &mut DbConnection,
    key: &str,
    now: DateTime<Utc>,
) -> Result<Option<DateTime<Utc>>, StoreError> {
    let until: Option<Option<chrono::NaiveDateTime>> = login_throttle::table
        .find(key)
        .select(login_throttle::locked_until)
        .first(conn)
        .optional()?;
    Ok(until
        .flatten()
        .map(from_db_time)
        .filter(|until| *until > now))
}

/// Counts one failure; returns the lock's end when this failure reached the limit.
/// Each step is a conditional statement, so concurrent failures are all counted.
pub fn record_failure(
    conn: &mut DbConnection,
    key: &str,
    now: DateTime<Utc>,
    policy: ThrottlePolicy,
) -> Result<Option<DateTime<Utc>>, StoreError> {
    let window_start = to_db_time(now - policy.window);
    let counted = diesel::update(
        login_throttle::table
            .filter(login_throttle::throttle_key.eq(key))
            .filter(login_throttle::window_started_at.gt(window_start)),
    )
    .set(login_throttle::failures.eq(login_throttle::failures + 1))
    .execute(conn)?;
    if counted == 0 {
        // Only an expired window restarts: a row that a concurrent first failure has just
        // created is counted on, never reset.
        let restarted = diesel::update(
            login_throttle::table
                .filter(login_throttle::throttle_key.eq(key))
                .filter(login_throttle::window_started_at.le(window_start)),
        )
        .set((
            login_throttle::failures.eq(1),
            login_throttle::window_started_at.eq(to_db_time(now)),
            login_throttle::locked_until.eq(None::<chrono::NaiveDateTime>),
        ))
        .execute(conn)?;
        if restarted == 0 {
            // In a savepoint: when a concurrent first failure inserted the row before us, only
            // the insert rolls back and this failure is counted on that row instead.
            let inserted = conn.transaction(|conn| {
                diesel::insert_into(login_throttle::table)
                    .values((
                        login_throttle::throttle_key.eq(key),
                        login_throttle::failures.eq(1),
                        login_throttle::window_started_at.eq(to_db_time(now)),
                    ))
                    .execute(conn)
            });
            match inserted {
                Ok(_) => {}
                Err(DieselError::DatabaseError(DatabaseErrorKind::UniqueViolation, _)) => {
                    diesel::update(login_throttle::table.find(key))
                        .set(login_throttle::failures.eq(login_throttle::failures + 1))
                        .execute(conn)?;
                }
                Err(e) => return Err(e.into()),
            }
        }
    }
    let until = now + policy.lockout;
    let locked = diesel::update(
        login_throttle::table
            .filter(login_throttle::throttle_key.eq(key))
            .filter(login_throttle::failures.ge(policy.max_failures)),
    )
    .set(login_throttle::locked_until.eq(Some(to_db_time(until))))
    .execute(conn)?;
    Ok((locked == 1).then_some(until))
}

pub fn clear(conn: &mut DbConnection, key: &str) -> Result<(), StoreError> {
    diesel::delete(login_throttle::table.find(key)).execute(conn)?;
    Ok(())
}
