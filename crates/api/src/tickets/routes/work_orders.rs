use crate::kernel::auth::Caller;
use crate::kernel::command::{Ctx, Versioned, run_command};
use crate::kernel::error::{ApiError, Problem};
use crate::kernel::export::{self, Listed};
use crate::kernel::extract::{IfMatch, ValidJson};
use crate::kernel::page::{Page, paginate, row_key, window};
use crate::kernel::respond::{created, versioned};
use crate::kernel::state::AppState;
use crate::tickets::dto::tickets::ReasonBody;
use crate::tickets::dto::work_orders::{
    CloseWorkOrder, CreateWorkOrder, EXPORT, SolveWorkOrder, StartWorkOrder, WorkOrderOut,
    WorkOrderQuery,
};
use crate::tickets::service::tickets::ticket_scope;
use crate::tickets::service::work_orders::{self as svc, WorkOrderAction};
use actix_web::http::StatusCode;
use actix_web::{HttpResponse, get, post, web};
use kefu_store::to_db_time;
use kefu_store::work_orders::{self as store, WorkOrderFilter};
use kefu_tickets::access::{self, Action};
use utoipa_actix_web::service_config::ServiceConfig;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(create_work_order)
        .service(list_work_orders)
        .service(get_work_order)
        .service(start_work_order)
        .service(solve_work_order)
        .service(close_work_order)
        .service(cancel_work_order);
}

fn trimmed(s: Option<String>) -> Option<String> {
    s.map(|s| s.trim().to_owned()).filter(|s| !s.is_empty())
}

/// Raise a work order
///
/// Raises an internal work order (status `open`) on a ticket (TKT-11) to the technical service
/// centre or the web-operations centre (`target`), optionally naming an enabled staff assignee (422
/// `assignee_id` otherwise).
///
/// Who: supervisors (the shift lead), managers and admins, or the ticket's assigned engineer (403
/// for anyone else), on a ticket they see (ORG-5: otherwise 404). TKT-11: 409 on a resolved, closed
/// or cancelled ticket.
///
/// Triggers: the audit entry `work_order.create` and the `work_order.assigned` notification to the
/// assignee, unless they raised it themselves. Until the work order is closed with its
/// knowledge-base article or cancelled, resolving the ticket is 422 `TKT-11`.
#[utoipa::path(
    tag = "work-orders",
    operation_id = "createWorkOrder",
    params(("id" = String, Path, description = "Ticket id")),
    request_body = CreateWorkOrder,
    responses(
        (status = 201, description = "Raised", body = WorkOrderOut, headers(("Location" = String), ("ETag" = String))),
        (status = 409, description = "The ticket is resolved, closed or cancelled", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/tickets/{id}/work-orders")]
async fn create_work_order(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    ValidJson(input): ValidJson<CreateWorkOrder>,
) -> Result<HttpResponse, ApiError> {
    access::require(Action::WorkOrderCreate, &caller.actor.roles)?;
    let ctx = Ctx::of(&caller, state.clock.now());
    let actor = caller.actor.clone();
    let id = id.into_inner();
    let out = state
        .tx(move |conn| svc::create(conn, &ctx, &actor, &id, input))
        .await?;
    Ok(created(
        format!("/api/v1/work-orders/{}", out.id),
        Some(out.version),
        &out,
    ))
}

/// List work orders
///
/// Lists the work orders visible to the caller: those of the tickets they see (ORG-5) and those
/// assigned to them, filtered by `target`, `status`, `ticket_id`, `assignee_id`. Without
/// `updated_since`: in id order; with it: every work order changed after that instant in
/// `(updated_at, id)` order, tombstones (`deleted: true`) included. `/export` (CSV or XLSX) exports the
/// same list. Staff only — every role but `customer_contact` (403). Read-only.
#[utoipa::path(
    tag = "work-orders",
    operation_id = "listWorkOrders",
    params(WorkOrderQuery),
    responses((status = 200, description = "One page of work orders", body = Page<WorkOrderOut>))
)]
#[get("/work-orders")]
async fn list_work_orders(
    state: web::Data<AppState>,
    caller: Caller,
    listed: Listed<WorkOrderQuery>,
) -> Result<HttpResponse, ApiError> {
    access::require(Action::WorkOrderList, &caller.actor.roles)?;
    let data = state.clone();
    export::respond(&data, &EXPORT, listed, move |query| {
        work_orders_page(state.clone(), caller.clone(), query)
    })
    .await
}

