use crate::kernel::auth::Caller;
use crate::kernel::command::Ctx;
use crate::kernel::error::{ApiError, Problem};
use crate::kernel::export::{self, Listed};
use crate::kernel::extract::{IfMatch, StrictQuery, ValidJson};
use crate::kernel::page::{Page, paginate, row_key, window};
use crate::kernel::respond::{created, versioned};
use crate::kernel::state::AppState;
use crate::tickets::dto::complaints::{
    CloseComplaint, ComplaintCounts, ComplaintCountsQuery, ComplaintOut, ComplaintQuery,
    CreateComplaint, EXPORT, JudgeComplaint, ReplyComplaint,
};
use crate::tickets::service::complaints::{self as svc, ComplaintAction};
use actix_web::http::StatusCode;
use actix_web::{HttpResponse, get, post, web};
use kefu_store::complaints::{self as store, ComplaintFilter};
use kefu_store::to_db_time;
use kefu_tickets::access::{self, Action};
use utoipa_actix_web::service_config::ServiceConfig;

pub fn routes(cfg: &mut ServiceConfig) {
    // `/complaints/counts` before `/complaints/{id}`, which would take `counts` as an id.
    cfg.service(complaint_counts)
        .service(create_complaint)
        .service(list_complaints)
        .service(get_complaint)
        .service(judge_complaint)
        .service(reply_complaint)
        .service(close_complaint);
}

fn trimmed(s: Option<String>) -> Option<String> {
    s.map(|s| s.trim().to_owned()).filter(|s| !s.is_empty())
}

/// Record a complaint
///
/// Records a complaint about an employee (TKT-10); it starts `open`, awaiting a judgement.
/// `received_at` (default now) may lie at most 5 minutes in the future.
///
/// Who: admins, managers, supervisors, clerks, callback agents and QA inspectors, or a customer
/// contact for their own customer (403 for other roles). The customer must be visible to the caller
/// (ORG-5; 422 `customer_id` otherwise), the employee must exist (422 `employee_id`), and a
/// `ticket_id` must be a visible ticket of that customer (422 `ticket_id`). Triggers the audit
/// entry `complaint.create`.
#[utoipa::path(
    tag = "complaints",
    operation_id = "createComplaint",
    request_body = CreateComplaint,
    responses(
        (status = 201, description = "Recorded", body = ComplaintOut, headers(("Location" = String), ("ETag" = String))),
    )
)]
#[post("/complaints")]
async fn create_complaint(
    state: web::Data<AppState>,
    caller: Caller,
    ValidJson(input): ValidJson<CreateComplaint>,
) -> Result<HttpResponse, ApiError> {
    access::require(Action::ComplaintCreate, &caller.actor.roles)?;
    let ctx = Ctx::of(&caller, state.clock.now());
    let actor = caller.actor.clone();
    let out = state
        .tx(move |conn| svc::create(conn, &ctx, &actor, input))
        .await?;
    Ok(created(
        format!("/api/v1/complaints/{}", out.id),
        Some(out.version),
        &out,
    ))
}

/// List complaints
///
/// Any signed-in user; lists the complaints visible to the caller: all for admins, managers,
/// executives, HR and QA inspectors; a supervisor's teams' members'; those the caller recorded; a
/// customer contact's customer's; and, once judged, those about the caller. A customer contact
/// reads the reply and the status only: `validity`, `validity_reason`, `judged_by`, `judged_at`
/// and `corrective_measures` are null for them. Filters `employee_id`, `customer_id`, `validity`,
/// `status`, `received_from`/`received_to` (company dates). Without `updated_since`: in id order;
/// with it: every complaint changed after that instant in `(updated_at, id)` order, tombstones
/// (`deleted: true`) included. `/export` (CSV or XLSX) exports the same list. Read-only.
#[utoipa::path(
    tag = "complaints",
    operation_id = "listComplaints",
    params(ComplaintQuery),
    responses((status = 200, description = "One page of complaints", body = Page<ComplaintOut>))
)]
#[get("/complaints")]
async fn list_complaints(
    state: web::Data<AppState>,
    caller: Caller,
    listed: Listed<ComplaintQuery>,
) -> Result<HttpResponse, ApiError> {
    let data = state.clone();
    export::respond(&data, &EXPORT, listed, move |query| {
        complaints_page(state.clone(), caller.clone(), query)
    })
    .await
}

