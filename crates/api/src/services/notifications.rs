//! The in-app inbox. Domain events call [`notify`] inside their own transaction; a user reads
//! and marks only their own notifications (anyone else's is 404).

use super::{Ctx, snapshot};
use crate::dto::notifications::NotificationOut;
use crate::error::ApiError;
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

/// The caller's own notification `id`; anyone else's reads as missing.
fn own(conn: &mut DbConnection, user_id: &str, id: &str) -> Result<NotificationRow, ApiError> {
    store::find(conn, id)?
        .filter(|n| n.user_id == user_id)
        .ok_or(ApiError::NotFound)
}

/// Marks one of the caller's notifications read; reading it again changes nothing.
pub fn mark_read(
    conn: &mut DbConnection,
    ctx: &Ctx,
    user_id: &str,
    id: &str,
) -> Result<NotificationOut, ApiError> {
    let before = own(conn, user_id, id)?;
    if before.read_at.is_some() {
        return Ok(NotificationOut::from(&before));
    }
    store::mark_read(conn, user_id, id, to_db_time(ctx.now))?;
    let after = own(conn, user_id, id)?;
    let out = NotificationOut::from(&after);
    ctx.audit(
        conn,
        "notification.read",
        ("notification", id),
        snapshot(&NotificationOut::from(&before)),
        snapshot(&out),
    )?;
    Ok(out)
}

/// Marks every unread notification of the caller read; returns how many there were.
pub fn mark_all_read(conn: &mut DbConnection, ctx: &Ctx, user_id: &str) -> Result<u64, ApiError> {
    let marked = store::mark_all_read(conn, user_id, to_db_time(ctx.now))?;
    if marked > 0 {
        ctx.audit(
            conn,
            "notification.read_all",
            ("user", user_id),
            None,
            Some(serde_json::json!({ "marked": marked })),
        )?;
    }
    Ok(u64::try_from(marked).unwrap_or(u64::MAX))
}
