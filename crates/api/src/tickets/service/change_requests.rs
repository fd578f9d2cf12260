//! Change requests (TKT-12) through their stages with a stage log, promised dates and delay
//! notices; visible with their ticket (ORG-5) and to the engineer who requested them.
//!
//! A bug service record (TKT-6) raises its change request in the same transaction
//! ([`raise_from_bug`]): stage `requested` — the manager has not reviewed it yet — but with
//! the bug's promised date already, since that date was given to the customer on site and
//! the delay-notice duty (and the watch) applies to it from that moment.

use crate::kernel::command::{Ctx, snapshot};
use crate::kernel::error::ApiError;
use crate::kernel::extract::trimmed;
use crate::kernel::notify;
use crate::tickets::dto::change_requests::{
    ChangeRequestDetail, ChangeRequestEventOut, ChangeRequestOut, ConfirmRequirements,
    CreateChangeRequest, DelayNotice, DelayNoticeOut, ReviewChangeRequest,
};
use crate::tickets::service::tickets::{get_row as get_ticket, ticket_scope};
use chrono::{NaiveDate, NaiveDateTime};
use chrono_tz::Tz;
use kefu_core::Actor;
use kefu_store::change_requests::{
    self as store, ChangeRequestChanges, ChangeRequestRow, DelayRow, EventRow,
};
use kefu_store::tickets::TicketRow;
use kefu_store::visibility::Visible;
use kefu_store::visits::ServiceRecordRow;
use kefu_store::{DbConnection, from_db_time, new_id, to_db_time};
use kefu_tickets::access::{Action, ActorFacts};
use kefu_tickets::change_requests::guards;
use kefu_tickets::change_requests::{
    self as rules, ChangeRequest, CrCommand, Stage, check_delay, check_review,
};
use kefu_tickets::deadlines::ServiceDeadlines;

pub fn render(row: &ChangeRequestRow) -> ChangeRequestOut {
    let t = |v: Option<NaiveDateTime>| v.map(from_db_time);
    ChangeRequestOut {
        id: row.id.clone(),
        ticket_id: row.ticket_id.clone(),
        customer_id: row.customer_id.clone(),
        service_record_id: row.service_record_id.clone(),
        title: row.title.clone(),
        requirements: row.requirements.clone(),
        customer_stamp_ref: row.customer_stamp_ref.clone(),
        requested_by: row.requested_by.clone(),
        stage: row.stage,
        review_note: row.review_note.clone(),
        promised_date: row.promised_date,
        reviewed_by: row.reviewed_by.clone(),
        reviewed_at: t(row.reviewed_at),
        tested_by: row.tested_by.clone(),
        tested_at: t(row.tested_at),
        delivered_at: t(row.delivered_at),
        customer_feedback: row.customer_feedback.clone(),
        deleted: row.deleted_at.is_some(),
        created_at: from_db_time(row.created_at),
        updated_at: from_db_time(row.updated_at),
        version: row.version,
        allowed_actions: Vec::new(),
    }
}

/// The change request as the rules read it.
fn request_of(row: &ChangeRequestRow) -> ChangeRequest<'_> {
    ChangeRequest {
        stage: row.stage,
        requested_by: &row.requested_by,
        promised_date: row.promised_date,
    }
}

/// The request as `actor` reads it on `today` (the company's date): with the commands they
/// may run on it now, decided by the commands' own predicate (issue 17).
pub fn render_for(row: &ChangeRequestRow, actor: &Actor, today: NaiveDate) -> ChangeRequestOut {
    let mut out = render(row);
    out.allowed_actions = rules::allowed_actions(&request_of(row), &ActorFacts::of(actor), today);
    out
}

pub fn render_all(
    rows: &[ChangeRequestRow],
    actor: &Actor,
    today: NaiveDate,
) -> Vec<ChangeRequestOut> {
    rows.iter().map(|r| render_for(r, actor, today)).collect()
}

