//! BIL-2/BIL-3 repair quotes and their lines; the payments a quote received add up in
//! `paid_fen` by a conditional UPDATE. ORG-5 follows the quote's customer.

use crate::delta::ListMode;
use crate::schema::{customers, repair_quote_lines, repair_quotes};
use crate::visibility::{self, Visible};
use crate::{DbConnection, StoreError, VersionedWrite, to_db_time};
use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable)]
#[diesel(table_name = repair_quotes)]
pub struct QuoteRow {
    pub id: String,
    pub customer_id: String,
    pub site_id: Option<String>,
    pub equipment_id: Option<String>,
    pub intake_id: Option<String>,
    pub ticket_id: Option<String>,
    pub engineer_id: String,
    pub status: String,
    pub needs_approval: bool,
    pub approved_by: Option<String>,
    pub approved_at: Option<NaiveDateTime>,
    pub remote: Option<bool>,
    pub out_of_warranty: Option<bool>,
    pub issued_by: Option<String>,
    pub issued_at: Option<NaiveDateTime>,
    pub answered_by: Option<String>,
    pub answered_at: Option<NaiveDateTime>,
    pub answer_note: Option<String>,
    pub cancel_reason: Option<String>,
    pub note: Option<String>,
    pub total_fen: i64,
    pub fee_fen: i64,
    pub floor_fen: i64,
    pub paid_fen: i64,
    pub fully_paid_at: Option<NaiveDateTime>,
    pub created_by: String,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub version: i64,
    pub deleted_at: Option<NaiveDateTime>,
}

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable)]
#[diesel(table_name = repair_quote_lines)]
pub struct LineRow {
    pub id: String,
    pub quote_id: String,
    pub position: i64,
    pub fee_item_id: String,
    pub kind: String,
    pub code: String,
    pub name: String,
    pub unit: String,
    pub quantity: i64,
    pub unit_price_fen: i64,
    pub list_price_fen: i64,
    pub floor_price_fen: i64,
    pub amount_fen: i64,
}

pub fn insert(conn: &mut DbConnection, row: &QuoteRow) -> Result<(), StoreError> {
    diesel::insert_into(repair_quotes::table)
        .values(row.clone())
        .execute(conn)?;
    Ok(())
}

pub fn find(conn: &mut DbConnection, id: &str) -> Result<Option<QuoteRow>, StoreError> {
    Ok(repair_quotes::table
        .find(id)
        .select(QuoteRow::as_select())
        .first(conn)
        .optional()?)
}

/// Replaces the lines of quote `quote_id` with `lines`.
pub fn replace_lines(
    conn: &mut DbConnection,
    quote_id: &str,
    lines: &[LineRow],
) -> Result<(), StoreError> {
    diesel::delete(repair_quote_lines::table.filter(repair_quote_lines::quote_id.eq(quote_id)))
        .execute(conn)?;
    // One INSERT per line: `#[derive(MultiConnection)]` renders no batch insert.
    for line in lines {
        diesel::insert_into(repair_quote_lines::table)
            .values(line.clone())
            .execute(conn)?;
    }
    Ok(())
}

/// The lines of each quote in `ids`, in position order, one list per id in the same order.
pub fn lines_of(conn: &mut DbConnection, ids: &[String]) -> Result<Vec<Vec<LineRow>>, StoreError> {
    let rows: Vec<LineRow> = repair_quote_lines::table
        .filter(repair_quote_lines::quote_id.eq_any(ids))
        .select(LineRow::as_select())
        .order((repair_quote_lines::quote_id, repair_quote_lines::position))
        .load(conn)?;
    Ok(ids
        .iter()
        .map(|id| rows.iter().filter(|l| &l.quote_id == id).cloned().collect())
        .collect())
}

#[derive(Debug, Clone, Default, AsChangeset)]
#[diesel(table_name = repair_quotes)]
pub struct QuoteChanges {
    pub site_id: Option<Option<String>>,
    pub equipment_id: Option<Option<String>>,
    pub engineer_id: Option<String>,
    pub status: Option<String>,
    pub needs_approval: Option<bool>,
    pub approved_by: Option<Option<String>>,
    pub approved_at: Option<Option<NaiveDateTime>>,
    pub remote: Option<Option<bool>>,
    pub out_of_warranty: Option<Option<bool>>,
    pub issued_by: Option<Option<String>>,
    pub issued_at: Option<Option<NaiveDateTime>>,
    pub answered_by: Option<Option<String>>,
    pub answered_at: Option<Option<NaiveDateTime>>,
    pub answer_note: Option<Option<String>>,
    pub cancel_reason: Option<Option<String>>,
    pub note: Option<Option<String>>,
    pub total_fen: Option<i64>,
    pub fee_fen: Option<i64>,
    pub floor_fen: Option<i64>,
    pub fully_paid_at: Option<Option<NaiveDateTime>>,
}

pub fn update(
    conn: &mut DbConnection,
    id: &str,
    expected: i64,
    changes: &QuoteChanges,
    now: DateTime<Utc>,
) -> Result<VersionedWrite, StoreError> {
    crate::versioned_update!(conn, repair_quotes, id, expected, changes, now)
}

