use crate::kernel::auth::Caller;
use crate::kernel::command::{Ctx, Versioned, run_command};
use crate::kernel::error::{ApiError, Problem};
use crate::kernel::export::{self, Listed};
use crate::kernel::extract::{IfMatch, StrictQuery, ValidJson, trimmed};
use crate::kernel::page::{
    Page, decode_cursor, fetch_size, list_mode, paginate, parse_updated_since, row_key,
};
use crate::kernel::respond::{created, versioned};
use crate::kernel::state::AppState;
use crate::tickets::dto::tickets::{
    AssignTicket, AtRiskQuery, ConfirmAppointment, CreateTicket, EXPORT, MissedAppointment,
    NoteBody, ReasonBody, ResolveTicket, TicketOut, TicketQuery, TransitionOut,
};
use crate::tickets::service::tickets as svc;
use crate::tickets::service::transition;
use actix_web::http::StatusCode;
use actix_web::{HttpResponse, get, post, web};
use kefu_core::FieldError;
use kefu_store::tickets::{self as store, TicketFilter};
use kefu_store::to_db_time;
use kefu_tickets::access::{self, Action};
use kefu_tickets::decide::TicketCommand;
use kefu_tickets::lifecycle::Command;
use utoipa_actix_web::service_config::ServiceConfig;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(list_tickets)
        .service(at_risk_tickets)
        .service(create_ticket)
        .service(get_ticket)
        .service(list_ticket_transitions)
        .service(assign_ticket)
        .service(start_ticket)
        .service(wait_ticket)
        .service(resume_ticket)
        .service(resolve_ticket)
        .service(close_ticket)
        .service(cancel_ticket)
        .service(reopen_ticket)
        .service(confirm_appointment)
        .service(missed_appointment);
}

/// List or delta-sync tickets
///
/// Any signed-in user; the list holds only the tickets visible to the caller (ORG-5): admins,
/// managers, executives, finance, HR, clerks, callback agents and QA inspectors see all; an
/// engineer the tickets assigned to them or that they took; a supervisor also their teams' and
/// their members'; a customer contact their customer's.
///
/// Without `updated_since`: tickets in id order; with it: every ticket changed after that instant
/// in `(updated_at, id)` order. `breached` is judged at the server's current time. `format=csv` (or
/// `Accept: text/csv`) exports the same list. Read-only: no audit entry.
#[utoipa::path(
    tag = "tickets",
    operation_id = "listTickets",
    params(TicketQuery),
    responses((status = 200, description = "One page of tickets", body = Page<TicketOut>))
)]
#[get("/tickets")]
async fn list_tickets(
    state: web::Data<AppState>,
    caller: Caller,
    listed: Listed<TicketQuery>,
) -> Result<HttpResponse, ApiError> {
    let data = state.clone();
    export::respond(&data, &EXPORT, listed, move |query| {
        tickets_page(state.clone(), caller.clone(), query)
    })
    .await
}

/// One page of the list (also what an export reads page by page).
async fn tickets_page(
    state: web::Data<AppState>,
    caller: Caller,
    query: TicketQuery,
) -> Result<Page<TicketOut>, ApiError> {
    let (limit, fetch) = fetch_size(query.limit)?;
    let since = query
        .updated_since
        .as_deref()
        .map(parse_updated_since)
        .transpose()?;
    let mode = list_mode(since, query.cursor.as_deref())?;
    let now = state.clock.now();
    let filter = TicketFilter {
        status: query.status.map(|s| s.as_str().to_owned()),
        assignee_id: trimmed(query.assignee_id),
        customer_id: trimmed(query.customer_id),
        ticket_type: query.ticket_type.map(|t| t.as_str().to_owned()),
        priority: query.priority.map(|p| p.as_str().to_owned()),
        breached: query.breached.map(|b| (b, to_db_time(now))),
        created_from: query.created_from.map(to_db_time),
        created_to: query.created_to.map(to_db_time),
        q: trimmed(query.q),
    };
    let actor = caller.actor.clone();
    let (mode, items) = state
        .db(move |conn| {
            let scope = svc::ticket_scope(conn, &actor)?;
            let rows = store::list(conn, &scope, &filter, &mode, fetch)?;
            Ok((mode, svc::render_all(&rows, now)?))
        })
        .await?;
    Ok(paginate(
        items,
        limit,
        |t| row_key(&mode, to_db_time(t.updated_at), &t.id),
        |t| t,
    ))
}

