//! Tickets (TKT-1..4): opening with SLA due instants (TKT-2), the lifecycle commands with
//! their log (TKT-3), dispatch (TKT-4); every read and write under ORG-5.

use crate::calendar::service::{rule_error, working_time_calendar};
use crate::kernel::access::SEE_ALL;
use crate::kernel::command::{Ctx, snapshot};
use crate::kernel::error::ApiError;
use crate::kernel::notify;
use crate::tickets::dto::tickets::{CreateTicket, TicketOut, TransitionOut};
use chrono::{DateTime, NaiveDateTime, Utc};
use chrono_tz::Tz;
use kefu_core::{Actor, FieldError, Role};
use kefu_store::tickets::{self, TicketChanges, TicketRow, TransitionRow};
use kefu_store::visibility::{self as facts, Visible};
use kefu_store::{DbConnection, from_db_time, new_id, to_db_time};
use kefu_tickets::channel::Channel;
use kefu_tickets::clock;
use kefu_tickets::kinds::{Priority, TicketType};
use kefu_tickets::lifecycle::{self, Command, Status};
use kefu_tickets::sla::SlaPolicy;

/// ORG-5 for tickets: an engineer sees the tickets assigned to them or that they took (not
/// their whole team's); a supervisor also those of the teams they supervise and of those
/// teams' members; managers and the office see all; a customer contact their customer's.
pub fn ticket_scope(conn: &mut DbConnection, actor: &Actor) -> Result<Visible, ApiError> {
    if actor.has_any_role(SEE_ALL) {
        return Ok(Visible::everything());
    }
    let mut scope = Visible::default();
    if actor.has_any_role(&[Role::Engineer, Role::Supervisor]) {
        scope.user_ids.push(actor.user_id.clone());
    }
    if actor.has_role(Role::Supervisor) {
        let teams = facts::teams_supervised_by(conn, &actor.user_id)?;
        scope.user_ids.extend(facts::member_user_ids(conn, &teams)?);
        scope.team_ids.extend(teams);
    }
    if actor.has_role(Role::CustomerContact) {
        scope
            .customer_ids
            .extend(facts::customers_of_contact_user(conn, &actor.user_id)?);
    }
    Ok(scope)
}

pub fn field(name: &str, code: &'static str, message: impl Into<String>) -> ApiError {
    ApiError::Invalid(vec![FieldError::new(name, code, message)])
}

fn corrupt(what: &str, value: &str) -> ApiError {
    ApiError::internal(format!("stored {what} `{value}` is unknown"))
}

/// A UTC instant (as stored) in the company's local time.
pub fn local(tz: Tz, t: NaiveDateTime) -> NaiveDateTime {
    t.and_utc().with_timezone(&tz).naive_local()
}

/// A local time of the company as a UTC instant (as stored); a time skipped by a clock
/// change is taken at the offset before it.
pub fn utc_of(tz: Tz, t: NaiveDateTime) -> NaiveDateTime {
    use chrono::offset::LocalResult;
    match t.and_local_timezone(tz) {
        LocalResult::Single(x) | LocalResult::Ambiguous(x, _) => x.naive_utc(),
        LocalResult::None => t - (t.and_utc().with_timezone(&tz).naive_local() - t),
    }
}

pub fn status_of(row: &TicketRow) -> Result<Status, ApiError> {
    Status::parse(&row.status).ok_or_else(|| corrupt("ticket status", &row.status))
}

