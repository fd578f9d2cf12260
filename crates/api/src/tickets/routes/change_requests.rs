use crate::kernel::auth::Caller;
use crate::kernel::command::{Ctx, Versioned, run_command};
use crate::kernel::error::{ApiError, Problem};
use crate::kernel::export::{self, Listed};
use crate::kernel::extract::{IfMatch, ValidJson, trimmed};
use crate::kernel::page::{Page, paginate, row_key, window};
use crate::kernel::respond::{created, versioned};
use crate::kernel::state::AppState;
use crate::tickets::dto::change_requests::{
    ChangeRequestDetail, ChangeRequestOut, ChangeRequestQuery, ConfirmRequirements,
    CreateChangeRequest, DelayNotice, EXPORT, RecordFeedback, ReviewChangeRequest,
};
use crate::tickets::dto::tickets::{NoteBody, ReasonBody};
use crate::tickets::service::change_requests::{self as svc, CrAction};
use crate::tickets::service::tickets::ticket_scope;
use actix_web::http::StatusCode;
use actix_web::{HttpResponse, get, post, web};
use kefu_store::change_requests::{self as store, ChangeRequestFilter};
use kefu_store::to_db_time;
use kefu_tickets::access::{self, Action};
use kefu_tickets::change_requests::Stage;
use utoipa_actix_web::service_config::ServiceConfig;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(create_change_request)
        .service(list_change_requests)
        .service(get_change_request)
        .service(confirm_requirements)
        .service(review_change_request)
        .service(start_development)
        .service(submit_for_test)
        .service(pass_test)
        .service(deliver_change)
        .service(record_feedback)
        .service(delay_change_request)
        .service(cancel_change_request);
}

/// Request a program change
///
/// Files a program change for a ticket (TKT-12), in stage `requested`, with the reference of the
/// customer's stamped application if at hand; the caller is the requesting engineer, who will test
/// it.
///
/// Who: admins, managers, supervisors and engineers (403 for others) who see the ticket (ORG-5:
/// otherwise 404). Refused with 409 on a cancelled ticket. Triggers the stage-log entry `request`
/// and the audit entry `change_request.create`; the delay watch then tells the requester and the
/// managers as the promised date nears.
#[utoipa::path(
    tag = "change-requests",
    operation_id = "createChangeRequest",
    params(("id" = String, Path, description = "Ticket id")),
    request_body = CreateChangeRequest,
    responses(
        (status = 201, description = "Requested", body = ChangeRequestDetail, headers(("Location" = String), ("ETag" = String))),
        (status = 409, description = "The ticket is cancelled", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/tickets/{id}/change-requests")]
async fn create_change_request(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    ValidJson(input): ValidJson<CreateChangeRequest>,
) -> Result<HttpResponse, ApiError> {
    access::require(Action::ChangeRequestCreate, &caller.actor.roles)?;
    let ctx = Ctx::of(&caller, state.clock.now());
    let tz = state.config.timezone;
    let actor = caller.actor.clone();
    let id = id.into_inner();
    let out = state
        .tx(move |conn| svc::create(conn, &ctx, &actor, tz, &id, input))
        .await?;
    Ok(created(
        format!("/api/v1/change-requests/{}", out.request.id),
        Some(out.request.version),
        &out,
    ))
}

/// List change requests
///
/// Any signed-in user; lists the change requests visible to the caller (ORG-5: with their ticket,
/// or requested by the caller), filtered by `stage`, `ticket_id`, `customer_id`.
/// `delay_notice_due=true` keeps the undelivered ones within the
/// `service-deadlines.change_request_delay_notice_working_days` notice period of their promised
/// date (or past it) — those whose delay must be announced now (TKT-12). Without
/// `updated_since`: in id order; with it: every request changed after that instant in
/// `(updated_at, id)` order, tombstones (`deleted: true`) included. `/export` (CSV or XLSX) exports the
/// same list. Read-only.
#[utoipa::path(
    tag = "change-requests",
    operation_id = "listChangeRequests",
    params(ChangeRequestQuery),
    responses((status = 200, description = "One page of change requests", body = Page<ChangeRequestOut>))
)]
#[get("/change-requests")]
async fn list_change_requests(
    state: web::Data<AppState>,
    caller: Caller,
    listed: Listed<ChangeRequestQuery>,
) -> Result<HttpResponse, ApiError> {
    let data = state.clone();
    export::respond(&data, &EXPORT, listed, move |query| {
        change_requests_page(state.clone(), caller.clone(), query)
    })
    .await
}

