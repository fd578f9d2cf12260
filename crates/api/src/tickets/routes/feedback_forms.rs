//! TKT-7 feedback forms: drafted by the visit's engineer, signed by the customer (the
//! signature file's SHA-256 sealed in), amended as new versions, received by the clerk.

use crate::kernel::auth::Caller;
use crate::kernel::command::Ctx;
use crate::kernel::error::{ApiError, Problem};
use crate::kernel::extract::{IfMatch, StrictQuery, ValidJson, trimmed};
use crate::kernel::page::{Page, paginate, row_key, window};
use crate::kernel::respond::{created, versioned};
use crate::kernel::state::AppState;
use crate::tickets::dto::feedback_forms::{
    AmendFeedbackForm, CreateFeedbackForm, FeedbackFormOut, FeedbackFormQuery,
    FeedbackFormVersionOut, LateForms, LateFormsQuery, ReceiveFeedbackForm, SignFeedbackForm,
    UpdateFeedbackForm,
};
use crate::tickets::service::feedback_forms::{self as svc, SignInput};
use crate::tickets::service::tickets::ticket_scope;
use actix_web::http::StatusCode;
use actix_web::{HttpResponse, get, patch, post, web};
use kefu_core::Seal;
use kefu_store::feedback_forms::{self as store, FormFilter};
use kefu_store::to_db_time;
use kefu_tickets::access::{self, Action};
use utoipa_actix_web::service_config::ServiceConfig;

pub fn routes(cfg: &mut ServiceConfig) {
    // `/feedback-forms/late` before `/feedback-forms/{id}`: the first match wins.
    cfg.service(late_feedback_forms)
        .service(create_feedback_form)
        .service(list_feedback_forms)
        .service(get_feedback_form)
        .service(update_feedback_form)
        .service(sign_feedback_form)
        .service(amend_feedback_form)
        .service(receive_feedback_form)
        .service(list_feedback_form_versions);
}

/// Draft a visit's feedback form
///
/// Drafts the feedback form of a visit (TKT-7), version 1 as the draft. The due day is
/// `service-deadlines.feedback_form_working_days` working days after the visit finished (CAL-1).
///
/// Who: only the visit's engineer (role `engineer`; 403 for anyone else), on a visit they see
/// (ORG-5: otherwise 404). TKT-7: 409 while the visit is not yet on site (arrived or finished), and
/// 409 for a second form of the same visit. Triggers the audit entry `feedback_form.create`.
#[utoipa::path(
    tag = "feedback-forms",
    operation_id = "createFeedbackForm",
    params(("id" = String, Path, description = "Visit id")),
    request_body = CreateFeedbackForm,
    responses(
        (status = 201, description = "Drafted", body = FeedbackFormOut, headers(("Location" = String), ("ETag" = String))),
        (status = 409, description = "The visit has a form already or is not on site yet", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/visits/{id}/feedback-form")]
async fn create_feedback_form(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    ValidJson(input): ValidJson<CreateFeedbackForm>,
) -> Result<HttpResponse, ApiError> {
    access::require(Action::FormCreate, &caller.actor.roles)?;
    let ctx = Ctx::of(&caller, state.clock.now());
    let actor = caller.actor.clone();
    let tz = state.config.timezone;
    let id = id.into_inner();
    let out = state
        .tx(move |conn| svc::create(conn, &ctx, &actor, tz, &id, input))
        .await?;
    Ok(created(
        format!("/api/v1/feedback-forms/{}", out.id),
        Some(out.version),
        &out,
    ))
}

/// List or delta-sync feedback forms
///
/// Any signed-in user; lists the forms whose visit is visible to the caller (ORG-5: with the
/// ticket, or the caller's own visits). Without `updated_since`: in id order; with it: every form
/// changed after that instant in update order, tombstones included. `late=true` lists the forms
/// received after their due day or still out past it (TKT-7); `signer_unauthorised=true` those
/// whose signature in effect is not an authorised contact's. Read-only.
#[utoipa::path(
    tag = "feedback-forms",
    operation_id = "listFeedbackForms",
    params(FeedbackFormQuery),
    responses((status = 200, description = "One page of forms", body = Page<FeedbackFormOut>))
)]
#[get("/feedback-forms")]
async fn list_feedback_forms(
    state: web::Data<AppState>,
    caller: Caller,
    StrictQuery(query): StrictQuery<FeedbackFormQuery>,
) -> Result<HttpResponse, ApiError> {
    let (limit, fetch, mode) = window(
        query.limit,
        query.updated_since.as_deref(),
        query.cursor.as_deref(),
    )?;
    let filter = FormFilter {
        ticket_id: trimmed(query.ticket_id),
        visit_id: trimmed(query.visit_id),
        engineer_id: trimmed(query.engineer_id),
        status: query.status,
        late: query.late,
        signer_unauthorised: query.signer_unauthorised,
    };
    let actor = caller.actor.clone();
    let now = state.clock.now();
    let (mode, items) = state
        .db(move |conn| {
            let scope = ticket_scope(conn, &actor)?;
            let rows = store::list(conn, &scope, &filter, now, &mode, fetch)?;
            Ok((mode, svc::render_all(conn, &rows, now, &actor)?))
        })
        .await?;
    let page = paginate(
        items,
        limit,
        |f| row_key(&mode, to_db_time(f.updated_at), &f.id),
        |f| f,
    );
    Ok(HttpResponse::Ok().json(page))
}

