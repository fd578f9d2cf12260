//! Complaints (TKT-10): recorded, judged valid or invalid, answered with corrective measures
//! and a reply, closed; valid ones counted per employee for HR scoring (HR-C1, HR-S5).
//!
//! Visibility (ORG-5 applied to complaints, which are about people rather than tickets):
//! admins, managers, executives, HR and QA inspectors see every complaint; a supervisor sees
//! those about the members of the teams they supervise; whoever recorded a complaint sees it;
//! a customer contact sees their own customer's; and every employee sees the complaints about
//! themselves once judged, read-only (the HR-S6 spirit: one sees what counts against one,
//! but not an unjudged accusation). Anything else is 404.

pub use crate::kernel::access::scope::complaints as complaint_scope;
use crate::kernel::command::{Ctx, snapshot};
use crate::kernel::error::ApiError;
use crate::kernel::notify;
use crate::tickets::dto::complaints::{
    ComplaintCounts, ComplaintOut, CreateComplaint, EmployeeComplaintCount, JudgeComplaint,
    ReplyComplaint,
};
use crate::tickets::service::tickets::{field, get_row as get_ticket, ticket_scope};
use chrono::{Duration, NaiveDate, NaiveDateTime};
use chrono_tz::Tz;
use kefu_core::{Actor, CustomerId, Role};
use kefu_store::complaints::{self as store, ComplaintChanges, ComplaintRow, ComplaintScope};
use kefu_store::visibility as facts;
use kefu_store::{DbConnection, from_db_time, new_id, to_db_time};
use kefu_tickets::access::{self, Action, ActorFacts, Relation};
use kefu_tickets::complaints::{
    ComplaintCommand, ComplaintStatus, Resolution, Validity, complaint_transition, guards,
};

pub fn render(row: &ComplaintRow) -> ComplaintOut {
    let t = |v: Option<NaiveDateTime>| v.map(from_db_time);
    ComplaintOut {
        id: row.id.clone(),
        ticket_id: row.ticket_id.clone(),
        customer_id: row.customer_id.clone(),
        employee_id: row.employee_id.clone(),
        channel: row.channel,
        description: row.description.clone(),
        received_at: from_db_time(row.received_at),
        recorded_by: row.recorded_by.clone(),
        status: row.status,
        validity: row.validity,
        validity_reason: row.validity_reason.clone(),
        judged_by: row.judged_by.clone(),
        judged_at: t(row.judged_at),
        corrective_measures: row.corrective_measures.clone(),
        reply_to_customer: row.reply_to_customer.clone(),
        replied_by: row.replied_by.clone(),
        replied_at: t(row.replied_at),
        closed_by: row.closed_by.clone(),
        closed_at: t(row.closed_at),
        deleted: row.deleted_at.is_some(),
        created_at: from_db_time(row.created_at),
        updated_at: from_db_time(row.updated_at),
        version: row.version,
    }
}

pub fn render_all(rows: &[ComplaintRow]) -> Vec<ComplaintOut> {
    rows.iter().map(render).collect()
}

/// The complaints as `reader` may read them: a customer contact (with no staff role) gets the
/// reply and the status, not the department's judgement of validity or its corrective measures,
/// which are internal (TKT-10).
pub fn render_for(reader: &Actor, rows: &[ComplaintRow]) -> Vec<ComplaintOut> {
    let outsider = reader.roles.iter().all(|r| *r == Role::CustomerContact);
    rows.iter()
        .map(|row| {
            let mut out = render(row);
            if outsider {
                out.validity = None;
                out.validity_reason = None;
                out.judged_by = None;
                out.judged_at = None;
                out.corrective_measures = None;
            }
            out
        })
        .collect()
}

/// A live complaint visible in `scope`; anything else is 404.
pub fn get_row(
    conn: &mut DbConnection,
    scope: &ComplaintScope,
    id: &str,
) -> Result<ComplaintRow, ApiError> {
    store::find(conn, id)?
        .filter(|r| r.deleted_at.is_none() && scope.admits(r))
        .ok_or(ApiError::NotFound)
}

