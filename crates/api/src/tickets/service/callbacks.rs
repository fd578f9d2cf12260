//! Callbacks (TKT-9): created when a feedback form is received (or a repaired device shipped
//! back, or by hand), called by the callback desk, answered with the questionnaire. A
//! satisfied customer closes the resolved ticket; a dissatisfied one opens a follow-up owned by
//! a manager, whose answer decides the ticket. Visible per ORG-5 (see [`callback_scope`]).

use crate::calendar::service::{load_work_calendar_from, rule_error};
use crate::kernel::access::roles::CALLBACK_CALLERS;
use crate::kernel::access::roles::MANAGERS;
pub use crate::kernel::access::scope::callbacks as callback_scope;
use crate::kernel::command::{Ctx, snapshot};
use crate::kernel::error::ApiError;
use crate::kernel::notify;
use crate::tickets::dto::callbacks::{
    CallbackAttempt, CallbackOut, CompleteCallback, CreateCallback,
};
use crate::tickets::service::tickets::field;
use crate::tickets::service::transition::run_for_rule;
use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use chrono_tz::Tz;
use kefu_core::{Actor, Role};
use kefu_store::callbacks::{self as store, CallbackChanges, CallbackRow};
use kefu_store::tickets::{self, TicketRow};
use kefu_store::visibility::Visible;
use kefu_store::{DbConnection, from_db_time, new_id, to_db_time};
use kefu_tickets::callbacks::CallbackCommand;
use kefu_tickets::callbacks::{self as rules, Answers, CallbackSource, CallbackStatus, guards};
use kefu_tickets::deadlines::ServiceDeadlines;

pub fn render(
    conn: &mut DbConnection,
    row: &CallbackRow,
    today: NaiveDate,
) -> Result<CallbackOut, ApiError> {
    let follow_up_id = if row.satisfied == Some(false) {
        store::follow_up_of(conn, &row.id)?.map(|f| f.id)
    } else {
        None
    };
    let t = |v: Option<NaiveDateTime>| v.map(from_db_time);
    Ok(CallbackOut {
        id: row.id.clone(),
        ticket_id: row.ticket_id.clone(),
        source: row.source,
        feedback_form_id: row.feedback_form_id.clone(),
        shipped_on: row.shipped_on,
        assignee_id: row.assignee_id.clone(),
        manager_id: row.manager_id.clone(),
        due_date: row.due_date,
        status: row.status,
        overdue: row.status == CallbackStatus::Open && row.due_date < today,
        attempts: row.attempts,
        last_attempt_at: t(row.last_attempt_at),
        last_attempt_note: row.last_attempt_note.clone(),
        reached: row.reached,
        form_signed: row.form_signed,
        timeliness: row.timeliness,
        attitude: row.attitude,
        technical: row.technical,
        result_ok: row.result_ok,
        satisfied: row.satisfied,
        fee_charged_fen: row.fee_charged_fen,
        fee_kind: row.fee_kind,
        fee_refunded: row.fee_refunded,
        invoice_given: row.invoice_given,
        notes: row.notes.clone(),
        completed_at: t(row.completed_at),
        completed_by: row.completed_by.clone(),
        follow_up_id,
        created_by: row.created_by.clone(),
        deleted: row.deleted_at.is_some(),
        created_at: from_db_time(row.created_at),
        updated_at: from_db_time(row.updated_at),
        version: row.version,
        allowed_actions: Vec::new(),
    })
}

/// `out` as `actor` reads it: with the commands they may run on the callback now, decided by
/// the commands' own predicate (issue 17).
pub fn for_actor(mut out: CallbackOut, actor: &Actor) -> CallbackOut {
    out.allowed_actions = rules::allowed_actions(out.status, &actor.roles);
    out
}

pub fn render_all(
    conn: &mut DbConnection,
    rows: &[CallbackRow],
    today: NaiveDate,
    actor: &Actor,
) -> Result<Vec<CallbackOut>, ApiError> {
    rows.iter()
        .map(|r| Ok(for_actor(render(conn, r, today)?, actor)))
        .collect()
}

/// A live callback visible in `scope`, with its ticket; anything else is 404.
pub fn get_row(
    conn: &mut DbConnection,
    scope: &Visible,
    id: &str,
) -> Result<(CallbackRow, TicketRow), ApiError> {
    let row = store::find(conn, id)?
        .filter(|c| c.deleted_at.is_none())
        .ok_or(ApiError::NotFound)?;
    let ticket = tickets::find(conn, &row.ticket_id)?.ok_or(ApiError::NotFound)?;
    if tickets::visible_to(&ticket, scope) {
        Ok((row, ticket))
    } else {
        Err(ApiError::NotFound)
    }
}

