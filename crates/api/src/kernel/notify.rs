//! The in-app inbox. Domain events call [`notify`] inside their own transaction; a user reads
//! and marks only their own notifications (anyone else's is 404).

use crate::kernel::error::ApiError;
use chrono::{DateTime, Utc};
use kefu_store::notifications::{self as store, NotificationRow};
use kefu_store::{DbConnection, new_id, to_db_time};

/// What a domain event tells a user.
#[derive(Debug, Clone)]
pub struct Notice<'a> {
    /// Stable machine kind, e.g. `equipment.warranty_ending`.
    pub kind: &'a str,
    pub title: &'a str,
    pub body: &'a str,
    /// The record the notice is about (type and id), for the client to open.
    pub entity: Option<(&'a str, &'a str)>,
    /// The same key never notifies the same user twice.
    pub dedupe_key: Option<&'a str>,
}

/// Puts `notice` into `user_id`'s inbox, unless they already have one with its dedupe key;
/// returns the new notification. Runs in the caller's transaction (the event's).
pub fn notify(
    conn: &mut DbConnection,
    now: DateTime<Utc>,
    user_id: &str,
    notice: &Notice<'_>,
) -> Result<Option<NotificationRow>, ApiError> {
    if let Some(key) = notice.dedupe_key
        && store::exists(conn, user_id, key)?
    {
        return Ok(None);
    }
    let now = to_db_time(now);
    let row = NotificationRow {
        id: new_id(),
        user_id: user_id.to_owned(),
        kind: notice.kind.to_owned(),
        title: notice.title.to_owned(),
        body: notice.body.to_owned(),
        entity_type: notice.entity.map(|(t, _)| t.to_owned()),
        entity_id: notice.entity.map(|(_, id)| id.to_owned()),
        dedupe_key: notice.dedupe_key.map(str::to_owned),
        read_at: None,
        created_at: now,
        updated_at: now,
    };
    store::insert(conn, &row)?;
    Ok(Some(row))
}
