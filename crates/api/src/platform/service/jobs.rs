//! Admin commands on the job queue.

use crate::kernel::command::{Ctx, snapshot};
use crate::kernel::error::ApiError;
use crate::platform::dto::jobs::JobOut;
use kefu_store::jobs as store;
use kefu_store::{DbConnection, to_db_time};

pub fn get(conn: &mut DbConnection, id: &str) -> Result<JobOut, ApiError> {
    store::find(conn, id)?
        .map(|r| JobOut::from(&r))
        .ok_or(ApiError::NotFound)
}

/// Queues a dead job (or one waiting to retry after a failure) again, due now with a fresh
/// count of attempts. Others are refused with 409: a queued job runs anyway, a running one
/// is someone's, a succeeded one is done.
pub fn rerun(
    conn: &mut DbConnection,
    ctx: &Ctx,
    id: &str,
    expected_version: i64,
) -> Result<JobOut, ApiError> {
    let before = store::find(conn, id)?.ok_or(ApiError::NotFound)?;
    if !store::rerunnable(&before) {
        return Err(ApiError::Conflict(format!(
            "job `{id}` is {}: only a dead job or one that failed and waits for a retry can be re-run",
            before.status
        )));
    }
    crate::kernel::command::written(store::rerun(
        conn,
        id,
        expected_version,
        to_db_time(ctx.now),
    )?)?;
    let after = get(conn, id)?;
    ctx.audit(
        conn,
        "job.rerun",
        ("job", id),
        snapshot(&JobOut::from(&before)),
        snapshot(&after),
    )?;
    Ok(after)
}
