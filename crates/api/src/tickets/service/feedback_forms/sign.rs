//! TKT-7 signing (the customer's signature sealed into the version) and the clerk's record
//! of the hand-in.

use crate::inventory::service::consumption::FormUse;
use crate::kernel::command::Ctx;
use crate::kernel::error::ApiError;
use crate::tickets::dto::feedback_forms::{FeedbackFormOut, PartUsed, ReceiveFeedbackForm};
use crate::tickets::service::feedback_forms::{
    authorize, check_version, client_time, commit, due_changes, get_row, precondition, render,
    version_of,
};
use crate::tickets::service::tickets::{field, get_row as get_ticket, ticket_scope};
use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use kefu_core::{Actor, Seal};
use kefu_inventory::consumption::UsedLine;
use kefu_store::DbConnection;
use kefu_store::feedback_forms::{self as store, FormChanges, FormRow, VersionChanges};
use kefu_store::visibility::Visible;
use kefu_store::{attachments, contacts, from_db_time};
use kefu_tickets::forms::{self, FormCommand, FormStatus, guards};

/// What the customer signed with and who signed.
#[derive(Debug, Clone)]
pub struct SignInput {
    pub signature_attachment_id: String,
    pub signer_contact_id: Option<String>,
    pub signer_name: Option<String>,
    pub signed_at: Option<DateTime<Utc>>,
}

/// The signer as recorded: contact (when known), name, and whether they may sign for the
/// ticket's site.
fn check_signer(
    conn: &mut DbConnection,
    customer_id: &str,
    site_id: Option<&str>,
    input: &SignInput,
) -> Result<(Option<String>, String, bool), ApiError> {
    if let Some(contact_id) = &input.signer_contact_id {
        let contact = contacts::find_live(conn, contact_id, Some(&[customer_id.to_owned()]))?
            .ok_or_else(|| {
                field(
                    "signer_contact_id",
                    "unknown",
                    "no such contact of the ticket's customer",
                )
            })?;
        let authorised = forms::signer_authorised(
            Some((contact.site_id.as_deref(), contact.authorised_signer)),
            site_id,
        );
        let name = input.signer_name.clone().unwrap_or(contact.name);
        return Ok((Some(contact.id), name, authorised));
    }
    let Some(name) = input
        .signer_name
        .as_deref()
        .map(str::trim)
        .filter(|n| !n.is_empty())
    else {
        return Err(field(
            "signer_contact_id",
            "required",
            "name the signer by signer_contact_id or signer_name",
        ));
    };
    // A name on paper: an authorised contact of that name signs as that contact; anyone
    // else is recorded by name and flagged.
    let candidates = store::contacts_named(conn, customer_id, name)?;
    let authorised = candidates.iter().find(|c| {
        forms::signer_authorised(Some((c.site_id.as_deref(), c.authorised_signer)), site_id)
    });
    let contact = authorised.or(candidates.first()).map(|c| c.id.clone());
    Ok((contact, name.to_owned(), authorised.is_some()))
}

/// The signature file: a live `signature` attachment of this form or of its visit.
fn signature(
    conn: &mut DbConnection,
    form_id: &str,
    visit_id: &str,
    id: &str,
) -> Result<(String, Seal), ApiError> {
    let refused = || {
        field(
            "signature_attachment_id",
            "unknown",
            "must be a signature uploaded onto this form or its visit",
        )
    };
    let row = attachments::find(conn, id)?
        .filter(|a| a.deleted_at.is_none() && a.kind == "signature")
        .filter(|a| {
            (a.owner_type == "feedback_form" && a.owner_id == form_id)
                || (a.owner_type == "visit" && a.owner_id == visit_id)
        })
        .ok_or_else(refused)?;
    let seal = Seal::parse(&row.sha256).map_err(ApiError::internal)?;
    Ok((row.id, seal))
}

/// The lines of a stored parts list that name the loan their part came from.
fn loaned_lines(parts_used: &str) -> Result<Vec<UsedLine>, ApiError> {
    let parts: Vec<PartUsed> = serde_json::from_str(parts_used)
        .map_err(|e| ApiError::internal(format!("stored parts list is corrupt: {e}")))?;
    Ok(parts
        .into_iter()
        .filter_map(|p| {
            p.loan_id.map(|loan_id| UsedLine {
                loan_id,
                quantity: p.quantity,
                serial: p.serial,
            })
        })
        .collect())
}

