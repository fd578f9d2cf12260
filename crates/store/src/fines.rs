//! HR-F0: fine records, their status written by conditional updates, and the department-fund
//! ledger (append-only). Payroll (BIL-13) reads the confirmed, not yet deducted fines of a
//! month through [`confirmed_undeducted`].

use crate::delta::ListMode;
use crate::schema::{fines, fund_ledger};
use crate::{DbConnection, StoreError, VersionedWrite};
use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use diesel::prelude::*;

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable)]
#[diesel(table_name = fines)]
pub struct FineRow {
    pub id: String,
    pub user_id: String,
    pub rule: String,
    pub amount_fen: i64,
    /// The payroll month, `YYYY-MM`.
    pub month: String,
    pub occurred_on: NaiveDate,
    pub evidence: String,
    /// A JSON array of attachment ids.
    pub attachment_ids: String,
    pub issued_by: Option<String>,
    pub status: String,
    pub dismissal_flag: bool,
    /// The record the fine was proposed from (`complaint:<id>`, `lateness:<user>:<month>`).
    pub source_key: Option<String>,
    pub decided_by: Option<String>,
    pub decided_at: Option<NaiveDateTime>,
    pub cancel_reason: Option<String>,
    pub deducted_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub version: i64,
    pub deleted_at: Option<NaiveDateTime>,
}

pub fn insert(conn: &mut DbConnection, row: &FineRow) -> Result<(), StoreError> {
    diesel::insert_into(fines::table)
        .values(row.clone())
        .execute(conn)?;
    Ok(())
}

pub fn find(conn: &mut DbConnection, id: &str) -> Result<Option<FineRow>, StoreError> {
    Ok(fines::table
        .find(id)
        .select(FineRow::as_select())
        .first(conn)
        .optional()?)
}

pub fn find_by_source(
    conn: &mut DbConnection,
    source_key: &str,
) -> Result<Option<FineRow>, StoreError> {
    Ok(fines::table
        .filter(fines::source_key.eq(source_key))
        .select(FineRow::as_select())
        .first(conn)
        .optional()?)
}

#[derive(Debug, Clone, Default, AsChangeset)]
#[diesel(table_name = fines)]
pub struct FineChanges {
    pub status: Option<String>,
    pub decided_by: Option<Option<String>>,
    pub decided_at: Option<Option<NaiveDateTime>>,
    pub cancel_reason: Option<Option<String>>,
    pub deducted_at: Option<Option<NaiveDateTime>>,
}

pub fn update(
    conn: &mut DbConnection,
    id: &str,
    expected: i64,
    changes: &FineChanges,
    now: DateTime<Utc>,
) -> Result<VersionedWrite, StoreError> {
    crate::versioned_update!(conn, fines, id, expected, changes, now)
}

/// Which fines a list shows: `user_ids` limits them to those people (privacy), `None` is
/// everyone's.
#[derive(Debug, Clone, Default)]
pub struct FineFilter {
    pub user_ids: Option<Vec<String>>,
    pub status: Option<String>,
    pub rule: Option<String>,
    pub month: Option<String>,
}

pub fn list(
    conn: &mut DbConnection,
    filter: &FineFilter,
    mode: &ListMode,
    limit: i64,
) -> Result<Vec<FineRow>, StoreError> {
    let mut query = fines::table.select(FineRow::as_select()).into_boxed();
    if let Some(ids) = &filter.user_ids {
        query = query.filter(fines::user_id.eq_any(ids.clone()));
    }
    if let Some(status) = &filter.status {
        query = query.filter(fines::status.eq(status.clone()));
    }
    if let Some(rule) = &filter.rule {
        query = query.filter(fines::rule.eq(rule.clone()));
    }
    if let Some(month) = &filter.month {
        query = query.filter(fines::month.eq(month.clone()));
    }
    let query = crate::apply_list_mode!(query, fines, mode);
    Ok(query.limit(limit).load(conn)?)
}

/// BIL-13: the confirmed fines of payroll month `month` (`YYYY-MM`) not yet deducted, in id
/// order — what a payroll run deducts.
pub fn confirmed_undeducted(
    conn: &mut DbConnection,
    month: &str,
) -> Result<Vec<FineRow>, StoreError> {
    Ok(fines::table
        .filter(fines::month.eq(month))
        .filter(fines::status.eq("confirmed"))
        .filter(fines::deducted_at.is_null())
        .filter(fines::deleted_at.is_null())
        .select(FineRow::as_select())
        .order(fines::id.asc())
        .load(conn)?)
}

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable)]
#[diesel(table_name = fund_ledger)]
pub struct LedgerRow {
    pub id: String,
    /// The fine paid in or back out; `None` for a spending.
    pub fine_id: Option<String>,
    /// The person fined; `None` for a spending.
    pub user_id: Option<String>,
    pub rule: String,
    /// `fine_confirmed`, `fine_reversed` or `spending`.
    pub entry: String,
    /// Into the fund positive, out of it negative.
    pub amount_fen: i64,
    pub posted_by: Option<String>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub deleted_at: Option<NaiveDateTime>,
    /// What a spending paid for.
    pub purpose: Option<String>,
}

pub fn insert_entry(conn: &mut DbConnection, row: &LedgerRow) -> Result<(), StoreError> {
    diesel::insert_into(fund_ledger::table)
        .values(row.clone())
        .execute(conn)?;
    Ok(())
}

pub fn ledger(
    conn: &mut DbConnection,
    mode: &ListMode,
    limit: i64,
) -> Result<Vec<LedgerRow>, StoreError> {
    let query = fund_ledger::table
        .select(LedgerRow::as_select())
        .into_boxed();
    let query = crate::apply_list_mode!(query, fund_ledger, mode);
    Ok(query.limit(limit).load(conn)?)
}

/// Holds the fund for the rest of the transaction, so that two spendings checked against the
/// same balance run one after the other (SQLite's write transactions already do).
pub fn lock_fund(conn: &mut DbConnection) -> Result<(), StoreError> {
    if let DbConnection::Pg(c) = conn {
        diesel::sql_query("LOCK TABLE fund_ledger IN SHARE ROW EXCLUSIVE MODE").execute(c)?;
    }
    Ok(())
}

/// The fund's balance now, in fen.
pub fn balance(conn: &mut DbConnection) -> Result<i64, StoreError> {
    // Summed here: PostgreSQL's SUM of a BIGINT is NUMERIC, which diesel reads only with a
    // decimal crate; the ledger holds one entry per fine decision, a few thousand a year.
    let amounts: Vec<i64> = fund_ledger::table
        .select(fund_ledger::amount_fen)
        .load(conn)?;
    Ok(amounts.iter().sum())
}

/// The fund's running balance after each entry up to and including `through` (ledger order
/// is id order), in fen: `(id, balance)` pairs in id order.
pub fn balances_through(
    conn: &mut DbConnection,
    through: &str,
) -> Result<Vec<(String, i64)>, StoreError> {
    let entries: Vec<(String, i64)> = fund_ledger::table
        .filter(fund_ledger::id.le(through))
        .select((fund_ledger::id, fund_ledger::amount_fen))
        .order(fund_ledger::id.asc())
        .load(conn)?;
    let mut balance = 0;
    Ok(entries
        .into_iter()
        .map(|(id, amount)| {
            balance += amount;
            (id, balance)
        })
        .collect())
}
