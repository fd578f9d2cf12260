//! TKT-9 follow-ups: a manager answers a customer who was dissatisfied on a callback, within
//! the working days of the rule set `service-deadlines`. Managers (and QA, executives,
//! admins) see all follow-ups.

use crate::calendar::service::{load_work_calendar_from, rule_error};
use crate::kernel::access::roles::MANAGERS;
use crate::kernel::command::{Ctx, snapshot};
use crate::kernel::error::ApiError;
use crate::kernel::notify;
use crate::tickets::dto::callbacks::{AnswerFollowUp, FollowUpOut};
use crate::tickets::service::callbacks::{days, deadlines, least_loaded, today_of};
use crate::tickets::service::transition::run_for_rule;
use chrono::NaiveDate;
use chrono_tz::Tz;
use kefu_core::Actor;
use kefu_store::callbacks::{self as store, CallbackRow, FollowUpRow};
use kefu_store::tickets::{self, TicketRow};
use kefu_store::{DbConnection, from_db_time, new_id, to_db_time};
use kefu_tickets::access::{self, Action};
use kefu_tickets::callbacks::guards::{self, Decision};
use kefu_tickets::callbacks::{self as rules, FollowUpStatus};
use kefu_tickets::decide::TicketCommand;

/// TKT-9: the manager's follow-up of a dissatisfied customer: owned by the callback's manager,
/// else the enabled manager with the fewest open follow-ups (ties by id), who is told.
pub(crate) fn open_follow_up(
    conn: &mut DbConnection,
    ctx: &Ctx,
    tz: Tz,
    callback: &CallbackRow,
    ticket: &TicketRow,
    day: NaiveDate,
) -> Result<(), ApiError> {
    let owner = match &callback.manager_id {
        Some(m) => m.clone(),
        None => least_loaded(conn, MANAGERS, store::open_follow_up_counts)?.ok_or_else(|| {
            ApiError::State {
                rule: "TKT-9",
                message: "there is no enabled manager to follow up the dissatisfied customer"
                    .to_owned(),
            }
        })?,
    };
    let within = days(deadlines(conn, day)?.follow_up_working_days)?;
    let calendar = load_work_calendar_from(conn, day)?;
    let due = rules::follow_up_due(&calendar, day, within).map_err(rule_error)?;
    let now = to_db_time(ctx.now);
    let row = FollowUpRow {
        id: new_id(),
        callback_id: callback.id.clone(),
        ticket_id: ticket.id.clone(),
        owner_id: owner,
        due_date: due,
        status: FollowUpStatus::Open,
        answer: None,
        answered_at: None,
        answered_by: None,
        decision: None,
        decision_reason: None,
        created_at: now,
        updated_at: now,
        version: 1,
        deleted_at: None,
    };
    store::insert_follow_up(conn, &row)?;
    let stored = store::find_follow_up(conn, &row.id)?.ok_or(ApiError::NotFound)?;
    let out = render_follow_up(&stored, today_of(tz, ctx.now));
    ctx.audit(
        conn,
        "callback_follow_up.create",
        ("callback_follow_up", &stored.id),
        None,
        snapshot(&out),
    )?;
    let title = format!("客户不满意，请跟进：{}", ticket.number);
    let body = format!(
        "{}（请于 {} 前答复客户）",
        callback.notes.clone().unwrap_or_default(),
        stored.due_date
    );
    let key = format!("callback.follow_up:{}", stored.id);
    notify::notify(
        conn,
        ctx.now,
        &stored.owner_id,
        &notify::Notice {
            kind: "callback.follow_up",
            title: &title,
            body: &body,
            entity: Some(("callback_follow_up", &stored.id)),
            dedupe_key: Some(&key),
        },
    )?;
    Ok(())
}

