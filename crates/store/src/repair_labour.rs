//! BIL-12b repair labour: the paid repairs a month close reads, and the two approvals (the
//! manager's, then the executive's) that release each one's labour share, one row per quote.

use crate::schema::{customer_payments, repair_labour_approvals, repair_quotes};
use crate::{DbConnection, StoreError, to_db_time};
use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use diesel::prelude::*;
use std::collections::BTreeMap;

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable)]
#[diesel(table_name = repair_labour_approvals)]
pub struct ApprovalRow {
    pub quote_id: String,
    pub manager_approved_by: String,
    pub manager_approved_on: NaiveDate,
    pub executive_approved_by: Option<String>,
    pub executive_approved_on: Option<NaiveDate>,
    pub updated_at: NaiveDateTime,
}

/// A repair quote paid in full, as the month close reads it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaidRepair {
    pub quote_id: String,
    pub engineer_id: String,
    /// The repair fee (without travel and lodging) and its floor price.
    pub fee_fen: i64,
    pub floor_fen: i64,
    /// The day of the payment that completed it (the latest payment's day).
    pub paid_on: NaiveDate,
}

/// The live quotes paid in full between `from` and `to` (both included, by the day of the
/// completing payment).
pub fn paid_between(
    conn: &mut DbConnection,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<PaidRepair>, StoreError> {
    // `fully_paid_at` is an instant: a day either side covers any company time zone, and the
    // payment days then decide exactly.
    let (Some(lo), Some(hi)) = (from.pred_opt(), to.succ_opt().and_then(|d| d.succ_opt())) else {
        return Ok(Vec::new());
    };
    let quotes: Vec<(String, String, i64, i64)> = repair_quotes::table
        .filter(repair_quotes::deleted_at.is_null())
        .filter(repair_quotes::fully_paid_at.ge(lo.and_time(chrono::NaiveTime::MIN)))
        .filter(repair_quotes::fully_paid_at.lt(hi.and_time(chrono::NaiveTime::MIN)))
        .order(repair_quotes::id.asc())
        .select((
            repair_quotes::id,
            repair_quotes::engineer_id,
            repair_quotes::fee_fen,
            repair_quotes::floor_fen,
        ))
        .load(conn)?;
    let ids: Vec<String> = quotes.iter().map(|q| q.0.clone()).collect();
    let mut last_paid: BTreeMap<String, NaiveDate> = BTreeMap::new();
    for chunk in ids.chunks(900) {
        let rows: Vec<(Option<String>, NaiveDate)> = customer_payments::table
            .filter(customer_payments::quote_id.eq_any(chunk))
            .filter(customer_payments::kind.eq("payment"))
            .filter(customer_payments::deleted_at.is_null())
            .select((customer_payments::quote_id, customer_payments::paid_on))
            .load(conn)?;
        for (quote, day) in rows {
            if let Some(q) = quote {
                let e = last_paid.entry(q).or_insert(day);
                *e = (*e).max(day);
            }
        }
    }
    Ok(quotes
        .into_iter()
        .filter_map(|(quote_id, engineer_id, fee_fen, floor_fen)| {
            let paid_on = *last_paid.get(&quote_id)?;
            (from <= paid_on && paid_on <= to).then_some(PaidRepair {
                quote_id,
                engineer_id,
                fee_fen,
                floor_fen,
                paid_on,
            })
        })
        .collect())
}

/// The approvals of each quote in `quote_ids` that has any.
pub fn approvals_of(
    conn: &mut DbConnection,
    quote_ids: &[String],
) -> Result<BTreeMap<String, ApprovalRow>, StoreError> {
    let mut out = BTreeMap::new();
    for chunk in quote_ids.chunks(900) {
        let rows: Vec<ApprovalRow> = repair_labour_approvals::table
            .filter(repair_labour_approvals::quote_id.eq_any(chunk))
            .select(ApprovalRow::as_select())
            .load(conn)?;
        out.extend(rows.into_iter().map(|r| (r.quote_id.clone(), r)));
    }
    Ok(out)
}

/// The manager's approval of `quote_id`'s labour share; of two at once one writes (the row's
/// key). True when this call wrote.
pub fn approve_by_manager(
    conn: &mut DbConnection,
    quote_id: &str,
    by: &str,
    on: NaiveDate,
    now: DateTime<Utc>,
) -> Result<bool, StoreError> {
    let insert = diesel::insert_into(repair_labour_approvals::table)
        .values(ApprovalRow {
            quote_id: quote_id.to_owned(),
            manager_approved_by: by.to_owned(),
            manager_approved_on: on,
            executive_approved_by: None,
            executive_approved_on: None,
            updated_at: to_db_time(now),
        })
        .on_conflict(repair_labour_approvals::quote_id)
        .do_nothing();
    let n = match conn {
        DbConnection::Pg(c) => insert.execute(c)?,
        DbConnection::Sqlite(c) => insert.execute(c)?,
    };
    Ok(n == 1)
}

/// The executive's approval, after the manager's and once: a conditional UPDATE, so of two at
/// once one writes. True when this call wrote.
pub fn approve_by_executive(
    conn: &mut DbConnection,
    quote_id: &str,
    by: &str,
    on: NaiveDate,
    now: DateTime<Utc>,
) -> Result<bool, StoreError> {
    let n = diesel::update(
        repair_labour_approvals::table
            .filter(repair_labour_approvals::quote_id.eq(quote_id))
            .filter(repair_labour_approvals::executive_approved_by.is_null()),
    )
    .set((
        repair_labour_approvals::executive_approved_by.eq(by),
        repair_labour_approvals::executive_approved_on.eq(on),
        repair_labour_approvals::updated_at.eq(to_db_time(now)),
    ))
    .execute(conn)?;
    Ok(n == 1)
}