/// One page of the list (also what an export reads page by page).
async fn change_requests_page(
    state: web::Data<AppState>,
    caller: Caller,
    query: ChangeRequestQuery,
) -> Result<Page<ChangeRequestOut>, ApiError> {
    let (limit, fetch, mode) = window(
        query.limit,
        query.updated_since.as_deref(),
        query.cursor.as_deref(),
    )?;
    let mut filter = ChangeRequestFilter {
        stage: query.stage,
        ticket_id: trimmed(query.ticket_id),
        customer_id: trimmed(query.customer_id),
        promised_by: None,
    };
    let due = query.delay_notice_due == Some(true);
    let today = state.today();
    let actor = caller.actor.clone();
    let (mode, items) = state
        .db(move |conn| {
            if due {
                let by = svc::delay_notice_threshold(conn, today)?;
                filter.promised_by = Some((Stage::UNDELIVERED.to_vec(), by));
            }
            let scope = ticket_scope(conn, &actor)?;
            let rows = store::list(conn, &scope, &filter, &mode, fetch)?;
            Ok((mode, svc::render_all(&rows, &actor, today)))
        })
        .await?;
    Ok(paginate(
        items,
        limit,
        |c| row_key(&mode, to_db_time(c.updated_at), &c.id),
        |c| c,
    ))
}

/// Get a change request
///
/// The change request with its stage log (actor, reason, time) and its delay notices (the history
/// of promised dates), and its version as `ETag`. Any signed-in user who sees it (ORG-5: with its
/// ticket, or its requester); otherwise 404.
#[utoipa::path(
    tag = "change-requests",
    operation_id = "getChangeRequest",
    params(("id" = String, Path, description = "Change request id")),
    responses((status = 200, description = "The change request", body = ChangeRequestDetail, headers(("ETag" = String))))
)]
#[get("/change-requests/{id}")]
async fn get_change_request(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let actor = caller.actor.clone();
    let today = state.today();
    let out = state
        .db(move |conn| {
            let scope = ticket_scope(conn, &actor)?;
            let row = svc::get_row(conn, &scope, &id)?;
            svc::detail(conn, &row, &actor, today)
        })
        .await?;
    Ok(versioned(StatusCode::OK, out.request.version, &out))
}

async fn act(
    state: web::Data<AppState>,
    caller: Caller,
    id: String,
    version: i64,
    action: CrAction,
) -> Result<HttpResponse, ApiError> {
    // The role check before loading: a stranger is refused before learning the request exists.
    access::require(action.action(), &caller.actor.roles)?;
    let tz = state.config.timezone;
    run_command(
        state,
        caller,
        id,
        version,
        move |conn, ctx, actor, id, version| svc::act(conn, ctx, actor, tz, id, version, action),
    )
    .await
}

impl Versioned for ChangeRequestDetail {
    fn version(&self) -> i64 {
        self.request.version
    }
}

