//! Tickets (TKT-1..4) and their transition log, filtered by ORG-5 visibility: a ticket is
//! visible to whom it is assigned or who took it (`user_ids`), to its team's supervisors
//! (`team_ids`) and to its customer's contacts (`customer_ids`).

use crate::delta::ListMode;
use crate::schema::{ticket_transitions, tickets};
use crate::users::escape_like;
use crate::visibility::{self, Visible};
use crate::{DbConnection, NullableText, StoreError, VersionedWrite};
use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use diesel::prelude::*;
use diesel::sql_types::Bool;
use kefu_tickets::board::TicketSort;
use kefu_tickets::channel::Channel;
use kefu_tickets::kinds::{Priority, TicketType};
use kefu_tickets::lifecycle::Status;

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable)]
#[diesel(table_name = tickets)]
pub struct TicketRow {
    pub id: String,
    pub number: String,
    #[diesel(deserialize_as = String, serialize_as = String)]
    pub channel: Channel,
    #[diesel(deserialize_as = String, serialize_as = String)]
    pub ticket_type: TicketType,
    #[diesel(deserialize_as = String, serialize_as = String)]
    pub priority: Priority,
    #[diesel(deserialize_as = String, serialize_as = String)]
    pub status: Status,
    pub customer_id: String,
    pub site_id: Option<String>,
    pub contact_id: Option<String>,
    pub equipment_id: Option<String>,
    pub description: String,
    pub taken_by: String,
    pub assignee_id: Option<String>,
    pub team_id: Option<String>,
    pub planned_start: Option<NaiveDateTime>,
    pub planned_end: Option<NaiveDateTime>,
    pub appointment_confirmed_at: Option<NaiveDateTime>,
    pub appointment_confirmed_with: Option<String>,
    pub escalated_at: Option<NaiveDateTime>,
    pub escalation_reason: Option<String>,
    pub response_due_at: NaiveDateTime,
    pub resolution_due_at: NaiveDateTime,
    pub responded_at: Option<NaiveDateTime>,
    pub waiting_since: Option<NaiveDateTime>,
    pub resolved_at: Option<NaiveDateTime>,
    pub resolution_summary: Option<String>,
    pub closed_at: Option<NaiveDateTime>,
    pub cancelled_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub version: i64,
    pub deleted_at: Option<NaiveDateTime>,
}

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable)]
#[diesel(table_name = ticket_transitions)]
pub struct TransitionRow {
    pub id: String,
    pub ticket_id: String,
    /// A command's wire name, or `open` and the visit events: not one closed set.
    pub action: String,
    #[diesel(deserialize_as = NullableText, serialize_as = NullableText)]
    pub from_status: Option<Status>,
    #[diesel(deserialize_as = String, serialize_as = String)]
    pub to_status: Status,
    pub actor_id: Option<String>,
    pub reason: Option<String>,
    pub at: NaiveDateTime,
}

/// TKT-1: the next number of `day`'s sequence, in one statement: the day's counter row is
/// created at 1 or advanced by an upsert that returns the value (a row lock on PostgreSQL,
/// the write lock on SQLite), so two concurrent opens never get the same number and no
/// retry loop or read-back is needed.
pub fn next_number(conn: &mut DbConnection, day: NaiveDate) -> Result<String, StoreError> {
    #[derive(QueryableByName)]
    struct Last {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        last: i64,
    }
    let key = day.format("%Y%m%d").to_string();
    let row: Last = diesel::sql_query(
        "INSERT INTO ticket_counters (day, last) VALUES ($1, 1) \
         ON CONFLICT (day) DO UPDATE SET last = ticket_counters.last + 1 \
         RETURNING last",
    )
    .bind::<diesel::sql_types::Text, _>(&key)
    .get_result(conn)?;
    Ok(format!("T{key}-{:04}", row.last))
}

pub fn insert(conn: &mut DbConnection, row: &TicketRow) -> Result<(), StoreError> {
    diesel::insert_into(tickets::table)
        .values(row.clone())
        .execute(conn)?;
    Ok(())
}

