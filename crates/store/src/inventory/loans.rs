//! INV-2 loans and INV-3 charges. A loan changes by versioned updates; the overdue flag is set
//! by a conditional UPDATE (`WHERE overdue_flagged_at IS NULL`), so it is set exactly once.

use crate::delta::ListMode;
use crate::schema::{part_charges, part_loans};
use crate::{DbConnection, StoreError, VersionedWrite, to_db_time};
use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use diesel::prelude::*;
use kefu_inventory::loans::{ChargeStatus, LoanStatus, LossKind};

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable)]
#[diesel(table_name = part_loans)]
pub struct LoanRow {
    pub id: String,
    pub engineer_id: String,
    pub location_id: String,
    pub part_id: String,
    pub quantity: i64,
    /// JSON array of serials.
    pub serials: String,
    /// JSON array of serials.
    pub outstanding_serials: String,
    pub returned_quantity: i64,
    pub unused_quantity: i64,
    pub lost_quantity: i64,
    #[diesel(deserialize_as = String, serialize_as = String)]
    pub status: LoanStatus,
    pub note: Option<String>,
    pub decided_by: Option<String>,
    pub decided_at: Option<NaiveDateTime>,
    pub issued_by: Option<String>,
    pub issued_at: Option<NaiveDateTime>,
    pub due_on: Option<NaiveDate>,
    pub signed_at: Option<NaiveDateTime>,
    pub overdue_flagged_at: Option<NaiveDateTime>,
    pub closed_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub version: i64,
    pub deleted_at: Option<NaiveDateTime>,
    /// INV-8: JSON array of the serials the issue passed over.
    pub rotation_passed_over: Option<String>,
    /// INV-2: units used on tickets (recorded on their signed feedback forms).
    pub consumed_quantity: i64,
}

pub fn insert_loan(conn: &mut DbConnection, row: &LoanRow) -> Result<(), StoreError> {
    diesel::insert_into(part_loans::table)
        .values(row.clone())
        .execute(conn)?;
    Ok(())
}

pub fn find_loan(conn: &mut DbConnection, id: &str) -> Result<Option<LoanRow>, StoreError> {
    Ok(part_loans::table
        .find(id)
        .select(LoanRow::as_select())
        .first(conn)
        .optional()?)
}

/// Fields a command changes; `None` leaves a field as it is.
#[derive(Debug, Clone, Default, AsChangeset)]
#[diesel(table_name = part_loans)]
pub struct LoanChanges {
    pub status: Option<String>,
    pub outstanding_serials: Option<String>,
    pub returned_quantity: Option<i64>,
    pub unused_quantity: Option<i64>,
    pub lost_quantity: Option<i64>,
    pub decided_by: Option<String>,
    pub decided_at: Option<NaiveDateTime>,
    pub issued_by: Option<String>,
    pub issued_at: Option<NaiveDateTime>,
    pub due_on: Option<NaiveDate>,
    pub signed_at: Option<NaiveDateTime>,
    pub closed_at: Option<NaiveDateTime>,
    pub rotation_passed_over: Option<String>,
    pub consumed_quantity: Option<i64>,
}

pub fn update_loan(
    conn: &mut DbConnection,
    id: &str,
    expected: i64,
    changes: &LoanChanges,
    now: DateTime<Utc>,
) -> Result<VersionedWrite, StoreError> {
    crate::versioned_update!(conn, part_loans, id, expected, changes, now)
}

/// INV-2: whether `engineer_id` holds a loan still out whose due day is before `today`.
pub fn holds_overdue(
    conn: &mut DbConnection,
    engineer_id: &str,
    today: NaiveDate,
) -> Result<bool, StoreError> {
    let n: i64 = part_loans::table
        .filter(part_loans::engineer_id.eq(engineer_id))
        .filter(part_loans::status.eq(LoanStatus::Issued.as_str()))
        .filter(part_loans::due_on.lt(today))
        .count()
        .get_result(conn)?;
    Ok(n > 0)
}

#[derive(Debug, Clone, Default)]
pub struct LoanFilter {
    /// ORG-5: only this engineer's loans (an engineer's own view).
    pub engineer_id: Option<String>,
    pub status: Option<LoanStatus>,
    pub part_id: Option<String>,
    /// INV-2: only loans still out whose due day is before this day.
    pub overdue_on: Option<NaiveDate>,
}

