//! BIL-5 invoices and credit notes; ORG-5 follows the invoice's customer.

use crate::delta::ListMode;
use crate::schema::{credit_notes, customers, invoices};
use crate::visibility::{self, Visible};
use crate::{DbConnection, StoreError, to_db_time};
use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use diesel::prelude::*;

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable)]
#[diesel(table_name = invoices)]
pub struct InvoiceRow {
    pub id: String,
    pub number: String,
    pub customer_id: String,
    pub subject_kind: String,
    pub subject_id: String,
    pub amount_fen: i64,
    pub credited_fen: i64,
    pub issued_on: NaiveDate,
    pub mailing_address: String,
    pub contact_name: String,
    pub contact_phone: Option<String>,
    pub note: Option<String>,
    pub issued_by: String,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub version: i64,
    pub deleted_at: Option<NaiveDateTime>,
}

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable)]
#[diesel(table_name = credit_notes)]
pub struct CreditNoteRow {
    pub id: String,
    pub invoice_id: String,
    pub number: String,
    pub amount_fen: i64,
    pub issued_on: NaiveDate,
    pub reason: String,
    pub issued_by: String,
    pub created_at: NaiveDateTime,
}

pub fn insert(conn: &mut DbConnection, row: &InvoiceRow) -> Result<(), StoreError> {
    diesel::insert_into(invoices::table)
        .values(row.clone())
        .execute(conn)?;
    Ok(())
}

pub fn find(conn: &mut DbConnection, id: &str) -> Result<Option<InvoiceRow>, StoreError> {
    Ok(invoices::table
        .find(id)
        .select(InvoiceRow::as_select())
        .first(conn)
        .optional()?)
}

/// The credit notes of each invoice in `ids`, oldest first, one list per id in order.
pub fn notes_of(
    conn: &mut DbConnection,
    ids: &[String],
) -> Result<Vec<Vec<CreditNoteRow>>, StoreError> {
    let rows: Vec<CreditNoteRow> = credit_notes::table
        .filter(credit_notes::invoice_id.eq_any(ids))
        .select(CreditNoteRow::as_select())
        .order((credit_notes::created_at, credit_notes::id))
        .load(conn)?;
    Ok(ids
        .iter()
        .map(|id| {
            rows.iter()
                .filter(|n| &n.invoice_id == id)
                .cloned()
                .collect()
        })
        .collect())
}

/// BIL-5: books credit note `note` on its invoice at version `expected`: `credited_fen` grows
/// by its amount unless that passes the invoice's amount — one conditional UPDATE, so two
/// notes racing for the last fen leave one winner. Returns whether it was written.
pub fn add_credit_note(
    conn: &mut DbConnection,
    note: &CreditNoteRow,
    expected: i64,
    now: DateTime<Utc>,
) -> Result<bool, StoreError> {
    let n = diesel::update(
        invoices::table
            .filter(invoices::id.eq(&note.invoice_id))
            .filter(invoices::version.eq(expected))
            .filter((invoices::credited_fen + note.amount_fen).le(invoices::amount_fen)),
    )
    .set((
        invoices::credited_fen.eq(invoices::credited_fen + note.amount_fen),
        invoices::version.eq(invoices::version + 1),
        invoices::updated_at.eq(to_db_time(now)),
    ))
    .execute(conn)?;
    if n == 1 {
        diesel::insert_into(credit_notes::table)
            .values(note.clone())
            .execute(conn)?;
    }
    Ok(n == 1)
}

#[derive(Debug, Clone, Default)]
pub struct InvoiceFilter {
    pub customer_id: Option<String>,
    pub subject_kind: Option<String>,
    pub subject_id: Option<String>,
    pub issued_from: Option<NaiveDate>,
    pub issued_to: Option<NaiveDate>,
}

/// One page of the invoices visible in `scope` (ORG-5, through their customer).
pub fn list(
    conn: &mut DbConnection,
    scope: &Visible,
    filter: &InvoiceFilter,
    mode: &ListMode,
    limit: i64,
) -> Result<Vec<InvoiceRow>, StoreError> {
    let mut query = invoices::table.select(InvoiceRow::as_select()).into_boxed();
    if let Some(visible) = visibility::visible_customer_ids(scope) {
        query = query
            .filter(invoices::customer_id.eq_any(visible.filter(customers::deleted_at.is_null())));
    }
    if let Some(v) = &filter.customer_id {
        query = query.filter(invoices::customer_id.eq(v.clone()));
    }
    if let Some(v) = &filter.subject_kind {
        query = query.filter(invoices::subject_kind.eq(v.clone()));
    }
    if let Some(v) = &filter.subject_id {
        query = query.filter(invoices::subject_id.eq(v.clone()));
    }
    if let Some(v) = filter.issued_from {
        query = query.filter(invoices::issued_on.ge(v));
    }
    if let Some(v) = filter.issued_to {
        query = query.filter(invoices::issued_on.le(v));
    }
    let query = crate::apply_list_mode!(query, invoices, mode);
    Ok(query.limit(limit).load(conn)?)
}