pub fn render(row: &TicketRow, now: DateTime<Utc>) -> Result<TicketOut, ApiError> {
    let now = to_db_time(now);
    let ticket_type = TicketType::ALL
        .into_iter()
        .find(|t| t.as_str() == row.ticket_type)
        .ok_or_else(|| corrupt("ticket type", &row.ticket_type))?;
    let priority = Priority::ALL
        .into_iter()
        .find(|p| p.as_str() == row.priority)
        .ok_or_else(|| corrupt("priority", &row.priority))?;
    let channel = Channel::parse(&row.channel).ok_or_else(|| corrupt("channel", &row.channel))?;
    let stopped = row.waiting_since.or(row.cancelled_at);
    let cancelled = row.cancelled_at.is_some();
    let response_breached =
        !cancelled && clock::breached(row.response_due_at, row.responded_at, stopped, now);
    let resolution_breached =
        !cancelled && clock::breached(row.resolution_due_at, row.resolved_at, stopped, now);
    let t = |v: Option<NaiveDateTime>| v.map(from_db_time);
    Ok(TicketOut {
        id: row.id.clone(),
        number: row.number.clone(),
        channel,
        ticket_type,
        priority,
        status: status_of(row)?,
        customer_id: row.customer_id.clone(),
        site_id: row.site_id.clone(),
        contact_id: row.contact_id.clone(),
        equipment_id: row.equipment_id.clone(),
        description: row.description.clone(),
        taken_by: row.taken_by.clone(),
        assignee_id: row.assignee_id.clone(),
        team_id: row.team_id.clone(),
        planned_start: t(row.planned_start),
        planned_end: t(row.planned_end),
        appointment_confirmed_at: t(row.appointment_confirmed_at),
        appointment_confirmed_with: row.appointment_confirmed_with.clone(),
        escalated_at: t(row.escalated_at),
        escalation_reason: row.escalation_reason.clone(),
        response_due_at: from_db_time(row.response_due_at),
        resolution_due_at: from_db_time(row.resolution_due_at),
        responded_at: t(row.responded_at),
        waiting_since: t(row.waiting_since),
        resolved_at: t(row.resolved_at),
        resolution_summary: row.resolution_summary.clone(),
        closed_at: t(row.closed_at),
        cancelled_at: t(row.cancelled_at),
        response_breached,
        resolution_breached,
        breached: response_breached || resolution_breached,
        deleted: row.deleted_at.is_some(),
        created_at: from_db_time(row.created_at),
        updated_at: from_db_time(row.updated_at),
        version: row.version,
    })
}

pub fn render_all(rows: &[TicketRow], now: DateTime<Utc>) -> Result<Vec<TicketOut>, ApiError> {
    rows.iter().map(|r| render(r, now)).collect()
}

/// A live ticket visible in `scope`; anything else is 404 (ORG-5: never leak existence).
pub fn get_row(conn: &mut DbConnection, scope: &Visible, id: &str) -> Result<TicketRow, ApiError> {
    tickets::find(conn, id)?
        .filter(|r| r.deleted_at.is_none() && tickets::visible_to(r, scope))
        .ok_or(ApiError::NotFound)
}

fn log(
    conn: &mut DbConnection,
    ctx: &Ctx,
    ticket_id: &str,
    action: &str,
    from: Option<Status>,
    to: Status,
    reason: Option<String>,
) -> Result<(), ApiError> {
    tickets::insert_transition(
        conn,
        &TransitionRow {
            id: new_id(),
            ticket_id: ticket_id.to_owned(),
            action: action.to_owned(),
            from_status: from.map(|s| s.as_str().to_owned()),
            to_status: to.as_str().to_owned(),
            actor_id: ctx.actor_id.clone(),
            reason,
            at: to_db_time(ctx.now),
        },
    )?;
    Ok(())
}

/// TKT-1: site, contact and equipment must belong to the ticket's customer.
fn check_parts(conn: &mut DbConnection, input: &CreateTicket) -> Result<(), ApiError> {
    let customer = std::slice::from_ref(&input.customer_id);
    if let Some(site) = &input.site_id
        && kefu_store::sites::find_live(conn, site, Some(customer))?.is_none()
    {
        return Err(field(
            "site_id",
            "not_of_customer",
            "no such site of this customer",
        ));
    }
    if let Some(contact) = &input.contact_id
        && kefu_store::contacts::find_live(conn, contact, Some(customer))?.is_none()
    {
        return Err(field(
            "contact_id",
            "not_of_customer",
            "no such contact of this customer",
        ));
    }
    if let Some(equipment) = &input.equipment_id {
        let row = kefu_store::equipment::find(conn, equipment)?.filter(|e| e.deleted_at.is_none());
        let owner = match &row {
            Some(e) => kefu_store::equipment::site_owner(conn, &e.site_id)?,
            None => None,
        };
        let of_customer = owner.is_some_and(|o| o.customer_id == input.customer_id)
            && row
                .as_ref()
                .is_some_and(|e| input.site_id.as_ref().is_none_or(|s| *s == e.site_id));
        if !of_customer {
            return Err(field(
                "equipment_id",
                "not_of_customer",
                "no such equipment at this customer's site",
            ));
        }
    }
    Ok(())
}