pub(crate) fn today_of(tz: Tz, now: DateTime<Utc>) -> NaiveDate {
    now.with_timezone(&tz).date_naive()
}

pub(crate) fn deadlines(
    conn: &mut DbConnection,
    day: NaiveDate,
) -> Result<ServiceDeadlines, ApiError> {
    Ok(crate::kernel::rules::load_in_force::<ServiceDeadlines>(conn, day)?.value)
}

pub(crate) fn days(n: i64) -> Result<u32, ApiError> {
    u32::try_from(n).map_err(|_| ApiError::internal("service-deadlines holds a negative day count"))
}

/// A store query of open tasks per user.
pub(crate) type OpenCounts =
    fn(&mut DbConnection, &[String]) -> Result<Vec<(String, i64)>, kefu_store::StoreError>;

/// The enabled holder of `roles` with the fewest open tasks per `counts` (ties by id).
pub(crate) fn least_loaded(
    conn: &mut DbConnection,
    roles: &[Role],
    counts: OpenCounts,
) -> Result<Option<String>, ApiError> {
    let names: Vec<&str> = roles.iter().map(|r| r.as_str()).collect();
    let candidates = kefu_store::notifications::enabled_holders_of(conn, &names)?;
    let open = counts(conn, &candidates)?;
    Ok(rules::least_loaded(&candidates, &open).map(str::to_owned))
}

fn check_manager(conn: &mut DbConnection, name: &str, id: &str) -> Result<(), ApiError> {
    if kefu_store::users::is_enabled_with_any_role(conn, id, MANAGERS)? {
        Ok(())
    } else {
        Err(field(name, "unknown", "no such enabled manager"))
    }
}

/// What a new callback is made from.
struct NewCallback {
    source: CallbackSource,
    feedback_form_id: Option<String>,
    shipped_on: Option<NaiveDate>,
    due_date: NaiveDate,
    assignee_id: Option<String>,
    manager_id: Option<String>,
    notes: Option<String>,
    /// Who takes the call when the desk has nobody enabled.
    fallback_assignee: Option<String>,
}

/// The one way a callback is made: picks the caller (the enabled callback agent or clerk
/// with the fewest open callbacks, ties by id) unless given, stores, audits and tells them.
fn create_task(
    conn: &mut DbConnection,
    ctx: &Ctx,
    tz: Tz,
    ticket: &TicketRow,
    new: NewCallback,
) -> Result<CallbackOut, ApiError> {
    let assignee = match new.assignee_id {
        Some(id) => {
            if !kefu_store::users::is_enabled_with_any_role(conn, &id, CALLBACK_CALLERS)? {
                return Err(field(
                    "assignee_id",
                    "unknown",
                    "no such enabled callback agent or clerk",
                ));
            }
            id
        }
        None => least_loaded(conn, CALLBACK_CALLERS, store::open_counts)?
            .or(new.fallback_assignee)
            .ok_or_else(|| ApiError::State {
                rule: "TKT-9",
                message: "there is no enabled callback agent or clerk to take the callback"
                    .to_owned(),
            })?,
    };
    if let Some(m) = &new.manager_id {
        check_manager(conn, "manager_id", m)?;
    }
    let now = to_db_time(ctx.now);
    let row = CallbackRow {
        id: new_id(),
        ticket_id: ticket.id.clone(),
        source: new.source,
        feedback_form_id: new.feedback_form_id,
        shipped_on: new.shipped_on,
        assignee_id: assignee,
        manager_id: new.manager_id,
        due_date: new.due_date,
        status: CallbackStatus::Open,
        attempts: 0,
        last_attempt_at: None,
        last_attempt_note: None,
        reached: None,
        form_signed: None,
        timeliness: None,
        attitude: None,
        technical: None,
        result_ok: None,
        satisfied: None,
        fee_charged_fen: None,
        fee_kind: None,
        fee_refunded: None,
        invoice_given: None,
        notes: new.notes,
        completed_at: None,
        completed_by: None,
        created_by: ctx.actor_id.clone(),
        created_at: now,
        updated_at: now,
        version: 1,
        deleted_at: None,
    };
    store::insert(conn, &row)?;
    let stored = store::find(conn, &row.id)?.ok_or(ApiError::NotFound)?;
    let out = render(conn, &stored, today_of(tz, ctx.now))?;
    ctx.audit(
        conn,
        "callback.create",
        ("callback", &stored.id),
        None,
        snapshot(&out),
    )?;
    let title = format!("新回访任务：{}", ticket.number);
    let body = format!("请于 {} 前回访客户", stored.due_date);
    let key = format!("callback.assigned:{}", stored.id);
    notify::notify(
        conn,
        ctx.now,
        &stored.assignee_id,
        &notify::Notice {
            kind: "callback.assigned",
            title: &title,
            body: &body,
            entity: Some(("callback", &stored.id)),
            dedupe_key: Some(&key),
        },
    )?;
    Ok(out)
}

