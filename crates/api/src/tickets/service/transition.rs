//! TKT-2/3/4/9/11: a command on an existing ticket, as load → decide → save. The decision —
//! who may, the state machine, the field effects, the log and whom to tell — is
//! [`kefu_tickets::decide`]'s; this module loads the facts it asks for (the named engineer,
//! the work orders, the due instants moved by the time spent waiting) and writes what it says.

use crate::calendar::service::{rule_error, working_time_calendar};
use crate::kernel::access::roles::ASSIGNEES;
use crate::kernel::command::{Ctx, snapshot, written};
use crate::kernel::error::ApiError;
use crate::kernel::notify;
use crate::tickets::dto::tickets::TicketOut;
use crate::tickets::service::tickets::{
    get_row, local, render, render_for, ticket_of, ticket_scope, utc_of,
};
use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use kefu_core::Actor;
use kefu_store::tickets::{self, TicketChanges, TicketRow, TransitionRow};
use kefu_store::visibility as facts;
use kefu_store::{DbConnection, from_db_time, new_id, to_db_time};
use kefu_tickets::access::ActorFacts;
use kefu_tickets::clock;
use kefu_tickets::decide::{
    self, AssigneeFacts, Ticket, TicketCommand, TicketFacts, TicketNotice, TicketOutcome,
};

/// Runs `command` on the ticket `id` at `expected_version` for `actor`: 404 outside the
/// actor's ORG-5 scope, then 403 when they may not run it on this ticket (before the version,
/// so a stranger learns nothing of it), then 412 on a stale version.
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
    let ticket = ticket_of(&row);
    let actor_facts = ActorFacts::of(actor);
    decide::authorize(&ticket, &actor_facts, &command)?;
    if row.version != expected_version {
        return Err(ApiError::PreconditionFailed {
            current: row.version,
        });
    }
    let facts = load_facts(conn, tz, &row, &ticket, &command, ctx.now)?;
    let outcome = decide::decide(&ticket, &actor_facts, &command, &facts, ctx.now)?;
    let (_, after) = save(conn, ctx, tz, row, outcome)?;
    render_for(conn, &after, ctx.now, actor)
}

/// Runs `command` on the live ticket `id` because a rule of another record says so (TKT-9: a
/// callback closes or reopens its ticket): the state machine, log and audit of [`run`], with
/// the caller as actor, without the caller's own permission on the ticket.
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
    let ticket = ticket_of(&row);
    let facts = load_facts(conn, tz, &row, &ticket, &command, ctx.now)?;
    let outcome =
        decide::decide_for_rule(&ticket, &ActorFacts::of(actor), &command, &facts, ctx.now)?;
    Ok(save(conn, ctx, tz, row, outcome)?.0)
}

/// The facts the decision of `command` asks for; the others stay unknown (their safe default).
fn load_facts(
    conn: &mut DbConnection,
    tz: Tz,
    row: &TicketRow,
    ticket: &Ticket,
    command: &TicketCommand,
    now: DateTime<Utc>,
) -> Result<TicketFacts, ApiError> {
    let mut out = TicketFacts::default();
    match command {
        TicketCommand::Assign { assignee_id, .. } => {
            // Only an engineer is ever assigned a ticket (TKT-4): which role makes one is the
            // fact asked, not a permission.
            let enabled_engineer =
                kefu_store::users::is_enabled_with_any_role(conn, assignee_id.as_str(), ASSIGNEES)?;
            let team_id = facts::team_of_user(conn, assignee_id.as_str())?.map(Into::into);
            out.assignee = Some(AssigneeFacts {
                enabled_engineer,
                team_id,
            });
        }
        TicketCommand::Resolve { .. } => {
            out.work_orders = kefu_store::work_orders::statuses_of_ticket(conn, &row.id)?;
        }
        _ => {}
    }
    if decide::needs_shifted_due(ticket, command)
        && let Some(since) = row.waiting_since
    {
        // TKT-2 on the work calendar in force on the day the wait began, in local time.
        let since_local = local(tz, since);
        let calendar = working_time_calendar(conn, since_local.date())?;
        let waited = clock::waited_minutes(&calendar, since_local, local(tz, to_db_time(now)));
        out.shifted_due = Some(decide::shift_due(ticket, |due| {
            let moved =
                clock::extend(&calendar, local(tz, to_db_time(due)), waited).map_err(rule_error)?;
            Ok::<_, ApiError>(from_db_time(utc_of(tz, moved)))
        })?);
    }
    Ok(out)
}