/// TKT-1/TKT-2: opens a ticket with its number and SLA due instants. A client-chosen id that
/// exists already returns that ticket (`false`) — the offline create is retried, not repeated.
pub fn create(
    conn: &mut DbConnection,
    ctx: &Ctx,
    actor: &Actor,
    tz: Tz,
    input: CreateTicket,
) -> Result<(TicketOut, bool), ApiError> {
    let scope = ticket_scope(conn, actor)?;
    if let Some(id) = &input.id
        && let Some(existing) = tickets::find(conn, id)?
    {
        return if tickets::visible_to(&existing, &scope) {
            Ok((render(&existing, ctx.now)?, false))
        } else {
            Err(ApiError::duplicate("tickets_pkey"))
        };
    }
    let staff = actor.has_any_role(&[
        Role::Admin,
        Role::Manager,
        Role::Supervisor,
        Role::Clerk,
        Role::Engineer,
        Role::CallbackAgent,
        Role::Executive,
    ]);
    let channel = match (input.channel, staff) {
        (Some(c), true) => c,
        (None, true) => {
            return Err(field(
                "channel",
                "required",
                "the channel the ticket came in from",
            ));
        }
        // A customer's own login opens tickets on the web portal only.
        (None | Some(Channel::Web), false) => Channel::Web,
        (Some(_), false) => {
            return Err(field(
                "channel",
                "not_allowed",
                "a customer contact opens tickets through channel web",
            ));
        }
    };
    let customers_visible = crate::kernel::access::visible(conn, actor)?;
    if kefu_store::customers::find_visible(conn, &input.customer_id, &customers_visible)?.is_none()
    {
        return Err(field("customer_id", "unknown", "no such customer"));
    }
    check_parts(conn, &input)?;
    let opened = to_db_time(ctx.now);
    let opened_local = local(tz, opened);
    let day = opened_local.date();
    let priority = input.priority.unwrap_or(Priority::Normal);
    let policy = crate::kernel::rules::load_in_force::<SlaPolicy>(conn, day)?.value;
    let entry = policy
        .entry(input.ticket_type, priority)
        .ok_or_else(|| ApiError::internal("the SLA policy in force misses a ticket type"))?;
    let calendar = working_time_calendar(conn, day)?;
    let due = entry.due(opened_local, &calendar).map_err(rule_error)?;
    let row = TicketRow {
        id: input.id.unwrap_or_else(new_id),
        number: tickets::next_number(conn, day)?,
        channel: channel.as_str().to_owned(),
        ticket_type: input.ticket_type.as_str().to_owned(),
        priority: priority.as_str().to_owned(),
        status: Status::New.as_str().to_owned(),
        customer_id: input.customer_id,
        site_id: input.site_id,
        contact_id: input.contact_id,
        equipment_id: input.equipment_id,
        description: input.description,
        taken_by: actor.user_id.clone(),
        assignee_id: None,
        team_id: None,
        planned_start: None,
        planned_end: None,
        appointment_confirmed_at: None,
        appointment_confirmed_with: None,
        escalated_at: None,
        escalation_reason: None,
        response_due_at: utc_of(tz, due.response_due),
        resolution_due_at: utc_of(tz, due.resolution_due),
        responded_at: None,
        waiting_since: None,
        resolved_at: None,
        resolution_summary: None,
        closed_at: None,
        cancelled_at: None,
        created_at: opened,
        updated_at: opened,
        version: 1,
        deleted_at: None,
    };
    tickets::insert(conn, &row)?;
    let stored = tickets::find(conn, &row.id)?.ok_or(ApiError::NotFound)?;
    log(conn, ctx, &stored.id, "open", None, Status::New, None)?;
    let out = render(&stored, ctx.now)?;
    ctx.audit(
        conn,
        "ticket.create",
        ("ticket", &stored.id),
        None,
        snapshot(&out),
    )?;
    Ok((out, true))
}

