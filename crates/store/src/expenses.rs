//! BIL-14 … BIL-16: travel requests, expense claims and cash advances. Statuses change by
//! versioned conditional updates; one open advance per person is a partial unique index
//! (`cash_advances_open_key`); the overdue flag is set by a conditional update, so a notice
//! goes out once however many instances run the watch.

use crate::delta::ListMode;
use crate::schema::{cash_advances, expense_claims, travel_requests};
use crate::{DbConnection, StoreError, VersionedWrite};
use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use diesel::prelude::*;

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable)]
#[diesel(table_name = travel_requests)]
pub struct TravelRow {
    pub id: String,
    pub user_id: String,
    pub destination_city: String,
    pub destination_county: Option<String>,
    pub city_tier: Option<String>,
    pub purpose: String,
    pub reference: Option<String>,
    pub planned_departure: NaiveDate,
    pub planned_return: NaiveDate,
    pub transport: String,
    pub status: String,
    pub decided_by: Option<String>,
    pub decided_at: Option<NaiveDateTime>,
    pub decision_note: Option<String>,
    /// The travel standard copied on approval (JSON of `kefu_billing::travel::TravelStandard`).
    pub standard_json: Option<String>,
    pub standard_effective_from: Option<NaiveDate>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub version: i64,
    pub deleted_at: Option<NaiveDateTime>,
}

#[derive(Debug, Clone, Default, AsChangeset)]
#[diesel(table_name = travel_requests)]
pub struct TravelChanges {
    pub status: Option<String>,
    pub decided_by: Option<Option<String>>,
    pub decided_at: Option<Option<NaiveDateTime>>,
    pub decision_note: Option<Option<String>>,
    pub standard_json: Option<Option<String>>,
    pub standard_effective_from: Option<Option<NaiveDate>>,
}

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable)]
#[diesel(table_name = expense_claims)]
pub struct ClaimRow {
    pub id: String,
    pub user_id: String,
    pub travel_request_id: String,
    pub departed_at: NaiveDateTime,
    pub returned_at: NaiveDateTime,
    pub half_days: i64,
    pub total_fen: i64,
    pub items_json: String,
    pub lines_json: String,
    pub note: Option<String>,
    pub status: String,
    pub decided_by: Option<String>,
    pub decided_at: Option<NaiveDateTime>,
    pub decision_note: Option<String>,
    pub paid_by: Option<String>,
    pub paid_at: Option<NaiveDateTime>,
    pub paid_fen: Option<i64>,
    pub advance_id: Option<String>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub version: i64,
    pub deleted_at: Option<NaiveDateTime>,
}

#[derive(Debug, Clone, Default, AsChangeset)]
#[diesel(table_name = expense_claims)]
pub struct ClaimChanges {
    pub status: Option<String>,
    pub decided_by: Option<Option<String>>,
    pub decided_at: Option<Option<NaiveDateTime>>,
    pub decision_note: Option<Option<String>>,
    pub paid_by: Option<Option<String>>,
    pub paid_at: Option<Option<NaiveDateTime>>,
    pub paid_fen: Option<Option<i64>>,
    pub advance_id: Option<Option<String>>,
}

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable)]
#[diesel(table_name = cash_advances)]
pub struct AdvanceRow {
    pub id: String,
    pub user_id: String,
    pub travel_request_id: String,
    pub amount_fen: i64,
    pub purpose: String,
    pub status: String,
    pub decided_by: Option<String>,
    pub decided_at: Option<NaiveDateTime>,
    pub decision_note: Option<String>,
    pub paid_by: Option<String>,
    pub paid_at: Option<NaiveDateTime>,
    pub due_date: Option<NaiveDate>,
    pub overdue_notified_at: Option<NaiveDateTime>,
    pub claim_id: Option<String>,
    pub settlement_fen: Option<i64>,
    pub settled_by: Option<String>,
    pub settled_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub version: i64,
    pub deleted_at: Option<NaiveDateTime>,
}

#[derive(Debug, Clone, Default, AsChangeset)]
#[diesel(table_name = cash_advances)]
pub struct AdvanceChanges {
    pub status: Option<String>,
    pub decided_by: Option<Option<String>>,
    pub decided_at: Option<Option<NaiveDateTime>>,
    pub decision_note: Option<Option<String>>,
    pub paid_by: Option<Option<String>>,
    pub paid_at: Option<Option<NaiveDateTime>>,
    pub due_date: Option<Option<NaiveDate>>,
    pub claim_id: Option<Option<String>>,
    pub settlement_fen: Option<Option<i64>>,
    pub settled_by: Option<Option<String>>,
    pub settled_at: Option<Option<NaiveDateTime>>,
}

/// Which records a list shows: `user_ids` limits them to those people (privacy), `None` is
/// everyone's.
#[derive(Debug, Clone, Default)]
pub struct ExpenseFilter {
    pub user_ids: Option<Vec<String>>,
    pub status: Option<String>,
}

/// A record of one person's expenses: listed with the same filter whatever its table.
pub trait ExpenseRecord: Sized {
    fn list(
        conn: &mut DbConnection,
        filter: &ExpenseFilter,
        mode: &ListMode,
        limit: i64,
    ) -> Result<Vec<Self>, StoreError>;
    /// Its list cursor's parts: when it last changed, and its id.
    fn cursor_parts(&self) -> (NaiveDateTime, &str);
}