/// The ticket `id`, deleted or not, visible or not.
pub fn find(conn: &mut DbConnection, id: &str) -> Result<Option<TicketRow>, StoreError> {
    Ok(tickets::table
        .find(id)
        .select(TicketRow::as_select())
        .first(conn)
        .optional()?)
}

type Backend = <DbConnection as Connection>::Backend;
type Predicate = Box<dyn BoxableExpression<tickets::table, Backend, SqlType = Bool>>;

/// Whether `row` is visible in `scope`: [`Visible::sees_ticket`], the Rust twin of the SQL
/// filter the list queries apply ([`visibility::ticket_visible`]).
pub fn visible_to(row: &TicketRow, scope: &Visible) -> bool {
    scope.sees_ticket(row)
}

/// TKT-2: the conditions of a breached ticket at `now`: a target met late, or unmet past
/// its due instant (while waiting for the customer the clock stands at `waiting_since`).
fn breached_predicate(now: NaiveDateTime) -> Predicate {
    let not_cancelled = tickets::cancelled_at.is_null();
    let response = tickets::responded_at
        .assume_not_null()
        .gt(tickets::response_due_at)
        .or(tickets::responded_at
            .is_null()
            .and(tickets::waiting_since.is_null())
            .and(tickets::response_due_at.lt(now)))
        .or(tickets::responded_at.is_null().and(
            tickets::waiting_since
                .assume_not_null()
                .gt(tickets::response_due_at),
        ));
    let resolution = tickets::resolved_at
        .assume_not_null()
        .gt(tickets::resolution_due_at)
        .or(tickets::resolved_at
            .is_null()
            .and(tickets::waiting_since.is_null())
            .and(tickets::resolution_due_at.lt(now)))
        .or(tickets::resolved_at.is_null().and(
            tickets::waiting_since
                .assume_not_null()
                .gt(tickets::resolution_due_at),
        ));
    Box::new(not_cancelled.and(response.or(resolution)))
}

#[derive(Debug, Clone, Default)]
pub struct TicketFilter {
    pub status: Option<Status>,
    /// Only open tickets ([`Status::OPEN`]) or only finished ones.
    pub open: Option<bool>,
    pub assignee_id: Option<String>,
    pub customer_id: Option<String>,
    pub ticket_type: Option<TicketType>,
    pub priority: Option<Priority>,
    /// With the instant to judge at.
    pub breached: Option<(bool, NaiveDateTime)>,
    pub created_from: Option<NaiveDateTime>,
    pub created_to: Option<NaiveDateTime>,
    /// Substring of the number or the description.
    pub q: Option<String>,
}

/// How a page of tickets is chosen: by id or by change ([`ListMode`]), or in a board order
/// after the (column value, id) the previous page ended at.
#[derive(Debug, Clone)]
pub enum TicketPaging {
    Listed(ListMode),
    Sorted {
        by: TicketSort,
        after: Option<(NaiveDateTime, String)>,
    },
}

/// One page of the tickets visible in `scope`.
pub fn list(
    conn: &mut DbConnection,
    scope: &Visible,
    filter: &TicketFilter,
    paging: &TicketPaging,
    limit: i64,
) -> Result<Vec<TicketRow>, StoreError> {
    let mut query = tickets::table.select(TicketRow::as_select()).into_boxed();
    if let Some(p) = visibility::ticket_visible(scope) {
        query = query.filter(p);
    }
    if let Some(v) = filter.status {
        query = query.filter(tickets::status.eq(v.as_str()));
    }
    if let Some(open) = filter.open {
        let statuses = Status::OPEN.map(Status::as_str);
        query = if open {
            query.filter(tickets::status.eq_any(statuses))
        } else {
            query.filter(tickets::status.ne_all(statuses))
        };
    }
    if let Some(v) = &filter.assignee_id {
        query = query.filter(tickets::assignee_id.eq(v.clone()));
    }
    if let Some(v) = &filter.customer_id {
        query = query.filter(tickets::customer_id.eq(v.clone()));
    }
    if let Some(v) = filter.ticket_type {
        query = query.filter(tickets::ticket_type.eq(v.as_str()));
    }
    if let Some(v) = filter.priority {
        query = query.filter(tickets::priority.eq(v.as_str()));
    }
    if let Some((wanted, now)) = filter.breached {
        query = if wanted {
            query.filter(breached_predicate(now))
        } else {
            query.filter(diesel::dsl::not(breached_predicate(now)))
        };
    }
    if let Some(v) = filter.created_from {
        query = query.filter(tickets::created_at.ge(v));
    }
    if let Some(v) = filter.created_to {
        query = query.filter(tickets::created_at.lt(v));
    }
    if let Some(q) = &filter.q {
        let pattern = format!("%{}%", escape_like(q));
        query = query.filter(
            tickets::number
                .like(pattern.clone())
                .escape('\\')
                .or(tickets::description.like(pattern).escape('\\')),
        );
    }
    let query = match paging {
        TicketPaging::Listed(mode) => crate::apply_list_mode!(query, tickets, mode),
        TicketPaging::Sorted { by, after } => {
            sorted(query.filter(tickets::deleted_at.is_null()), *by, after)
        }
    };
    Ok(query.limit(limit).load(conn)?)
}