/// A ticket command and its arguments.
#[derive(Debug, Clone)]
pub enum TicketCommand {
    Assign {
        assignee_id: String,
        planned_start: Option<DateTime<Utc>>,
        planned_end: Option<DateTime<Utc>>,
        reason: Option<String>,
    },
    Lifecycle {
        command: Command,
        reason: Option<String>,
    },
    Resolve {
        summary: String,
    },
    ConfirmAppointment {
        confirmed_with: String,
    },
    MissedAppointment {
        reason: String,
        customer_consented: bool,
    },
}

/// Roles that manage any visible ticket (the assignee works their own).
const LEADS: &[Role] = &[Role::Admin, Role::Manager, Role::Supervisor];

fn is_assignee(row: &TicketRow, actor: &Actor) -> bool {
    row.assignee_id.as_deref() == Some(actor.user_id.as_str())
}

/// Who may run `command` on `row` (the route has checked the coarse role already).
fn may(row: &TicketRow, actor: &Actor, command: &TicketCommand) -> bool {
    match command {
        TicketCommand::Assign { .. } => actor.has_any_role(LEADS),
        TicketCommand::Lifecycle { command, .. } => match command {
            Command::Start | Command::Wait | Command::Resume => {
                is_assignee(row, actor) || actor.has_any_role(LEADS)
            }
            Command::Close => actor.has_any_role(&[Role::Admin, Role::Manager, Role::Clerk]),
            Command::Cancel => {
                actor.has_any_role(&[Role::Admin, Role::Manager, Role::Supervisor, Role::Clerk])
            }
            Command::Reopen => actor.has_any_role(&[
                Role::Admin,
                Role::Manager,
                Role::Supervisor,
                Role::Clerk,
                Role::CallbackAgent,
            ]),
            Command::Assign | Command::Resolve => actor.has_any_role(LEADS),
        },
        TicketCommand::Resolve { .. } => is_assignee(row, actor) || actor.has_any_role(LEADS),
        TicketCommand::ConfirmAppointment { .. } | TicketCommand::MissedAppointment { .. } => {
            is_assignee(row, actor)
        }
    }
}

/// TKT-2: leaving `waiting_customer` pushes the unmet due instants by the working time spent
/// waiting.
fn settle_waiting(
    conn: &mut DbConnection,
    tz: Tz,
    row: &TicketRow,
    now: NaiveDateTime,
    changes: &mut TicketChanges,
) -> Result<(), ApiError> {
    let Some(since) = row.waiting_since else {
        return Ok(());
    };
    let since_local = local(tz, since);
    let calendar = working_time_calendar(conn, since_local.date())?;
    let waited = clock::waited_minutes(&calendar, since_local, local(tz, now));
    let push = |due: NaiveDateTime| -> Result<NaiveDateTime, ApiError> {
        let moved = clock::extend(&calendar, local(tz, due), waited).map_err(rule_error)?;
        Ok(utc_of(tz, moved))
    };
    if row.responded_at.is_none() {
        changes.response_due_at = Some(push(row.response_due_at)?);
    }
    changes.resolution_due_at = Some(push(row.resolution_due_at)?);
    changes.waiting_since = Some(None);
    Ok(())
}

fn planned_window(
    start: Option<DateTime<Utc>>,
    end: Option<DateTime<Utc>>,
) -> Result<(Option<NaiveDateTime>, Option<NaiveDateTime>), ApiError> {
    match (start, end) {
        (Some(s), Some(e)) if e > s => Ok((Some(to_db_time(s)), Some(to_db_time(e)))),
        (Some(_), Some(_)) => Err(field("planned_end", "range", "must be after planned_start")),
        (None, None) => Ok((None, None)),
        (Some(_), None) => Err(field("planned_end", "required", "a window needs both ends")),
        (None, Some(_)) => Err(field(
            "planned_start",
            "required",
            "a window needs both ends",
        )),
    }
}

/// Runs `command` on the ticket `id` at `expected_version`: checks who may, decides the
/// state change, keeps the SLA clock, and records the transition and the audit entry.
#[allow(clippy::too_many_arguments)]
pub fn run(
    conn: &mut DbConnection,
    ctx: &Ctx,
    actor: &Actor,
    tz: Tz,
    id: &str,
    expected_version: i64,
    command: TicketCommand,
) -> Result<TicketOut, ApiError> {
    let scope = ticket_scope(conn, actor)?;
    let row = get_row(conn, &scope, id)?;
    if !may(&row, actor, &command) {
        return Err(ApiError::Forbidden);
    }
    if row.version != expected_version {
        return Err(ApiError::PreconditionFailed {
            current: row.version,
        });
    }
    execute(conn, ctx, actor, tz, row, command)
}

