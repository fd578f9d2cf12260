//! HR-A3: leave requests: requested by the employee, approved by a manager and — above the
//! `leave-approval` limit of working days (work calendar) — by HR as well; refused by the
//! approver of the step; cancelled by the requester before the final approval. The approvers
//! and the requester are told. Privacy as attendance.

use crate::calendar::service::load_work_calendar;
use crate::kernel::command::{Ctx, snapshot, written};
use crate::kernel::error::ApiError;
use crate::kernel::notify::{Notice, notify};
use crate::kernel::rules::load_in_force;
use crate::scoring::dto::leave::{LeaveOut, RequestLeave};
use crate::scoring::service::attendance::scope;
use chrono::NaiveDate;
use kefu_core::{Actor, FieldError, Role};
use kefu_scoring::access::{self, Action};
use kefu_scoring::leave::{LeaveApproval, LeaveCommand, LeaveStatus, approval_step, transition};
use kefu_store::leave::{self as store, LeaveChanges, LeaveRow};
use kefu_store::users::UserFilter;
use kefu_store::{DbConnection, new_id, to_db_time};

/// The statuses whose days are taken (a new request may not overlap them).
const HELD: &[&str] = &["requested", "manager_approved", "approved"];

fn invalid(field: &str, message: &str) -> ApiError {
    ApiError::Invalid(vec![
        FieldError::new(field, "range", message).by_rule("HR-A3"),
    ])
}

/// A request the caller may see, else 404.
pub fn get(conn: &mut DbConnection, actor: &Actor, id: &str) -> Result<LeaveRow, ApiError> {
    let row = store::find(conn, id)?.ok_or(ApiError::NotFound)?;
    let visible = scope(conn, actor)?
        .as_ref()
        .is_none_or(|p| p.contains(&row.user_id));
    if row.deleted_at.is_some() || !visible {
        return Err(ApiError::NotFound);
    }
    Ok(row)
}

/// The enabled holders of `role`, to tell them of a step that waits for them.
fn holders(conn: &mut DbConnection, role: Role) -> Result<Vec<String>, ApiError> {
    let filter = UserFilter {
        role: Some(role),
        disabled: Some(false),
        ..UserFilter::default()
    };
    Ok(kefu_store::users::list(conn, &filter, None, 200)?
        .into_iter()
        .map(|u| u.row.id)
        .collect())
}

fn tell(
    conn: &mut DbConnection,
    ctx: &Ctx,
    to: &[String],
    kind: &'static str,
    title: &str,
    row: &LeaveRow,
) -> Result<(), ApiError> {
    let body = format!(
        "{} 至 {}，{} 个工作日：{}",
        row.start_date, row.end_date, row.working_days, row.reason
    );
    for user in to {
        let key = format!("{kind}:{}@{}:{user}", row.id, row.version);
        notify(
            conn,
            ctx.now,
            user,
            &Notice {
                kind,
                title,
                body: &body,
                entity: Some(("leave_request", &row.id)),
                dedupe_key: Some(&key),
            },
        )?;
    }
    Ok(())
}

/// HR-A3: the caller's leave request; the managers are told.
pub fn request(
    conn: &mut DbConnection,
    ctx: &Ctx,
    actor: &Actor,
    input: RequestLeave,
) -> Result<LeaveOut, ApiError> {
    if input.end_date < input.start_date {
        return Err(invalid("end_date", "must not be before start_date"));
    }
    if (input.end_date - input.start_date).num_days() > 366 {
        return Err(invalid("end_date", "at most a year after start_date"));
    }
    let calendar = load_work_calendar(conn, input.start_date, input.end_date)?;
    let working_days = input
        .start_date
        .iter_days()
        .take_while(|d| *d <= input.end_date)
        .filter(|d| calendar.is_working_day(*d))
        .count() as i64;
    if working_days == 0 {
        return Err(invalid("start_date", "the period holds no working day"));
    }
    if !store::overlapping(conn, &actor.user_id, input.start_date, input.end_date, HELD)?.is_empty()
    {
        return Err(ApiError::State {
            rule: "HR-A3",
            message: "another leave request covers some of these days".to_owned(),
        });
    }
    let now = to_db_time(ctx.now);
    let row = LeaveRow {
        id: new_id(),
        user_id: actor.user_id.clone(),
        kind: input.kind.as_str().to_owned(),
        start_date: input.start_date,
        end_date: input.end_date,
        working_days,
        reason: input.reason.trim().to_owned(),
        status: LeaveStatus::Requested.as_str().to_owned(),
        manager_decided_by: None,
        manager_decided_at: None,
        hr_decided_by: None,
        hr_decided_at: None,
        decision_note: None,
        created_at: now,
        updated_at: now,
        version: 1,
        deleted_at: None,
    };
    store::insert(conn, &row)?;
    let out = LeaveOut::from(&row);
    ctx.audit(
        conn,
        "leave_request.create",
        ("leave_request", &row.id),
        None,
        snapshot(&out),
    )?;
    let managers = holders(conn, Role::Manager)?;
    tell(conn, ctx, &managers, "leave.requested", "请假待审批", &row)?;
    Ok(out)
}

