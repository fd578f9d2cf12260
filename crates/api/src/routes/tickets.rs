use crate::auth::Caller;
use crate::dto::tickets::{
    AssignTicket, AtRiskQuery, ConfirmAppointment, CreateTicket, EXPORT, MissedAppointment,
    NoteBody, ReasonBody, ResolveTicket, TicketOut, TicketQuery, TransitionOut,
};
use crate::error::{ApiError, Problem};
use crate::export::{self, Listed};
use crate::extract::{IfMatch, StrictQuery, ValidJson, trimmed};
use crate::page::{
    Page, decode_cursor, fetch_size, list_mode, paginate, parse_updated_since, row_key,
};
use crate::routes::{created, versioned};
use crate::services::Ctx;
use crate::services::tickets::{self as svc, TicketCommand};
use crate::state::AppState;
use actix_web::http::StatusCode;
use actix_web::{HttpResponse, get, post, web};
use kefu_core::{FieldError, Role};
use kefu_store::tickets::{self as store, TicketFilter};
use kefu_store::to_db_time;
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

/// Who opens tickets: staff who take requests, and customer contacts through the web.
const OPENERS: &[Role] = &[
    Role::Admin,
    Role::Manager,
    Role::Supervisor,
    Role::Clerk,
    Role::Engineer,
    Role::CallbackAgent,
    Role::Executive,
    Role::CustomerContact,
];
/// Who works on tickets (the service decides per ticket: assignee or lead).
const WORKERS: &[Role] = &[Role::Admin, Role::Manager, Role::Supervisor, Role::Engineer];
const LEADS: &[Role] = &[Role::Admin, Role::Manager, Role::Supervisor];

/// List or delta-sync tickets
///
/// List tickets visible to the caller, or sync the changes since an instant.
///
/// ORG-5: engineers see the tickets assigned to them (or that they took), supervisors also
/// their teams', customer contacts their customer's, managers and the office all. Without
/// `updated_since`: tickets in id order; with it: every ticket changed after that instant in
/// `(updated_at, id)` order. `breached` is judged at the server's current time.
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
/// Tickets at risk (TKT-2): visible open tickets, not waiting for the customer, with an
/// unmet due instant within `within_minutes` from now or already past, in id order.
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
/// Open a ticket (TKT-1) with its SLA due instants (TKT-2).
///
/// Staff (admin, manager, supervisor, clerk, engineer, callback agent, executive) give the
/// `channel`; a customer contact opens tickets for their own customer through `web` only.
/// Site, contact and equipment must belong to the customer (422 naming the field). The due
/// instants follow the `sla-policy` and `work-hours` rule sets in force on the opening day
/// and the work calendar. With a client-chosen `id` that exists already, the existing ticket
/// is returned with 200 (an offline create retried).
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
    caller.require_any(OPENERS)?;
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
/// Get a ticket, with its SLA due instants and breach flags.
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
/// The ticket's log (TKT-3): every transition and dispatch event with actor, time and
/// reason, oldest first.
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
    roles: &[Role],
    id: String,
    version: i64,
    command: TicketCommand,
) -> Result<HttpResponse, ApiError> {
    caller.require_any(roles)?;
    let ctx = Ctx::of(&caller, state.clock.now());
    let actor = caller.actor.clone();
    let tz = state.config.timezone;
    let out = state
        .tx(move |conn| svc::run(conn, &ctx, &actor, tz, &id, version, command))
        .await?;
    Ok(versioned(StatusCode::OK, out.version, &out))
}

fn lifecycle(command: Command, reason: Option<String>) -> TicketCommand {
    TicketCommand::Lifecycle { command, reason }
}

/// Assign a ticket
///
/// Assign or reassign the ticket (TKT-4) to an engineer, with the planned visit window.
///
/// Managers, supervisors and admins; allowed until the ticket is resolved (409 after). The
/// ticket becomes `assigned`, takes the engineer's team, and a pending appointment
/// confirmation is cleared. A reassignment is logged as `reassign`.
#[utoipa::path(
    tag = "tickets",
    operation_id = "assignTicket",
    params(("id" = String, Path, description = "Ticket id"), crate::openapi::IfMatchHeader),
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
        assignee_id: input.assignee_id,
        planned_start: input.planned_start,
        planned_end: input.planned_end,
        reason: input.reason,
    };
    command(state, caller, LEADS, id.into_inner(), version, cmd).await
}