/// Runs `command` on the live ticket `id` because a rule of another record says so (TKT-9: a
/// callback closes or reopens its ticket): the state machine, log and audit of [`run`], with
/// the caller as actor, without the caller's own permission on the ticket. The reason names
/// the rule.
pub fn run_for_rule(
    conn: &mut DbConnection,
    ctx: &Ctx,
    actor: &Actor,
    tz: Tz,
    id: &str,
    command: TicketCommand,
) -> Result<TicketOut, ApiError> {
    let row = tickets::find(conn, id)?
        .filter(|r| r.deleted_at.is_none())
        .ok_or(ApiError::NotFound)?;
    execute(conn, ctx, actor, tz, row, command)
}

fn execute(
    conn: &mut DbConnection,
    ctx: &Ctx,
    actor: &Actor,
    tz: Tz,
    row: TicketRow,
    command: TicketCommand,
) -> Result<TicketOut, ApiError> {
    let id = row.id.as_str();
    let expected_version = row.version;
    let from = status_of(&row)?;
    let now = to_db_time(ctx.now);
    let mut changes = TicketChanges::default();
    let mut entries: Vec<(&str, Status, Option<String>)> = Vec::new();
    let to = match command {
        TicketCommand::Assign {
            assignee_id,
            planned_start,
            planned_end,
            reason,
        } => {
            let to = lifecycle::transition(from, Command::Assign)?;
            let (start, end) = planned_window(planned_start, planned_end)?;
            if !kefu_store::users::is_enabled_with_any_role(conn, &assignee_id, &[Role::Engineer])?
            {
                return Err(field("assignee_id", "unknown", "no such enabled engineer"));
            }
            let action = if row.assignee_id.is_some() {
                "reassign"
            } else {
                "assign"
            };
            changes.team_id = Some(facts::team_of_user(conn, &assignee_id)?);
            changes.assignee_id = Some(Some(assignee_id));
            changes.planned_start = Some(start);
            changes.planned_end = Some(end);
            changes.appointment_confirmed_at = Some(None);
            changes.appointment_confirmed_with = Some(None);
            entries.push((action, to, reason));
            to
        }
        TicketCommand::Lifecycle { command, reason } => {
            let to = lifecycle::transition(from, command)?;
            match command {
                Command::Start if row.responded_at.is_none() => {
                    changes.responded_at = Some(Some(now));
                }
                Command::Wait => changes.waiting_since = Some(Some(now)),
                Command::Close => changes.closed_at = Some(Some(now)),
                Command::Cancel => changes.cancelled_at = Some(Some(now)),
                Command::Reopen => {
                    changes.resolved_at = Some(None);
                    changes.closed_at = Some(None);
                }
                _ => {}
            }
            entries.push((command.as_str(), to, reason));
            to
        }
        TicketCommand::Resolve { summary } => {
            let to = lifecycle::transition(from, Command::Resolve)?;
            changes.resolved_at = Some(Some(now));
            if row.responded_at.is_none() {
                changes.responded_at = Some(Some(now));
            }
            changes.resolution_summary = Some(Some(summary.clone()));
            entries.push(("resolve", to, Some(summary)));
            to
        }
        TicketCommand::ConfirmAppointment { confirmed_with } => {
            if !matches!(
                from,
                Status::Assigned | Status::InProgress | Status::WaitingCustomer
            ) || row.planned_start.is_none()
            {
                return Err(ApiError::State {
                    rule: "TKT-4",
                    message: format!(
                        "only an assigned ticket with a planned visit window has an appointment to confirm (ticket is {})",
                        from.as_str()
                    ),
                });
            }
            changes.appointment_confirmed_at = Some(Some(now));
            changes.appointment_confirmed_with = Some(Some(confirmed_with.clone()));
            if row.responded_at.is_none() {
                changes.responded_at = Some(Some(now));
            }
            entries.push(("confirm_appointment", from, Some(confirmed_with)));
            from
        }
        TicketCommand::MissedAppointment {
            reason,
            customer_consented,
        } => {
            if !matches!(
                from,
                Status::Assigned | Status::InProgress | Status::WaitingCustomer
            ) || row.planned_start.is_none()
            {
                return Err(ApiError::State {
                    rule: "TKT-4",
                    message: format!(
                        "only an assigned ticket with a planned visit window can miss its appointment (ticket is {})",
                        from.as_str()
                    ),
                });
            }
            changes.appointment_confirmed_at = Some(None);
            changes.appointment_confirmed_with = Some(None);
            let note = if customer_consented {
                format!("{reason} (customer consented)")
            } else {
                reason.clone()
            };
            entries.push(("missed_appointment", from, Some(note)));
            if !customer_consented {
                changes.escalated_at = Some(Some(now));
                changes.escalation_reason = Some(Some(reason.clone()));
                entries.push((
                    "escalate",
                    from,
                    Some(format!(
                        "TKT-4: missed appointment without the customer's consent: {reason}"
                    )),
                ));
            }
            from
        }
    };
    if to == Status::Resolved && from != Status::Resolved {
        // TKT-11: not while a work order waits for its solution or its KB wording.
        crate::tickets::service::work_orders::check_resolvable(conn, id)?;
    }
    if from == Status::WaitingCustomer && to != Status::WaitingCustomer {
        settle_waiting(conn, tz, &row, now, &mut changes)?;
    }
    if to != from {
        changes.status = Some(to.as_str().to_owned());
    }
    let before = render(&row, ctx.now)?;
    crate::kernel::command::written(tickets::update(
        conn,
        id,
        expected_version,
        &changes,
        ctx.now,
    )?)?;
    let after = tickets::find(conn, id)?.ok_or(ApiError::NotFound)?;
    let out = render(&after, ctx.now)?;
    let action = format!("ticket.{}", entries.first().map_or("update", |e| e.0));
    let mut previous = from;
    for (action, status, reason) in entries {
        log(conn, ctx, id, action, Some(previous), status, reason)?;
        previous = status;
    }
    ctx.audit(
        conn,
        &action,
        ("ticket", id),
        snapshot(&before),
        snapshot(&out),
    )?;
    if after.assignee_id != row.assignee_id
        && let Some(assignee) = after.assignee_id.as_deref()
    {
        tell_assignee(conn, ctx, actor, tz, &after, assignee)?;
    }
    Ok(out)
}

