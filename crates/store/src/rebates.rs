//! BIL-7 customer rebates (用户返款): money returned to the customer of a contract, a repair
//! quote or a commissioning job, borne by the engineer who earns from it. The commission
//! computations read [`total_for`] / [`totals_for`]; ORG-5 follows the rebate's customer.

use crate::delta::ListMode;
use crate::schema::{customers, rebates};
use crate::visibility::{self, Visible};
use crate::{DbConnection, StoreError, to_db_time};
use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use diesel::prelude::*;
use std::collections::BTreeMap;

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable)]
#[diesel(table_name = rebates)]
pub struct RebateRow {
    pub id: String,
    pub customer_id: String,
    pub source_kind: String,
    pub source_id: String,
    pub engineer_id: String,
    pub amount_fen: i64,
    pub returned_on: NaiveDate,
    pub reason: String,
    pub status: String,
    pub cancelled_by: Option<String>,
    pub cancelled_at: Option<NaiveDateTime>,
    pub cancel_reason: Option<String>,
    pub recorded_by: String,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub version: i64,
    pub deleted_at: Option<NaiveDateTime>,
}

pub fn insert(conn: &mut DbConnection, row: &RebateRow) -> Result<(), StoreError> {
    diesel::insert_into(rebates::table)
        .values(row.clone())
        .execute(conn)?;
    Ok(())
}

pub fn find(conn: &mut DbConnection, id: &str) -> Result<Option<RebateRow>, StoreError> {
    Ok(rebates::table
        .find(id)
        .select(RebateRow::as_select())
        .first(conn)
        .optional()?)
}

/// BIL-7: what was returned to the customer of one record (live, not cancelled rebates), in
/// fen: the amount its commission is reduced by.
pub fn total_for(
    conn: &mut DbConnection,
    source_kind: &str,
    source_id: &str,
) -> Result<i64, StoreError> {
    Ok(totals_for(conn, source_kind, &[source_id.to_owned()])?
        .remove(source_id)
        .unwrap_or(0))
}

/// BIL-7: [`total_for`] of many records of one kind at once (the month close's set-based
/// read); records without rebates are absent.
pub fn totals_for(
    conn: &mut DbConnection,
    source_kind: &str,
    source_ids: &[String],
) -> Result<BTreeMap<String, i64>, StoreError> {
    let mut out: BTreeMap<String, i64> = BTreeMap::new();
    // Summed in Rust: SUM's result type differs between the backends (NUMERIC on PostgreSQL).
    for chunk in source_ids.chunks(900) {
        let rows: Vec<(String, i64)> = rebates::table
            .filter(rebates::source_kind.eq(source_kind))
            .filter(rebates::source_id.eq_any(chunk))
            .filter(rebates::status.eq("recorded"))
            .filter(rebates::deleted_at.is_null())
            .select((rebates::source_id, rebates::amount_fen))
            .load(conn)?;
        for (id, fen) in rows {
            *out.entry(id).or_default() += fen;
        }
    }
    Ok(out)
}

/// Cancels a recorded rebate at version `expected` in one conditional UPDATE: of two racing
/// cancellations exactly one wins. True when this call wrote.
pub fn cancel(
    conn: &mut DbConnection,
    id: &str,
    expected: i64,
    by: &str,
    reason: &str,
    now: DateTime<Utc>,
) -> Result<bool, StoreError> {
    let now = to_db_time(now);
    let n = diesel::update(
        rebates::table
            .filter(rebates::id.eq(id))
            .filter(rebates::version.eq(expected))
            .filter(rebates::status.eq("recorded")),
    )
    .set((
        rebates::status.eq("cancelled"),
        rebates::cancelled_by.eq(by),
        rebates::cancelled_at.eq(now),
        rebates::cancel_reason.eq(reason),
        rebates::version.eq(rebates::version + 1),
        rebates::updated_at.eq(now),
    ))
    .execute(conn)?;
    Ok(n == 1)
}

#[derive(Debug, Clone, Default)]
pub struct RebateFilter {
    pub customer_id: Option<String>,
    pub source_kind: Option<String>,
    pub source_id: Option<String>,
    pub engineer_id: Option<String>,
    pub status: Option<String>,
    pub returned_from: Option<NaiveDate>,
    pub returned_to: Option<NaiveDate>,
}

/// One page of the rebates visible in `scope` (ORG-5, through their customer).
pub fn list(
    conn: &mut DbConnection,
    scope: &Visible,
    filter: &RebateFilter,
    mode: &ListMode,
    limit: i64,
) -> Result<Vec<RebateRow>, StoreError> {
    let mut query = rebates::table.select(RebateRow::as_select()).into_boxed();
    if let Some(visible) = visibility::visible_customer_ids(scope) {
        query = query
            .filter(rebates::customer_id.eq_any(visible.filter(customers::deleted_at.is_null())));
    }
    let f = filter;
    if let Some(v) = &f.customer_id {
        query = query.filter(rebates::customer_id.eq(v.clone()));
    }
    if let Some(v) = &f.source_kind {
        query = query.filter(rebates::source_kind.eq(v.clone()));
    }
    if let Some(v) = &f.source_id {
        query = query.filter(rebates::source_id.eq(v.clone()));
    }
    if let Some(v) = &f.engineer_id {
        query = query.filter(rebates::engineer_id.eq(v.clone()));
    }
    if let Some(v) = &f.status {
        query = query.filter(rebates::status.eq(v.clone()));
    }
    if let Some(v) = f.returned_from {
        query = query.filter(rebates::returned_on.ge(v));
    }
    if let Some(v) = f.returned_to {
        query = query.filter(rebates::returned_on.le(v));
    }
    let query = crate::apply_list_mode!(query, rebates, mode);
    Ok(query.limit(limit).load(conn)?)
}