/// What is asked of a request.
pub enum LeaveStep {
    Approve,
    Reject(String),
    Cancel,
}

/// HR-A3: approves (the step the request waits for: the manager's, then HR's), refuses, or
/// cancels (the requester) a request, and tells whom the outcome concerns.
pub fn step(
    conn: &mut DbConnection,
    ctx: &Ctx,
    actor: &Actor,
    today: NaiveDate,
    id: &str,
    version: i64,
    step: LeaveStep,
) -> Result<LeaveOut, ApiError> {
    let before = get(conn, actor, id)?;
    let from: LeaveStatus = before
        .status
        .parse()
        .map_err(|e: kefu_core::ParseEnumError| ApiError::internal(e))?;
    let command = match &step {
        LeaveStep::Approve => approval_step(from),
        LeaveStep::Reject(_) if from == LeaveStatus::ManagerApproved => LeaveCommand::HrApprove,
        LeaveStep::Reject(_) => LeaveCommand::ManagerApprove,
        LeaveStep::Cancel => LeaveCommand::Cancel,
    };
    // Who may: the requester cancels; the manager and then HR decide their step.
    match command {
        LeaveCommand::Cancel if before.user_id != actor.user_id => {
            return Err(ApiError::Rule {
                rule: "HR-A3",
                message: "only the requester cancels a leave request".to_owned(),
            });
        }
        LeaveCommand::ManagerApprove => access::require(Action::LeaveManagerDecide, &actor.roles)?,
        LeaveCommand::HrApprove => access::require(Action::LeaveHrDecide, &actor.roles)?,
        _ => {}
    }
    let rules = load_in_force::<LeaveApproval>(conn, today)?.value;
    let command = match step {
        LeaveStep::Reject(_) => LeaveCommand::Reject,
        _ => command,
    };
    let to = transition(&rules, from, command, before.working_days)?;
    let now = Some(to_db_time(ctx.now));
    let me = Some(actor.user_id.clone());
    let mut changes = LeaveChanges {
        status: Some(to.as_str().to_owned()),
        ..LeaveChanges::default()
    };
    match (from, command) {
        (_, LeaveCommand::Cancel) => {}
        (LeaveStatus::ManagerApproved, _) => {
            changes.hr_decided_by = Some(me);
            changes.hr_decided_at = Some(now);
        }
        _ => {
            changes.manager_decided_by = Some(me);
            changes.manager_decided_at = Some(now);
        }
    }
    if let LeaveStep::Reject(note) = &step {
        changes.decision_note = Some(Some(note.trim().to_owned()));
    }
    written(store::update(conn, id, version, &changes, ctx.now)?)?;
    let after = store::find(conn, id)?.ok_or(ApiError::NotFound)?;
    let out = LeaveOut::from(&after);
    let action = match to {
        LeaveStatus::ManagerApproved | LeaveStatus::Approved => "leave_request.approve",
        LeaveStatus::Rejected => "leave_request.reject",
        _ => "leave_request.cancel",
    };
    ctx.audit(
        conn,
        action,
        ("leave_request", id),
        snapshot(&LeaveOut::from(&before)),
        snapshot(&out),
    )?;
    let requester = [after.user_id.clone()];
    match to {
        LeaveStatus::ManagerApproved => {
            let hr = holders(conn, Role::Hr)?;
            tell(conn, ctx, &hr, "leave.awaits_hr", "请假待人事审批", &after)?;
            tell(
                conn,
                ctx,
                &requester,
                "leave.manager_approved",
                "经理已批准，待人事审批",
                &after,
            )?;
        }
        LeaveStatus::Approved => {
            tell(
                conn,
                ctx,
                &requester,
                "leave.approved",
                "请假已批准",
                &after,
            )?;
        }
        LeaveStatus::Rejected => {
            tell(
                conn,
                ctx,
                &requester,
                "leave.rejected",
                "请假被驳回",
                &after,
            )?;
        }
        _ => {}
    }
    Ok(out)
}

/// HR-A3: the approved leave days of `user_id` in `[from, to]`, for the month's summary.
pub fn approved_days(
    conn: &mut DbConnection,
    user_id: &str,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<NaiveDate>, ApiError> {
    Ok(store::overlapping(conn, user_id, from, to, &["approved"])?
        .iter()
        .flat_map(|r| {
            r.start_date
                .iter_days()
                .take_while(move |d| *d <= r.end_date)
        })
        .filter(|d| *d >= from && *d <= to)
        .collect())
}