/// One list function per table over the same filter.
macro_rules! table_fns {
    ($table:ident, $row:ty, $changes:ty, $insert:ident, $find:ident, $update:ident, $list:ident) => {
        pub fn $insert(conn: &mut DbConnection, row: &$row) -> Result<(), StoreError> {
            diesel::insert_into($table::table)
                .values(row.clone())
                .execute(conn)?;
            Ok(())
        }

        pub fn $find(conn: &mut DbConnection, id: &str) -> Result<Option<$row>, StoreError> {
            Ok($table::table
                .find(id)
                .select(<$row>::as_select())
                .first(conn)
                .optional()?)
        }

        pub fn $update(
            conn: &mut DbConnection,
            id: &str,
            expected: i64,
            changes: &$changes,
            now: DateTime<Utc>,
        ) -> Result<VersionedWrite, StoreError> {
            crate::versioned_update!(conn, $table, id, expected, changes, now)
        }

        pub fn $list(
            conn: &mut DbConnection,
            filter: &ExpenseFilter,
            mode: &ListMode,
            limit: i64,
        ) -> Result<Vec<$row>, StoreError> {
            let mut query = $table::table.select(<$row>::as_select()).into_boxed();
            if let Some(ids) = &filter.user_ids {
                query = query.filter($table::user_id.eq_any(ids.clone()));
            }
            if let Some(status) = &filter.status {
                query = query.filter($table::status.eq(status.clone()));
            }
            let query = crate::apply_list_mode!(query, $table, mode);
            Ok(query.limit(limit).load(conn)?)
        }

        impl ExpenseRecord for $row {
            fn list(
                conn: &mut DbConnection,
                filter: &ExpenseFilter,
                mode: &ListMode,
                limit: i64,
            ) -> Result<Vec<Self>, StoreError> {
                $list(conn, filter, mode, limit)
            }

            fn cursor_parts(&self) -> (NaiveDateTime, &str) {
                (self.updated_at, &self.id)
            }
        }
    };
}

table_fns!(
    travel_requests,
    TravelRow,
    TravelChanges,
    insert_travel,
    find_travel,
    update_travel,
    list_travel
);
table_fns!(
    expense_claims,
    ClaimRow,
    ClaimChanges,
    insert_claim,
    find_claim,
    update_claim,
    list_claims
);
table_fns!(
    cash_advances,
    AdvanceRow,
    AdvanceChanges,
    insert_advance,
    find_advance,
    update_advance,
    list_advances
);

/// BIL-15: the live (not rejected) claim of a trip, if any.
pub fn live_claim_of_trip(
    conn: &mut DbConnection,
    travel_request_id: &str,
) -> Result<Option<ClaimRow>, StoreError> {
    Ok(expense_claims::table
        .filter(expense_claims::travel_request_id.eq(travel_request_id))
        .filter(expense_claims::status.ne("rejected"))
        .filter(expense_claims::deleted_at.is_null())
        .select(ClaimRow::as_select())
        .first(conn)
        .optional()?)
}

/// BIL-16: `user_id`'s open advances (`requested`, `approved`, `paid`): what payroll reads
/// too. At most one, by the `cash_advances_open_key` index.
pub fn open_advances(
    conn: &mut DbConnection,
    user_id: &str,
) -> Result<Vec<AdvanceRow>, StoreError> {
    Ok(cash_advances::table
        .filter(cash_advances::user_id.eq(user_id))
        .filter(cash_advances::status.eq_any(["requested", "approved", "paid"]))
        .filter(cash_advances::deleted_at.is_null())
        .select(AdvanceRow::as_select())
        .load(conn)?)
}

/// BIL-16: the paid-out advance of a trip, waiting to be settled against its claim.
pub fn paid_advance_of_trip(
    conn: &mut DbConnection,
    travel_request_id: &str,
) -> Result<Option<AdvanceRow>, StoreError> {
    Ok(cash_advances::table
        .filter(cash_advances::travel_request_id.eq(travel_request_id))
        .filter(cash_advances::status.eq("paid"))
        .filter(cash_advances::deleted_at.is_null())
        .select(AdvanceRow::as_select())
        .first(conn)
        .optional()?)
}

/// BIL-16: paid advances whose claim was due before `today`, not flagged yet, and whose trip
/// has no live claim.
pub fn overdue_unflagged(
    conn: &mut DbConnection,
    today: NaiveDate,
    limit: i64,
) -> Result<Vec<AdvanceRow>, StoreError> {
    let claimed = expense_claims::table
        .filter(expense_claims::status.ne("rejected"))
        .filter(expense_claims::deleted_at.is_null())
        .select(expense_claims::travel_request_id);
    Ok(cash_advances::table
        .filter(cash_advances::status.eq("paid"))
        .filter(cash_advances::due_date.lt(today))
        .filter(cash_advances::overdue_notified_at.is_null())
        .filter(cash_advances::deleted_at.is_null())
        .filter(cash_advances::travel_request_id.ne_all(claimed))
        .select(AdvanceRow::as_select())
        .order(cash_advances::id.asc())
        .limit(limit)
        .load(conn)?)
}

/// BIL-16: flags an advance overdue unless someone did first; true when this call did (its
/// caller then sends the one notice).
pub fn flag_overdue(
    conn: &mut DbConnection,
    id: &str,
    now: DateTime<Utc>,
) -> Result<bool, StoreError> {
    let at = crate::to_db_time(now);
    let written = diesel::update(
        cash_advances::table
            .filter(cash_advances::id.eq(id))
            .filter(cash_advances::overdue_notified_at.is_null()),
    )
    .set((
        cash_advances::overdue_notified_at.eq(Some(at)),
        cash_advances::version.eq(cash_advances::version + 1),
        cash_advances::updated_at.eq(at),
    ))
    .execute(conn)?;
    Ok(written == 1)
}