/// TKT-9: the callback made when `receiver` takes in the feedback form `form_id` of `ticket`
/// at `received_at`, assigned to them when they work the callback desk: due `callback_after_form_working_days` working days after the day of
/// receipt in the company's time zone `tz` (0: that day, or the next working day when it is
/// not one). Idempotent per form: a second call returns the first callback. Runs in the
/// caller's transaction (the form's receipt).
pub fn on_form_received(
    conn: &mut DbConnection,
    ctx: &Ctx,
    tz: Tz,
    receiver: &Actor,
    ticket: &TicketRow,
    form_id: &str,
    received_at: DateTime<Utc>,
) -> Result<CallbackOut, ApiError> {
    if let Some(existing) = store::find_by_form(conn, form_id)? {
        return render(conn, &existing, today_of(tz, ctx.now));
    }
    let day = today_of(tz, received_at);
    let after = days(deadlines(conn, day)?.callback_after_form_working_days)?;
    let calendar = load_work_calendar_from(conn, day)?;
    let due = rules::due_after_form(&calendar, day, after).map_err(rule_error)?;
    create_task(
        conn,
        ctx,
        tz,
        ticket,
        NewCallback {
            source: CallbackSource::FeedbackForm,
            feedback_form_id: Some(form_id.to_owned()),
            shipped_on: None,
            due_date: due,
            // Seed 002: the clerk who takes the form in makes the call that day.
            assignee_id: receiver
                .has_any_role(CALLBACK_CALLERS)
                .then(|| receiver.user_id.clone()),
            manager_id: None,
            notes: None,
            fallback_assignee: Some(receiver.user_id.clone()),
        },
    )
}

/// `POST /callbacks`: a callback by hand, or after a repaired device is shipped back (due
/// `callback_after_repair_days` calendar days after shipping).
pub fn create(
    conn: &mut DbConnection,
    ctx: &Ctx,
    actor: &Actor,
    tz: Tz,
    input: CreateCallback,
) -> Result<CallbackOut, ApiError> {
    let scope = callback_scope(conn, actor)?;
    let ticket = crate::tickets::service::tickets::get_row(conn, &scope, &input.ticket_id)
        .map_err(|e| match e {
            ApiError::NotFound => field("ticket_id", "unknown", "no such ticket"),
            other => other,
        })?;
    guards::check_ticket(ticket.status)?;
    let today = today_of(tz, ctx.now);
    // The deadline is the one in force when the task is made: a shipping day before the rule
    // set's first version must not leave the callback without one.
    let within = deadlines(conn, today)?.callback_after_repair_days;
    let guards::DueDay {
        due_date: due,
        shipped_on,
    } = guards::hand_made_due(
        input.source,
        input.shipped_on,
        input.due_date,
        today,
        within,
    )?;
    create_task(
        conn,
        ctx,
        tz,
        &ticket,
        NewCallback {
            source: input.source,
            feedback_form_id: None,
            shipped_on,
            due_date: due,
            assignee_id: input.assignee_id,
            manager_id: input.manager_id,
            notes: input.notes,
            fallback_assignee: None,
        },
    )
    .map(|out| for_actor(out, actor))
}

/// Loads a callback for a command of the desk at `expected_version`; it must be open.
fn load_open(
    conn: &mut DbConnection,
    actor: &Actor,
    command: CallbackCommand,
    id: &str,
    expected_version: i64,
) -> Result<(CallbackRow, TicketRow), ApiError> {
    let scope = callback_scope(conn, actor)?;
    let (row, ticket) = get_row(conn, &scope, id)?;
    rules::authorize(&actor.roles, command)?;
    if row.version != expected_version {
        return Err(ApiError::PreconditionFailed {
            current: row.version,
        });
    }
    rules::precondition(row.status)?;
    Ok((row, ticket))
}

