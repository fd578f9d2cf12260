//! Attachments' records: which records may have them and who sees them (ORG-5: exactly who
//! sees the record they belong to), the upload's row and audit entry, and soft delete
//! (the seal check is `kernel::files::seal`).

use crate::kernel::access::{self, Action};
use crate::kernel::command::{Ctx, snapshot, written};
use crate::kernel::error::ApiError;
use crate::kernel::files::upload::{Form, Staged};
use crate::platform::dto::attachments::AttachmentOut;
use kefu_core::Actor;
use kefu_store::attachments::{self, AttachmentRow};
use kefu_store::delta::ListMode;
use kefu_store::visibility::Visible;
use kefu_store::{DbConnection, to_db_time};

/// Whether the caller may see the record `id` of one owner type: `Ok` when it is live and
/// visible, `NotFound` otherwise.
type OwnerCheck = fn(&mut DbConnection, &Actor, &Visible, &str) -> Result<(), ApiError>;

/// The records attachments hang off, each with the visibility check of its own endpoints.
/// A new kind of record takes attachments by adding its line here.
const OWNERS: &[(&str, OwnerCheck)] = &[
    ("customer", |conn, _, scope, id| {
        crate::customers::service::customers::get_visible(conn, scope, id).map(drop)
    }),
    ("site", |conn, actor, _, id| {
        crate::customers::service::sites::get_visible(conn, actor, id).map(drop)
    }),
    ("contact", |conn, actor, _, id| {
        crate::customers::service::contacts::get_visible(conn, actor, id).map(drop)
    }),
    ("equipment", |conn, _, scope, id| {
        crate::equipment::service::equipment::get_row(conn, scope, id).map(drop)
    }),
    ("employee", |conn, _, scope, id| {
        crate::org::service::employees::get(conn, scope, id).map(drop)
    }),
    // BIL-15: receipts and invoices, seen with the claim (people's money: own, or office).
    ("expense_claim", |conn, actor, _, id| {
        crate::billing::service::claims::get(conn, actor, id).map(drop)
    }),
    // Tickets and visits have their own scope: assignee, team, the ticket's customer.
    ("ticket", |conn, actor, _, id| {
        let scope = crate::tickets::service::tickets::ticket_scope(conn, actor)?;
        crate::tickets::service::tickets::get_row(conn, &scope, id).map(drop)
    }),
    ("visit", |conn, actor, _, id| {
        let scope = crate::tickets::service::tickets::ticket_scope(conn, actor)?;
        crate::tickets::service::visits::get_row(conn, &scope, id).map(drop)
    }),
    // TKT-7: the customer's signature photographed onto the feedback form, seen with it.
    ("feedback_form", |conn, actor, _, id| {
        let scope = crate::tickets::service::tickets::ticket_scope(conn, actor)?;
        crate::tickets::service::feedback_forms::get_row(conn, &scope, id).map(drop)
    }),
    // INV-5: the customer's signature on a repair intake, seen with the intake.
    ("repair_intake", |conn, actor, _, id| {
        crate::inventory::service::intakes::get_row(conn, actor, id).map(drop)
    }),
    // HR-S6: the evidence of a score event, seen with the event (the scoring privacy scope).
    ("score_event", |conn, actor, _, id| {
        crate::scoring::service::score_events::get(conn, actor, id).map(drop)
    }),
    // CON-1: the scanned signed contract, seen with the contract (its own ORG-5 scope).
    ("contract", |conn, actor, _, id| {
        let scope = crate::contracts::service::contracts::contract_scope(conn, actor)?;
        crate::contracts::service::contracts::get_row(conn, &scope, id).map(drop)
    }),
    // HR-F0: evidence of a fine, seen by whoever sees the fine.
    ("fine", |conn, actor, _, id| {
        crate::scoring::service::fines::get(conn, actor, id).map(drop)
    }),
];

pub fn owner_type_names() -> Vec<&'static str> {
    OWNERS.iter().map(|(name, _)| *name).collect()
}

