use crate::kernel::auth::Caller;
use crate::kernel::command::{Ctx, Versioned, run_command};
use crate::kernel::error::{ApiError, Problem};
use crate::kernel::extract::{IfMatch, StrictQuery, ValidJson, trimmed};
use crate::kernel::page::{Page, paginate, row_key, window};
use crate::kernel::respond::{created, versioned};
use crate::kernel::state::AppState;
use crate::tickets::dto::tickets::ReasonBody;
use crate::tickets::dto::visits::{
    Agenda, AgendaQuery, BoardQuery, CreateServiceRecord, CreateVisit, DecideVisit, DispatchBoard,
    FieldReport, FinishVisit, ServiceRecordOut, VisitOut, VisitQuery,
};
use crate::tickets::service::dispatch;
use crate::tickets::service::tickets::ticket_scope;
use crate::tickets::service::visits::{self as svc, VisitAction};
use actix_web::http::StatusCode;
use actix_web::{HttpResponse, get, post, web};
use kefu_store::to_db_time;
use kefu_store::visits::{self as store, VisitFilter};
use kefu_tickets::access::{self, Action};
use kefu_tickets::visits::VisitCommand;
use utoipa_actix_web::service_config::ServiceConfig;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(request_visit)
        .service(list_visits)
        .service(get_visit)
        .service(approve_visit)
        .service(reject_visit)
        .service(depart_visit)
        .service(arrive_visit)
        .service(finish_visit)
        .service(escalate_visit)
        .service(create_service_record)
        .service(list_service_records)
        .service(dispatch_board)
        .service(my_agenda);
}

/// Request a visit
///
/// Requests an on-site visit for a ticket (TKT-5), for the ticket's assigned engineer; the visit
/// starts `requested` and needs a manager's approval before departure.
///
/// Who: the ticket's assignee (role `engineer`), or an admin, manager or supervisor for them (403
/// for anyone else); the ticket must be visible (ORG-5: otherwise 404). TKT-5: 409 while the ticket
/// has no assignee; 409 on a cancelled, resolved or closed ticket.
///
/// Triggers: the audit entry `visit.request` and the `visit.approval_needed` notification to every
/// enabled manager.
#[utoipa::path(
    tag = "visits",
    operation_id = "requestVisit",
    params(("id" = String, Path, description = "Ticket id")),
    request_body = CreateVisit,
    responses(
        (status = 201, description = "Requested", body = VisitOut, headers(("Location" = String), ("ETag" = String))),
        (status = 409, description = "The ticket is not assigned, or cancelled, resolved or closed", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/tickets/{id}/visits")]
async fn request_visit(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    ValidJson(input): ValidJson<CreateVisit>,
) -> Result<HttpResponse, ApiError> {
    access::require(Action::VisitRequest, &caller.actor.roles)?;
    let ctx = Ctx::of(&caller, state.clock.now());
    let actor = caller.actor.clone();
    let id = id.into_inner();
    let out = state
        .tx(move |conn| svc::request(conn, &ctx, &actor, &id, input))
        .await?;
    Ok(created(
        format!("/api/v1/visits/{}", out.id),
        Some(out.version),
        &out,
    ))
}

/// List or delta-sync visits
///
/// Any signed-in user; lists the visits whose ticket is visible to the caller (ORG-5, as for
/// tickets) or that the caller makes as engineer. Filters `ticket_id`, `engineer_id`, `status`,
/// `planned_date`, `unresolved_not_escalated` (TKT-8). Without `updated_since`: in id order; with
/// it: every visit changed after that instant in update order, tombstones included. Read-only.
#[utoipa::path(
    tag = "visits",
    operation_id = "listVisits",
    params(VisitQuery),
    responses((status = 200, description = "One page of visits", body = Page<VisitOut>))
)]
#[get("/visits")]
async fn list_visits(
    state: web::Data<AppState>,
    caller: Caller,
    StrictQuery(query): StrictQuery<VisitQuery>,
) -> Result<HttpResponse, ApiError> {
    let (limit, fetch, mode) = window(
        query.limit,
        query.updated_since.as_deref(),
        query.cursor.as_deref(),
    )?;
    let filter = VisitFilter {
        ticket_id: trimmed(query.ticket_id),
        engineer_id: trimmed(query.engineer_id),
        status: query.status,
        planned_date: query.planned_date,
        unresolved_not_escalated: query.unresolved_not_escalated,
    };
    let actor = caller.actor.clone();
    let (mode, items) = state
        .db(move |conn| {
            let scope = ticket_scope(conn, &actor)?;
            let rows = store::list(conn, &scope, &filter, &mode, fetch)?;
            Ok((mode, svc::render_all(conn, &rows, &actor)?))
        })
        .await?;
    let page = paginate(
        items,
        limit,
        |v| row_key(&mode, to_db_time(v.updated_at), &v.id),
        |v| v,
    );
    Ok(HttpResponse::Ok().json(page))
}