pub fn list_loans(
    conn: &mut DbConnection,
    filter: &LoanFilter,
    mode: &ListMode,
    limit: i64,
) -> Result<Vec<LoanRow>, StoreError> {
    let mut query = part_loans::table.select(LoanRow::as_select()).into_boxed();
    if let Some(v) = &filter.engineer_id {
        query = query.filter(part_loans::engineer_id.eq(v.clone()));
    }
    if let Some(v) = filter.status {
        query = query.filter(part_loans::status.eq(v.as_str()));
    }
    if let Some(v) = &filter.part_id {
        query = query.filter(part_loans::part_id.eq(v.clone()));
    }
    if let Some(day) = filter.overdue_on {
        query = query
            .filter(part_loans::status.eq(LoanStatus::Issued.as_str()))
            .filter(part_loans::due_on.lt(day));
    }
    let query = crate::apply_list_mode!(query, part_loans, mode);
    Ok(query.limit(limit).load(conn)?)
}

/// INV-2: the loans still out whose due day is before `today` and that were never flagged.
pub fn overdue_unflagged(
    conn: &mut DbConnection,
    today: NaiveDate,
) -> Result<Vec<LoanRow>, StoreError> {
    Ok(part_loans::table
        .filter(part_loans::status.eq(LoanStatus::Issued.as_str()))
        .filter(part_loans::due_on.lt(today))
        .filter(part_loans::overdue_flagged_at.is_null())
        .order(part_loans::id.asc())
        .select(LoanRow::as_select())
        .load(conn)?)
}

/// Flags loan `id` overdue unless it is flagged already; true when this call flagged it. The
/// condition and the write are one statement: of concurrent watchers one flags.
pub fn flag_overdue(
    conn: &mut DbConnection,
    id: &str,
    now: DateTime<Utc>,
) -> Result<bool, StoreError> {
    let at = to_db_time(now);
    let written = diesel::update(
        part_loans::table
            .filter(part_loans::id.eq(id))
            .filter(part_loans::overdue_flagged_at.is_null()),
    )
    .set((
        part_loans::overdue_flagged_at.eq(at),
        part_loans::updated_at.eq(at),
        part_loans::version.eq(part_loans::version + 1),
    ))
    .execute(conn)?;
    Ok(written == 1)
}

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable)]
#[diesel(table_name = part_charges)]
pub struct ChargeRow {
    pub id: String,
    pub loan_id: String,
    pub engineer_id: String,
    pub part_id: String,
    #[diesel(deserialize_as = String, serialize_as = String)]
    pub kind: LossKind,
    /// JSON array of serials (empty for a bulk part).
    pub serials: String,
    pub quantity: i64,
    pub unit_price_fen: i64,
    pub amount_fen: i64,
    #[diesel(deserialize_as = String, serialize_as = String)]
    pub status: ChargeStatus,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub version: i64,
}

pub fn insert_charge(conn: &mut DbConnection, row: &ChargeRow) -> Result<(), StoreError> {
    diesel::insert_into(part_charges::table)
        .values(row.clone())
        .execute(conn)?;
    Ok(())
}

pub fn find_charge(conn: &mut DbConnection, id: &str) -> Result<Option<ChargeRow>, StoreError> {
    Ok(part_charges::table
        .find(id)
        .select(ChargeRow::as_select())
        .first(conn)
        .optional()?)
}

#[derive(Debug, Clone, Default)]
pub struct ChargeFilter {
    /// ORG-5: only this engineer's charges.
    pub engineer_id: Option<String>,
    pub loan_id: Option<String>,
    pub status: Option<ChargeStatus>,
}

pub fn list_charges(
    conn: &mut DbConnection,
    filter: &ChargeFilter,
    after_id: Option<&str>,
    limit: i64,
) -> Result<Vec<ChargeRow>, StoreError> {
    let mut query = part_charges::table
        .select(ChargeRow::as_select())
        .into_boxed();
    if let Some(v) = &filter.engineer_id {
        query = query.filter(part_charges::engineer_id.eq(v.clone()));
    }
    if let Some(v) = &filter.loan_id {
        query = query.filter(part_charges::loan_id.eq(v.clone()));
    }
    if let Some(v) = filter.status {
        query = query.filter(part_charges::status.eq(v.as_str()));
    }
    if let Some(after) = after_id {
        query = query.filter(part_charges::id.gt(after.to_owned()));
    }
    Ok(query
        .order(part_charges::id.asc())
        .limit(limit)
        .load(conn)?)
}
