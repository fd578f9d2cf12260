use super::ticket_commands;
use crate::kernel::auth::Caller;
use crate::kernel::command::Ctx;
use crate::kernel::error::{ApiError, Problem};
use crate::kernel::export::{self, Listed};
use crate::kernel::extract::{IfMatch, StrictQuery, ValidJson, trimmed};
use crate::kernel::page::{
    Page, decode_cursor, fetch_size, keyset_after, keyset_key, paginate, row_key, window,
};
use crate::kernel::respond::{created, versioned};
use crate::kernel::state::AppState;
use crate::tickets::dto::tickets::{
    AtRiskQuery, CreateTicket, EXPORT, TicketOut, TicketQuery, TransitionOut, UpdateTicket,
};
use crate::tickets::service::tickets as svc;
use actix_web::http::StatusCode;
use actix_web::{HttpResponse, get, patch, post, web};
use chrono::{DateTime, Utc};
use kefu_core::FieldError;
use kefu_store::tickets::{self as store, TicketFilter, TicketPaging};
use kefu_store::to_db_time;
use kefu_tickets::access::{self, Action};
use kefu_tickets::board::TicketSort;
use utoipa_actix_web::service_config::ServiceConfig;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(list_tickets)
        .service(at_risk_tickets)
        .service(create_ticket)
        .service(get_ticket)
        .service(update_ticket)
        .service(list_ticket_transitions)
        .service(ticket_commands::assign_ticket)
        .service(ticket_commands::start_ticket)
        .service(ticket_commands::wait_ticket)
        .service(ticket_commands::resume_ticket)
        .service(ticket_commands::resolve_ticket)
        .service(ticket_commands::close_ticket)
        .service(ticket_commands::cancel_ticket)
        .service(ticket_commands::reopen_ticket)
        .service(ticket_commands::confirm_appointment)
        .service(ticket_commands::missed_appointment);
}

/// List or delta-sync tickets
///
/// Any signed-in user; the list holds only the tickets visible to the caller (ORG-5): admins,
/// managers, executives, finance, HR, clerks, callback agents and QA inspectors see all; an
/// engineer the tickets assigned to them or that they took; a supervisor also their teams' and
/// their members'; a customer contact their customer's.
///
/// Without `updated_since`: tickets in id order; with it: every ticket changed after that instant
/// in `(updated_at, id)` order. `breached` is judged at the server's current time. `/export` (CSV
/// or XLSX) exports the same list. Read-only: no audit entry.
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
    let (limit, fetch, paging) = match query.sort {
        None => {
            let (limit, fetch, mode) = window(
                query.limit,
                query.updated_since.as_deref(),
                query.cursor.as_deref(),
            )?;
            (limit, fetch, TicketPaging::Listed(mode))
        }
        Some(by) => sorted_window(by, &query)?,
    };
    let now = state.clock.now();
    let filter = TicketFilter {
        status: query.status,
        open: query.open,
        assignee_id: trimmed(query.assignee_id),
        customer_id: trimmed(query.customer_id),
        ticket_type: query.ticket_type,
        priority: query.priority,
        breached: query.breached.map(|b| (b, to_db_time(now))),
        created_from: query.created_from.map(to_db_time),
        created_to: query.created_to.map(to_db_time),
        q: trimmed(query.q),
    };
    let actor = caller.actor.clone();
    let (paging, items) = state
        .db(move |conn| {
            let scope = svc::ticket_scope(conn, &actor)?;
            let rows = store::list(conn, &scope, &filter, &paging, fetch)?;
            Ok((paging, svc::render_all(conn, &rows, now, &actor)?))
        })
        .await?;
    Ok(paginate(
        items,
        limit,
        |t| match &paging {
            TicketPaging::Listed(mode) => row_key(mode, to_db_time(t.updated_at), &t.id),
            TicketPaging::Sorted { by, .. } => keyset_key(to_db_time(sort_value(*by, t)), &t.id),
        },
        |t| t,
    ))
}

/// The window of a list in a board order: a `sort` pages by (column, id), so it cannot be
/// combined with a delta sync's update order.
fn sorted_window(
    by: TicketSort,
    query: &TicketQuery,
) -> Result<(usize, i64, TicketPaging), ApiError> {
    if query.updated_since.is_some() {
        return Err(ApiError::BadRequest {
            detail: "`sort` cannot be combined with `updated_since`, which pages in update order"
                .to_owned(),
            errors: vec![FieldError::new(
                "query.sort",
                "not_allowed",
                "not with updated_since",
            )],
        });
    }
    let (limit, fetch) = fetch_size(query.limit)?;
    let after = decode_cursor(query.cursor.as_deref())?
        .as_deref()
        .map(keyset_after)
        .transpose()?;
    Ok((limit, fetch, TicketPaging::Sorted { by, after }))
}

fn sort_value(by: TicketSort, t: &TicketOut) -> DateTime<Utc> {
    match by {
        TicketSort::CreatedAt | TicketSort::NewestFirst => t.created_at,
        TicketSort::ResolutionDueAt => t.resolution_due_at,
    }
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
            svc::render_all(conn, &rows, now, &actor)
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
            let row = svc::get_row(conn, &scope, &id)?;
            svc::render_for(conn, &row, now, &actor)
        })
        .await?;
    Ok(versioned(StatusCode::OK, out.version, &out))
}

/// Correct a ticket
///
/// Changes what was recorded when the ticket was opened (TKT-1): `description`, `ticket_type`,
/// `priority`, `site_id`, `contact_id`, `equipment_id` (JSON merge patch: a member left out
/// stays, `null` clears an optional part). The parts named must belong to the ticket's customer
/// (422 naming the field); the customer itself cannot change. A new type or priority moves the
/// SLA due instants (TKT-2) to the new targets counted from the opening, keeping the working
/// time already spent waiting for the customer; a response already given keeps its due instant.
///
/// Who: admins, managers, supervisors, clerks and engineers (403 for others); a ticket outside the
/// caller's ORG-5 scope (for an engineer, one not assigned to them) is 404. Needs `If-Match`. TKT-3: 409 once the ticket is closed or cancelled.
/// Triggers an `edit` entry in the ticket's transition log with what changed and, on a new
/// type or priority, the old and new due instants; the audit entry `ticket.update`. A patch
/// that changes nothing returns the ticket as it is, without a new version.
#[utoipa::path(
    tag = "tickets",
    operation_id = "updateTicket",
    params(("id" = String, Path, description = "Ticket id"), crate::kernel::openapi::IfMatchHeader),
    request_body = UpdateTicket,
    responses(
        (status = 200, description = "The corrected ticket", body = TicketOut, headers(("ETag" = String))),
        (status = 409, description = "TKT-3: the ticket is closed or cancelled", body = Problem,
            content_type = "application/problem+json"),
    )
)]
#[patch("/tickets/{id}")]
async fn update_ticket(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    if_match: Result<IfMatch, ApiError>,
    input: Result<ValidJson<UpdateTicket>, ApiError>,
) -> Result<HttpResponse, ApiError> {
    access::require(Action::TicketUpdate, &caller.actor.roles)?;
    let IfMatch(version) = if_match?;
    let ValidJson(input) = input?;
    let ctx = Ctx::of(&caller, state.clock.now());
    let actor = caller.actor.clone();
    let tz = state.config.timezone;
    let id = id.into_inner();
    let out = state
        .tx(move |conn| {
            crate::tickets::service::edit::update(conn, &ctx, &actor, tz, &id, version, input)
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