type BoxedTickets<'a> =
    tickets::BoxedQuery<'a, Backend, diesel::helper_types::AsSelect<TicketRow, Backend>>;

/// `query` in the order `by`, after the (value, id) the previous page ended at. Each order is
/// served by an index: `(created_at, id)`, `(status, created_at, id)`, `(resolution_due_at, id)`.
fn sorted<'a>(
    query: BoxedTickets<'a>,
    by: TicketSort,
    after: &Option<(NaiveDateTime, String)>,
) -> BoxedTickets<'a> {
    match by {
        TicketSort::CreatedAt | TicketSort::NewestFirst => {
            let query = match (after, by) {
                (Some((at, id)), TicketSort::NewestFirst) => query.filter(
                    tickets::created_at
                        .lt(*at)
                        .or(tickets::created_at.eq(*at).and(tickets::id.lt(id.clone()))),
                ),
                (Some((at, id)), _) => query.filter(
                    tickets::created_at
                        .gt(*at)
                        .or(tickets::created_at.eq(*at).and(tickets::id.gt(id.clone()))),
                ),
                (None, _) => query,
            };
            if by == TicketSort::NewestFirst {
                query.order((tickets::created_at.desc(), tickets::id.desc()))
            } else {
                query.order((tickets::created_at.asc(), tickets::id.asc()))
            }
        }
        TicketSort::ResolutionDueAt => {
            let query = match after {
                Some((at, id)) => query.filter(
                    tickets::resolution_due_at
                        .gt(*at)
                        .or(tickets::resolution_due_at
                            .eq(*at)
                            .and(tickets::id.gt(id.clone()))),
                ),
                None => query,
            };
            query.order((tickets::resolution_due_at.asc(), tickets::id.asc()))
        }
    }
}

/// TKT-2: open tickets (not waiting for the customer, whose clock stands still) with an
/// unmet due instant before `horizon`, breached ones included — what the at-risk list shows
/// and what a scheduled notifier will read. In id order after `after_id`.
pub fn breached_or_at_risk(
    conn: &mut DbConnection,
    scope: &Visible,
    horizon: NaiveDateTime,
    after_id: Option<&str>,
    limit: i64,
) -> Result<Vec<TicketRow>, StoreError> {
    let mut query = tickets::table
        .select(TicketRow::as_select())
        .filter(tickets::deleted_at.is_null())
        .filter(tickets::status.eq_any(crate::wire_names(&Status::CLOCK_RUNNING)))
        .filter(
            tickets::resolution_due_at
                .le(horizon)
                .or(tickets::responded_at
                    .is_null()
                    .and(tickets::response_due_at.le(horizon))),
        )
        .into_boxed();
    if let Some(p) = visibility::ticket_visible(scope) {
        query = query.filter(p);
    }
    if let Some(after) = after_id {
        query = query.filter(tickets::id.gt(after.to_owned()));
    }
    Ok(query.order(tickets::id.asc()).limit(limit).load(conn)?)
}

