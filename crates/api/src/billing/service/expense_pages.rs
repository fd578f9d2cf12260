//! One page of a person's expense records (travel requests, claims, advances): the same
//! window, privacy (BIL: one's own, or everyone's for `SEE_ALL`) and cursor whatever the table.

use crate::billing::service::privacy::{Reach, narrow, scope};
use crate::kernel::auth::Caller;
use crate::kernel::error::ApiError;
use crate::kernel::extract::trimmed;
use crate::kernel::page::{Page, paginate, row_key, window};
use crate::kernel::state::AppState;
use kefu_billing::access::{self, Action};
use kefu_store::expenses::{ExpenseFilter, ExpenseRecord};

/// What an expense list asks for.
pub struct ExpenseQuery {
    pub user_id: Option<String>,
    pub status: Option<&'static str>,
    pub updated_since: Option<String>,
    pub limit: Option<u32>,
    pub cursor: Option<String>,
}

/// The page of `R` records `caller` may read with `action`, as `O`.
pub async fn expense_page<R, O>(
    state: &AppState,
    caller: &Caller,
    action: Action,
    query: ExpenseQuery,
) -> Result<Page<O>, ApiError>
where
    R: ExpenseRecord + Send + 'static,
    O: for<'a> From<&'a R>,
{
    access::require(action, &caller.actor.roles)?;
    let (limit, fetch, mode) = window(
        query.limit,
        query.updated_since.as_deref(),
        query.cursor.as_deref(),
    )?;
    let actor = caller.actor.clone();
    let person = trimmed(query.user_id);
    let status = query.status;
    let (mode, rows) = state
        .db(move |conn| {
            let filter = ExpenseFilter {
                user_ids: narrow(scope(conn, &actor, Reach::OwnOnly)?, person),
                status: status.map(str::to_owned),
            };
            Ok((mode.clone(), R::list(conn, &filter, &mode, fetch)?))
        })
        .await?;
    Ok(paginate(
        rows,
        limit,
        |r| {
            let (updated_at, id) = r.cursor_parts();
            row_key(&mode, updated_at, id)
        },
        |r| O::from(&r),
    ))
}