/// An owner type this API does not know; the schema's enum states the same.
pub fn unknown_owner_type(field: &str) -> ApiError {
    let message = format!("one of {}", owner_type_names().join(", "));
    ApiError::BadRequest {
        detail: message.clone(),
        errors: vec![kefu_core::FieldError::new(field, "invalid_type", message)],
    }
}

/// `Ok` when the record exists, is live and the caller sees it; 404 otherwise (ORG-5: a
/// record outside the caller's scope reads as missing).
pub fn check_owner(
    conn: &mut DbConnection,
    actor: &Actor,
    scope: &Visible,
    owner_type: &str,
    owner_id: &str,
) -> Result<(), ApiError> {
    let (_, check) = OWNERS
        .iter()
        .find(|(name, _)| *name == owner_type)
        .ok_or(ApiError::NotFound)?;
    check(conn, actor, scope, owner_id)
}

/// Records an upload whose objects are stored, with its audit entry.
pub fn record(
    conn: &mut DbConnection,
    ctx: &Ctx,
    row: AttachmentRow,
) -> Result<AttachmentOut, ApiError> {
    attachments::insert(conn, &row)?;
    // Read back: the database's precision is what later reads (and sync cursors) see.
    let stored = attachments::find(conn, &row.id)?.ok_or(ApiError::NotFound)?;
    let out = AttachmentOut::from(&stored);
    ctx.audit(
        conn,
        "attachment.upload",
        ("attachment", &stored.id),
        None,
        snapshot(&out),
    )?;
    Ok(out)
}

/// A live attachment of a record the caller sees; 404 otherwise.
pub fn get_visible(
    conn: &mut DbConnection,
    actor: &Actor,
    scope: &Visible,
    id: &str,
) -> Result<AttachmentRow, ApiError> {
    let row = attachments::find(conn, id)?
        .filter(|r| r.deleted_at.is_none())
        .ok_or(ApiError::NotFound)?;
    check_owner(conn, actor, scope, &row.owner_type, &row.owner_id)?;
    Ok(row)
}

pub fn list(
    conn: &mut DbConnection,
    actor: &Actor,
    scope: &Visible,
    owner: (&str, &str),
    mode: &ListMode,
    limit: i64,
) -> Result<Vec<AttachmentOut>, ApiError> {
    check_owner(conn, actor, scope, owner.0, owner.1)?;
    let rows = attachments::list(conn, owner, mode, limit)?;
    Ok(rows.iter().map(AttachmentOut::from).collect())
}

/// Soft delete: the row stays as a tombstone and the file stays in storage, so a record that
/// sealed it can still be checked.
pub fn delete(
    conn: &mut DbConnection,
    ctx: &Ctx,
    actor: &Actor,
    scope: &Visible,
    id: &str,
    expected_version: i64,
) -> Result<AttachmentOut, ApiError> {
    let before = get_visible(conn, actor, scope, id)?;
    if before.uploaded_by != actor.user_id && !access::may(actor, Action::AttachmentDeleteAny) {
        return Err(ApiError::Forbidden);
    }
    written(attachments::soft_delete(
        conn,
        id,
        expected_version,
        ctx.now,
    )?)?;
    let after = attachments::find(conn, id)?.ok_or(ApiError::NotFound)?;
    let out = AttachmentOut::from(&after);
    ctx.audit(
        conn,
        "attachment.delete",
        ("attachment", id),
        snapshot(&AttachmentOut::from(&before)),
        snapshot(&out),
    )?;
    Ok(out)
}

/// The row of a new upload.
pub fn new_row(
    id: String,
    form: Form,
    staged: &Staged,
    has_thumbnail: bool,
    uploaded_by: String,
    ctx: &Ctx,
) -> AttachmentRow {
    let now = to_db_time(ctx.now);
    AttachmentRow {
        id,
        owner_type: form.owner_type,
        owner_id: form.owner_id,
        kind: form.kind.as_str().to_owned(),
        filename: staged.filename.clone(),
        content_type: staged.content_type.to_owned(),
        size_bytes: i64::try_from(staged.size).unwrap_or(i64::MAX),
        sha256: staged.sha256.as_hex().to_owned(),
        has_thumbnail,
        uploaded_by,
        created_at: now,
        updated_at: now,
        version: 1,
        deleted_at: None,
    }
}