/// Get a visit
///
/// The visit with its version as `ETag`. Any signed-in user who sees its ticket (ORG-5) or is its
/// engineer; any other visit reads as 404.
#[utoipa::path(
    tag = "visits",
    operation_id = "getVisit",
    params(("id" = String, Path, description = "Visit id")),
    responses((status = 200, description = "The visit", body = VisitOut, headers(("ETag" = String))))
)]
#[get("/visits/{id}")]
async fn get_visit(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let actor = caller.actor.clone();
    let out = state
        .db(move |conn| {
            let scope = ticket_scope(conn, &actor)?;
            let (visit, ticket) = svc::get_row(conn, &scope, &id)?;
            Ok(svc::render_for(&visit, ticket.status, &actor))
        })
        .await?;
    Ok(versioned(StatusCode::OK, out.version, &out))
}

async fn act(
    state: web::Data<AppState>,
    caller: Caller,
    id: String,
    version: i64,
    action: VisitAction,
) -> Result<HttpResponse, ApiError> {
    // The role check before loading: a stranger is refused before learning the visit exists.
    access::require(action.action(), &caller.actor.roles)?;
    run_command(
        state,
        caller,
        id,
        version,
        move |conn, ctx, actor, id, version| svc::act(conn, ctx, actor, id, version, action),
    )
    .await
}

impl Versioned for VisitOut {
    fn version(&self) -> i64 {
        self.version
    }
}