/// One page of the list (also what an export reads page by page).
async fn work_orders_page(
    state: web::Data<AppState>,
    caller: Caller,
    query: WorkOrderQuery,
) -> Result<Page<WorkOrderOut>, ApiError> {
    let (limit, fetch, mode) = window(
        query.limit,
        query.updated_since.as_deref(),
        query.cursor.as_deref(),
    )?;
    let filter = WorkOrderFilter {
        target: query.target,
        status: query.status,
        ticket_id: trimmed(query.ticket_id),
        assignee_id: trimmed(query.assignee_id),
    };
    let actor = caller.actor.clone();
    let (mode, items) = state
        .db(move |conn| {
            let scope = ticket_scope(conn, &actor)?;
            let rows = store::list(conn, &scope, &actor.user_id, &filter, &mode, fetch)?;
            Ok((mode, svc::render_all(&rows, &actor)))
        })
        .await?;
    Ok(paginate(
        items,
        limit,
        |w| row_key(&mode, to_db_time(w.updated_at), &w.id),
        |w| w,
    ))
}

/// Get a work order
///
/// The work order with its version as `ETag`. Staff only (every role but `customer_contact`: 403);
/// visible with its ticket (ORG-5) or to its assignee, otherwise 404. Read-only.
#[utoipa::path(
    tag = "work-orders",
    operation_id = "getWorkOrder",
    params(("id" = String, Path, description = "Work order id")),
    responses((status = 200, description = "The work order", body = WorkOrderOut, headers(("ETag" = String))))
)]
#[get("/work-orders/{id}")]
async fn get_work_order(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    access::require(Action::WorkOrderGet, &caller.actor.roles)?;
    let id = id.into_inner();
    let actor = caller.actor.clone();
    let out = state.db(move |conn| svc::get(conn, &actor, &id)).await?;
    Ok(versioned(StatusCode::OK, out.version, &out))
}