/// The engineer a ticket was (re)assigned to learns it in their inbox, unless they assigned
/// it to themselves. Keyed by ticket and version, so each assignment notifies once.
fn tell_assignee(
    conn: &mut DbConnection,
    ctx: &Ctx,
    actor: &Actor,
    tz: Tz,
    ticket: &TicketRow,
    assignee: &str,
) -> Result<(), ApiError> {
    if assignee == actor.user_id {
        return Ok(());
    }
    let title = format!("新工单指派：{}", ticket.number);
    let body = match (ticket.planned_start, ticket.planned_end) {
        (Some(start), Some(end)) => format!(
            "{}（计划 {} – {}）",
            ticket.description,
            local(tz, start).format("%Y-%m-%d %H:%M"),
            local(tz, end).format("%m-%d %H:%M")
        ),
        _ => ticket.description.clone(),
    };
    let key = format!("ticket.assigned:{}@{}", ticket.id, ticket.version);
    notify::notify(
        conn,
        ctx.now,
        assignee,
        &notify::Notice {
            kind: "ticket.assigned",
            title: &title,
            body: &body,
            entity: Some(("ticket", &ticket.id)),
            dedupe_key: Some(&key),
        },
    )?;
    Ok(())
}

pub fn transitions(
    conn: &mut DbConnection,
    actor: &Actor,
    id: &str,
) -> Result<Vec<TransitionOut>, ApiError> {
    let scope = ticket_scope(conn, actor)?;
    get_row(conn, &scope, id)?;
    tickets::transitions(conn, id)?
        .into_iter()
        .map(|t| {
            let status = |s: &str| Status::parse(s).ok_or_else(|| corrupt("status", s));
            Ok(TransitionOut {
                from_status: t.from_status.as_deref().map(status).transpose()?,
                to_status: status(&t.to_status)?,
                id: t.id,
                action: t.action,
                actor_id: t.actor_id,
                reason: t.reason,
                at: from_db_time(t.at),
            })
        })
        .collect()
}