pub fn render_follow_up(row: &FollowUpRow, today: NaiveDate) -> FollowUpOut {
    FollowUpOut {
        id: row.id.clone(),
        callback_id: row.callback_id.clone(),
        ticket_id: row.ticket_id.clone(),
        owner_id: row.owner_id.clone(),
        due_date: row.due_date,
        status: row.status,
        overdue: row.status == FollowUpStatus::Open && row.due_date < today,
        answer: row.answer.clone(),
        answered_at: row.answered_at.map(from_db_time),
        answered_by: row.answered_by.clone(),
        decision: row.decision,
        decision_reason: row.decision_reason.clone(),
        deleted: row.deleted_at.is_some(),
        created_at: from_db_time(row.created_at),
        updated_at: from_db_time(row.updated_at),
        version: row.version,
    }
}

/// A live follow-up for a reader of follow-ups (the route checks the role); else 404.
pub fn get_follow_up(
    conn: &mut DbConnection,
    actor: &Actor,
    id: &str,
) -> Result<FollowUpRow, ApiError> {
    // Follow-ups have no ORG-5 scope of their own: a caller who may not read them sees none.
    if !access::may(Action::FollowUpGet, &actor.roles) {
        return Err(ApiError::NotFound);
    }
    store::find_follow_up(conn, id)?
        .filter(|f| f.deleted_at.is_none())
        .ok_or(ApiError::NotFound)
}

/// The manager's answer to the dissatisfied customer, and what it decides for the ticket
/// (TKT-9): reopened with the reason (and reassigned when the manager chooses an engineer), or
/// closed with the answer as the explanation given to the customer.
pub fn answer_follow_up(
    conn: &mut DbConnection,
    ctx: &Ctx,
    actor: &Actor,
    tz: Tz,
    id: &str,
    expected_version: i64,
    input: AnswerFollowUp,
) -> Result<FollowUpOut, ApiError> {
    let row = get_follow_up(conn, actor, id)?;
    access::require(Action::FollowUpAnswer, &actor.roles)?;
    if row.version != expected_version {
        return Err(ApiError::PreconditionFailed {
            current: row.version,
        });
    }
    guards::check_follow_up_open(row.status)?;
    let decision = Decision::parse(input.decision, input.reopen_reason, input.assignee_id)?;
    let ticket = tickets::find(conn, &row.ticket_id)?
        .filter(|t| t.deleted_at.is_none())
        .ok_or(ApiError::NotFound)?;
    if let Some(command) = guards::follow_up_command(&decision, ticket.status)? {
        run_for_rule(conn, ctx, actor, tz, &ticket.id, command)?;
    }
    if let Decision::Reopen {
        reason,
        assignee: Some(assignee),
    } = &decision
    {
        let reassign = TicketCommand::Assign {
            assignee_id: assignee.clone().into(),
            planned_start: None,
            planned_end: None,
            reason: Some(format!("TKT-9: {reason}")),
        };
        run_for_rule(conn, ctx, actor, tz, &ticket.id, reassign)?;
    }
    let today = today_of(tz, ctx.now);
    let changes = store::FollowUpChanges {
        status: Some(FollowUpStatus::Answered),
        answer: Some(Some(input.answer)),
        answered_at: Some(Some(to_db_time(ctx.now))),
        answered_by: Some(Some(actor.user_id.clone())),
        decision: Some(Some(decision.kind())),
        decision_reason: Some(match &decision {
            Decision::Reopen { reason, .. } => Some(reason.clone()),
            Decision::Close => None,
        }),
    };
    let before = render_follow_up(&row, today);
    crate::kernel::command::written(store::update_follow_up(
        conn,
        id,
        expected_version,
        &changes,
        ctx.now,
    )?)?;
    let after = store::find_follow_up(conn, id)?.ok_or(ApiError::NotFound)?;
    let out = render_follow_up(&after, today);
    ctx.audit(
        conn,
        "callback_follow_up.answer",
        ("callback_follow_up", id),
        snapshot(&before),
        snapshot(&out),
    )?;
    Ok(out)
}