/// The request as `actor` reads it on `today`, with its stage log and delay notices.
pub fn detail(
    conn: &mut DbConnection,
    row: &ChangeRequestRow,
    actor: &Actor,
    today: NaiveDate,
) -> Result<ChangeRequestDetail, ApiError> {
    let events = store::events_of(conn, &row.id)?
        .into_iter()
        .map(|e| ChangeRequestEventOut {
            action: e.action,
            from_stage: e.from_stage,
            to_stage: e.to_stage,
            actor_id: e.actor_id,
            reason: e.reason,
            at: from_db_time(e.at),
        })
        .collect();
    let delay_notices = store::delays_of(conn, &row.id)?
        .into_iter()
        .map(|d| DelayNoticeOut {
            old_promised_date: d.old_promised_date,
            new_promised_date: d.new_promised_date,
            reason: d.reason,
            notified_contact: d.notified_contact,
            noticed_by: d.noticed_by,
            noticed_at: from_db_time(d.noticed_at),
        })
        .collect();
    Ok(ChangeRequestDetail {
        request: render_for(row, actor, today),
        events,
        delay_notices,
    })
}

/// A live request visible in `scope` (its ticket visible, or the caller requested it);
/// anything else is 404.
pub fn get_row(
    conn: &mut DbConnection,
    scope: &Visible,
    id: &str,
) -> Result<ChangeRequestRow, ApiError> {
    let row = store::find(conn, id)?
        .filter(|r| r.deleted_at.is_none())
        .ok_or(ApiError::NotFound)?;
    if scope.all || scope.user_ids.contains(&row.requested_by) {
        return Ok(row);
    }
    let ticket = kefu_store::tickets::find(conn, &row.ticket_id)?.ok_or(ApiError::NotFound)?;
    if kefu_store::tickets::visible_to(&ticket, scope) {
        Ok(row)
    } else {
        Err(ApiError::NotFound)
    }
}

fn log(
    conn: &mut DbConnection,
    ctx: &Ctx,
    id: &str,
    action: &str,
    from: Option<Stage>,
    to: Stage,
    reason: Option<String>,
) -> Result<(), ApiError> {
    store::insert_event(
        conn,
        &EventRow {
            id: new_id(),
            change_request_id: id.to_owned(),
            action: action.to_owned(),
            from_stage: from,
            to_stage: to,
            actor_id: ctx.actor_id.clone(),
            reason,
            at: to_db_time(ctx.now),
        },
    )?;
    Ok(())
}

/// What a new request starts from.
struct NewRequest {
    title: String,
    requirements: String,
    customer_stamp_ref: Option<String>,
    service_record_id: Option<String>,
    promised_date: Option<NaiveDate>,
    requested_by: String,
    reason: String,
}

fn insert_new(
    conn: &mut DbConnection,
    ctx: &Ctx,
    ticket: &TicketRow,
    new: NewRequest,
) -> Result<ChangeRequestRow, ApiError> {
    let now = to_db_time(ctx.now);
    let row = ChangeRequestRow {
        id: new_id(),
        ticket_id: ticket.id.clone(),
        customer_id: ticket.customer_id.clone(),
        service_record_id: new.service_record_id,
        title: new.title,
        requirements: new.requirements,
        customer_stamp_ref: new.customer_stamp_ref,
        requested_by: new.requested_by,
        stage: Stage::Requested,
        review_note: None,
        promised_date: new.promised_date,
        reviewed_by: None,
        reviewed_at: None,
        tested_by: None,
        tested_at: None,
        delivered_at: None,
        customer_feedback: None,
        created_at: now,
        updated_at: now,
        version: 1,
        deleted_at: None,
    };
    store::insert(conn, &row)?;
    log(
        conn,
        ctx,
        &row.id,
        "request",
        None,
        Stage::Requested,
        Some(new.reason),
    )?;
    let stored = store::find(conn, &row.id)?.ok_or(ApiError::NotFound)?;
    ctx.audit(
        conn,
        "change_request.create",
        ("change_request", &stored.id),
        None,
        snapshot(&render(&stored)),
    )?;
    Ok(stored)
}

