//! BIL-8 chasing notes (催缴记录) on documents of visible customers: append-only, audited
//! (`chasing_note.add`, also a webhook event). A document another user's scope hides, or that
//! is no receivable document, reads as 404.

use crate::billing::dto::receivables::{AddChasingNote, ChasingNoteOut};
use crate::billing::service::quotes::sees_customer;
use crate::billing::service::receivables::open_item;
use crate::kernel::command::{Ctx, snapshot};
use crate::kernel::error::ApiError;
use crate::kernel::extract::trimmed;
use chrono::{NaiveDate, NaiveDateTime};
use chrono_tz::Tz;
use kefu_billing::chasing::{ChasingChannel, ChasingOutcome, check_note};
use kefu_billing::invoices::InvoiceSubject;
use kefu_billing::receivables::{DocRef, ReceivableKind, in_arrears};
use kefu_core::{Actor, FieldError, Role};
use kefu_store::receivables::{self as store, ChasingNoteRow};
use kefu_store::{DbConnection, from_db_time, new_id, to_db_time};

pub fn render(row: &ChasingNoteRow) -> ChasingNoteOut {
    ChasingNoteOut {
        id: row.id.clone(),
        customer_id: row.customer_id.clone(),
        document_kind: ReceivableKind::parse(&row.document_kind).unwrap_or(ReceivableKind::Invoice),
        document_id: row.document_id.clone(),
        called_by: row.called_by.clone(),
        called_at: from_db_time(row.called_at),
        channel: ChasingChannel::parse(&row.channel).unwrap_or(ChasingChannel::Phone),
        contact_name: row.contact_name.clone(),
        outcome: ChasingOutcome::parse(&row.outcome).unwrap_or(ChasingOutcome::Other),
        promised_on: row.promised_on,
        promised_fen: row.promised_fen,
        note: row.note.clone(),
        recorded_by: row.recorded_by.clone(),
        created_at: from_db_time(row.created_at),
    }
}

/// The customer of receivable document `kind`/`id` (a signed, not terminated contract; an
/// accepted quote; a commissioning job's invoice), if the caller sees it; else 404.
pub fn document_customer(
    conn: &mut DbConnection,
    actor: &Actor,
    kind: ReceivableKind,
    id: &str,
) -> Result<String, ApiError> {
    let customer = match kind {
        ReceivableKind::Contract => kefu_store::contracts::find(conn, id)?
            .filter(|c| {
                c.deleted_at.is_none()
                    && c.payment_due_on.is_some()
                    && !matches!(c.status.as_str(), "draft" | "terminated")
            })
            .map(|c| c.customer_id),
        ReceivableKind::RepairQuote => kefu_store::repair_quotes::find(conn, id)?
            .filter(|q| q.deleted_at.is_none() && q.status == "accepted")
            .map(|q| q.customer_id),
        ReceivableKind::Invoice => kefu_store::invoices::find(conn, id)?
            .filter(|i| {
                i.deleted_at.is_none()
                    && i.subject_kind == InvoiceSubject::CommissioningJob.as_str()
            })
            .map(|i| i.customer_id),
    };
    match customer {
        Some(c) if sees_customer(conn, actor, &c)? => Ok(c),
        _ => Err(ApiError::NotFound),
    }
}

fn invalid(field: &str, code: &'static str, message: &str) -> ApiError {
    ApiError::Invalid(vec![FieldError::new(field, code, message).by_rule("BIL-8")])
}

/// `called_by`, if named, is an enabled staff member (422 `called_by`); default the caller.
fn caller_of_note(
    conn: &mut DbConnection,
    actor: &Actor,
    named: Option<String>,
) -> Result<String, ApiError> {
    let Some(id) = named else {
        return Ok(actor.user_id.clone());
    };
    let staff = kefu_store::users::find(conn, &id)?.is_some_and(|u| {
        !u.row.disabled && !u.roles.is_empty() && !u.roles.contains(&Role::CustomerContact)
    });
    if staff {
        Ok(id)
    } else {
        Err(invalid("called_by", "not_found", "no such staff member"))
    }
}

/// BIL-8: records a chasing call on a document of a customer the caller sees (404
/// otherwise) that is in arrears (409 `BIL-8` otherwise), checked by `check_note`; audited
/// as `chasing_note.add`.
pub fn add(
    conn: &mut DbConnection,
    ctx: &Ctx,
    actor: &Actor,
    (tz, today): (Tz, NaiveDate),
    (kind, id): (ReceivableKind, &str),
    input: AddChasingNote,
) -> Result<ChasingNoteOut, ApiError> {
    let customer_id = document_customer(conn, actor, kind, id)?;
    let doc = DocRef {
        kind,
        id: id.to_owned(),
    };
    let item = open_item(conn, tz, today, &doc, &customer_id)?;
    if !item.as_ref().is_some_and(in_arrears) {
        return Err(ApiError::State {
            rule: "BIL-8",
            message: "the document owes nothing past its due day: only arrears are chased"
                .to_owned(),
        });
    }
    let called_by = caller_of_note(conn, actor, trimmed(input.called_by))?;
    let called_at: NaiveDateTime = to_db_time(input.called_at.unwrap_or(ctx.now));
    let called_on = crate::kernel::clock::local(tz, called_at).date();
    check_note(input.outcome, called_on, input.promised_on, today)?;
    let row = ChasingNoteRow {
        id: new_id(),
        customer_id,
        document_kind: kind.as_str().to_owned(),
        document_id: id.to_owned(),
        called_by,
        called_at,
        channel: input
            .channel
            .unwrap_or(ChasingChannel::Phone)
            .as_str()
            .to_owned(),
        contact_name: trimmed(input.contact_name),
        outcome: input.outcome.as_str().to_owned(),
        promised_on: input.promised_on,
        promised_fen: input.promised_fen,
        note: trimmed(input.note),
        recorded_by: actor.user_id.clone(),
        promise_lapse_noticed_on: None,
        created_at: to_db_time(ctx.now),
    };
    store::insert_note(conn, &row)?;
    let out = render(&row);
    ctx.audit(
        conn,
        "chasing_note.add",
        ("chasing_note", &row.id),
        None,
        snapshot(&out),
    )?;
    Ok(out)
}
