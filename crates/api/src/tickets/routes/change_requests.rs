use crate::kernel::auth::Caller;
use crate::kernel::command::Ctx;
use crate::kernel::error::{ApiError, Problem};
use crate::kernel::extract::{IfMatch, StrictQuery, ValidJson, trimmed};
use crate::kernel::page::{Page, fetch_size, list_mode, paginate, row_key};
use crate::kernel::respond::{created, versioned};
use crate::kernel::state::AppState;
use crate::tickets::dto::change_requests::{
    ChangeRequestDetail, ChangeRequestOut, ChangeRequestQuery, ConfirmRequirements,
    CreateChangeRequest, DelayNotice, RecordFeedback, ReviewChangeRequest,
};
use crate::tickets::dto::tickets::{NoteBody, ReasonBody};
use crate::tickets::service::change_requests::{self as svc, CrAction};
use crate::tickets::service::tickets::ticket_scope;
use actix_web::http::StatusCode;
use actix_web::{HttpResponse, get, post, web};
use kefu_store::change_requests::{self as store, ChangeRequestFilter};
use kefu_store::to_db_time;
use kefu_tickets::access::{self, Action};
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
    let actor = caller.actor.clone();
    let id = id.into_inner();
    let out = state
        .tx(move |conn| svc::create(conn, &ctx, &actor, &id, input))
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
/// date (or past it) — those whose delay must be announced now (TKT-12). Read-only.
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
    StrictQuery(query): StrictQuery<ChangeRequestQuery>,
) -> Result<HttpResponse, ApiError> {
    let (limit, fetch) = fetch_size(query.limit)?;
    let mode = list_mode(None, query.cursor.as_deref())?;
    let mut filter = ChangeRequestFilter {
        stage: query.stage.map(|s| s.as_str().to_owned()),
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
                filter.promised_by = Some((svc::undelivered_stages(), by));
            }
            let scope = ticket_scope(conn, &actor)?;
            let rows = store::list(conn, &scope, &filter, &mode, fetch)?;
            Ok((mode, svc::render_all(&rows)?))
        })
        .await?;
    let page = paginate(
        items,
        limit,
        |c| row_key(&mode, to_db_time(c.updated_at), &c.id),
        |c| c,
    );
    Ok(HttpResponse::Ok().json(page))
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
    let out = state
        .db(move |conn| {
            let scope = ticket_scope(conn, &actor)?;
            let row = svc::get_row(conn, &scope, &id)?;
            svc::detail(conn, &row)
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
    let ctx = Ctx::of(&caller, state.clock.now());
    let actor = caller.actor.clone();
    let tz = state.config.timezone;
    let out = state
        .tx(move |conn| svc::act(conn, &ctx, &actor, tz, &id, version, action))
        .await?;
    Ok(versioned(StatusCode::OK, out.request.version, &out))
}

macro_rules! cr_route {
    ($fn:ident, $path:literal, $op:literal, $summary:literal, $doc:literal, $body:ty, $extra:literal, $make:expr) => {
        #[doc = $doc]
        #[utoipa::path(
            tag = "change-requests",
            operation_id = $op,
            summary = $summary,
            description = $doc,
            params(("id" = String, Path, description = "Change request id"), crate::kernel::openapi::IfMatchHeader),
            request_body = $body,
            responses(
                (status = 200, description = "Done", body = ChangeRequestDetail, headers(("ETag" = String))),
                (status = 409, description = $extra, body = Problem, content_type = "application/problem+json"),
            )
        )]
        #[post($path)]
        async fn $fn(
            state: web::Data<AppState>,
            caller: Caller,
            id: web::Path<String>,
            IfMatch(version): IfMatch,
            ValidJson(input): ValidJson<$body>,
        ) -> Result<HttpResponse, ApiError> {
            #[allow(clippy::redundant_closure_call)]
            let action = ($make)(input);
            act(state, caller, id.into_inner(), version, action).await
        }
    };
}