/// Tickets visible in `scope` whose planned visit window starts in `[from, to)`, not ended.
pub fn planned_between(
    conn: &mut DbConnection,
    scope: &Visible,
    from: NaiveDateTime,
    to: NaiveDateTime,
    assignee_id: Option<&str>,
) -> Result<Vec<TicketRow>, StoreError> {
    let mut query = tickets::table
        .select(TicketRow::as_select())
        .filter(tickets::deleted_at.is_null())
        .filter(tickets::status.eq_any(crate::wire_names(&Status::WITH_ASSIGNEE)))
        .filter(tickets::planned_start.ge(from))
        .filter(tickets::planned_start.lt(to))
        .into_boxed();
    if let Some(p) = visibility::ticket_visible(scope) {
        query = query.filter(p);
    }
    if let Some(a) = assignee_id {
        query = query.filter(tickets::assignee_id.eq(a.to_owned()));
    }
    Ok(query.order(tickets::planned_start.asc()).load(conn)?)
}

/// Fields a command changes; `None` leaves a field as it is.
#[derive(Debug, Clone, Default, AsChangeset)]
#[diesel(table_name = tickets)]
pub struct TicketChanges {
    #[diesel(serialize_as = String)]
    pub status: Option<Status>,
    pub assignee_id: Option<Option<String>>,
    pub team_id: Option<Option<String>>,
    pub planned_start: Option<Option<NaiveDateTime>>,
    pub planned_end: Option<Option<NaiveDateTime>>,
    pub appointment_confirmed_at: Option<Option<NaiveDateTime>>,
    pub appointment_confirmed_with: Option<Option<String>>,
    pub escalated_at: Option<Option<NaiveDateTime>>,
    pub escalation_reason: Option<Option<String>>,
    pub response_due_at: Option<NaiveDateTime>,
    pub resolution_due_at: Option<NaiveDateTime>,
    pub responded_at: Option<Option<NaiveDateTime>>,
    pub waiting_since: Option<Option<NaiveDateTime>>,
    pub resolved_at: Option<Option<NaiveDateTime>>,
    pub resolution_summary: Option<Option<String>>,
    pub closed_at: Option<Option<NaiveDateTime>>,
    pub cancelled_at: Option<Option<NaiveDateTime>>,
    #[diesel(serialize_as = String)]
    pub ticket_type: Option<TicketType>,
    #[diesel(serialize_as = String)]
    pub priority: Option<Priority>,
    pub site_id: Option<Option<String>>,
    pub contact_id: Option<Option<String>>,
    pub equipment_id: Option<Option<String>>,
    pub description: Option<String>,
}

/// Applies `changes` if the ticket is at `expected_version`, bumping version and `updated_at`.
pub fn update(
    conn: &mut DbConnection,
    id: &str,
    expected_version: i64,
    changes: &TicketChanges,
    now: DateTime<Utc>,
) -> Result<VersionedWrite, StoreError> {
    crate::versioned_update!(conn, tickets, id, expected_version, changes.clone(), now)
}

pub fn insert_transition(conn: &mut DbConnection, row: &TransitionRow) -> Result<(), StoreError> {
    diesel::insert_into(ticket_transitions::table)
        .values(row.clone())
        .execute(conn)?;
    Ok(())
}

/// The log of one ticket, oldest first.
pub fn transitions(
    conn: &mut DbConnection,
    ticket_id: &str,
) -> Result<Vec<TransitionRow>, StoreError> {
    Ok(ticket_transitions::table
        .filter(ticket_transitions::ticket_id.eq(ticket_id))
        .select(TransitionRow::as_select())
        .order((ticket_transitions::at.asc(), ticket_transitions::id.asc()))
        .load(conn)?)
}

/// Tickets by id (for rendering visits with their tickets).
pub fn find_many(conn: &mut DbConnection, ids: &[String]) -> Result<Vec<TicketRow>, StoreError> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    Ok(tickets::table
        .filter(tickets::id.eq_any(ids.to_vec()))
        .select(TicketRow::as_select())
        .load(conn)?)
}