/// TKT-12: an engineer files the customer's stamped application for a program change.
pub fn create(
    conn: &mut DbConnection,
    ctx: &Ctx,
    actor: &Actor,
    tz: Tz,
    ticket_id: &str,
    input: CreateChangeRequest,
) -> Result<ChangeRequestDetail, ApiError> {
    let scope = ticket_scope(conn, actor)?;
    let ticket = get_ticket(conn, &scope, ticket_id)?;
    guards::check_ticket(ticket.status)?;
    let row = insert_new(
        conn,
        ctx,
        &ticket,
        NewRequest {
            title: input.title.trim().to_owned(),
            requirements: input.requirements.trim().to_owned(),
            customer_stamp_ref: Some(input.customer_stamp_ref.trim().to_owned()),
            service_record_id: None,
            promised_date: None,
            requested_by: actor.user_id.clone(),
            reason: format!("客户盖章申请 {}", input.customer_stamp_ref.trim()),
        },
    )?;
    detail(conn, &row, actor, ctx.now.with_timezone(&tz).date_naive())
}

/// TKT-6 → TKT-12: the change request a bug service record raises, in the record's
/// transaction; returns its id. Requested by the record's author, promised for the bug's
/// promised date; the stamped application follows at requirements confirmation.
pub fn raise_from_bug(
    conn: &mut DbConnection,
    ctx: &Ctx,
    ticket: &TicketRow,
    record: &ServiceRecordRow,
    reproduction_steps: &str,
    error_text: &str,
    promised_date: NaiveDate,
) -> Result<String, ApiError> {
    let title: String = format!("程序缺陷：{}", error_text.trim())
        .chars()
        .take(200)
        .collect();
    let row = insert_new(
        conn,
        ctx,
        ticket,
        NewRequest {
            title,
            requirements: format!(
                "重现步骤：\n{}\n\n错误信息：\n{}",
                reproduction_steps.trim(),
                error_text.trim()
            ),
            customer_stamp_ref: None,
            service_record_id: Some(record.id.clone()),
            promised_date: Some(promised_date),
            requested_by: record.created_by.clone(),
            reason: format!("TKT-6: raised by bug service record {}", record.id),
        },
    )?;
    Ok(row.id)
}

/// A change-request command with its arguments.
#[derive(Debug)]
pub enum CrAction {
    ConfirmRequirements(ConfirmRequirements),
    Review(ReviewChangeRequest),
    StartDevelopment(Option<String>),
    SubmitForTest(Option<String>),
    PassTest(Option<String>),
    Deliver(Option<String>),
    RecordFeedback(String),
    Delay(DelayNotice),
    Cancel(String),
}

impl CrAction {
    /// Which of the request's commands this is: a review with `approve: false` rejects.
    pub fn command(&self) -> CrCommand {
        match self {
            CrAction::ConfirmRequirements(_) => CrCommand::ConfirmRequirements,
            CrAction::Review(r) if r.approve == Some(false) => CrCommand::Reject,
            CrAction::Review(_) => CrCommand::Review,
            CrAction::StartDevelopment(_) => CrCommand::StartDevelopment,
            CrAction::SubmitForTest(_) => CrCommand::SubmitForTest,
            CrAction::PassTest(_) => CrCommand::PassTest,
            CrAction::Deliver(_) => CrCommand::Deliver,
            CrAction::RecordFeedback(_) => CrCommand::RecordFeedback,
            CrAction::Delay(_) => CrCommand::Delay,
            CrAction::Cancel(_) => CrCommand::Cancel,
        }
    }

    /// The row of the access table the action is checked against.
    pub fn action(&self) -> Action {
        self.command().access()
    }
}