/// One page of the list (also what an export reads page by page).
async fn complaints_page(
    state: web::Data<AppState>,
    caller: Caller,
    query: ComplaintQuery,
) -> Result<Page<ComplaintOut>, ApiError> {
    let (limit, fetch, mode) = window(
        query.limit,
        query.updated_since.as_deref(),
        query.cursor.as_deref(),
    )?;
    let tz = state.config.timezone;
    let received_from = query.received_from.map(|d| svc::day_start(tz, d));
    let received_before = query
        .received_to
        .map(|d| {
            d.succ_opt()
                .map(|next| svc::day_start(tz, next))
                .ok_or_else(|| {
                    crate::tickets::service::tickets::field(
                        "query.received_to",
                        "range",
                        "out of range",
                    )
                })
        })
        .transpose()?;
    let filter = ComplaintFilter {
        employee_id: trimmed(query.employee_id),
        customer_id: trimmed(query.customer_id),
        validity: query.validity,
        status: query.status,
        received_from,
        received_before,
    };
    let actor = caller.actor.clone();
    let (mode, items) = state
        .db(move |conn| {
            let scope = svc::complaint_scope(conn, &actor)?;
            let rows = store::list(conn, &scope, &filter, &mode, fetch)?;
            Ok((mode, svc::render_for(&actor, &rows)))
        })
        .await?;
    Ok(paginate(
        items,
        limit,
        |c| row_key(&mode, to_db_time(c.updated_at), &c.id),
        |c| c,
    ))
}

/// Get a complaint
///
/// The complaint with its version as `ETag`. Any signed-in user who sees it (as in
/// `listComplaints`, and with the same fields withheld from a customer contact); any other
/// complaint reads as 404.
#[utoipa::path(
    tag = "complaints",
    operation_id = "getComplaint",
    params(("id" = String, Path, description = "Complaint id")),
    responses((status = 200, description = "The complaint", body = ComplaintOut, headers(("ETag" = String))))
)]
#[get("/complaints/{id}")]
async fn get_complaint(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let actor = caller.actor.clone();
    let out = state
        .db(move |conn| {
            let scope = svc::complaint_scope(conn, &actor)?;
            let row = svc::get_row(conn, &scope, &id)?;
            Ok(svc::render_for(&actor, std::slice::from_ref(&row)).remove(0))
        })
        .await?;
    Ok(versioned(StatusCode::OK, out.version, &out))
}

async fn act(
    state: web::Data<AppState>,
    caller: Caller,
    id: String,
    version: i64,
    action: ComplaintAction,
) -> Result<HttpResponse, ApiError> {
    // The role check before loading: a stranger is refused before learning the complaint exists.
    access::require(action.action(), &caller.actor.roles)?;
    let ctx = Ctx::of(&caller, state.clock.now());
    let actor = caller.actor.clone();
    let tz = state.config.timezone;
    let out = state
        .tx(move |conn| svc::act(conn, &ctx, &actor, tz, &id, version, action))
        .await?;
    Ok(versioned(StatusCode::OK, out.version, &out))
}