/// List tickets breached or due soon
///
/// Tickets at risk (TKT-2): visible open tickets, not waiting for the customer, with an unmet
/// response or resolution due instant within `within_minutes` (default 120, at most 10080) from now
/// or already past, in id order.
///
/// Any signed-in user, over the tickets visible to them (ORG-5, as in `listTickets`). Read-only.
#[utoipa::path(
    tag = "tickets",
    operation_id = "listAtRiskTickets",
    params(AtRiskQuery),
    responses((status = 200, description = "One page of tickets", body = Page<TicketOut>))
)]
#[get("/tickets/at-risk")]
async fn at_risk_tickets(
    state: web::Data<AppState>,
    caller: Caller,
    StrictQuery(query): StrictQuery<AtRiskQuery>,
) -> Result<HttpResponse, ApiError> {
    let (limit, fetch) = fetch_size(query.limit)?;
    let within = query.within_minutes.unwrap_or(120);
    if within > 10_080 {
        return Err(ApiError::Invalid(vec![FieldError::new(
            "query.within_minutes",
            "range",
            "must be between 0 and 10080",
        )]));
    }
    let after = decode_cursor(query.cursor.as_deref())?;
    let now = state.clock.now();
    let horizon = to_db_time(now + chrono::Duration::minutes(i64::from(within)));
    let actor = caller.actor.clone();
    let items = state
        .db(move |conn| {
            let scope = svc::ticket_scope(conn, &actor)?;
            let rows = store::breached_or_at_risk(conn, &scope, horizon, after.as_deref(), fetch)?;
            svc::render_all(&rows, now)
        })
        .await?;
    Ok(HttpResponse::Ok().json(paginate(items, limit, |t| t.id.clone(), |t| t)))
}

/// Open a ticket
///
/// Opens a ticket (TKT-1) in state `new` with its number and SLA due instants (TKT-2).
///
/// Who: admins, managers, supervisors, clerks, engineers, callback agents and executives give the
/// `channel` (422 `channel` `required` without it); a customer contact opens tickets for their own
/// customer through `web` only (422 on another channel). The customer must be visible to the caller
/// (ORG-5; 422 `customer_id` otherwise); site, contact and equipment must belong to that customer
/// (TKT-1, 422 naming the field).
///
/// The due instants follow the `sla-policy` and `work-hours` rule sets in force on the opening day
/// and the work calendar (CAL-1). With a client-chosen `id` that exists already and is visible,
/// that ticket is returned with 200 and nothing is written (an offline create retried); an id of a
/// record the caller cannot see is 409. Writes the `open` log entry and the audit entry
/// `ticket.create`.
#[utoipa::path(
    tag = "tickets",
    operation_id = "createTicket",
    request_body = CreateTicket,
    responses(
        (status = 201, description = "Opened", body = TicketOut, headers(("Location" = String), ("ETag" = String))),
        (status = 200, description = "Already created with this id", body = TicketOut, headers(("ETag" = String))),
        (status = 409, description = "The id belongs to another record", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/tickets")]
async fn create_ticket(
    state: web::Data<AppState>,
    caller: Caller,
    ValidJson(input): ValidJson<CreateTicket>,
) -> Result<HttpResponse, ApiError> {
    access::require(Action::TicketCreate, &caller.actor.roles)?;
    let ctx = Ctx::of(&caller, state.clock.now());
    let actor = caller.actor.clone();
    let tz = state.config.timezone;
    let (out, fresh) = state
        .tx(move |conn| svc::create(conn, &ctx, &actor, tz, input))
        .await?;
    Ok(if fresh {
        created(
            format!("/api/v1/tickets/{}", out.id),
            Some(out.version),
            &out,
        )
    } else {
        versioned(StatusCode::OK, out.version, &out)
    })
}

/// Get a ticket
///
/// The ticket with its SLA due instants and breach flags, and its version as `ETag` for the
/// `If-Match` of a command.
///
/// Any signed-in user; a ticket outside the caller's ORG-5 scope (see `listTickets`) reads as 404.
#[utoipa::path(
    tag = "tickets",
    operation_id = "getTicket",
    params(("id" = String, Path, description = "Ticket id")),
    responses((status = 200, description = "The ticket", body = TicketOut, headers(("ETag" = String))))
)]
#[get("/tickets/{id}")]
async fn get_ticket(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let now = state.clock.now();
    let actor = caller.actor.clone();
    let out = state
        .db(move |conn| {
            let scope = svc::ticket_scope(conn, &actor)?;
            svc::render(&svc::get_row(conn, &scope, &id)?, now)
        })
        .await?;
    Ok(versioned(StatusCode::OK, out.version, &out))
}

