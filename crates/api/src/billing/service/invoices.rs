//! BIL-5 invoices for contracts, repairs and commissioning jobs of the customer, keeping the
//! mailing address and contact; credit notes for refunds, each within what the invoice still
//! stands for (a conditional UPDATE). Visibility (ORG-5) is the customer's.

use crate::billing::dto::invoices::{CreditNoteOut, InvoiceOut, IssueCreditNote, IssueInvoice};
use crate::billing::service::quotes::sees_customer;
use crate::kernel::command::{Ctx, snapshot};
use crate::kernel::error::ApiError;
use crate::kernel::extract::trimmed;
use chrono::NaiveDate;
use kefu_billing::invoices::{InvoiceSubject, check_credit};
use kefu_core::{Actor, FieldError};
use kefu_store::invoices::{self as store, CreditNoteRow, InvoiceRow};
use kefu_store::{DbConnection, from_db_time, new_id, to_db_time};

fn invalid(field: &str, code: &'static str, message: &str) -> ApiError {
    ApiError::Invalid(vec![FieldError::new(field, code, message).by_rule("BIL-5")])
}

pub fn render(row: &InvoiceRow, notes: &[CreditNoteRow]) -> InvoiceOut {
    InvoiceOut {
        id: row.id.clone(),
        number: row.number.clone(),
        customer_id: row.customer_id.clone(),
        subject_kind: InvoiceSubject::parse(&row.subject_kind).unwrap_or(InvoiceSubject::Contract),
        subject_id: row.subject_id.clone(),
        amount_fen: row.amount_fen,
        credited_fen: row.credited_fen,
        remaining_fen: row.amount_fen - row.credited_fen,
        issued_on: row.issued_on,
        mailing_address: row.mailing_address.clone(),
        contact_name: row.contact_name.clone(),
        contact_phone: row.contact_phone.clone(),
        note: row.note.clone(),
        issued_by: row.issued_by.clone(),
        credit_notes: notes
            .iter()
            .map(|n| CreditNoteOut {
                id: n.id.clone(),
                number: n.number.clone(),
                amount_fen: n.amount_fen,
                issued_on: n.issued_on,
                reason: n.reason.clone(),
                issued_by: n.issued_by.clone(),
                created_at: from_db_time(n.created_at),
            })
            .collect(),
        deleted: row.deleted_at.is_some(),
        created_at: from_db_time(row.created_at),
        updated_at: from_db_time(row.updated_at),
        version: row.version,
    }
}

pub fn render_all(
    conn: &mut DbConnection,
    rows: &[InvoiceRow],
) -> Result<Vec<InvoiceOut>, ApiError> {
    let ids: Vec<String> = rows.iter().map(|r| r.id.clone()).collect();
    let notes = store::notes_of(conn, &ids)?;
    Ok(rows.iter().zip(notes).map(|(r, n)| render(r, &n)).collect())
}

/// A live invoice of a customer the caller sees, rendered; anything else is 404.
pub fn get(conn: &mut DbConnection, actor: &Actor, id: &str) -> Result<InvoiceOut, ApiError> {
    let row = store::find(conn, id)?
        .filter(|r| r.deleted_at.is_none())
        .ok_or(ApiError::NotFound)?;
    if !sees_customer(conn, actor, &row.customer_id)? {
        return Err(ApiError::NotFound);
    }
    Ok(render_all(conn, std::slice::from_ref(&row))?.remove(0))
}

/// The customer of the billed record, if it exists and is live.
fn subject_customer(
    conn: &mut DbConnection,
    kind: InvoiceSubject,
    id: &str,
) -> Result<Option<String>, ApiError> {
    Ok(match kind {
        InvoiceSubject::Contract => kefu_store::contracts::find(conn, id)?
            .filter(|r| r.deleted_at.is_none())
            .map(|r| r.customer_id),
        InvoiceSubject::RepairQuote => kefu_store::repair_quotes::find(conn, id)?
            .filter(|r| r.deleted_at.is_none())
            .map(|r| r.customer_id),
        InvoiceSubject::CommissioningJob => kefu_store::commissioning::find(conn, id)?
            .filter(|r| r.deleted_at.is_none())
            .map(|r| r.customer_id),
    })
}