/// Judge a complaint's validity
///
/// Judges an open complaint valid or invalid, with the reason (TKT-10; `open` → `judged`, 409 once
/// judged).
///
/// Who: an admin or manager, or the supervisor of a team the employee belongs to; never the
/// employee complained about (403). Needs `If-Match`; an invisible complaint is 404. Triggers the
/// audit entry `complaint.judge`; a valid judgement sends the `complaint.judged_valid` notification
/// to the employee, with the reason, and counts against them in HR scoring (HR-C1).
#[utoipa::path(
    tag = "complaints",
    operation_id = "judgeComplaint",
    params(("id" = String, Path, description = "Complaint id"), crate::kernel::openapi::IfMatchHeader),
    request_body = JudgeComplaint,
    responses(
        (status = 200, description = "Judged", body = ComplaintOut, headers(("ETag" = String))),
        (status = 409, description = "The complaint is judged already", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/complaints/{id}/judge")]
async fn judge_complaint(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    IfMatch(version): IfMatch,
    ValidJson(input): ValidJson<JudgeComplaint>,
) -> Result<HttpResponse, ApiError> {
    act(
        state,
        caller,
        id.into_inner(),
        version,
        ComplaintAction::Judge(input),
    )
    .await
}

/// Record measures and the reply
///
/// Records the corrective measures and the reply given to the customer (TKT-10; `judged` →
/// `replied`, 409 once replied or closed).
///
/// Who: clerks and callback agents, or the employee's leads (an admin or manager, or a supervisor
/// of the employee's team); never the employee complained about (403). Needs `If-Match`; an
/// invisible complaint is 404. TKT-10: an unjudged complaint is 422 `TKT-10`; a valid complaint
/// needs `corrective_measures` (422 `TKT-10`). Triggers the audit entry `complaint.reply`.
#[utoipa::path(
    tag = "complaints",
    operation_id = "replyComplaint",
    params(("id" = String, Path, description = "Complaint id"), crate::kernel::openapi::IfMatchHeader),
    request_body = ReplyComplaint,
    responses(
        (status = 200, description = "Replied", body = ComplaintOut, headers(("ETag" = String))),
        (status = 409, description = "The complaint is replied or closed already", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/complaints/{id}/reply")]
async fn reply_complaint(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    IfMatch(version): IfMatch,
    ValidJson(input): ValidJson<ReplyComplaint>,
) -> Result<HttpResponse, ApiError> {
    act(
        state,
        caller,
        id.into_inner(),
        version,
        ComplaintAction::Reply(input),
    )
    .await
}

/// Close a complaint
///
/// Closes a judged or replied complaint (TKT-10; 409 once closed), with an optional closing remark
/// kept in the audit entry.
///
/// Who: the employee's leads — an admin or manager, or a supervisor of a team the employee belongs
/// to; never the employee complained about (403). Needs `If-Match`; an invisible complaint is 404.
/// TKT-10: an unjudged complaint is 422 `TKT-10`; a valid complaint needs its corrective measures
/// and the reply to the customer first (422 `TKT-10` naming what is missing). Triggers the audit
/// entry `complaint.close`.
#[utoipa::path(
    tag = "complaints",
    operation_id = "closeComplaint",
    params(("id" = String, Path, description = "Complaint id"), crate::kernel::openapi::IfMatchHeader),
    request_body = CloseComplaint,
    responses(
        (status = 200, description = "Closed", body = ComplaintOut, headers(("ETag" = String))),
        (status = 409, description = "The complaint is closed already", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/complaints/{id}/close")]
async fn close_complaint(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    IfMatch(version): IfMatch,
    ValidJson(input): ValidJson<CloseComplaint>,
) -> Result<HttpResponse, ApiError> {
    let action = ComplaintAction::Close {
        reason: trimmed(input.reason),
    };
    act(state, caller, id.into_inner(), version, action).await
}

/// Count valid complaints per employee
///
/// Valid complaints per employee received in a period (company dates, `to` inclusive, at most ten
/// years), as HR scoring reads them (HR-C1, HR-S5), optionally for one `employee_id`. Any signed-in
/// user, counted within the caller's complaint visibility (as in `listComplaints`). Read-only.
#[utoipa::path(
    tag = "complaints",
    operation_id = "countValidComplaints",
    params(ComplaintCountsQuery),
    responses((status = 200, description = "The counts", body = ComplaintCounts))
)]
#[get("/complaints/counts")]
async fn complaint_counts(
    state: web::Data<AppState>,
    caller: Caller,
    StrictQuery(query): StrictQuery<ComplaintCountsQuery>,
) -> Result<HttpResponse, ApiError> {
    let actor = caller.actor.clone();
    let tz = state.config.timezone;
    let employee = trimmed(query.employee_id);
    let out = state
        .db(move |conn| svc::counts(conn, &actor, tz, query.from, query.to, employee.as_deref()))
        .await?;
    Ok(HttpResponse::Ok().json(out))
}