pub fn act(
    conn: &mut DbConnection,
    ctx: &Ctx,
    actor: &Actor,
    tz: Tz,
    id: &str,
    expected_version: i64,
    action: CrAction,
) -> Result<ChangeRequestDetail, ApiError> {
    let scope = ticket_scope(conn, actor)?;
    let row = get_row(conn, &scope, id)?;
    if row.version != expected_version {
        return Err(ApiError::PreconditionFailed {
            current: row.version,
        });
    }
    let from = row.stage;
    let today = ctx.now.with_timezone(&tz).date_naive();
    let now = to_db_time(ctx.now);
    let me = Some(actor.user_id.clone());
    let mut changes = ChangeRequestChanges::default();
    let command = action.command();
    // The checks `allowed_actions` reports: the TKT-12 stage table, the requesting engineer
    // testing, a delay announced before the promised date.
    let to = rules::precondition(&request_of(&row), &ActorFacts::of(actor), command, today)?;
    let mut delay = None;
    let reason = match action {
        CrAction::ConfirmRequirements(c) => {
            let stamp = guards::stamp_for_confirm(
                c.customer_stamp_ref.as_deref(),
                row.customer_stamp_ref.as_deref(),
            )?;
            changes.customer_stamp_ref = Some(Some(stamp));
            changes.requirements = trimmed(c.requirements);
            trimmed(c.reason)
        }
        CrAction::Review(r) => {
            if command == CrCommand::Review {
                changes.promised_date = Some(Some(check_review(r.promised_date, today)?));
            }
            changes.review_note = Some(Some(r.note.trim().to_owned()));
            changes.reviewed_by = Some(me.clone());
            changes.reviewed_at = Some(Some(now));
            Some(r.note.trim().to_owned())
        }
        CrAction::StartDevelopment(r) | CrAction::SubmitForTest(r) | CrAction::Deliver(r) => {
            if command == CrCommand::Deliver {
                changes.delivered_at = Some(Some(now));
            }
            trimmed(r)
        }
        CrAction::PassTest(r) => {
            changes.tested_by = Some(me.clone());
            changes.tested_at = Some(Some(now));
            trimmed(r)
        }
        CrAction::RecordFeedback(f) => {
            changes.customer_feedback = Some(Some(f.trim().to_owned()));
            Some(f.trim().to_owned())
        }
        CrAction::Delay(d) => {
            check_delay(today, row.promised_date, d.new_promised_date)?;
            changes.promised_date = Some(Some(d.new_promised_date));
            let old = row.promised_date.unwrap_or(d.new_promised_date);
            let text = format!(
                "{old} → {}: {}（已告知 {}）",
                d.new_promised_date,
                d.reason.trim(),
                d.notified_contact.trim()
            );
            delay = Some(DelayRow {
                id: new_id(),
                change_request_id: row.id.clone(),
                old_promised_date: old,
                new_promised_date: d.new_promised_date,
                reason: d.reason.trim().to_owned(),
                notified_contact: d.notified_contact.trim().to_owned(),
                noticed_by: me.clone(),
                noticed_at: now,
            });
            Some(text)
        }
        CrAction::Cancel(r) => Some(r.trim().to_owned()),
    };
    if to != from {
        changes.stage = Some(to);
    }
    let before = render(&row);
    crate::kernel::command::written(store::update(
        conn,
        id,
        expected_version,
        &changes,
        ctx.now,
    )?)?;
    if let Some(d) = &delay {
        store::insert_delay(conn, d)?;
    }
    log(conn, ctx, id, command.as_str(), Some(from), to, reason)?;
    let after = store::find(conn, id)?.ok_or(ApiError::NotFound)?;
    let out = detail(conn, &after, actor, today)?;
    ctx.audit(
        conn,
        &format!("change_request.{}", command.as_str()),
        ("change_request", id),
        snapshot(&before),
        snapshot(&out),
    )?;
    if command == CrCommand::SubmitForTest {
        // The requesting engineer tests (TKT-12): tell them it is their turn.
        let title = format!("程序修改待测试：{}", after.title);
        let key = format!("change_request.ready_for_test:{id}:{}", after.version);
        notify::notify(
            conn,
            ctx.now,
            &after.requested_by,
            &notify::Notice {
                kind: "change_request.ready_for_test",
                title: &title,
                body: "",
                entity: Some(("change_request", id)),
                dedupe_key: Some(&key),
            },
        )?;
    }
    Ok(out)
}

/// TKT-12: the last day whose promised requests need their delay announced now: today plus
/// the notice period of `service-deadlines` in working days.
pub fn delay_notice_threshold(
    conn: &mut DbConnection,
    today: NaiveDate,
) -> Result<NaiveDate, ApiError> {
    let days = crate::kernel::rules::load_in_force::<ServiceDeadlines>(conn, today)?
        .value
        .change_request_delay_notice_working_days;
    let days = u32::try_from(days).map_err(ApiError::internal)?;
    crate::calendar::service::add_working_days(conn, today, days)
}
