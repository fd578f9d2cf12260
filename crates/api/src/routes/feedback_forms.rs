//! TKT-7 feedback forms: drafted by the visit's engineer, signed by the customer (the
//! signature file's SHA-256 sealed in), amended as new versions, received by the clerk.

use crate::auth::Caller;
use crate::dto::feedback_forms::{
    AmendFeedbackForm, CreateFeedbackForm, FeedbackFormOut, FeedbackFormQuery,
    FeedbackFormVersionOut, LateForms, LateFormsQuery, ReceiveFeedbackForm, SignFeedbackForm,
    UpdateFeedbackForm,
};
use crate::error::{ApiError, Problem};
use crate::extract::{IfMatch, StrictQuery, ValidJson, trimmed};
use crate::page::{Page, fetch_size, list_mode, paginate, parse_updated_since, row_key};
use crate::routes::{created, versioned};
use crate::services::Ctx;
use crate::services::feedback_forms::{self as svc, SignInput};
use crate::services::tickets::ticket_scope;
use crate::state::AppState;
use actix_web::http::StatusCode;
use actix_web::{HttpResponse, get, patch, post, web};
use kefu_core::{Role, Seal};
use kefu_store::feedback_forms::{self as store, FormFilter};
use kefu_store::to_db_time;
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

/// Who records the hand-in of a signed form (the clerk, 内勤) and may see the late list.
const OFFICE: &[Role] = &[Role::Admin, Role::Manager, Role::Clerk];

/// Draft a visit's feedback form
///
/// Draft the feedback form of a visit (TKT-7): the visit's engineer, once arrived or
/// finished; one form per visit (409 for a second one, or a visit not yet on site). The due
/// day is `service-deadlines.feedback_form_working_days` working days after the visit
/// finished.
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
    caller.require_any(&[Role::Engineer])?;
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
/// List the feedback forms visible to the caller (with their visit), or sync the changes
/// since an instant (tombstones included, in update order). `late=true` lists the forms
/// received after their due day or still out past it; `signer_unauthorised=true` those whose
/// signature in effect is not an authorised contact's.
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
    let (limit, fetch) = fetch_size(query.limit)?;
    let since = query
        .updated_since
        .as_deref()
        .map(parse_updated_since)
        .transpose()?;
    let mode = list_mode(since, query.cursor.as_deref())?;
    let filter = FormFilter {
        ticket_id: trimmed(query.ticket_id),
        visit_id: trimmed(query.visit_id),
        engineer_id: trimmed(query.engineer_id),
        status: query.status.map(|s| s.as_str().to_owned()),
        late: query.late,
        signer_unauthorised: query.signer_unauthorised,
    };
    let actor = caller.actor.clone();
    let now = state.clock.now();
    let (mode, items) = state
        .db(move |conn| {
            let scope = ticket_scope(conn, &actor)?;
            let rows = store::list(conn, &scope, &filter, now, &mode, fetch)?;
            Ok((mode, svc::render_all(conn, &rows, now)?))
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
/// The finished visits (company-local finish day in `[from, to]`) whose feedback form was
/// handed in after its due day or is still missing past it (TKT-7), with engineer, due day
/// and receipt: the facts of the late-form fine. Managers, clerks and admins.
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
    caller.require_any(OFFICE)?;
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
/// Get a feedback form with its current version and the signed version in effect.
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
/// Edit the form's draft version (the first version before signing, or an open amendment):
/// the visit's engineer. A signed current version is immutable: 409 (file an amendment).
#[utoipa::path(
    tag = "feedback-forms",
    operation_id = "updateFeedbackForm",
    params(("id" = String, Path, description = "Feedback form id"), crate::openapi::IfMatchHeader),
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
    caller.require_any(&[Role::Engineer])?;
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
/// The customer signs the draft version (TKT-7): the visit's engineer records the signature
/// (an attachment of kind `signature` uploaded onto this form or its visit — its SHA-256 is
/// sealed into the version) and the signer. A signer who is not an authorised contact of the
/// site is accepted and flagged (`signer_authorised: false`). The signed version is in
/// effect from then on and never changes.
#[utoipa::path(
    tag = "feedback-forms",
    operation_id = "signFeedbackForm",
    params(("id" = String, Path, description = "Feedback form id"), crate::openapi::IfMatchHeader),
    request_body = SignFeedbackForm,
    responses(
        (status = 200, description = "Signed", body = FeedbackFormOut, headers(("ETag" = String))),
        (status = 409, description = "The current version is signed already", body = Problem, content_type = "application/problem+json"),
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
    caller.require_any(&[Role::Engineer])?;
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
/// Amend a signed form (TKT-7): a new draft version copied from the signed one with the
/// changes. It needs the customer's signature again; until then the signed version stays in
/// effect. One open amendment at a time (409), and only after signing (409).
#[utoipa::path(
    tag = "feedback-forms",
    operation_id = "amendFeedbackForm",
    params(("id" = String, Path, description = "Feedback form id"), crate::openapi::IfMatchHeader),
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
    caller.require_any(&[Role::Engineer])?;
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
/// Record the hand-in of the signed paper form (TKT-7): clerks, managers and admins. Late
/// when after the end of the due day. The visit must have finished and the form be signed
/// and not received yet (409).
#[utoipa::path(
    tag = "feedback-forms",
    operation_id = "receiveFeedbackForm",
    params(("id" = String, Path, description = "Feedback form id"), crate::openapi::IfMatchHeader),
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
    caller.require_any(OFFICE)?;
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
/// Every version of a form, oldest first, each signed one with its seal checked against the
/// signature file as stored now (`seal.intact`).
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
                Some(crate::services::attachments::verify_seal(&state, attachment, &sealed).await?);
        }
    }
    Ok(HttpResponse::Ok().json(Page {
        items,
        next_cursor: None,
    }))
}