/// BIL-4: adds `amount_fen` to an accepted quote's `paid_fen` unless that would pass its
/// total — one conditional UPDATE, so two payments racing for the last fen leave one winner.
/// Paid in full, `fully_paid_at` is set. Returns whether the payment fitted.
pub fn add_payment(
    conn: &mut DbConnection,
    id: &str,
    amount_fen: i64,
    now: DateTime<Utc>,
) -> Result<bool, StoreError> {
    let now = to_db_time(now);
    let n = diesel::update(
        repair_quotes::table
            .filter(repair_quotes::id.eq(id))
            .filter(repair_quotes::status.eq("accepted"))
            .filter((repair_quotes::paid_fen + amount_fen).le(repair_quotes::total_fen)),
    )
    .set((
        repair_quotes::paid_fen.eq(repair_quotes::paid_fen + amount_fen),
        repair_quotes::version.eq(repair_quotes::version + 1),
        repair_quotes::updated_at.eq(now),
    ))
    .execute(conn)?;
    if n == 0 {
        return Ok(false);
    }
    diesel::update(
        repair_quotes::table
            .filter(repair_quotes::id.eq(id))
            .filter(repair_quotes::paid_fen.eq(repair_quotes::total_fen))
            .filter(repair_quotes::fully_paid_at.is_null()),
    )
    .set(repair_quotes::fully_paid_at.eq(now))
    .execute(conn)?;
    Ok(true)
}

#[derive(Debug, Clone, Default)]
pub struct QuoteFilter {
    pub customer_id: Option<String>,
    pub status: Option<String>,
    pub intake_id: Option<String>,
    pub ticket_id: Option<String>,
    pub engineer_id: Option<String>,
}

/// One page of the quotes visible in `scope` (ORG-5, through their customer).
pub fn list(
    conn: &mut DbConnection,
    scope: &Visible,
    filter: &QuoteFilter,
    mode: &ListMode,
    limit: i64,
) -> Result<Vec<QuoteRow>, StoreError> {
    let mut query = repair_quotes::table
        .select(QuoteRow::as_select())
        .into_boxed();
    if let Some(visible) = visibility::visible_customer_ids(scope) {
        query = query.filter(
            repair_quotes::customer_id.eq_any(visible.filter(customers::deleted_at.is_null())),
        );
    }
    if let Some(v) = &filter.customer_id {
        query = query.filter(repair_quotes::customer_id.eq(v.clone()));
    }
    if let Some(v) = &filter.status {
        query = query.filter(repair_quotes::status.eq(v.clone()));
    }
    if let Some(v) = &filter.intake_id {
        query = query.filter(repair_quotes::intake_id.eq(v.clone()));
    }
    if let Some(v) = &filter.ticket_id {
        query = query.filter(repair_quotes::ticket_id.eq(v.clone()));
    }
    if let Some(v) = &filter.engineer_id {
        query = query.filter(repair_quotes::engineer_id.eq(v.clone()));
    }
    let query = crate::apply_list_mode!(query, repair_quotes, mode);
    Ok(query.limit(limit).load(conn)?)
}

/// BIL-4: whether an accepted quote for intake `intake_id` is paid in full.
pub fn intake_paid_in_full(conn: &mut DbConnection, intake_id: &str) -> Result<bool, StoreError> {
    let n: i64 = repair_quotes::table
        .filter(repair_quotes::intake_id.eq(intake_id))
        .filter(repair_quotes::status.eq("accepted"))
        .filter(repair_quotes::deleted_at.is_null())
        .filter(repair_quotes::fully_paid_at.is_not_null())
        .count()
        .get_result(conn)?;
    Ok(n > 0)
}

/// What BIL-12b (the repairing engineer's share) and the payroll statement (BIL-13) read of
/// a repair: the fee charged without travel and lodging, its floor price, who repaired, and
/// when the customer had paid it in full.
#[derive(Debug, Clone, PartialEq, Eq, Queryable)]
pub struct RepairFeePaid {
    pub quote_id: String,
    pub customer_id: String,
    pub engineer_id: String,
    pub fee_fen: i64,
    pub floor_fen: i64,
    pub fully_paid_at: NaiveDateTime,
}

/// The accepted repair quotes paid in full at an instant in `[from, to)`, oldest first.
pub fn repair_fees_paid_between(
    conn: &mut DbConnection,
    from: NaiveDateTime,
    to: NaiveDateTime,
) -> Result<Vec<RepairFeePaid>, StoreError> {
    Ok(repair_quotes::table
        .filter(repair_quotes::status.eq("accepted"))
        .filter(repair_quotes::deleted_at.is_null())
        .filter(repair_quotes::fully_paid_at.ge(from))
        .filter(repair_quotes::fully_paid_at.lt(to))
        .order((repair_quotes::fully_paid_at, repair_quotes::id))
        .select((
            repair_quotes::id,
            repair_quotes::customer_id,
            repair_quotes::engineer_id,
            repair_quotes::fee_fen,
            repair_quotes::floor_fen,
            repair_quotes::fully_paid_at.assume_not_null(),
        ))
        .load(conn)?)
}