/// List a ticket's transitions
///
/// The ticket's log (TKT-3): every transition and dispatch event (`open`, `assign`, `reassign`,
/// `start`, `wait`, `resume`, `resolve`, `close`, `cancel`, `reopen`, `confirm_appointment`,
/// `missed_appointment`, `escalate`) with actor, time and reason, oldest first, in one page.
///
/// Any signed-in user who sees the ticket (ORG-5; otherwise 404).
#[utoipa::path(
    tag = "tickets",
    operation_id = "listTicketTransitions",
    params(("id" = String, Path, description = "Ticket id")),
    responses((status = 200, description = "The log, oldest first", body = Page<TransitionOut>))
)]
#[get("/tickets/{id}/transitions")]
async fn list_ticket_transitions(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let actor = caller.actor.clone();
    let items = state
        .db(move |conn| svc::transitions(conn, &actor, &id))
        .await?;
    Ok(HttpResponse::Ok().json(Page {
        items,
        next_cursor: None,
    }))
}

async fn command(
    state: web::Data<AppState>,
    caller: Caller,
    id: String,
    version: i64,
    command: TicketCommand,
) -> Result<HttpResponse, ApiError> {
    // The role check before loading: a stranger is refused before learning the ticket exists.
    access::require(command.action(), &caller.actor.roles)?;
    let tz = state.config.timezone;
    run_command(
        state,
        caller,
        id,
        version,
        move |conn, ctx, actor, id, version| {
            transition::run(conn, ctx, actor, tz, id, version, command)
        },
    )
    .await
}

impl Versioned for TicketOut {
    fn version(&self) -> i64 {
        self.version
    }
}

fn lifecycle(command: Command, reason: Option<String>) -> TicketCommand {
    TicketCommand::Lifecycle { command, reason }
}