macro_rules! lifecycle_route {
    ($fn:ident, $path:literal, $op:literal, $summary:literal, $doc:literal, $body:ty, $roles:expr, $cmd:expr, $reason:expr) => {
        #[doc = $doc]
        #[utoipa::path(
            tag = "tickets",
            operation_id = $op,
            summary = $summary,
            description = $doc,
            params(("id" = String, Path, description = "Ticket id"), crate::openapi::IfMatchHeader),
            request_body = $body,
            responses(
                (status = 200, description = "Done", body = TicketOut, headers(("ETag" = String))),
                (status = 409, description = "TKT-3: not allowed in the ticket's state", body = Problem, content_type = "application/problem+json"),
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
            let reason = ($reason)(input);
            command(state, caller, $roles, id.into_inner(), version, lifecycle($cmd, reason)).await
        }
    };
}

lifecycle_route!(
    start_ticket,
    "/tickets/{id}/start",
    "startTicket",
    "Start work on a ticket",
    "Start work (`assigned` → `in_progress`): the assignee, or a manager/supervisor/admin. The first start meets the response target (TKT-2).",
    NoteBody,
    WORKERS,
    Command::Start,
    |b: NoteBody| b.reason
);
lifecycle_route!(
    wait_ticket,
    "/tickets/{id}/wait",
    "waitTicket",
    "Wait for the customer",
    "Wait for the customer (`in_progress` → `waiting_customer`, reason required): the assignee, or a manager/supervisor/admin. The SLA clock stops until the ticket resumes (TKT-2).",
    ReasonBody,
    WORKERS,
    Command::Wait,
    |b: ReasonBody| Some(b.reason)
);
lifecycle_route!(
    resume_ticket,
    "/tickets/{id}/resume",
    "resumeTicket",
    "Resume a waiting ticket",
    "Resume (`waiting_customer` → `in_progress`): the assignee, or a manager/supervisor/admin. Unmet due instants move by the working time spent waiting (TKT-2).",
    NoteBody,
    WORKERS,
    Command::Resume,
    |b: NoteBody| b.reason
);
lifecycle_route!(
    close_ticket,
    "/tickets/{id}/close",
    "closeTicket",
    "Close a resolved ticket",
    "Close (`resolved` → `closed`): managers, clerks and admins (the callback flow of TKT-9 will close tickets itself).",
    NoteBody,
    &[Role::Admin, Role::Manager, Role::Clerk],
    Command::Close,
    |b: NoteBody| b.reason
);
lifecycle_route!(
    cancel_ticket,
    "/tickets/{id}/cancel",
    "cancelTicket",
    "Cancel a ticket",
    "Cancel (any state before `resolved`, reason required): managers, supervisors, clerks and admins.",
    ReasonBody,
    &[Role::Admin, Role::Manager, Role::Supervisor, Role::Clerk],
    Command::Cancel,
    |b: ReasonBody| Some(b.reason)
);
lifecycle_route!(
    reopen_ticket,
    "/tickets/{id}/reopen",
    "reopenTicket",
    "Reopen a ticket",
    "Reopen (`resolved` or `closed` → `in_progress`, reason required, logged as `reopen`): managers, supervisors, clerks, callback agents and admins.",
    ReasonBody,
    &[
        Role::Admin,
        Role::Manager,
        Role::Supervisor,
        Role::Clerk,
        Role::CallbackAgent
    ],
    Command::Reopen,
    |b: ReasonBody| Some(b.reason)
);

/// Resolve a ticket
///
/// Resolve the ticket (`in_progress` → `resolved`) with a resolution summary: the assignee,
/// or a manager/supervisor/admin. TKT-11: refused (422 naming `TKT-11`) while a work order of
/// the ticket is not closed with its knowledge-base article or cancelled.
#[utoipa::path(
    tag = "tickets",
    operation_id = "resolveTicket",
    params(("id" = String, Path, description = "Ticket id"), crate::openapi::IfMatchHeader),
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
    command(state, caller, WORKERS, id.into_inner(), version, cmd).await
}

/// Confirm the appointment
///
/// The assigned engineer confirms the appointment with the customer (TKT-4): records when
/// and with whom; the first confirmation meets the response target (TKT-2). Needs an
/// assigned ticket with a planned window (409 otherwise).
#[utoipa::path(
    tag = "tickets",
    operation_id = "confirmAppointment",
    params(("id" = String, Path, description = "Ticket id"), crate::openapi::IfMatchHeader),
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
    command(
        state,
        caller,
        &[Role::Engineer],
        id.into_inner(),
        version,
        cmd,
    )
    .await
}

/// Report a missed appointment
///
/// The assigned engineer reports a missed appointment (TKT-4) with its reason. Without the
/// customer's consent it is escalated to the manager (`escalated_at`, an `escalate` entry
/// in the log). The appointment confirmation is cleared.
#[utoipa::path(
    tag = "tickets",
    operation_id = "reportMissedAppointment",
    params(("id" = String, Path, description = "Ticket id"), crate::openapi::IfMatchHeader),
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
    command(
        state,
        caller,
        &[Role::Engineer],
        id.into_inner(),
        version,
        cmd,
    )
    .await
}