cr_route!(
    confirm_requirements,
    "/change-requests/{id}/confirm-requirements",
    "confirmChangeRequirements",
    "Confirm the requirements with the customer",
    "The engineer has confirmed the requirements with the customer (`requested` → `requirements_confirmed`; 409 from any other stage), optionally restating them. Admins, managers, supervisors and engineers (403 for others) who see the request (ORG-5: otherwise 404); needs `If-Match`. TKT-12: the customer's stamped application must be on file (given now or at the request), otherwise 422 with rule `TKT-12`. Triggers the stage-log entry and the audit entry `change_request.confirm_requirements`.",
    ConfirmRequirements,
    "The request is not `requested`",
    CrAction::ConfirmRequirements
);
cr_route!(
    review_change_request,
    "/change-requests/{id}/review",
    "reviewChangeRequest",
    "Review a change request",
    "The manager's review (TKT-12) of a request with confirmed requirements (409 from any other stage): approving (`reviewed`) sets the completion date promised to the customer (`promised_date` required and not in the past, 422 naming it otherwise); `approve: false` rejects the request (`rejected`). Admins and managers (403 for others) who see the request (ORG-5: otherwise 404); needs `If-Match`. Triggers the stage-log entry and the audit entry `change_request.review` or `change_request.reject`.",
    ReviewChangeRequest,
    "The requirements are not confirmed",
    CrAction::Review
);
cr_route!(
    start_development,
    "/change-requests/{id}/start-development",
    "startChangeDevelopment",
    "Start development",
    "Development of a reviewed request starts (`reviewed` → `in_development`; 409 from any other stage): admins, managers and supervisors (403 for others; there is no developer role), on a request they see (ORG-5: otherwise 404); needs `If-Match`. Triggers the stage-log entry and the audit entry `change_request.start_development`.",
    NoteBody,
    "The request is not `reviewed`",
    |b: NoteBody| CrAction::StartDevelopment(b.reason)
);
cr_route!(
    submit_for_test,
    "/change-requests/{id}/submit-for-test",
    "submitChangeForTest",
    "Finish development",
    "Development is finished and the change goes to the requesting engineer for testing (`in_development` → `testing`; 409 from any other stage): admins, managers and supervisors (403 for others), on a request they see (ORG-5: otherwise 404); needs `If-Match`. Triggers the stage-log entry, the audit entry `change_request.submit_for_test` and the `change_request.ready_for_test` notification to the requesting engineer (TKT-12).",
    NoteBody,
    "The request is not `in_development`",
    |b: NoteBody| CrAction::SubmitForTest(b.reason)
);
cr_route!(
    pass_test,
    "/change-requests/{id}/pass-test",
    "passChangeTest",
    "Pass the test",
    "The requesting engineer tested the change and it passed (`testing` → `tested`; 409 from any other stage). Role `engineer` (403 for others), on a request they see (ORG-5: otherwise 404); needs `If-Match`. TKT-12: anyone but the engineer who requested it gets 422 with rule `TKT-12`. Triggers the stage-log entry and the audit entry `change_request.pass_test`.",
    NoteBody,
    "The request is not `testing`",
    |b: NoteBody| CrAction::PassTest(b.reason)
);
cr_route!(
    deliver_change,
    "/change-requests/{id}/deliver",
    "deliverChange",
    "Deliver the change",
    "The engineer helped the customer update to the tested change (`tested` → `delivered`; 409 from any other stage); the delay watch stops. Admins, managers, supervisors and engineers (403 for others) who see the request (ORG-5: otherwise 404); needs `If-Match`. Triggers the stage-log entry and the audit entry `change_request.deliver`.",
    NoteBody,
    "The request is not `tested`",
    |b: NoteBody| CrAction::Deliver(b.reason)
);
cr_route!(
    record_feedback,
    "/change-requests/{id}/record-feedback",
    "recordChangeFeedback",
    "Record the customer's opinion",
    "The customer's opinion of the delivered change (`delivered` → `feedback_recorded`; 409 from any other stage). Admins, managers, supervisors and engineers (403 for others) who see the request (ORG-5: otherwise 404); needs `If-Match`. Triggers the stage-log entry and the audit entry `change_request.record_feedback`.",
    RecordFeedback,
    "The request is not `delivered`",
    |b: RecordFeedback| CrAction::RecordFeedback(b.feedback)
);
cr_route!(
    delay_change_request,
    "/change-requests/{id}/delay",
    "delayChangeRequest",
    "Announce a delay",
    "A delay notice (TKT-12) on an undelivered request (409 once delivered, rejected or cancelled): the customer's contact is told of a later completion date strictly before the current promised date (company date) — on or after it, or with no date promised yet, it is 422 with rule `TKT-12`; the new date must be after the current one (422 `new_promised_date`). The old and new dates are kept in `delay_notices`, and the delay watch watches the new date. Admins, managers, supervisors, engineers and clerks (403 for others) who see the request (ORG-5: otherwise 404); needs `If-Match`. Triggers the stage-log entry and the audit entry `change_request.delay`.",
    DelayNotice,
    "The request is delivered, rejected or cancelled",
    CrAction::Delay
);
cr_route!(
    cancel_change_request,
    "/change-requests/{id}/cancel",
    "cancelChangeRequest",
    "Cancel a change request",
    "Cancels an undelivered request with the reason (409 once delivered, rejected or cancelled): admins and managers (403 for others), on a request they see (ORG-5: otherwise 404); needs `If-Match`. Triggers the stage-log entry and the audit entry `change_request.cancel`.",
    ReasonBody,
    "The request is delivered, rejected or cancelled",
    |b: ReasonBody| CrAction::Cancel(b.reason)
);
