use crate::kernel::auth::Caller;
use crate::kernel::command::Ctx;
use crate::kernel::error::{ApiError, Problem};
use crate::kernel::export::{self, Listed};
use crate::kernel::extract::{IfMatch, ValidJson, trimmed};
use crate::kernel::page::{Page, paginate, row_key, window};
use crate::kernel::respond::{created, versioned};
use crate::kernel::state::AppState;
use crate::scoring::dto::leave::{LEAVE_EXPORT, LeaveOut, LeaveQuery, RejectLeave, RequestLeave};
use crate::scoring::service::attendance::scope;
use crate::scoring::service::leave::{self as svc, LeaveStep};
use actix_web::http::StatusCode;
use actix_web::{HttpResponse, get, post, web};
use kefu_scoring::access::{self, Action};
use kefu_store::leave::{self as store, LeaveFilter};
use utoipa_actix_web::service_config::ServiceConfig;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(request_leave)
        .service(list_leave)
        .service(get_leave)
        .service(approve_leave)
        .service(reject_leave)
        .service(cancel_leave);
}

/// Request leave
///
/// HR-A3: leave for the caller from `start_date` to `end_date` (inclusive); the working days
/// are counted by the work calendar (a period without one is 422 naming HR-A3), and a period
/// overlapping another open or approved request is 409 naming HR-A3. Any staff member, for
/// themselves. Starts `requested`; a manager approves next (`approveLeaveRequest`), HR too
/// above the `leave-approval` limit (3 working days). Triggers the audit entry
/// `leave_request.create` and a notice to every manager.
#[utoipa::path(
    tag = "attendance",
    operation_id = "requestLeave",
    request_body = RequestLeave,
    responses(
        (status = 201, description = "Requested", body = LeaveOut,
            headers(("Location" = String), ("ETag" = String))),
        (status = 409, description = "Overlaps another request (HR-A3)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "No working day in the period (HR-A3)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/leave-requests")]
async fn request_leave(
    state: web::Data<AppState>,
    caller: Caller,
    ValidJson(input): ValidJson<RequestLeave>,
) -> Result<HttpResponse, ApiError> {
    access::require(Action::LeaveRequest, &caller.actor.roles)?;
    let ctx = Ctx::of(&caller, state.clock.now());
    let actor = caller.actor.clone();
    let out = state
        .tx(move |conn| svc::request(conn, &ctx, &actor, input))
        .await?;
    Ok(created(
        format!("/api/v1/leave-requests/{}", out.id),
        Some(out.version),
        &out,
    ))
}

/// List or delta-sync leave requests
///
/// HR-A3: leave requests by person and status, in id order; `updated_since` delta-syncs;
/// `/export` (CSV or XLSX) exports. Privacy: staff see their own; a supervisor also their teams'
/// members'; admins, managers, HR and executives everyone's. Customer contacts get 403.
/// Read-only.
#[utoipa::path(
    tag = "attendance",
    operation_id = "listLeaveRequests",
    params(LeaveQuery),
    responses((status = 200, description = "One page of leave requests", body = Page<LeaveOut>))
)]
#[get("/leave-requests")]
async fn list_leave(
    state: web::Data<AppState>,
    caller: Caller,
    listed: Listed<LeaveQuery>,
) -> Result<HttpResponse, ApiError> {
    let data = state.clone();
    export::respond(&data, &LEAVE_EXPORT, listed, move |query| {
        leave_page(state.clone(), caller.clone(), query)
    })
    .await
}

async fn leave_page(
    state: web::Data<AppState>,
    caller: Caller,
    query: LeaveQuery,
) -> Result<Page<LeaveOut>, ApiError> {
    access::require(Action::LeaveRead, &caller.actor.roles)?;
    let (limit, fetch, mode) = window(
        query.limit,
        query.updated_since.as_deref(),
        query.cursor.as_deref(),
    )?;
    let actor = caller.actor.clone();
    let person = trimmed(query.user_id);
    let status = query.status;
    let (mode, rows) = state
        .db(move |conn| {
            let user_ids = match (scope(conn, &actor)?, person) {
                (None, None) => None,
                (None, Some(p)) => Some(vec![p]),
                (Some(v), None) => Some(v),
                (Some(v), Some(p)) => Some(v.into_iter().filter(|u| *u == p).collect()),
            };
            let filter = LeaveFilter {
                user_ids,
                status: status.map(|s| s.as_str().to_owned()),
            };
            Ok((mode.clone(), store::list(conn, &filter, &mode, fetch)?))
        })
        .await?;
    Ok(paginate(
        rows,
        limit,
        |r| row_key(&mode, r.updated_at, &r.id),
        |r| LeaveOut::from(&r),
    ))
}