/// TKT-10: records a complaint about an employee.
pub fn create(
    conn: &mut DbConnection,
    ctx: &Ctx,
    actor: &Actor,
    input: CreateComplaint,
) -> Result<ComplaintOut, ApiError> {
    let visible = crate::kernel::access::visible(conn, actor)?;
    if kefu_store::customers::find_visible(conn, &input.customer_id, &visible)?.is_none() {
        return Err(field("customer_id", "not_found", "no such customer"));
    }
    if !kefu_store::users::exists(conn, &input.employee_id)? {
        return Err(field("employee_id", "not_found", "no such user"));
    }
    if let Some(ticket_id) = &input.ticket_id {
        let scope = ticket_scope(conn, actor)?;
        let ticket = get_ticket(conn, &scope, ticket_id)
            .map_err(|_| field("ticket_id", "not_found", "no such ticket"))?;
        guards::check_ticket_customer(
            &CustomerId::from(ticket.customer_id),
            &CustomerId::from(input.customer_id.clone()),
        )?;
    }
    let received_at = match input.received_at {
        Some(at) if at > ctx.now + Duration::minutes(5) => {
            return Err(field("received_at", "range", "must not lie in the future"));
        }
        Some(at) => to_db_time(at),
        None => to_db_time(ctx.now),
    };
    let now = to_db_time(ctx.now);
    let row = ComplaintRow {
        id: new_id(),
        ticket_id: input.ticket_id,
        customer_id: input.customer_id,
        employee_id: input.employee_id,
        channel: input.channel,
        description: input.description,
        received_at,
        recorded_by: actor.user_id.clone(),
        status: ComplaintStatus::Open,
        validity: None,
        validity_reason: None,
        judged_by: None,
        judged_at: None,
        corrective_measures: None,
        reply_to_customer: None,
        replied_by: None,
        replied_at: None,
        closed_by: None,
        closed_at: None,
        created_at: now,
        updated_at: now,
        version: 1,
        deleted_at: None,
    };
    store::insert(conn, &row)?;
    let stored = store::find(conn, &row.id)?.ok_or(ApiError::NotFound)?;
    let out = render(&stored);
    ctx.audit(
        conn,
        "complaint.create",
        ("complaint", &stored.id),
        None,
        snapshot(&out),
    )?;
    Ok(out)
}

/// A complaint command with its arguments.
#[derive(Debug)]
pub enum ComplaintAction {
    Judge(JudgeComplaint),
    Reply(ReplyComplaint),
    Close { reason: Option<String> },
}

impl ComplaintAction {
    /// The row of the access table the action is checked against.
    pub fn action(&self) -> Action {
        match self {
            ComplaintAction::Judge(_) => Action::ComplaintJudge,
            ComplaintAction::Reply(_) => Action::ComplaintReply,
            ComplaintAction::Close { .. } => Action::ComplaintClose,
        }
    }
}

/// TKT-10: how the actor stands to the employee complained about — the employee themselves,
/// or the supervisor of a team they belong to (no team supervised: no such relation).
fn facts_on(
    conn: &mut DbConnection,
    actor: &Actor,
    employee_id: &str,
) -> Result<ActorFacts, ApiError> {
    let teams = facts::teams_supervised_by(conn, &actor.user_id)?;
    let supervises = !teams.is_empty()
        && facts::member_user_ids(conn, &teams)?
            .iter()
            .any(|m| m == employee_id);
    Ok(ActorFacts::of(actor)
        .with(Relation::Subject, actor.user_id == employee_id)
        .with(Relation::SupervisesSubject, supervises))
}