/// List late and missing feedback forms
///
/// The finished visits (company-local finish day in `[from, to]`) whose feedback form was handed in
/// after its due day or is still missing past it (TKT-7), with engineer, due day and receipt: the
/// facts of the late-form fine.
///
/// Admins, managers and clerks only (403 for others), under their ORG-5 scope. Read-only.
#[utoipa::path(
    tag = "feedback-forms",
    operation_id = "listLateFeedbackForms",
    params(LateFormsQuery),
    responses((status = 200, description = "The late and missing forms", body = LateForms))
)]
#[get("/feedback-forms/late")]
async fn late_feedback_forms(
    state: web::Data<AppState>,
    caller: Caller,
    StrictQuery(query): StrictQuery<LateFormsQuery>,
) -> Result<HttpResponse, ApiError> {
    access::require(Action::FormListLate, &caller.actor.roles)?;
    let actor = caller.actor.clone();
    let tz = state.config.timezone;
    let now = state.clock.now();
    let (from, to) = (query.from, query.to);
    let engineer = trimmed(query.engineer_id);
    let items = state
        .db(move |conn| {
            let scope = ticket_scope(conn, &actor)?;
            svc::late_forms(conn, &scope, tz, now, from, to, engineer.as_deref())
        })
        .await?;
    Ok(HttpResponse::Ok().json(LateForms { from, to, items }))
}

/// Get a feedback form
///
/// The form with its current version and the signed version in effect, and its version as `ETag`.
/// Any signed-in user who sees the visit (ORG-5); any other form reads as 404.
#[utoipa::path(
    tag = "feedback-forms",
    operation_id = "getFeedbackForm",
    params(("id" = String, Path, description = "Feedback form id")),
    responses((status = 200, description = "The form", body = FeedbackFormOut, headers(("ETag" = String))))
)]
#[get("/feedback-forms/{id}")]
async fn get_feedback_form(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let actor = caller.actor.clone();
    let now = state.clock.now();
    let out = state
        .db(move |conn| svc::get(conn, &actor, &id, now))
        .await?;
    Ok(versioned(StatusCode::OK, out.version, &out))
}

