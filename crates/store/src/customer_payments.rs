//! BIL-4 money received from customers: payments towards repair quotes and deposits held
//! against device repairs. ORG-5 follows the payment's customer.

use crate::delta::ListMode;
use crate::schema::{customer_payments, customers};
use crate::visibility::{self, Visible};
use crate::{DbConnection, StoreError, to_db_time};
use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use diesel::prelude::*;

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable)]
#[diesel(table_name = customer_payments)]
pub struct PaymentRow {
    pub id: String,
    pub customer_id: String,
    pub kind: String,
    pub quote_id: Option<String>,
    pub intake_id: Option<String>,
    pub amount_fen: i64,
    pub paid_on: NaiveDate,
    pub method: String,
    pub account: String,
    pub document: String,
    pub document_no: Option<String>,
    pub deposit_state: Option<String>,
    pub settled_by: Option<String>,
    pub settled_at: Option<NaiveDateTime>,
    pub settle_note: Option<String>,
    pub converted_payment_id: Option<String>,
    pub note: Option<String>,
    pub recorded_by: String,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub version: i64,
    pub deleted_at: Option<NaiveDateTime>,
}

pub fn insert(conn: &mut DbConnection, row: &PaymentRow) -> Result<(), StoreError> {
    diesel::insert_into(customer_payments::table)
        .values(row.clone())
        .execute(conn)?;
    Ok(())
}

pub fn find(conn: &mut DbConnection, id: &str) -> Result<Option<PaymentRow>, StoreError> {
    Ok(customer_payments::table
        .find(id)
        .select(PaymentRow::as_select())
        .first(conn)
        .optional()?)
}

/// How a held deposit is settled.
#[derive(Debug, Clone)]
pub struct Settlement {
    /// `refunded` or `converted`.
    pub state: &'static str,
    pub by: String,
    pub note: Option<String>,
    /// A conversion's payment towards the quote.
    pub converted_payment_id: Option<String>,
}

/// BIL-4: settles a held deposit at version `expected` — `held` → `settlement.state` in one
/// conditional UPDATE, so of two settlements racing exactly one wins. Returns whether it was
/// written.
pub fn settle(
    conn: &mut DbConnection,
    id: &str,
    expected: i64,
    settlement: Settlement,
    now: DateTime<Utc>,
) -> Result<bool, StoreError> {
    let now = to_db_time(now);
    let n = diesel::update(
        customer_payments::table
            .filter(customer_payments::id.eq(id))
            .filter(customer_payments::version.eq(expected))
            .filter(customer_payments::deposit_state.eq("held")),
    )
    .set((
        customer_payments::deposit_state.eq(settlement.state),
        customer_payments::settled_by.eq(settlement.by),
        customer_payments::settled_at.eq(now),
        customer_payments::settle_note.eq(settlement.note),
        customer_payments::converted_payment_id.eq(settlement.converted_payment_id),
        customer_payments::version.eq(customer_payments::version + 1),
        customer_payments::updated_at.eq(now),
    ))
    .execute(conn)?;
    Ok(n == 1)
}

#[derive(Debug, Clone, Default)]
pub struct PaymentFilter {
    pub customer_id: Option<String>,
    pub kind: Option<String>,
    pub quote_id: Option<String>,
    pub intake_id: Option<String>,
    pub deposit_state: Option<String>,
    pub paid_from: Option<NaiveDate>,
    pub paid_to: Option<NaiveDate>,
}

/// One page of the payments visible in `scope` (ORG-5, through their customer).
pub fn list(
    conn: &mut DbConnection,
    scope: &Visible,
    filter: &PaymentFilter,
    mode: &ListMode,
    limit: i64,
) -> Result<Vec<PaymentRow>, StoreError> {
    let mut query = customer_payments::table
        .select(PaymentRow::as_select())
        .into_boxed();
    if let Some(visible) = visibility::visible_customer_ids(scope) {
        query = query.filter(
            customer_payments::customer_id.eq_any(visible.filter(customers::deleted_at.is_null())),
        );
    }
    if let Some(v) = &filter.customer_id {
        query = query.filter(customer_payments::customer_id.eq(v.clone()));
    }
    if let Some(v) = &filter.kind {
        query = query.filter(customer_payments::kind.eq(v.clone()));
    }
    if let Some(v) = &filter.quote_id {
        query = query.filter(customer_payments::quote_id.eq(v.clone()));
    }
    if let Some(v) = &filter.intake_id {
        query = query.filter(customer_payments::intake_id.eq(v.clone()));
    }
    if let Some(v) = &filter.deposit_state {
        query = query.filter(customer_payments::deposit_state.eq(v.clone()));
    }
    if let Some(v) = filter.paid_from {
        query = query.filter(customer_payments::paid_on.ge(v));
    }
    if let Some(v) = filter.paid_to {
        query = query.filter(customer_payments::paid_on.le(v));
    }
    let query = crate::apply_list_mode!(query, customer_payments, mode);
    Ok(query.limit(limit).load(conn)?)
}

/// BIL-4: what the factory-repair gate of intake `intake_id` reads: whether an accepted quote
/// for it is paid in full, and whether a deposit for it is held.
pub fn factory_facts(conn: &mut DbConnection, intake_id: &str) -> Result<(bool, bool), StoreError> {
    let paid = crate::repair_quotes::intake_paid_in_full(conn, intake_id)?;
    let held: i64 = customer_payments::table
        .filter(customer_payments::intake_id.eq(intake_id))
        .filter(customer_payments::kind.eq("deposit"))
        .filter(customer_payments::deposit_state.eq("held"))
        .filter(customer_payments::deleted_at.is_null())
        .count()
        .get_result(conn)?;
    Ok((paid, held > 0))
}