#[doc = "Approves a requested visit (TKT-5): admins and managers only (403 for others), on a visit they see (ORG-5: otherwise 404). Needs `If-Match`. 409 unless the visit is `requested`. Triggers the audit entry `visit.approve` and the `visit.approved` notification to the visit's engineer, with the note."]
#[utoipa::path(
    tag = "visits",
    operation_id = "approveVisit",
    summary = "Approve a visit request",
    description = "Approves a requested visit (TKT-5): admins and managers only (403 for others), on a visit they see (ORG-5: otherwise 404). Needs `If-Match`. 409 unless the visit is `requested`. Triggers the audit entry `visit.approve` and the `visit.approved` notification to the visit's engineer, with the note.",
    params(("id" = String, Path, description = "Visit id"), crate::kernel::openapi::IfMatchHeader),
    request_body = DecideVisit,
    responses(
        (status = 200, description = "Done", body = VisitOut, headers(("ETag" = String))),
        (status = 409, description = "The visit is not requested", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/visits/{id}/approve")]
async fn approve_visit(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    IfMatch(version): IfMatch,
    ValidJson(b): ValidJson<DecideVisit>,
) -> Result<HttpResponse, ApiError> {
    let action = VisitAction::Decide {
        approve: true,
        note: b.note,
    };
    act(state, caller, id.into_inner(), version, action).await
}

#[doc = "Rejects a requested visit (TKT-5): admins and managers only (403 for others), on a visit they see (ORG-5: otherwise 404). Needs `If-Match`. 409 unless the visit is `requested`; a rejected visit cannot depart. Triggers the audit entry `visit.reject` and the `visit.rejected` notification to the visit's engineer, with the note."]
#[utoipa::path(
    tag = "visits",
    operation_id = "rejectVisit",
    summary = "Reject a visit request",
    description = "Rejects a requested visit (TKT-5): admins and managers only (403 for others), on a visit they see (ORG-5: otherwise 404). Needs `If-Match`. 409 unless the visit is `requested`; a rejected visit cannot depart. Triggers the audit entry `visit.reject` and the `visit.rejected` notification to the visit's engineer, with the note.",
    params(("id" = String, Path, description = "Visit id"), crate::kernel::openapi::IfMatchHeader),
    request_body = DecideVisit,
    responses(
        (status = 200, description = "Done", body = VisitOut, headers(("ETag" = String))),
        (status = 409, description = "The visit is not requested", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/visits/{id}/reject")]
async fn reject_visit(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    IfMatch(version): IfMatch,
    ValidJson(b): ValidJson<DecideVisit>,
) -> Result<HttpResponse, ApiError> {
    let action = VisitAction::Decide {
        approve: false,
        note: b.note,
    };
    act(state, caller, id.into_inner(), version, action).await
}

#[doc = "The visit's engineer reports departure (only the engineer the visit is for: 403 for anyone else; an invisible visit is 404, ORG-5). Needs `If-Match`. TKT-5: only an approved visit may depart — a requested or rejected one gives 422 with rule `TKT-5`; 409 when already departed or when the ticket is cancelled, resolved or closed. `at` may be a client reading taken offline (at most 5 minutes ahead of the server, not before the request). Triggers the audit entry `visit.depart`."]
#[utoipa::path(
    tag = "visits",
    operation_id = "departVisit",
    summary = "Report departure",
    description = "The visit's engineer reports departure (only the engineer the visit is for: 403 for anyone else; an invisible visit is 404, ORG-5). Needs `If-Match`. TKT-5: only an approved visit may depart — a requested or rejected one gives 422 with rule `TKT-5`; 409 when already departed or when the ticket is cancelled, resolved or closed. `at` may be a client reading taken offline (at most 5 minutes ahead of the server, not before the request). Triggers the audit entry `visit.depart`.",
    params(("id" = String, Path, description = "Visit id"), crate::kernel::openapi::IfMatchHeader),
    request_body = FieldReport,
    responses(
        (status = 200, description = "Done", body = VisitOut, headers(("ETag" = String))),
        (status = 409, description = "Already departed, or the ticket is cancelled, resolved or closed", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/visits/{id}/depart")]
async fn depart_visit(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    IfMatch(version): IfMatch,
    ValidJson(b): ValidJson<FieldReport>,
) -> Result<HttpResponse, ApiError> {
    let action = VisitAction::Report {
        command: VisitCommand::Depart,
        at: b.at,
        gps: b.gps,
    };
    act(state, caller, id.into_inner(), version, action).await
}

#[doc = "The visit's engineer reports arrival after departing, with an optional GPS point; `at` as for departure. Only the visit's engineer (403 for anyone else; an invisible visit is 404, ORG-5). Needs `If-Match`. 409 unless the visit is `departed`. Triggers the audit entry `visit.arrive`."]
#[utoipa::path(
    tag = "visits",
    operation_id = "arriveVisit",
    summary = "Report arrival",
    description = "The visit's engineer reports arrival after departing, with an optional GPS point; `at` as for departure. Only the visit's engineer (403 for anyone else; an invisible visit is 404, ORG-5). Needs `If-Match`. 409 unless the visit is `departed`. Triggers the audit entry `visit.arrive`.",
    params(("id" = String, Path, description = "Visit id"), crate::kernel::openapi::IfMatchHeader),
    request_body = FieldReport,
    responses(
        (status = 200, description = "Done", body = VisitOut, headers(("ETag" = String))),
        (status = 409, description = "The visit has not departed or has arrived already", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/visits/{id}/arrive")]
async fn arrive_visit(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    IfMatch(version): IfMatch,
    ValidJson(b): ValidJson<FieldReport>,
) -> Result<HttpResponse, ApiError> {
    let action = VisitAction::Report {
        command: VisitCommand::Arrive,
        at: b.at,
        gps: b.gps,
    };
    act(state, caller, id.into_inner(), version, action).await
}

#[doc = "The visit's engineer finishes (after departing or arriving) and says whether the problem was resolved; an unresolved visit must be escalated (TKT-8) or it is flagged `unresolved_not_escalated`. Only the visit's engineer (403 for anyone else; an invisible visit is 404, ORG-5). Needs `If-Match`. 409 unless the visit is `departed` or `arrived`. Triggers the audit entry `visit.finish`; the feedback form (TKT-7) is then due."]
#[utoipa::path(
    tag = "visits",
    operation_id = "finishVisit",
    summary = "Report the end of a visit",
    description = "The visit's engineer finishes (after departing or arriving) and says whether the problem was resolved; an unresolved visit must be escalated (TKT-8) or it is flagged `unresolved_not_escalated`. Only the visit's engineer (403 for anyone else; an invisible visit is 404, ORG-5). Needs `If-Match`. 409 unless the visit is `departed` or `arrived`. Triggers the audit entry `visit.finish`; the feedback form (TKT-7) is then due.",
    params(("id" = String, Path, description = "Visit id"), crate::kernel::openapi::IfMatchHeader),
    request_body = FinishVisit,
    responses(
        (status = 200, description = "Done", body = VisitOut, headers(("ETag" = String))),
        (status = 409, description = "The visit has not departed or has finished already", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/visits/{id}/finish")]
async fn finish_visit(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    IfMatch(version): IfMatch,
    ValidJson(b): ValidJson<FinishVisit>,
) -> Result<HttpResponse, ApiError> {
    let action = VisitAction::Finish {
        at: b.at,
        gps: b.gps,
        resolved: b.resolved,
        note: b.note,
    };
    act(state, caller, id.into_inner(), version, action).await
}

#[doc = "The visit's engineer escalates to the managers from the site (TKT-8), once: after departing, on site, or right after finishing (409 before departure; 409 naming TKT-8 when already escalated). Only the visit's engineer (403 for anyone else; an invisible visit is 404, ORG-5). Needs `If-Match`. Triggers an `escalate` entry in the ticket's log, the audit entry `visit.escalate` and the `visit.escalated` notification to every enabled manager, with the reason."]
#[utoipa::path(
    tag = "visits",
    operation_id = "escalateVisit",
    summary = "Escalate from the site",
    description = "The visit's engineer escalates to the managers from the site (TKT-8), once: after departing, on site, or right after finishing (409 before departure; 409 naming TKT-8 when already escalated). Only the visit's engineer (403 for anyone else; an invisible visit is 404, ORG-5). Needs `If-Match`. Triggers an `escalate` entry in the ticket's log, the audit entry `visit.escalate` and the `visit.escalated` notification to every enabled manager, with the reason.",
    params(("id" = String, Path, description = "Visit id"), crate::kernel::openapi::IfMatchHeader),
    request_body = ReasonBody,
    responses(
        (status = 200, description = "Done", body = VisitOut, headers(("ETag" = String))),
        (status = 409, description = "The visit has not departed, or is escalated already", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/visits/{id}/escalate")]
async fn escalate_visit(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    IfMatch(version): IfMatch,
    ValidJson(b): ValidJson<ReasonBody>,
) -> Result<HttpResponse, ApiError> {
    let action = VisitAction::Escalate { reason: b.reason };
    act(state, caller, id.into_inner(), version, action).await
}

/// Record a service
///
/// Records a remote or on-site service on a ticket (TKT-6), with the fields its `kind` requires
/// (422 naming each missing field and TKT-6); a `visit_id` must be a visit of this ticket (422
/// otherwise).
///
/// Who: admins, managers, supervisors, clerks and engineers (403 for other roles) who see the
/// ticket (ORG-5: otherwise 404). Refused with 409 on a cancelled ticket.
///
/// Triggers: the audit entry `service_record.create`. A `bug` record raises its program change
/// request in the same transaction (TKT-6 → TKT-12: stage `requested`, the bug's promised date; its
/// id is returned as `change_request_id`).
#[utoipa::path(
    tag = "visits",
    operation_id = "createServiceRecord",
    params(("id" = String, Path, description = "Ticket id")),
    request_body = CreateServiceRecord,
    responses(
        (status = 201, description = "Recorded", body = ServiceRecordOut, headers(("Location" = String), ("ETag" = String))),
        (status = 409, description = "The ticket is cancelled", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/tickets/{id}/service-records")]
async fn create_service_record(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    ValidJson(input): ValidJson<CreateServiceRecord>,
) -> Result<HttpResponse, ApiError> {
    access::require(Action::ServiceRecordCreate, &caller.actor.roles)?;
    let ctx = Ctx::of(&caller, state.clock.now());
    let actor = caller.actor.clone();
    let id = id.into_inner();
    let out = state
        .tx(move |conn| svc::create_record(conn, &ctx, &actor, &id, input))
        .await?;
    Ok(created(
        format!("/api/v1/tickets/{}/service-records", out.ticket_id),
        Some(out.version),
        &out,
    ))
}

/// List a ticket's service records
///
/// The ticket's service records (TKT-6), oldest first, in one page. Any signed-in user who sees the
/// ticket (ORG-5: otherwise 404). Read-only.
#[utoipa::path(
    tag = "visits",
    operation_id = "listServiceRecords",
    params(("id" = String, Path, description = "Ticket id")),
    responses((status = 200, description = "The records", body = Page<ServiceRecordOut>))
)]
#[get("/tickets/{id}/service-records")]
async fn list_service_records(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let actor = caller.actor.clone();
    let items = state
        .db(move |conn| svc::records(conn, &actor, &id))
        .await?;
    Ok(HttpResponse::Ok().json(Page {
        items,
        next_cursor: None,
    }))
}

/// Get the dispatch board of a day
///
/// The dispatch board of a day (TKT-5): per engineer, the visits planned that day and the tickets
/// whose planned window starts that day, optionally for one `team_id`, under the caller's ORG-5
/// scope (a supervisor sees their teams'). Admins, managers and supervisors only (403 for others).
/// Read-only.
#[utoipa::path(
    tag = "visits",
    operation_id = "getDispatchBoard",
    params(BoardQuery),
    responses((status = 200, description = "The board", body = DispatchBoard))
)]
#[get("/dispatch-board")]
async fn dispatch_board(
    state: web::Data<AppState>,
    caller: Caller,
    StrictQuery(query): StrictQuery<BoardQuery>,
) -> Result<HttpResponse, ApiError> {
    access::require(Action::DispatchBoard, &caller.actor.roles)?;
    let actor = caller.actor.clone();
    let tz = state.config.timezone;
    let now = state.clock.now();
    let team = trimmed(query.team_id);
    let board = state
        .db(move |conn| dispatch::board(conn, &actor, tz, now, query.date, team.as_deref()))
        .await?;
    Ok(HttpResponse::Ok().json(board))
}

/// Get my agenda of a day
///
/// The caller's day in one call (default today): their visits of the day and the tickets assigned
/// to them that are planned to start that day, each with ticket, customer, site address, contact
/// (phone withheld when CUS-1 does not allow calling) and equipment. Engineers, supervisors,
/// managers and admins (403 for others). Read-only.
#[utoipa::path(
    tag = "visits",
    operation_id = "getMyAgenda",
    params(AgendaQuery),
    responses((status = 200, description = "The agenda", body = Agenda))
)]
#[get("/me/agenda")]
async fn my_agenda(
    state: web::Data<AppState>,
    caller: Caller,
    StrictQuery(query): StrictQuery<AgendaQuery>,
) -> Result<HttpResponse, ApiError> {
    access::require(Action::MyAgenda, &caller.actor.roles)?;
    let actor = caller.actor.clone();
    let tz = state.config.timezone;
    let now = state.clock.now();
    let day = query.date.unwrap_or_else(|| state.today());
    let agenda = state
        .db(move |conn| dispatch::agenda(conn, &actor, tz, now, day))
        .await?;
    Ok(HttpResponse::Ok().json(agenda))
}
