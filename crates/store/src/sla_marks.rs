//! TKT-2's announcements, remembered per ticket target: the due instant and stage last
//! announced. The SLA watch asks only for the targets with something new to say — not yet
//! announced, due instant moved, or due soon then breached — so a backlog of breached tickets
//! already announced costs it nothing.

use crate::schema::{ticket_sla_marks as marks, tickets};
use crate::tickets::TicketRow;
use crate::{DbConnection, StoreError};
use chrono::NaiveDateTime;
use diesel::prelude::*;
use kefu_tickets::lifecycle::Status;

/// Which due instant of a ticket.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    Response,
    Resolution,
}

impl Target {
    pub fn as_str(self) -> &'static str {
        match self {
            Target::Response => "response",
            Target::Resolution => "resolution",
        }
    }
}

pub const DUE_SOON: &str = "due_soon";
pub const BREACHED: &str = "breached";

/// Open tickets whose clock runs with `target` unmet and due before `horizon`, not yet
/// announced at the stage they are at `now` (breached once due before `now`), in id order
/// after `after_id`.
pub fn unannounced(
    conn: &mut DbConnection,
    target: Target,
    now: NaiveDateTime,
    horizon: NaiveDateTime,
    after_id: Option<&str>,
    limit: i64,
) -> Result<Vec<TicketRow>, StoreError> {
    let joined = tickets::table.left_join(
        marks::table.on(marks::ticket_id
            .eq(tickets::id)
            .and(marks::target.eq(target.as_str()))),
    );
    let mut query = joined
        .select(TicketRow::as_select())
        .filter(tickets::deleted_at.is_null())
        .filter(tickets::status.eq_any(crate::wire_names(&Status::CLOCK_RUNNING)))
        .into_boxed();
    // The same condition for either target, over that target's two columns.
    macro_rules! pending {
        ($met:expr, $due:expr) => {
            query
                .filter($met.is_null())
                .filter($due.le(horizon))
                .filter(
                    marks::due_at
                        .nullable()
                        .is_null()
                        .or(marks::due_at.nullable().ne($due.nullable()))
                        .or(marks::stage.nullable().eq(DUE_SOON).and($due.lt(now))),
                )
        };
    }
    query = match target {
        Target::Response => pending!(tickets::responded_at, tickets::response_due_at),
        Target::Resolution => pending!(tickets::resolved_at, tickets::resolution_due_at),
    };
    if let Some(after) = after_id {
        query = query.filter(tickets::id.gt(after.to_owned()));
    }
    Ok(query.order(tickets::id.asc()).limit(limit).load(conn)?)
}

/// Remembers that `target` of the ticket was announced at `stage` for the due instant `due`.
pub fn mark(
    conn: &mut DbConnection,
    ticket_id: &str,
    target: Target,
    due: NaiveDateTime,
    stage: &str,
    at: NaiveDateTime,
) -> Result<(), StoreError> {
    // Delete and insert rather than a backend-specific upsert; the caller's transaction makes
    // the pair atomic.
    diesel::delete(
        marks::table
            .filter(marks::ticket_id.eq(ticket_id))
            .filter(marks::target.eq(target.as_str())),
    )
    .execute(conn)?;
    diesel::insert_into(marks::table)
        .values((
            marks::ticket_id.eq(ticket_id),
            marks::target.eq(target.as_str()),
            marks::due_at.eq(due),
            marks::stage.eq(stage),
            marks::announced_at.eq(at),
        ))
        .execute(conn)?;
    Ok(())
}