/// Edit a feedback form's draft
///
/// Edits the form's draft version (the first version before signing, or an open amendment).
///
/// Who: only the visit's engineer (role `engineer`; 403 for anyone else; an invisible form is 404,
/// ORG-5). Needs `If-Match`. TKT-7: a signed current version is immutable — 409 (file an amendment
/// instead). Triggers the audit entry `feedback_form.update`.
#[utoipa::path(
    tag = "feedback-forms",
    operation_id = "updateFeedbackForm",
    params(("id" = String, Path, description = "Feedback form id"), crate::kernel::openapi::IfMatchHeader),
    request_body = UpdateFeedbackForm,
    responses(
        (status = 200, description = "Edited", body = FeedbackFormOut, headers(("ETag" = String))),
        (status = 409, description = "The current version is signed", body = Problem, content_type = "application/problem+json"),
    )
)]
#[patch("/feedback-forms/{id}")]
async fn update_feedback_form(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    IfMatch(version): IfMatch,
    ValidJson(input): ValidJson<UpdateFeedbackForm>,
) -> Result<HttpResponse, ApiError> {
    access::require(Action::FormUpdate, &caller.actor.roles)?;
    let ctx = Ctx::of(&caller, state.clock.now());
    let actor = caller.actor.clone();
    let tz = state.config.timezone;
    let id = id.into_inner();
    let out = state
        .tx(move |conn| svc::update(conn, &ctx, &actor, tz, &id, version, input))
        .await?;
    Ok(versioned(StatusCode::OK, out.version, &out))
}

/// Sign a feedback form
///
/// The customer signs the draft version (TKT-7): the visit's engineer records the signature (an
/// attachment of kind `signature` uploaded onto this form or its visit — its SHA-256 is sealed into
/// the version) and the signer (422 naming the field when the attachment or signer does not fit;
/// `signed_at` not in the future).
///
/// Who: only the visit's engineer (role `engineer`; 403 for anyone else; an invisible form is 404,
/// ORG-5). Needs `If-Match`. TKT-7: 409 when the current version is signed already. A signer who is
/// not an authorised contact of the site is accepted and flagged (`signer_authorised: false`). The
/// signed version is in effect from then on and never changes.
///
/// INV-2: lines of `parts_used` naming a `loan_id` (a loan of the form's engineer) are consumed
/// on the form's ticket in the same transaction: `consumption` ledger rows out of the
/// engineer's hands with the ticket's id, the units off the loan (closed once nothing is out).
/// An amendment's signature consumes only the lines it adds. An unknown or another engineer's
/// loan is 422 naming `parts_used` and `INV-2`; a unit not out on the loan, more than is out,
/// a consumed line taken off an amendment, or a loan not issued are 422/409 naming `INV-2`.
/// Triggers the audit entries and webhook events `feedback_form.sign` and, per loan consumed
/// from, `stock_movement.consumption` and `part_loan.consume`.
#[utoipa::path(
    tag = "feedback-forms",
    operation_id = "signFeedbackForm",
    params(("id" = String, Path, description = "Feedback form id"), crate::kernel::openapi::IfMatchHeader),
    request_body = SignFeedbackForm,
    responses(
        (status = 200, description = "Signed", body = FeedbackFormOut, headers(("ETag" = String))),
        (status = 409, description = "The current version is signed already; INV-2: a loan not issued", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A field breaks its rules (see `errors`); INV-2: a loaned line that does not fit its loan", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/feedback-forms/{id}/sign")]
async fn sign_feedback_form(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    IfMatch(version): IfMatch,
    ValidJson(input): ValidJson<SignFeedbackForm>,
) -> Result<HttpResponse, ApiError> {
    access::require(Action::FormSign, &caller.actor.roles)?;
    let ctx = Ctx::of(&caller, state.clock.now());
    let actor = caller.actor.clone();
    let tz = state.config.timezone;
    let id = id.into_inner();
    let input = SignInput {
        signature_attachment_id: input.signature_attachment_id,
        signer_contact_id: trimmed(input.signer_contact_id),
        signer_name: trimmed(input.signer_name),
        signed_at: input.signed_at,
    };
    let out = state
        .tx(move |conn| svc::sign(conn, &ctx, &actor, tz, &id, version, input))
        .await?;
    Ok(versioned(StatusCode::OK, out.version, &out))
}