/// Read a leave request
///
/// HR-A3: one request, under the privacy of `listLeaveRequests` (404 for one the caller may
/// not see). Read-only.
#[utoipa::path(
    tag = "attendance",
    operation_id = "getLeaveRequest",
    params(("id" = String, Path, description = "Leave request id")),
    responses((status = 200, description = "The request", body = LeaveOut, headers(("ETag" = String))))
)]
#[get("/leave-requests/{id}")]
async fn get_leave(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    access::require(Action::LeaveRead, &caller.actor.roles)?;
    let actor = caller.actor.clone();
    let id = id.into_inner();
    let row = state.db(move |conn| svc::get(conn, &actor, &id)).await?;
    Ok(versioned(
        StatusCode::OK,
        row.version,
        &LeaveOut::from(&row),
    ))
}

async fn run(
    state: web::Data<AppState>,
    caller: Caller,
    id: String,
    version: i64,
    step: LeaveStep,
) -> Result<HttpResponse, ApiError> {
    access::require(Action::LeaveRead, &caller.actor.roles)?;
    let ctx = Ctx::of(&caller, state.clock.now());
    let actor = caller.actor.clone();
    let today = state.today();
    let out = state
        .tx(move |conn| svc::step(conn, &ctx, &actor, today, &id, version, step))
        .await?;
    Ok(versioned(StatusCode::OK, out.version, &out))
}

/// Approve a leave request
///
/// HR-A3: the step the request waits for: a `requested` one is the manager's (managers and
/// admins) and becomes `approved`, or `manager_approved` when it holds more working days than
/// the `leave-approval` limit (3); a `manager_approved` one is HR's (HR and admins) and becomes
/// `approved`. Another role gets 403; any other status is 409 naming HR-A3; a request the
/// caller may not see is 404. Needs `If-Match`. Approved days count neither late nor absent
/// in `getAttendanceMonth`. Triggers the audit entry `leave_request.approve` and notices to
/// the requester (and to HR when their approval is needed).
#[utoipa::path(
    tag = "attendance",
    operation_id = "approveLeaveRequest",
    params(("id" = String, Path, description = "Leave request id"), crate::kernel::openapi::IfMatchHeader),
    responses(
        (status = 200, description = "Approved (or passed on to HR)", body = LeaveOut, headers(("ETag" = String))),
        (status = 409, description = "Not waiting for an approval (HR-A3)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/leave-requests/{id}/approve")]
async fn approve_leave(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    IfMatch(version): IfMatch,
) -> Result<HttpResponse, ApiError> {
    run(state, caller, id.into_inner(), version, LeaveStep::Approve).await
}

/// Reject a leave request
///
/// HR-A3: the approver of the step the request waits for (a manager for a `requested` one,
/// HR for a `manager_approved` one; admins both) refuses it with a note. Another role gets
/// 403; any other status is 409 naming HR-A3. Needs `If-Match`. Triggers the audit entry
/// `leave_request.reject` and a notice to the requester.
#[utoipa::path(
    tag = "attendance",
    operation_id = "rejectLeaveRequest",
    params(("id" = String, Path, description = "Leave request id"), crate::kernel::openapi::IfMatchHeader),
    request_body = RejectLeave,
    responses(
        (status = 200, description = "Rejected", body = LeaveOut, headers(("ETag" = String))),
        (status = 409, description = "Not waiting for an approval (HR-A3)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/leave-requests/{id}/reject")]
async fn reject_leave(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    IfMatch(version): IfMatch,
    ValidJson(input): ValidJson<RejectLeave>,
) -> Result<HttpResponse, ApiError> {
    run(
        state,
        caller,
        id.into_inner(),
        version,
        LeaveStep::Reject(input.note),
    )
    .await
}

/// Cancel a leave request
///
/// HR-A3: the requester withdraws a `requested` or `manager_approved` request (anyone else
/// who sees it: 422 naming HR-A3; an approved, rejected or cancelled one: 409 naming HR-A3).
/// Needs `If-Match`. Triggers the audit entry `leave_request.cancel`.
#[utoipa::path(
    tag = "attendance",
    operation_id = "cancelLeaveRequest",
    params(("id" = String, Path, description = "Leave request id"), crate::kernel::openapi::IfMatchHeader),
    responses(
        (status = 200, description = "Cancelled", body = LeaveOut, headers(("ETag" = String))),
        (status = 409, description = "Approved or closed already (HR-A3)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/leave-requests/{id}/cancel")]
async fn cancel_leave(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    IfMatch(version): IfMatch,
) -> Result<HttpResponse, ApiError> {
    run(state, caller, id.into_inner(), version, LeaveStep::Cancel).await
}
