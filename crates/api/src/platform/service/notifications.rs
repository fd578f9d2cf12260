//! The caller's inbox: marking notifications read (sending them is `kernel::notify`).

use crate::kernel::command::{Ctx, snapshot};
use crate::kernel::error::ApiError;
use crate::platform::dto::notifications::NotificationOut;
use kefu_store::notifications::{self as store, NotificationRow};
use kefu_store::{DbConnection, to_db_time};

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