/// Amend a signed feedback form
///
/// Amends a signed form (TKT-7): a new draft version copied from the signed one with the changes.
/// It needs the customer's signature again; until then the signed version stays in effect.
///
/// Who: only the visit's engineer (role `engineer`; 403 for anyone else; an invisible form is 404,
/// ORG-5). Needs `If-Match`. TKT-7: 409 before the form is signed, and 409 while an amendment is
/// open already. Triggers the audit entry `feedback_form.amend`.
#[utoipa::path(
    tag = "feedback-forms",
    operation_id = "amendFeedbackForm",
    params(("id" = String, Path, description = "Feedback form id"), crate::kernel::openapi::IfMatchHeader),
    request_body = AmendFeedbackForm,
    responses(
        (status = 200, description = "The amendment is the form's draft", body = FeedbackFormOut, headers(("ETag" = String))),
        (status = 409, description = "Not signed yet, or an amendment is open already", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/feedback-forms/{id}/amendments")]
async fn amend_feedback_form(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    IfMatch(version): IfMatch,
    ValidJson(input): ValidJson<AmendFeedbackForm>,
) -> Result<HttpResponse, ApiError> {
    access::require(Action::FormAmend, &caller.actor.roles)?;
    let ctx = Ctx::of(&caller, state.clock.now());
    let actor = caller.actor.clone();
    let tz = state.config.timezone;
    let id = id.into_inner();
    let out = state
        .tx(move |conn| svc::amend(conn, &ctx, &actor, tz, &id, version, input))
        .await?;
    Ok(versioned(StatusCode::OK, out.version, &out))
}

/// Record a feedback form's hand-in
///
/// Records the hand-in of the signed paper form (TKT-7); it is late when after the end of the due
/// day.
///
/// Who: admins, managers and clerks (403 for others), on a form they see (ORG-5: otherwise 404).
/// Needs `If-Match`. TKT-7: 409 when the form is not signed, was received already, or its visit has
/// not finished.
///
/// Triggers, in the same transaction: the audit entry `feedback_form.receive`, and the form's
/// callback (TKT-9) — due `service-deadlines.callback_after_form_working_days` working days after
/// the day of receipt, assigned to the receiver when they work the callback desk, else the least
/// busy enabled callback agent or clerk (the receiver when there is none) — with its audit entry
/// `callback.create` and the `callback.assigned` notification to the assignee.
#[utoipa::path(
    tag = "feedback-forms",
    operation_id = "receiveFeedbackForm",
    params(("id" = String, Path, description = "Feedback form id"), crate::kernel::openapi::IfMatchHeader),
    request_body = ReceiveFeedbackForm,
    responses(
        (status = 200, description = "Received", body = FeedbackFormOut, headers(("ETag" = String))),
        (status = 409, description = "Not signed, received already, or the visit has not finished", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/feedback-forms/{id}/receive")]
async fn receive_feedback_form(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    IfMatch(version): IfMatch,
    ValidJson(input): ValidJson<ReceiveFeedbackForm>,
) -> Result<HttpResponse, ApiError> {
    access::require(Action::FormReceive, &caller.actor.roles)?;
    let ctx = Ctx::of(&caller, state.clock.now());
    let actor = caller.actor.clone();
    let tz = state.config.timezone;
    let id = id.into_inner();
    let (out, _) = state
        .tx(move |conn| svc::receive(conn, &ctx, &actor, tz, &id, version, input))
        .await?;
    Ok(versioned(StatusCode::OK, out.version, &out))
}

/// List a feedback form's versions
///
/// Every version of the form, oldest first, each signed one with its seal checked against the
/// signature file as stored now (`seal.intact`). Any signed-in user who sees the form (ORG-5:
/// otherwise 404). Read-only.
#[utoipa::path(
    tag = "feedback-forms",
    operation_id = "listFeedbackFormVersions",
    params(("id" = String, Path, description = "Feedback form id")),
    responses((status = 200, description = "The versions", body = Page<FeedbackFormVersionOut>))
)]
#[get("/feedback-forms/{id}/versions")]
async fn list_feedback_form_versions(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let actor = caller.actor.clone();
    let mut items = state
        .db(move |conn| svc::versions(conn, &actor, &id))
        .await?;
    for version in &mut items {
        if let (Some(attachment), Some(sha)) = (
            version.signature_attachment_id.as_deref(),
            version.signature_sha256.as_deref(),
        ) {
            let sealed = Seal::parse(sha).map_err(ApiError::internal)?;
            version.seal =
                Some(crate::kernel::files::seal::verify_seal(&state, attachment, &sealed).await?);
        }
    }
    Ok(HttpResponse::Ok().json(Page {
        items,
        next_cursor: None,
    }))
}