fn check_day(field: &str, day: NaiveDate, today: NaiveDate) -> Result<(), ApiError> {
    if day > today {
        return Err(invalid(field, "future", "not in the future"));
    }
    Ok(())
}

/// BIL-5: issues an invoice to a customer the caller sees (422 `customer_id`) for one of its
/// contracts, repair quotes or commissioning jobs (422 `subject_id`).
pub fn issue(
    conn: &mut DbConnection,
    ctx: &Ctx,
    actor: &Actor,
    today: NaiveDate,
    input: IssueInvoice,
) -> Result<InvoiceOut, ApiError> {
    let customer_id = input.customer_id.trim().to_owned();
    if !sees_customer(conn, actor, &customer_id)? {
        return Err(invalid("customer_id", "not_found", "no such customer"));
    }
    let subject_id = input.subject_id.trim().to_owned();
    if subject_customer(conn, input.subject_kind, &subject_id)?.as_deref() != Some(&customer_id) {
        return Err(invalid(
            "subject_id",
            "not_found",
            "no such record of the customer to bill",
        ));
    }
    let issued_on = input.issued_on.unwrap_or(today);
    check_day("issued_on", issued_on, today)?;
    let now = to_db_time(ctx.now);
    let row = InvoiceRow {
        id: new_id(),
        number: input.number.trim().to_owned(),
        customer_id,
        subject_kind: input.subject_kind.as_str().to_owned(),
        subject_id,
        amount_fen: input.amount_fen,
        credited_fen: 0,
        issued_on,
        mailing_address: input.mailing_address.trim().to_owned(),
        contact_name: input.contact_name.trim().to_owned(),
        contact_phone: trimmed(input.contact_phone),
        note: trimmed(input.note),
        issued_by: actor.user_id.clone(),
        created_at: now,
        updated_at: now,
        version: 1,
        deleted_at: None,
    };
    store::insert(conn, &row)?;
    let out = render(&row, &[]);
    ctx.audit(
        conn,
        "invoice.issue",
        ("invoice", &row.id),
        None,
        snapshot(&out),
    )?;
    Ok(out)
}

/// BIL-5: a credit note on an invoice the caller sees, within what it still stands for (422
/// `BIL-5`), checked again by the conditional UPDATE.
pub fn credit(
    conn: &mut DbConnection,
    ctx: &Ctx,
    actor: &Actor,
    today: NaiveDate,
    id: &str,
    expected: i64,
    input: IssueCreditNote,
) -> Result<InvoiceOut, ApiError> {
    let before = get(conn, actor, id)?;
    if before.version != expected {
        return Err(ApiError::PreconditionFailed {
            current: before.version,
        });
    }
    let issued_on = input.issued_on.unwrap_or(today);
    check_day("issued_on", issued_on, today)?;
    check_credit(before.amount_fen, before.credited_fen, input.amount_fen)?;
    let note = CreditNoteRow {
        id: new_id(),
        invoice_id: before.id.clone(),
        number: input.number.trim().to_owned(),
        amount_fen: input.amount_fen,
        issued_on,
        reason: input.reason.trim().to_owned(),
        issued_by: actor.user_id.clone(),
        created_at: to_db_time(ctx.now),
    };
    if !store::add_credit_note(conn, &note, expected, ctx.now)? {
        return Err(ApiError::PreconditionFailed {
            current: expected + 1,
        });
    }
    let after = get(conn, actor, &before.id)?;
    ctx.audit(
        conn,
        "invoice.credit",
        ("invoice", &before.id),
        snapshot(&before),
        snapshot(&after),
    )?;
    Ok(after)
}
