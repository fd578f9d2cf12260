//! Reads of the commission ledger, private (issue 16, ORG-5): one's own lines; finance, HR and
//! management everyone's; a supervisor their teams' members'. Anyone else's reads as 404.

use crate::billing::service::privacy::{Reach, narrow, scope, sees};
use crate::kernel::error::ApiError;
use kefu_core::Actor;
use kefu_store::DbConnection;
use kefu_store::commission_lines::{self as store, LineFilter, LineRow};
use kefu_store::delta::ListMode;

/// A line the caller may see, else 404.
pub fn get(conn: &mut DbConnection, actor: &Actor, id: &str) -> Result<LineRow, ApiError> {
    let row = store::find(conn, id)?.ok_or(ApiError::NotFound)?;
    if row.deleted_at.is_some() || !sees(&scope(conn, actor, Reach::WithTeams)?, &row.person_id) {
        return Err(ApiError::NotFound);
    }
    Ok(row)
}

/// One page of the lines the caller sees, narrowed to `person` when asked.
pub fn list(
    conn: &mut DbConnection,
    actor: &Actor,
    person: Option<String>,
    mut filter: LineFilter,
    mode: &ListMode,
    limit: i64,
) -> Result<Vec<LineRow>, ApiError> {
    filter.people = narrow(scope(conn, actor, Reach::WithTeams)?, person);
    Ok(store::list(conn, &filter, mode, limit)?)
}