pub fn act(
    conn: &mut DbConnection,
    ctx: &Ctx,
    actor: &Actor,
    tz: Tz,
    id: &str,
    expected_version: i64,
    action: ComplaintAction,
) -> Result<ComplaintOut, ApiError> {
    let scope = complaint_scope(conn, actor)?;
    let row = get_row(conn, &scope, id)?;
    // The employee complained about reads, never handles, their own complaint.
    let facts = facts_on(conn, actor, &row.employee_id)?;
    access::require_on_record(action.action(), &facts)?;
    if row.version != expected_version {
        return Err(ApiError::PreconditionFailed {
            current: row.version,
        });
    }
    let from = row.status;
    let now = to_db_time(ctx.now);
    let me = Some(actor.user_id.clone());
    let mut changes = ComplaintChanges::default();
    let (command, name) = match &action {
        ComplaintAction::Judge(_) => (ComplaintCommand::Judge, "complaint.judge"),
        ComplaintAction::Reply(_) => (ComplaintCommand::Reply, "complaint.reply"),
        ComplaintAction::Close { .. } => (ComplaintCommand::Close, "complaint.close"),
    };
    let validity = row.validity;
    let mut held = Resolution {
        validity,
        corrective_measures: row.corrective_measures.as_deref(),
        reply_to_customer: row.reply_to_customer.as_deref(),
    };
    match &action {
        ComplaintAction::Judge(j) => {
            changes.validity = Some(Some(j.validity));
            changes.validity_reason = Some(Some(j.reason.trim().to_owned()));
            changes.judged_by = Some(me.clone());
            changes.judged_at = Some(Some(now));
        }
        ComplaintAction::Reply(r) => {
            let measures = guards::check_reply(validity, r.corrective_measures.as_deref())?;
            changes.corrective_measures = Some(measures);
            changes.reply_to_customer = Some(Some(r.reply_to_customer.trim().to_owned()));
            changes.replied_by = Some(me.clone());
            changes.replied_at = Some(Some(now));
        }
        ComplaintAction::Close { .. } => {
            changes.closed_by = Some(me.clone());
            changes.closed_at = Some(Some(now));
        }
    }
    if let (ComplaintAction::Judge(j), true) = (&action, held.validity.is_none()) {
        held.validity = Some(j.validity);
    }
    let to = complaint_transition(from, command, held)?;
    changes.status = Some(to);
    let before = render(&row);
    crate::kernel::command::written(store::update(
        conn,
        id,
        expected_version,
        &changes,
        ctx.now,
    )?)?;
    let after = store::find(conn, id)?.ok_or(ApiError::NotFound)?;
    let out = render(&after);
    let mut after_snapshot = snapshot(&out);
    if let (Some(v), ComplaintAction::Close { reason: Some(r) }) =
        (after_snapshot.as_mut(), &action)
        && let Some(o) = v.as_object_mut()
    {
        // The closing remark is not a field of the complaint; the audit entry keeps it.
        o.insert(
            "close_reason".to_owned(),
            serde_json::Value::from(r.clone()),
        );
    }
    ctx.audit(
        conn,
        name,
        ("complaint", id),
        snapshot(&before),
        after_snapshot,
    )?;
    if command == ComplaintCommand::Judge && out.validity == Some(Validity::Valid) {
        let title = "投诉经核实有效";
        let body = out.validity_reason.clone().unwrap_or_default();
        let key = format!("complaint.judged_valid:{id}");
        notify::notify(
            conn,
            ctx.now,
            &after.employee_id,
            &notify::Notice {
                kind: "complaint.judged_valid",
                title,
                body: &body,
                entity: Some(("complaint", id)),
                dedupe_key: Some(&key),
            },
        )?;
        // HR-C1: the complaint fine, proposed in this transaction.
        crate::scoring::service::complaint_fines::propose_for_complaint(
            conn,
            ctx,
            tz,
            id,
            &after.employee_id,
            after.received_at,
        )?;
    }
    Ok(out)
}

/// The UTC instants `[start of from, start of the day after to)` of a company-date period.
pub fn period(
    tz: Tz,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<(NaiveDateTime, NaiveDateTime), ApiError> {
    if to < from {
        return Err(field("query.to", "range", "must not be before `from`"));
    }
    if (to - from).num_days() > 3660 {
        return Err(field(
            "query.to",
            "range",
            "the period may span at most ten years",
        ));
    }
    let after = to
        .succ_opt()
        .ok_or_else(|| field("query.to", "range", "out of range"))?;
    Ok((day_start(tz, from), day_start(tz, after)))
}

pub use crate::kernel::clock::day_start;

/// HR-C1 / HR-S5: valid complaints per employee received in the period, within the
/// caller's complaint visibility.
pub fn counts(
    conn: &mut DbConnection,
    actor: &Actor,
    tz: Tz,
    from: NaiveDate,
    to: NaiveDate,
    employee_id: Option<&str>,
) -> Result<ComplaintCounts, ApiError> {
    let (start, end) = period(tz, from, to)?;
    let scope = complaint_scope(conn, actor)?;
    let items = store::valid_counts_in(conn, &scope, start, end, employee_id)?
        .into_iter()
        .map(|(employee_id, valid_complaints)| EmployeeComplaintCount {
            employee_id,
            valid_complaints,
        })
        .collect();
    Ok(ComplaintCounts { from, to, items })
}
