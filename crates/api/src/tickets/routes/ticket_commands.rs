//! The commands on one ticket (TKT-2..4): assign, the lifecycle moves, resolve and the
//! appointment, each through the tickets crate's decision and the one command handler.

use crate::kernel::auth::Caller;
use crate::kernel::command::{Versioned, run_command};
use crate::kernel::error::{ApiError, Problem};
use crate::kernel::extract::{IfMatch, ValidJson};
use crate::kernel::state::AppState;
use crate::tickets::dto::tickets::{
    AssignTicket, ConfirmAppointment, MissedAppointment, NoteBody, ReasonBody, ResolveTicket,
    TicketOut,
};
use crate::tickets::service::{repairs, transition};
use actix_web::{HttpResponse, post, web};
use kefu_tickets::access;
use kefu_tickets::decide::TicketCommand;
use kefu_tickets::lifecycle::Command;

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
pub(super) async fn assign_ticket(
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
pub(super) async fn start_ticket(
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
pub(super) async fn wait_ticket(
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
pub(super) async fn resume_ticket(
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
pub(super) async fn close_ticket(
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
pub(super) async fn cancel_ticket(
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
pub(super) async fn reopen_ticket(
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
/// Records the resolution (and the response, if none yet: TKT-2). CON-9: a ticket on a device
/// may record the `fault_code` the repair fixed and whether a `product_defect` caused it (422
/// `fault_code` on a ticket without equipment, 422 `product_defect` without a fault code); the
/// warranty question (`checkRepairWarranty`) is answered from these, with the audit entry
/// `ticket.record_repair`.
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
pub(super) async fn resolve_ticket(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    IfMatch(version): IfMatch,
    ValidJson(input): ValidJson<ResolveTicket>,
) -> Result<HttpResponse, ApiError> {
    let cmd = TicketCommand::Resolve {
        summary: input.resolution_summary,
    };
    access::require(cmd.action(), &caller.actor.roles)?;
    let repair = repairs::Repair::of(input.fault_code, input.product_defect)?;
    let tz = state.config.timezone;
    run_command(
        state,
        caller,
        id.into_inner(),
        version,
        move |conn, ctx, actor, id, version| {
            repairs::resolve(conn, ctx, actor, tz, id, version, cmd, repair)
        },
    )
    .await
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
pub(super) async fn confirm_appointment(
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
pub(super) async fn missed_appointment(
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