/// The decision's field changes as the store writes them.
fn changes_of(c: decide::TicketChanges) -> TicketChanges {
    let t = |v: Option<Option<DateTime<Utc>>>| v.map(|o| o.map(to_db_time));
    let s = |v: Option<Option<_>>| v.map(|o: Option<_>| o.map(String::from));
    TicketChanges {
        status: c.status,
        assignee_id: s(c.assignee_id),
        team_id: c.team_id.map(|o| o.map(String::from)),
        planned_start: t(c.planned_start),
        planned_end: t(c.planned_end),
        appointment_confirmed_at: t(c.appointment_confirmed_at),
        appointment_confirmed_with: c.appointment_confirmed_with,
        escalated_at: t(c.escalated_at),
        escalation_reason: c.escalation_reason,
        response_due_at: c.response_due_at.map(to_db_time),
        resolution_due_at: c.resolution_due_at.map(to_db_time),
        responded_at: t(c.responded_at),
        waiting_since: t(c.waiting_since),
        resolved_at: t(c.resolved_at),
        resolution_summary: c.resolution_summary,
        closed_at: t(c.closed_at),
        cancelled_at: t(c.cancelled_at),
        ..TicketChanges::default()
    }
}

/// Writes the decision: the changes at the loaded version (412 if someone came first), the
/// log entries in order, the audit entry with the outbox event, then the notices. Returns the
/// ticket as stored.
fn save(
    conn: &mut DbConnection,
    ctx: &Ctx,
    tz: Tz,
    row: TicketRow,
    outcome: TicketOutcome,
) -> Result<(TicketOut, TicketRow), ApiError> {
    let id = row.id.as_str();
    let before = render(&row, ctx.now);
    let action = outcome.audit_action();
    written(tickets::update(
        conn,
        id,
        row.version,
        &changes_of(outcome.changes),
        ctx.now,
    )?)?;
    let after = tickets::find(conn, id)?.ok_or(ApiError::NotFound)?;
    moved_away(conn, ctx, &row, &after)?;
    let out = render(&after, ctx.now);
    for entry in outcome.log {
        tickets::insert_transition(
            conn,
            &TransitionRow {
                id: new_id(),
                ticket_id: id.to_owned(),
                action: entry.action.to_owned(),
                from_status: Some(entry.from),
                to_status: entry.to,
                actor_id: ctx.actor_id.clone(),
                reason: entry.reason,
                at: to_db_time(ctx.now),
            },
        )?;
    }
    ctx.audit(
        conn,
        &action,
        ("ticket", id),
        snapshot(&before),
        snapshot(&out),
    )?;
    for notice in outcome.notices {
        match notice {
            TicketNotice::Assigned { assignee_id } => {
                tell_assignee(conn, ctx, tz, &after, assignee_id.as_str())?;
            }
        }
    }
    Ok((out, after))
}

/// A ticket reassigned away from an engineer (who did not take it) or away from a team leaves
/// their sight (ORG-5): their delta syncs from before now start over, so their app drops it.
fn moved_away(
    conn: &mut DbConnection,
    ctx: &Ctx,
    before: &TicketRow,
    after: &TicketRow,
) -> Result<(), ApiError> {
    let mut losers = Vec::new();
    if let Some(old) = &before.assignee_id
        && after.assignee_id.as_ref() != Some(old)
        && after.taken_by != *old
    {
        losers.push(old.clone());
    }
    if let Some(old_team) = &before.team_id
        && after.team_id.as_ref() != Some(old_team)
        && let Some(team) = kefu_store::teams::find(conn, old_team)?
    {
        losers.extend(team.supervisor_user_id);
    }
    kefu_store::users::mark_scope_changed(conn, &losers, ctx.now)?;
    Ok(())
}

/// The engineer a ticket was (re)assigned to learns it in their inbox. Keyed by ticket and
/// version, so each assignment notifies once.
fn tell_assignee(
    conn: &mut DbConnection,
    ctx: &Ctx,
    tz: Tz,
    ticket: &TicketRow,
    assignee: &str,
) -> Result<(), ApiError> {
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