#[doc = "The engineer has confirmed the requirements with the customer (`requested` → `requirements_confirmed`; 409 from any other stage), optionally restating them. Admins, managers, supervisors and engineers (403 for others) who see the request (ORG-5: otherwise 404); needs `If-Match`. TKT-12: the customer's stamped application must be on file (given now or at the request), otherwise 422 with rule `TKT-12`. Triggers the stage-log entry and the audit entry `change_request.confirm_requirements`."]
#[utoipa::path(
    tag = "change-requests",
    operation_id = "confirmChangeRequirements",
    summary = "Confirm the requirements with the customer",
    description = "The engineer has confirmed the requirements with the customer (`requested` → `requirements_confirmed`; 409 from any other stage), optionally restating them. Admins, managers, supervisors and engineers (403 for others) who see the request (ORG-5: otherwise 404); needs `If-Match`. TKT-12: the customer's stamped application must be on file (given now or at the request), otherwise 422 with rule `TKT-12`. Triggers the stage-log entry and the audit entry `change_request.confirm_requirements`.",
    params(("id" = String, Path, description = "Change request id"), crate::kernel::openapi::IfMatchHeader),
    request_body = ConfirmRequirements,
    responses(
        (status = 200, description = "Done", body = ChangeRequestDetail, headers(("ETag" = String))),
        (status = 409, description = "The request is not `requested`", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/change-requests/{id}/confirm-requirements")]
async fn confirm_requirements(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    IfMatch(version): IfMatch,
    ValidJson(input): ValidJson<ConfirmRequirements>,
) -> Result<HttpResponse, ApiError> {
    let action = CrAction::ConfirmRequirements(input);
    act(state, caller, id.into_inner(), version, action).await
}

#[doc = "The manager's review (TKT-12) of a request with confirmed requirements (409 from any other stage): approving (`reviewed`) sets the completion date promised to the customer (`promised_date` required and not in the past, 422 naming it otherwise); `approve: false` rejects the request (`rejected`). Admins and managers (403 for others) who see the request (ORG-5: otherwise 404); needs `If-Match`. Triggers the stage-log entry and the audit entry `change_request.review` or `change_request.reject`."]
#[utoipa::path(
    tag = "change-requests",
    operation_id = "reviewChangeRequest",
    summary = "Review a change request",
    description = "The manager's review (TKT-12) of a request with confirmed requirements (409 from any other stage): approving (`reviewed`) sets the completion date promised to the customer (`promised_date` required and not in the past, 422 naming it otherwise); `approve: false` rejects the request (`rejected`). Admins and managers (403 for others) who see the request (ORG-5: otherwise 404); needs `If-Match`. Triggers the stage-log entry and the audit entry `change_request.review` or `change_request.reject`.",
    params(("id" = String, Path, description = "Change request id"), crate::kernel::openapi::IfMatchHeader),
    request_body = ReviewChangeRequest,
    responses(
        (status = 200, description = "Done", body = ChangeRequestDetail, headers(("ETag" = String))),
        (status = 409, description = "The requirements are not confirmed", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/change-requests/{id}/review")]
async fn review_change_request(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    IfMatch(version): IfMatch,
    ValidJson(input): ValidJson<ReviewChangeRequest>,
) -> Result<HttpResponse, ApiError> {
    let action = CrAction::Review(input);
    act(state, caller, id.into_inner(), version, action).await
}

#[doc = "Development of a reviewed request starts (`reviewed` → `in_development`; 409 from any other stage): admins, managers and supervisors (403 for others; there is no developer role), on a request they see (ORG-5: otherwise 404); needs `If-Match`. Triggers the stage-log entry and the audit entry `change_request.start_development`."]
#[utoipa::path(
    tag = "change-requests",
    operation_id = "startChangeDevelopment",
    summary = "Start development",
    description = "Development of a reviewed request starts (`reviewed` → `in_development`; 409 from any other stage): admins, managers and supervisors (403 for others; there is no developer role), on a request they see (ORG-5: otherwise 404); needs `If-Match`. Triggers the stage-log entry and the audit entry `change_request.start_development`.",
    params(("id" = String, Path, description = "Change request id"), crate::kernel::openapi::IfMatchHeader),
    request_body = NoteBody,
    responses(
        (status = 200, description = "Done", body = ChangeRequestDetail, headers(("ETag" = String))),
        (status = 409, description = "The request is not `reviewed`", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/change-requests/{id}/start-development")]
async fn start_development(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    IfMatch(version): IfMatch,
    ValidJson(b): ValidJson<NoteBody>,
) -> Result<HttpResponse, ApiError> {
    let action = CrAction::StartDevelopment(b.reason);
    act(state, caller, id.into_inner(), version, action).await
}

#[doc = "Development is finished and the change goes to the requesting engineer for testing (`in_development` → `testing`; 409 from any other stage): admins, managers and supervisors (403 for others), on a request they see (ORG-5: otherwise 404); needs `If-Match`. Triggers the stage-log entry, the audit entry `change_request.submit_for_test` and the `change_request.ready_for_test` notification to the requesting engineer (TKT-12)."]
#[utoipa::path(
    tag = "change-requests",
    operation_id = "submitChangeForTest",
    summary = "Finish development",
    description = "Development is finished and the change goes to the requesting engineer for testing (`in_development` → `testing`; 409 from any other stage): admins, managers and supervisors (403 for others), on a request they see (ORG-5: otherwise 404); needs `If-Match`. Triggers the stage-log entry, the audit entry `change_request.submit_for_test` and the `change_request.ready_for_test` notification to the requesting engineer (TKT-12).",
    params(("id" = String, Path, description = "Change request id"), crate::kernel::openapi::IfMatchHeader),
    request_body = NoteBody,
    responses(
        (status = 200, description = "Done", body = ChangeRequestDetail, headers(("ETag" = String))),
        (status = 409, description = "The request is not `in_development`", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/change-requests/{id}/submit-for-test")]
async fn submit_for_test(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    IfMatch(version): IfMatch,
    ValidJson(b): ValidJson<NoteBody>,
) -> Result<HttpResponse, ApiError> {
    let action = CrAction::SubmitForTest(b.reason);
    act(state, caller, id.into_inner(), version, action).await
}

#[doc = "The requesting engineer tested the change and it passed (`testing` → `tested`; 409 from any other stage). Role `engineer` (403 for others), on a request they see (ORG-5: otherwise 404); needs `If-Match`. TKT-12: anyone but the engineer who requested it gets 422 with rule `TKT-12`. Triggers the stage-log entry and the audit entry `change_request.pass_test`."]
#[utoipa::path(
    tag = "change-requests",
    operation_id = "passChangeTest",
    summary = "Pass the test",
    description = "The requesting engineer tested the change and it passed (`testing` → `tested`; 409 from any other stage). Role `engineer` (403 for others), on a request they see (ORG-5: otherwise 404); needs `If-Match`. TKT-12: anyone but the engineer who requested it gets 422 with rule `TKT-12`. Triggers the stage-log entry and the audit entry `change_request.pass_test`.",
    params(("id" = String, Path, description = "Change request id"), crate::kernel::openapi::IfMatchHeader),
    request_body = NoteBody,
    responses(
        (status = 200, description = "Done", body = ChangeRequestDetail, headers(("ETag" = String))),
        (status = 409, description = "The request is not `testing`", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/change-requests/{id}/pass-test")]
async fn pass_test(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    IfMatch(version): IfMatch,
    ValidJson(b): ValidJson<NoteBody>,
) -> Result<HttpResponse, ApiError> {
    let action = CrAction::PassTest(b.reason);
    act(state, caller, id.into_inner(), version, action).await
}

#[doc = "The engineer helped the customer update to the tested change (`tested` → `delivered`; 409 from any other stage); the delay watch stops. Admins, managers, supervisors and engineers (403 for others) who see the request (ORG-5: otherwise 404); needs `If-Match`. Triggers the stage-log entry and the audit entry `change_request.deliver`."]
#[utoipa::path(
    tag = "change-requests",
    operation_id = "deliverChange",
    summary = "Deliver the change",
    description = "The engineer helped the customer update to the tested change (`tested` → `delivered`; 409 from any other stage); the delay watch stops. Admins, managers, supervisors and engineers (403 for others) who see the request (ORG-5: otherwise 404); needs `If-Match`. Triggers the stage-log entry and the audit entry `change_request.deliver`.",
    params(("id" = String, Path, description = "Change request id"), crate::kernel::openapi::IfMatchHeader),
    request_body = NoteBody,
    responses(
        (status = 200, description = "Done", body = ChangeRequestDetail, headers(("ETag" = String))),
        (status = 409, description = "The request is not `tested`", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/change-requests/{id}/deliver")]
async fn deliver_change(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    IfMatch(version): IfMatch,
    ValidJson(b): ValidJson<NoteBody>,
) -> Result<HttpResponse, ApiError> {
    let action = CrAction::Deliver(b.reason);
    act(state, caller, id.into_inner(), version, action).await
}

#[doc = "The customer's opinion of the delivered change (`delivered` → `feedback_recorded`; 409 from any other stage). Admins, managers, supervisors and engineers (403 for others) who see the request (ORG-5: otherwise 404); needs `If-Match`. Triggers the stage-log entry and the audit entry `change_request.record_feedback`."]
#[utoipa::path(
    tag = "change-requests",
    operation_id = "recordChangeFeedback",
    summary = "Record the customer's opinion",
    description = "The customer's opinion of the delivered change (`delivered` → `feedback_recorded`; 409 from any other stage). Admins, managers, supervisors and engineers (403 for others) who see the request (ORG-5: otherwise 404); needs `If-Match`. Triggers the stage-log entry and the audit entry `change_request.record_feedback`.",
    params(("id" = String, Path, description = "Change request id"), crate::kernel::openapi::IfMatchHeader),
    request_body = RecordFeedback,
    responses(
        (status = 200, description = "Done", body = ChangeRequestDetail, headers(("ETag" = String))),
        (status = 409, description = "The request is not `delivered`", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/change-requests/{id}/record-feedback")]
async fn record_feedback(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    IfMatch(version): IfMatch,
    ValidJson(b): ValidJson<RecordFeedback>,
) -> Result<HttpResponse, ApiError> {
    let action = CrAction::RecordFeedback(b.feedback);
    act(state, caller, id.into_inner(), version, action).await
}

#[doc = "A delay notice (TKT-12) on an undelivered request (409 once delivered, rejected or cancelled): the customer's contact is told of a later completion date strictly before the current promised date (company date) — on or after it, or with no date promised yet, it is 422 with rule `TKT-12`; the new date must be after the current one (422 `new_promised_date`). The old and new dates are kept in `delay_notices`, and the delay watch watches the new date. Admins, managers, supervisors, engineers and clerks (403 for others) who see the request (ORG-5: otherwise 404); needs `If-Match`. Triggers the stage-log entry and the audit entry `change_request.delay`."]
#[utoipa::path(
    tag = "change-requests",
    operation_id = "delayChangeRequest",
    summary = "Announce a delay",
    description = "A delay notice (TKT-12) on an undelivered request (409 once delivered, rejected or cancelled): the customer's contact is told of a later completion date strictly before the current promised date (company date) — on or after it, or with no date promised yet, it is 422 with rule `TKT-12`; the new date must be after the current one (422 `new_promised_date`). The old and new dates are kept in `delay_notices`, and the delay watch watches the new date. Admins, managers, supervisors, engineers and clerks (403 for others) who see the request (ORG-5: otherwise 404); needs `If-Match`. Triggers the stage-log entry and the audit entry `change_request.delay`.",
    params(("id" = String, Path, description = "Change request id"), crate::kernel::openapi::IfMatchHeader),
    request_body = DelayNotice,
    responses(
        (status = 200, description = "Done", body = ChangeRequestDetail, headers(("ETag" = String))),
        (status = 409, description = "The request is delivered, rejected or cancelled", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/change-requests/{id}/delay")]
async fn delay_change_request(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    IfMatch(version): IfMatch,
    ValidJson(input): ValidJson<DelayNotice>,
) -> Result<HttpResponse, ApiError> {
    let action = CrAction::Delay(input);
    act(state, caller, id.into_inner(), version, action).await
}

#[doc = "Cancels an undelivered request with the reason (409 once delivered, rejected or cancelled): admins and managers (403 for others), on a request they see (ORG-5: otherwise 404); needs `If-Match`. Triggers the stage-log entry and the audit entry `change_request.cancel`."]
#[utoipa::path(
    tag = "change-requests",
    operation_id = "cancelChangeRequest",
    summary = "Cancel a change request",
    description = "Cancels an undelivered request with the reason (409 once delivered, rejected or cancelled): admins and managers (403 for others), on a request they see (ORG-5: otherwise 404); needs `If-Match`. Triggers the stage-log entry and the audit entry `change_request.cancel`.",
    params(("id" = String, Path, description = "Change request id"), crate::kernel::openapi::IfMatchHeader),
    request_body = ReasonBody,
    responses(
        (status = 200, description = "Done", body = ChangeRequestDetail, headers(("ETag" = String))),
        (status = 409, description = "The request is delivered, rejected or cancelled", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/change-requests/{id}/cancel")]
async fn cancel_change_request(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    IfMatch(version): IfMatch,
    ValidJson(b): ValidJson<ReasonBody>,
) -> Result<HttpResponse, ApiError> {
    let action = CrAction::Cancel(b.reason);
    act(state, caller, id.into_inner(), version, action).await
}