/// TKT-7: the customer signs the draft version. The signature file's SHA-256 is sealed into
/// the version, which is never written again; it becomes the version in effect. A signer
/// who is not an authorised contact of the site is accepted and flagged.
pub fn sign(
    conn: &mut DbConnection,
    ctx: &Ctx,
    actor: &Actor,
    tz: Tz,
    id: &str,
    expected_version: i64,
    input: SignInput,
) -> Result<FeedbackFormOut, ApiError> {
    let scope = ticket_scope(conn, actor)?;
    let (form, visit) = get_row(conn, &scope, id)?;
    authorize(actor, &form, &visit, FormCommand::Sign)?;
    check_version(&form, expected_version)?;
    precondition(&form, &visit, FormCommand::Sign)?;
    let draft = version_of(conn, &form.id, form.current_version_no)?;
    let ticket = get_ticket(conn, &Visible::everything(), &form.ticket_id)?;
    let (attachment_id, seal) = signature(
        conn,
        &form.id,
        &form.visit_id,
        &input.signature_attachment_id,
    )?;
    let (contact_id, name, authorised) =
        check_signer(conn, &ticket.customer_id, ticket.site_id.as_deref(), &input)?;
    let signed_at = client_time("signed_at", input.signed_at, visit.created_at, ctx.now)?;
    let before = render(conn, &form, ctx.now)?;
    let changes = VersionChanges {
        signer_contact_id: Some(contact_id),
        signer_name: Some(Some(name)),
        signer_authorised: Some(Some(authorised)),
        signature_attachment_id: Some(Some(attachment_id)),
        signature_sha256: Some(Some(seal.as_hex().to_owned())),
        signed_at: Some(Some(signed_at)),
        signed_recorded_by: Some(Some(actor.user_id.clone())),
        ..VersionChanges::default()
    };
    // Signed by a concurrent request since it was loaded: the same refusal.
    guards::check_signable(!store::update_unsigned_version(
        conn, &draft.id, &changes, ctx.now,
    )?)?;
    // INV-2: the loaned parts the customer signs for as used are consumed on the ticket, in
    // this transaction; an amendment consumes only what it adds.
    let now_lines = loaned_lines(&draft.parts_used)?;
    let before_lines = match form.signed_version_no {
        Some(n) => loaned_lines(&version_of(conn, &form.id, n)?.parts_used)?,
        None => Vec::new(),
    };
    crate::inventory::service::consumption::on_form_signed(
        conn,
        ctx,
        ctx.now.with_timezone(&tz).date_naive(),
        &FormUse {
            ticket_id: &form.ticket_id,
            engineer_id: &form.engineer_id,
            now: &now_lines,
            before: &before_lines,
        },
    )?;
    let mut form_changes = FormChanges {
        status: Some(guards::status_after_sign(form.status)),
        current_version_no: Some(form.current_version_no),
        signed_version_no: Some(Some(form.current_version_no)),
        signer_authorised: Some(Some(authorised)),
        ..FormChanges::default()
    };
    due_changes(conn, tz, &form, &visit, &mut form_changes)?;
    Ok(commit(
        conn,
        ctx,
        actor,
        "feedback_form.sign",
        &before,
        &form,
        &visit,
        &form_changes,
    )?
    .0)
}

/// TKT-7: the clerk records that the signed form was handed in; late when after the end of
/// its due day. The visit must have finished (the due day counts from its end). Returns the
/// stored row too, for what follows the receipt (TKT-9 callbacks).
pub fn receive(
    conn: &mut DbConnection,
    ctx: &Ctx,
    actor: &Actor,
    tz: Tz,
    id: &str,
    expected_version: i64,
    input: ReceiveFeedbackForm,
) -> Result<(FeedbackFormOut, FormRow), ApiError> {
    let scope = ticket_scope(conn, actor)?;
    let (form, visit) = get_row(conn, &scope, id)?;
    authorize(actor, &form, &visit, FormCommand::Receive)?;
    check_version(&form, expected_version)?;
    precondition(&form, &visit, FormCommand::Receive)?;
    let received_at = client_time("received_at", input.received_at, form.created_at, ctx.now)?;
    let before = render(conn, &form, ctx.now)?;
    let mut changes = FormChanges {
        status: Some(FormStatus::Received),
        current_version_no: Some(form.current_version_no),
        received_at: Some(Some(received_at)),
        received_by: Some(Some(actor.user_id.clone())),
        ..FormChanges::default()
    };
    due_changes(conn, tz, &form, &visit, &mut changes)?;
    let (out, after) = commit(
        conn,
        ctx,
        actor,
        "feedback_form.receive",
        &before,
        &form,
        &visit,
        &changes,
    )?;
    // TKT-9: the clerk calls the customer back once the form is in, so the task is created
    // in the same transaction as the receipt and due from the day it was handed in.
    let ticket = kefu_store::tickets::find(conn, &after.ticket_id)?.ok_or(ApiError::NotFound)?;
    crate::tickets::service::callbacks::on_form_received(
        conn,
        ctx,
        tz,
        actor,
        &ticket,
        &after.id,
        from_db_time(received_at),
    )?;
    Ok((out, after))
}
