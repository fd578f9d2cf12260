//! The in-app inbox: notifications addressed to one user each. A dedupe key makes an event
//! notify a user once, however often the job that reports it runs.

use crate::delta::ListMode;
use crate::schema::{notifications, user_roles, users};
use crate::{DbConnection, StoreError};
use chrono::NaiveDateTime;
use diesel::prelude::*;

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable)]
#[diesel(table_name = notifications)]
pub struct NotificationRow {
    pub id: String,
    pub user_id: String,
    pub kind: String,
    pub title: String,
    pub body: String,
    pub entity_type: Option<String>,
    pub entity_id: Option<String>,
    pub dedupe_key: Option<String>,
    pub read_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

pub fn insert(conn: &mut DbConnection, row: &NotificationRow) -> Result<(), StoreError> {
    diesel::insert_into(notifications::table)
        .values(row)
        .execute(conn)?;
    Ok(())
}

/// Whether `user_id` already has a notification with `dedupe_key`.
pub fn exists(
    conn: &mut DbConnection,
    user_id: &str,
    dedupe_key: &str,
) -> Result<bool, StoreError> {
    Ok(notifications::table
        .filter(notifications::user_id.eq(user_id))
        .filter(notifications::dedupe_key.eq(dedupe_key))
        .count()
        .get_result::<i64>(conn)?
        > 0)
}

/// Which of `keys` some notification (to anyone) carries already.
pub fn dedupe_keys_used(
    conn: &mut DbConnection,
    keys: &[String],
) -> Result<Vec<String>, StoreError> {
    let mut used = Vec::new();
    // Bounded IN lists: SQLite limits the number of bound parameters.
    for chunk in keys.chunks(500) {
        let found: Vec<Option<String>> = notifications::table
            .filter(notifications::dedupe_key.eq_any(chunk))
            .select(notifications::dedupe_key)
            .distinct()
            .load(conn)?;
        used.extend(found.into_iter().flatten());
    }
    Ok(used)
}

pub fn find(conn: &mut DbConnection, id: &str) -> Result<Option<NotificationRow>, StoreError> {
    Ok(notifications::table
        .find(id)
        .select(NotificationRow::as_select())
        .first(conn)
        .optional()?)
}

/// One page of `user_id`'s inbox: newest first, or — for delta sync — everything created or
/// changed (read) after an instant, in (updated_at, id) order.
pub fn list(
    conn: &mut DbConnection,
    user_id: &str,
    unread: Option<bool>,
    mode: &ListMode,
    limit: i64,
) -> Result<Vec<NotificationRow>, StoreError> {
    let mut query = notifications::table
        .filter(notifications::user_id.eq(user_id))
        .select(NotificationRow::as_select())
        .into_boxed();
    match unread {
        Some(true) => query = query.filter(notifications::read_at.is_null()),
        Some(false) => query = query.filter(notifications::read_at.is_not_null()),
        None => {}
    }
    let query = match mode {
        ListMode::Live { after_id } => {
            if let Some(after) = after_id {
                query = query.filter(notifications::id.lt(after.clone()));
            }
            query.order(notifications::id.desc())
        }
        ListMode::Changed { since, after } => {
            query = query.filter(notifications::updated_at.gt(*since));
            if let Some((at, id)) = after {
                query = query.filter(
                    notifications::updated_at
                        .gt(*at)
                        .or(notifications::updated_at
                            .eq(*at)
                            .and(notifications::id.gt(id.clone()))),
                );
            }
            query.order((notifications::updated_at.asc(), notifications::id.asc()))
        }
    };
    Ok(query.limit(limit).load(conn)?)
}

/// Marks `id` of `user_id` read (once: a read notification keeps its first `read_at`).
pub fn mark_read(
    conn: &mut DbConnection,
    user_id: &str,
    id: &str,
    now: NaiveDateTime,
) -> Result<usize, StoreError> {
    Ok(diesel::update(
        notifications::table
            .filter(notifications::id.eq(id))
            .filter(notifications::user_id.eq(user_id))
            .filter(notifications::read_at.is_null()),
    )
    .set((
        notifications::read_at.eq(now),
        notifications::updated_at.eq(now),
    ))
    .execute(conn)?)
}

/// Marks every unread notification of `user_id` read; returns how many.
pub fn mark_all_read(
    conn: &mut DbConnection,
    user_id: &str,
    now: NaiveDateTime,
) -> Result<usize, StoreError> {
    Ok(diesel::update(
        notifications::table
            .filter(notifications::user_id.eq(user_id))
            .filter(notifications::read_at.is_null()),
    )
    .set((
        notifications::read_at.eq(now),
        notifications::updated_at.eq(now),
    ))
    .execute(conn)?)
}

/// Enabled people holding any of `roles`: the recipients of notices meant for a role.
pub fn enabled_holders_of(
    conn: &mut DbConnection,
    roles: &[&str],
) -> Result<Vec<String>, StoreError> {
    let holders = user_roles::table
        .filter(user_roles::role.eq_any(roles.iter().map(|r| (*r).to_owned()).collect::<Vec<_>>()))
        .select(user_roles::user_id);
    Ok(users::table
        .filter(users::id.eq_any(holders))
        .filter(users::disabled.eq(false))
        .filter(users::kind.eq("human"))
        .select(users::id)
        .order(users::id.asc())
        .load(conn)?)
}

/// The subset of `user_ids` that are enabled people.
pub fn enabled_people(
    conn: &mut DbConnection,
    user_ids: &[String],
) -> Result<Vec<String>, StoreError> {
    if user_ids.is_empty() {
        return Ok(Vec::new());
    }
    Ok(users::table
        .filter(users::id.eq_any(user_ids))
        .filter(users::disabled.eq(false))
        .filter(users::kind.eq("human"))
        .select(users::id)
        .load(conn)?)
}