/// A call that did not reach the customer: counted, the task stays open.
pub fn attempt(
    conn: &mut DbConnection,
    ctx: &Ctx,
    actor: &Actor,
    tz: Tz,
    id: &str,
    expected_version: i64,
    input: CallbackAttempt,
) -> Result<CallbackOut, ApiError> {
    let (row, _) = load_open(conn, actor, CallbackCommand::Attempt, id, expected_version)?;
    let today = today_of(tz, ctx.now);
    let changes = CallbackChanges {
        attempts: Some(row.attempts + 1),
        last_attempt_at: Some(Some(to_db_time(ctx.now))),
        last_attempt_note: Some(input.note),
        reached: Some(Some(false)),
        ..CallbackChanges::default()
    };
    let before = render(conn, &row, today)?;
    crate::kernel::command::written(store::update(
        conn,
        id,
        expected_version,
        &changes,
        ctx.now,
    )?)?;
    let after = store::find(conn, id)?.ok_or(ApiError::NotFound)?;
    let out = render(conn, &after, today)?;
    ctx.audit(
        conn,
        "callback.attempt",
        ("callback", id),
        snapshot(&before),
        snapshot(&out),
    )?;
    Ok(for_actor(out, actor))
}

/// TKT-9: the answers of a reached call. Satisfied: a resolved ticket is closed. Not
/// satisfied: a follow-up for a manager, due `follow_up_working_days` working days after the
/// call; the ticket waits for the manager's answer.
pub fn complete(
    conn: &mut DbConnection,
    ctx: &Ctx,
    actor: &Actor,
    tz: Tz,
    id: &str,
    expected_version: i64,
    input: CompleteCallback,
) -> Result<CallbackOut, ApiError> {
    let (row, ticket) = load_open(conn, actor, CallbackCommand::Complete, id, expected_version)?;
    let answers = Answers {
        form_signed: input.form_signed,
        timeliness: input.timeliness,
        attitude: input.attitude,
        technical: input.technical,
        result_ok: input.result_ok,
        satisfied: input.satisfied,
        fee_charged_fen: input.fee_charged_fen,
        fee_kind: input.fee_kind,
        fee_refunded: input.fee_refunded,
        invoice_given: input.invoice_given,
    };
    answers.validate()?;
    if let Some(m) = &input.manager_id {
        check_manager(conn, "manager_id", m)?;
    }
    let today = today_of(tz, ctx.now);
    let now = to_db_time(ctx.now);
    let changes = CallbackChanges {
        status: Some(CallbackStatus::Done),
        reached: Some(Some(true)),
        form_signed: Some(Some(answers.form_signed)),
        timeliness: Some(Some(answers.timeliness)),
        attitude: Some(Some(answers.attitude)),
        technical: Some(Some(answers.technical)),
        result_ok: Some(Some(answers.result_ok)),
        satisfied: Some(Some(answers.satisfied)),
        fee_charged_fen: Some(answers.fee_charged_fen),
        fee_kind: Some(answers.fee_kind),
        fee_refunded: Some(answers.fee_refunded),
        invoice_given: Some(answers.invoice_given),
        notes: Some(input.notes.or(row.notes.clone())),
        manager_id: input.manager_id.clone().map(Some),
        completed_at: Some(Some(now)),
        completed_by: Some(Some(actor.user_id.clone())),
        ..CallbackChanges::default()
    };
    let before = render(conn, &row, today)?;
    crate::kernel::command::written(store::update(
        conn,
        id,
        expected_version,
        &changes,
        ctx.now,
    )?)?;
    let after = store::find(conn, id)?.ok_or(ApiError::NotFound)?;
    let status = ticket.status;
    if !answers.satisfied {
        crate::tickets::service::callback_follow_ups::open_follow_up(
            conn, ctx, tz, &after, &ticket, today,
        )?;
    }
    // TKT-9: a satisfied customer closes the resolved ticket.
    if let Some(command) = guards::ticket_command(answers.satisfied, status) {
        run_for_rule(conn, ctx, actor, tz, &ticket.id, command)?;
    }
    let out = render(conn, &after, today)?;
    ctx.audit(
        conn,
        "callback.complete",
        ("callback", id),
        snapshot(&before),
        snapshot(&out),
    )?;
    Ok(for_actor(out, actor))
}