async fn act(
    state: web::Data<AppState>,
    caller: Caller,
    id: String,
    version: i64,
    action: WorkOrderAction,
) -> Result<HttpResponse, ApiError> {
    // The role check before loading: a stranger is refused before learning the order exists.
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

impl Versioned for WorkOrderOut {
    fn version(&self) -> i64 {
        self.version
    }
}

#[doc = "The assignee starts work (`open` → `in_progress`; 409 from any other status); a supervisor, manager or admin may start it for someone, naming or changing the assignee (an enabled staff user, else 422). Anyone else is 403; a work order not visible to the caller (with its ticket, ORG-5, or as assignee) is 404. Needs `If-Match`. Triggers the audit entry `work_order.start` and, when the assignee changes, the `work_order.assigned` notification to the new assignee (unless that is the caller)."]
#[utoipa::path(
    tag = "work-orders",
    operation_id = "startWorkOrder",
    summary = "Start a work order",
    description = "The assignee starts work (`open` → `in_progress`; 409 from any other status); a supervisor, manager or admin may start it for someone, naming or changing the assignee (an enabled staff user, else 422). Anyone else is 403; a work order not visible to the caller (with its ticket, ORG-5, or as assignee) is 404. Needs `If-Match`. Triggers the audit entry `work_order.start` and, when the assignee changes, the `work_order.assigned` notification to the new assignee (unless that is the caller).",
    params(("id" = String, Path, description = "Work order id"), crate::kernel::openapi::IfMatchHeader),
    request_body = StartWorkOrder,
    responses(
        (status = 200, description = "Done", body = WorkOrderOut, headers(("ETag" = String))),
        (status = 409, description = "The work order is not open", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/work-orders/{id}/start")]
async fn start_work_order(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    IfMatch(version): IfMatch,
    ValidJson(b): ValidJson<StartWorkOrder>,
) -> Result<HttpResponse, ApiError> {
    let action = WorkOrderAction::Start {
        assignee_id: b.assignee_id,
    };
    act(state, caller, id.into_inner(), version, action).await
}

#[doc = "The assignee (or a supervisor, manager or admin; 403 for anyone else) records the solution (`open`/`in_progress` → `solved`; 409 once solved, closed or cancelled). Needs `If-Match`; an invisible work order is 404 (ORG-5). Triggers the audit entry `work_order.solve` and the `work_order.solved` notification to the raiser (unless the raiser solved it). The support specialist then writes the customer-facing wording into the knowledge base and closes the work order with it (TKT-11)."]
#[utoipa::path(
    tag = "work-orders",
    operation_id = "solveWorkOrder",
    summary = "Solve a work order",
    description = "The assignee (or a supervisor, manager or admin; 403 for anyone else) records the solution (`open`/`in_progress` → `solved`; 409 once solved, closed or cancelled). Needs `If-Match`; an invisible work order is 404 (ORG-5). Triggers the audit entry `work_order.solve` and the `work_order.solved` notification to the raiser (unless the raiser solved it). The support specialist then writes the customer-facing wording into the knowledge base and closes the work order with it (TKT-11).",
    params(("id" = String, Path, description = "Work order id"), crate::kernel::openapi::IfMatchHeader),
    request_body = SolveWorkOrder,
    responses(
        (status = 200, description = "Done", body = WorkOrderOut, headers(("ETag" = String))),
        (status = 409, description = "The work order is solved, closed or cancelled already", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/work-orders/{id}/solve")]
async fn solve_work_order(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    IfMatch(version): IfMatch,
    ValidJson(b): ValidJson<SolveWorkOrder>,
) -> Result<HttpResponse, ApiError> {
    let action = WorkOrderAction::Solve {
        solution: b.solution,
    };
    act(state, caller, id.into_inner(), version, action).await
}

#[doc = "TKT-11: closes a solved work order (409 unless `solved`) with the knowledge-base article (`kb_article_id`, a live article, else 422 naming the field) holding the customer-facing wording; without one, 422 with rule `TKT-11`. Clerks (support specialists), the raiser, supervisors, managers and admins (403 for anyone else); an invisible work order is 404 (ORG-5). Needs `If-Match`. Triggers the audit entry `work_order.close`; a closed work order no longer holds its ticket's resolution back."]
#[utoipa::path(
    tag = "work-orders",
    operation_id = "closeWorkOrder",
    summary = "Close a solved work order with its KB article",
    description = "TKT-11: closes a solved work order (409 unless `solved`) with the knowledge-base article (`kb_article_id`, a live article, else 422 naming the field) holding the customer-facing wording; without one, 422 with rule `TKT-11`. Clerks (support specialists), the raiser, supervisors, managers and admins (403 for anyone else); an invisible work order is 404 (ORG-5). Needs `If-Match`. Triggers the audit entry `work_order.close`; a closed work order no longer holds its ticket's resolution back.",
    params(("id" = String, Path, description = "Work order id"), crate::kernel::openapi::IfMatchHeader),
    request_body = CloseWorkOrder,
    responses(
        (status = 200, description = "Done", body = WorkOrderOut, headers(("ETag" = String))),
        (status = 409, description = "The work order is not solved", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/work-orders/{id}/close")]
async fn close_work_order(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    IfMatch(version): IfMatch,
    ValidJson(b): ValidJson<CloseWorkOrder>,
) -> Result<HttpResponse, ApiError> {
    let action = WorkOrderAction::Close {
        kb_article_id: b.kb_article_id,
    };
    act(state, caller, id.into_inner(), version, action).await
}

#[doc = "Cancels an open or in-progress work order with a reason (409 once solved, closed or cancelled): the raiser, supervisors, managers and admins (403 for anyone else); an invisible work order is 404 (ORG-5). Needs `If-Match`. A cancelled work order no longer holds its ticket back (TKT-11). Triggers the audit entry `work_order.cancel`."]
#[utoipa::path(
    tag = "work-orders",
    operation_id = "cancelWorkOrder",
    summary = "Cancel a work order",
    description = "Cancels an open or in-progress work order with a reason (409 once solved, closed or cancelled): the raiser, supervisors, managers and admins (403 for anyone else); an invisible work order is 404 (ORG-5). Needs `If-Match`. A cancelled work order no longer holds its ticket back (TKT-11). Triggers the audit entry `work_order.cancel`.",
    params(("id" = String, Path, description = "Work order id"), crate::kernel::openapi::IfMatchHeader),
    request_body = ReasonBody,
    responses(
        (status = 200, description = "Done", body = WorkOrderOut, headers(("ETag" = String))),
        (status = 409, description = "The work order is solved, closed or cancelled already", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/work-orders/{id}/cancel")]
async fn cancel_work_order(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    IfMatch(version): IfMatch,
    ValidJson(b): ValidJson<ReasonBody>,
) -> Result<HttpResponse, ApiError> {
    let action = WorkOrderAction::Cancel { reason: b.reason };
    act(state, caller, id.into_inner(), version, action).await
}