/// Assign a ticket
///
/// Assigns or reassigns the ticket (TKT-4) to an enabled engineer (422 `assignee_id` otherwise),
/// with an optional planned visit window (both ends, end after start; 422 otherwise).
///
/// Who: admins, managers and supervisors (403 for anyone else), on a ticket they see (ORG-5:
/// otherwise 404). Needs `If-Match`. Allowed from `new`, `assigned`, `in_progress` and
/// `waiting_customer` (TKT-3: 409 from `resolved`, `closed` or `cancelled`). The ticket becomes
/// `assigned`, takes the engineer's team, and a previous appointment confirmation is cleared;
/// leaving `waiting_customer` moves the unmet due instants by the working time spent waiting
/// (TKT-2).
///
/// Triggers: the log entry `assign` (or `reassign`), the audit entry
/// `ticket.assign`/`ticket.reassign`, and the `ticket.assigned` notification to the engineer unless
/// they assigned themselves.
#[utoipa::path(
    tag = "tickets",
    operation_id = "assignTicket",
    params(("id" = String, Path, description = "Ticket id"), crate::kernel::openapi::IfMatchHeader),
    request_body = AssignTicket,
    responses(
        (status = 200, description = "Assigned", body = TicketOut, headers(("ETag" = String))),
        (status = 409, description = "TKT-3: not allowed in the ticket's state", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/tickets/{id}/assign")]
async fn assign_ticket(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    IfMatch(version): IfMatch,
    ValidJson(input): ValidJson<AssignTicket>,
) -> Result<HttpResponse, ApiError> {
    let cmd = TicketCommand::Assign {
        assignee_id: input.assignee_id.into(),
        planned_start: input.planned_start,
        planned_end: input.planned_end,
        reason: input.reason,
    };
    command(state, caller, id.into_inner(), version, cmd).await
}

#[doc = "Start work (`assigned` → `in_progress`; TKT-3: 409 from any other state). Who: the ticket's assignee, or an admin, manager or supervisor (403 for others); the ticket must be visible (ORG-5: otherwise 404). Needs `If-Match`. The first start records the response (TKT-2: meets the response target). Writes the log entry `start` and the audit entry `ticket.start`."]
#[utoipa::path(
    tag = "tickets",
    operation_id = "startTicket",
    summary = "Start work on a ticket",
    description = "Start work (`assigned` → `in_progress`; TKT-3: 409 from any other state). Who: the ticket's assignee, or an admin, manager or supervisor (403 for others); the ticket must be visible (ORG-5: otherwise 404). Needs `If-Match`. The first start records the response (TKT-2: meets the response target). Writes the log entry `start` and the audit entry `ticket.start`.",
    params(("id" = String, Path, description = "Ticket id"), crate::kernel::openapi::IfMatchHeader),
    request_body = NoteBody,
    responses(
        (status = 200, description = "Done", body = TicketOut, headers(("ETag" = String))),
        (status = 409, description = "TKT-3: not allowed in the ticket's state", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/tickets/{id}/start")]
async fn start_ticket(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    IfMatch(version): IfMatch,
    ValidJson(b): ValidJson<NoteBody>,
) -> Result<HttpResponse, ApiError> {
    let reason = b.reason;
    command(
        state,
        caller,
        id.into_inner(),
        version,
        lifecycle(Command::Start, reason),
    )
    .await
}

#[doc = "Wait for the customer (`in_progress` → `waiting_customer`, `reason` required; TKT-3: 409 from any other state). Who: the ticket's assignee, or an admin, manager or supervisor (403 for others); the ticket must be visible (ORG-5: otherwise 404). Needs `If-Match`. The SLA clock stops until the ticket resumes (TKT-2), and the SLA watch skips it meanwhile. Writes the log entry `wait` and the audit entry `ticket.wait`."]
#[utoipa::path(
    tag = "tickets",
    operation_id = "waitTicket",
    summary = "Wait for the customer",
    description = "Wait for the customer (`in_progress` → `waiting_customer`, `reason` required; TKT-3: 409 from any other state). Who: the ticket's assignee, or an admin, manager or supervisor (403 for others); the ticket must be visible (ORG-5: otherwise 404). Needs `If-Match`. The SLA clock stops until the ticket resumes (TKT-2), and the SLA watch skips it meanwhile. Writes the log entry `wait` and the audit entry `ticket.wait`.",
    params(("id" = String, Path, description = "Ticket id"), crate::kernel::openapi::IfMatchHeader),
    request_body = ReasonBody,
    responses(
        (status = 200, description = "Done", body = TicketOut, headers(("ETag" = String))),
        (status = 409, description = "TKT-3: not allowed in the ticket's state", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/tickets/{id}/wait")]
async fn wait_ticket(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    IfMatch(version): IfMatch,
    ValidJson(b): ValidJson<ReasonBody>,
) -> Result<HttpResponse, ApiError> {
    let reason = Some(b.reason);
    command(
        state,
        caller,
        id.into_inner(),
        version,
        lifecycle(Command::Wait, reason),
    )
    .await
}

#[doc = "Resume (`waiting_customer` → `in_progress`; TKT-3: 409 from any other state). Who: the ticket's assignee, or an admin, manager or supervisor (403 for others); the ticket must be visible (ORG-5: otherwise 404). Needs `If-Match`. Unmet due instants move by the working time spent waiting (TKT-2, work calendar CAL-1). Writes the log entry `resume` and the audit entry `ticket.resume`."]
#[utoipa::path(
    tag = "tickets",
    operation_id = "resumeTicket",
    summary = "Resume a waiting ticket",
    description = "Resume (`waiting_customer` → `in_progress`; TKT-3: 409 from any other state). Who: the ticket's assignee, or an admin, manager or supervisor (403 for others); the ticket must be visible (ORG-5: otherwise 404). Needs `If-Match`. Unmet due instants move by the working time spent waiting (TKT-2, work calendar CAL-1). Writes the log entry `resume` and the audit entry `ticket.resume`.",
    params(("id" = String, Path, description = "Ticket id"), crate::kernel::openapi::IfMatchHeader),
    request_body = NoteBody,
    responses(
        (status = 200, description = "Done", body = TicketOut, headers(("ETag" = String))),
        (status = 409, description = "TKT-3: not allowed in the ticket's state", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/tickets/{id}/resume")]
async fn resume_ticket(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    IfMatch(version): IfMatch,
    ValidJson(b): ValidJson<NoteBody>,
) -> Result<HttpResponse, ApiError> {
    let reason = b.reason;
    command(
        state,
        caller,
        id.into_inner(),
        version,
        lifecycle(Command::Resume, reason),
    )
    .await
}

#[doc = "Close (`resolved` → `closed`; TKT-3: 409 from any other state). Who: admins, managers and clerks (403 for others), on a visible ticket (ORG-5: otherwise 404). Needs `If-Match`. A satisfied callback closes its ticket itself (TKT-9). Writes the log entry `close` and the audit entry `ticket.close`."]
#[utoipa::path(
    tag = "tickets",
    operation_id = "closeTicket",
    summary = "Close a resolved ticket",
    description = "Close (`resolved` → `closed`; TKT-3: 409 from any other state). Who: admins, managers and clerks (403 for others), on a visible ticket (ORG-5: otherwise 404). Needs `If-Match`. A satisfied callback closes its ticket itself (TKT-9). Writes the log entry `close` and the audit entry `ticket.close`.",
    params(("id" = String, Path, description = "Ticket id"), crate::kernel::openapi::IfMatchHeader),
    request_body = NoteBody,
    responses(
        (status = 200, description = "Done", body = TicketOut, headers(("ETag" = String))),
        (status = 409, description = "TKT-3: not allowed in the ticket's state", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/tickets/{id}/close")]
async fn close_ticket(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    IfMatch(version): IfMatch,
    ValidJson(b): ValidJson<NoteBody>,
) -> Result<HttpResponse, ApiError> {
    let reason = b.reason;
    command(
        state,
        caller,
        id.into_inner(),
        version,
        lifecycle(Command::Close, reason),
    )
    .await
}

#[doc = "Cancel (from `new`, `assigned`, `in_progress` or `waiting_customer`, `reason` required; TKT-3: 409 once resolved, closed or cancelled). Who: admins, managers, supervisors and clerks (403 for others), on a visible ticket (ORG-5: otherwise 404). Needs `If-Match`. Writes the log entry `cancel` and the audit entry `ticket.cancel`."]
#[utoipa::path(
    tag = "tickets",
    operation_id = "cancelTicket",
    summary = "Cancel a ticket",
    description = "Cancel (from `new`, `assigned`, `in_progress` or `waiting_customer`, `reason` required; TKT-3: 409 once resolved, closed or cancelled). Who: admins, managers, supervisors and clerks (403 for others), on a visible ticket (ORG-5: otherwise 404). Needs `If-Match`. Writes the log entry `cancel` and the audit entry `ticket.cancel`.",
    params(("id" = String, Path, description = "Ticket id"), crate::kernel::openapi::IfMatchHeader),
    request_body = ReasonBody,
    responses(
        (status = 200, description = "Done", body = TicketOut, headers(("ETag" = String))),
        (status = 409, description = "TKT-3: not allowed in the ticket's state", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/tickets/{id}/cancel")]
async fn cancel_ticket(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    IfMatch(version): IfMatch,
    ValidJson(b): ValidJson<ReasonBody>,
) -> Result<HttpResponse, ApiError> {
    let reason = Some(b.reason);
    command(
        state,
        caller,
        id.into_inner(),
        version,
        lifecycle(Command::Cancel, reason),
    )
    .await
}

#[doc = "Reopen (`resolved` or `closed` → `in_progress`, `reason` required; TKT-3: 409 from any other state). Who: admins, managers, supervisors, clerks and callback agents (403 for others), on a visible ticket (ORG-5: otherwise 404). Needs `If-Match`. Clears the resolved and closed instants; a dissatisfied callback reopens its ticket itself (TKT-9). Writes the log entry `reopen` and the audit entry `ticket.reopen`."]
#[utoipa::path(
    tag = "tickets",
    operation_id = "reopenTicket",
    summary = "Reopen a ticket",
    description = "Reopen (`resolved` or `closed` → `in_progress`, `reason` required; TKT-3: 409 from any other state). Who: admins, managers, supervisors, clerks and callback agents (403 for others), on a visible ticket (ORG-5: otherwise 404). Needs `If-Match`. Clears the resolved and closed instants; a dissatisfied callback reopens its ticket itself (TKT-9). Writes the log entry `reopen` and the audit entry `ticket.reopen`.",
    params(("id" = String, Path, description = "Ticket id"), crate::kernel::openapi::IfMatchHeader),
    request_body = ReasonBody,
    responses(
        (status = 200, description = "Done", body = TicketOut, headers(("ETag" = String))),
        (status = 409, description = "TKT-3: not allowed in the ticket's state", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/tickets/{id}/reopen")]
async fn reopen_ticket(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    IfMatch(version): IfMatch,
    ValidJson(b): ValidJson<ReasonBody>,
) -> Result<HttpResponse, ApiError> {
    let reason = Some(b.reason);
    command(
        state,
        caller,
        id.into_inner(),
        version,
        lifecycle(Command::Reopen, reason),
    )
    .await
}

/// Resolve a ticket
///
/// Resolves the ticket (`in_progress` → `resolved`; TKT-3: 409 from any other state) with its
/// resolution summary.
///
/// Who: the ticket's assignee, or an admin, manager or supervisor (403 for others), on a visible
/// ticket (ORG-5: otherwise 404). Needs `If-Match`. TKT-11: refused with 422 naming `TKT-11` while
/// a work order of the ticket is neither closed with its knowledge-base article nor cancelled.
/// Records the resolution (and the response, if none yet: TKT-2).
///
/// Triggers: the log entry `resolve` and the audit entry `ticket.resolve`. Receiving the visit's
/// feedback form later creates the callback (TKT-9).
#[utoipa::path(
    tag = "tickets",
    operation_id = "resolveTicket",
    params(("id" = String, Path, description = "Ticket id"), crate::kernel::openapi::IfMatchHeader),
    request_body = ResolveTicket,
    responses(
        (status = 200, description = "Resolved", body = TicketOut, headers(("ETag" = String))),
        (status = 409, description = "TKT-3: not allowed in the ticket's state", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "TKT-11: a work order of the ticket is not closed or cancelled", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/tickets/{id}/resolve")]
async fn resolve_ticket(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    IfMatch(version): IfMatch,
    ValidJson(input): ValidJson<ResolveTicket>,
) -> Result<HttpResponse, ApiError> {
    let cmd = TicketCommand::Resolve {
        summary: input.resolution_summary,
    };
    command(state, caller, id.into_inner(), version, cmd).await
}

/// Confirm the appointment
///
/// The assigned engineer confirms the appointment with the customer (TKT-4): records when and with
/// whom; the first confirmation meets the response target (TKT-2). The status does not change.
///
/// Who: only the ticket's assignee, with the `engineer` role (403 for anyone else; an invisible
/// ticket is 404, ORG-5). Needs `If-Match`. TKT-4: 409 unless the ticket is `assigned`,
/// `in_progress` or `waiting_customer` with a planned window. Writes the log entry
/// `confirm_appointment` and the audit entry `ticket.confirm_appointment`.
#[utoipa::path(
    tag = "tickets",
    operation_id = "confirmAppointment",
    params(("id" = String, Path, description = "Ticket id"), crate::kernel::openapi::IfMatchHeader),
    request_body = ConfirmAppointment,
    responses(
        (status = 200, description = "Confirmed", body = TicketOut, headers(("ETag" = String))),
        (status = 409, description = "No planned window, or the ticket is not assigned", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/tickets/{id}/confirm-appointment")]
async fn confirm_appointment(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    IfMatch(version): IfMatch,
    ValidJson(input): ValidJson<ConfirmAppointment>,
) -> Result<HttpResponse, ApiError> {
    let cmd = TicketCommand::ConfirmAppointment {
        confirmed_with: input.confirmed_with,
    };
    command(state, caller, id.into_inner(), version, cmd).await
}

/// Report a missed appointment
///
/// The assigned engineer reports a missed appointment (TKT-4) with its reason; the appointment
/// confirmation is cleared and the status does not change.
///
/// Who: only the ticket's assignee, with the `engineer` role (403 for anyone else; an invisible
/// ticket is 404, ORG-5). Needs `If-Match`. TKT-4: 409 unless the ticket is `assigned`,
/// `in_progress` or `waiting_customer` with a planned window. Without `customer_consented` the
/// ticket is escalated (`escalated_at`, `escalation_reason`, an `escalate` log entry naming TKT-4).
/// Writes the log entry `missed_appointment` and the audit entry `ticket.missed_appointment`.
#[utoipa::path(
    tag = "tickets",
    operation_id = "reportMissedAppointment",
    params(("id" = String, Path, description = "Ticket id"), crate::kernel::openapi::IfMatchHeader),
    request_body = MissedAppointment,
    responses(
        (status = 200, description = "Recorded", body = TicketOut, headers(("ETag" = String))),
        (status = 409, description = "No planned window, or the ticket is not assigned", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/tickets/{id}/missed-appointment")]
async fn missed_appointment(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    IfMatch(version): IfMatch,
    ValidJson(input): ValidJson<MissedAppointment>,
) -> Result<HttpResponse, ApiError> {
    let cmd = TicketCommand::MissedAppointment {
        reason: input.reason,
        customer_consented: input.customer_consented,
    };
    command(state, caller, id.into_inner(), version, cmd).await
}
