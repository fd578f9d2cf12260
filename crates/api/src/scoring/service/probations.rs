//! HR-T1: a new hire's probation, opened by HR or a manager with its length from
//! `training-rules` (months, or working days of the work calendar), and its confirmation
//! approved by the manager, an executive and the general manager in that order, from the
//! probation's last day on and only once the new-hire exam is passed. Privacy as the rest of
//! the domain.

use super::privacy::{assesses, scope, sees};
use crate::calendar::service::load_work_calendar_from;
use crate::kernel::command::{Ctx, snapshot, written};
use crate::kernel::error::ApiError;
use crate::kernel::notify::{Notice, notify};
use crate::kernel::rules::load_in_force;
use crate::org::dto::employees::ChangeEmploymentStatus;
use crate::scoring::dto::probations::{ApproveProbation, OpenProbation, ProbationOut};
use chrono::NaiveDate;
use kefu_core::{Actor, EmploymentStatus, FieldError, Role};
use kefu_scoring::exams::{ExamKind, TrainingRules};
use kefu_scoring::probation::{self as rules, ConfirmStep, ProbationStatus, TimingRefusal};
use kefu_store::probations::{self as store, ProbationChanges, ProbationRow};
use kefu_store::{DbConnection, new_id, to_db_time};

fn field(name: &str, code: &'static str, message: &str) -> ApiError {
    ApiError::Invalid(vec![FieldError::new(name, code, message).by_rule("HR-T1")])
}

fn rule(message: impl Into<String>) -> ApiError {
    ApiError::Rule {
        rule: "HR-T1",
        message: message.into(),
    }
}

/// A probation the caller may see, else 404.
pub fn get(conn: &mut DbConnection, actor: &Actor, id: &str) -> Result<ProbationRow, ApiError> {
    let row = store::find(conn, id)?.ok_or(ApiError::NotFound)?;
    if row.deleted_at.is_some() || !sees(&scope(conn, actor)?, &row.user_id) {
        return Err(ApiError::NotFound);
    }
    Ok(row)
}

/// HR-T1: opens the probation of a person the caller assesses, ending after the
/// `training-rules` length in force on its first day.
pub fn open(
    conn: &mut DbConnection,
    ctx: &Ctx,
    actor: &Actor,
    input: OpenProbation,
) -> Result<ProbationOut, ApiError> {
    // Someone unseen and someone seen but not assessed read alike (ORG-5).
    if !assesses(conn, actor, &input.user_id)? {
        return Err(field(
            "user_id",
            "unknown",
            "not a person you assess: HR or a manager opens a probation",
        ));
    }
    let training = match load_in_force::<TrainingRules>(conn, input.starts_on) {
        Ok(v) => v.value,
        Err(ApiError::NotFound) => {
            return Err(field(
                "starts_on",
                "range",
                "no training rules were in force then",
            ));
        }
        Err(other) => return Err(other),
    };
    if let Some(d) = &input.department
        && training.department(d).is_none()
    {
        return Err(field(
            "department",
            "unknown",
            "not a department of training-rules",
        ));
    }
    let length = training.probation_in(input.department.as_deref());
    let calendar = load_work_calendar_from(conn, input.starts_on)?;
    let ends_on =
        rules::ends_on(input.starts_on, length, &calendar).ok_or_else(|| ApiError::Rule {
            rule: "CAL-1",
            message: "the work calendar cannot place the probation's end".to_owned(),
        })?;
    let now = to_db_time(ctx.now);
    let row = ProbationRow {
        id: new_id(),
        user_id: input.user_id,
        department: input.department,
        starts_on: input.starts_on,
        ends_on,
        status: ProbationStatus::Probation.as_str().to_owned(),
        manager_approved_by: None,
        manager_approved_at: None,
        executive_approved_by: None,
        executive_approved_at: None,
        gm_approved_by: None,
        gm_approved_at: None,
        opened_by: actor.user_id.clone(),
        created_at: now,
        updated_at: now,
        version: 1,
        deleted_at: None,
        early_reason: None,
    };
    store::insert(conn, &row)?;
    let out = ProbationOut::from(&row);
    ctx.audit(
        conn,
        "probation.open",
        ("probation", &row.id),
        None,
        snapshot(&out),
    )?;
    advance_employment(
        conn,
        ctx,
        &row.user_id,
        EmploymentStatus::Training,
        row.starts_on,
        "试用期开始（HR-T1）",
    )?;
    Ok(out)
}

/// ORG-2 follows HR-T1: the person's employee record, when it is still at `from`, takes the
/// next status from `effective_on` (or the day its current status began, if later), with
/// its history entry. A record elsewhere (already moved on by hand, or none) is left alone.
fn advance_employment(
    conn: &mut DbConnection,
    ctx: &Ctx,
    user_id: &str,
    from: EmploymentStatus,
    effective_on: NaiveDate,
    note: &str,
) -> Result<(), ApiError> {
    let Some(employee) = kefu_store::employees::find_by_user(conn, user_id)? else {
        return Ok(());
    };
    if employee.employment_status != from.as_str() || employee.deleted_at.is_some() {
        return Ok(());
    }
    let next = match from {
        EmploymentStatus::Training => EmploymentStatus::Probation,
        EmploymentStatus::Probation => EmploymentStatus::Regular,
        _ => return Ok(()),
    };
    crate::org::service::employees::change_status(
        conn,
        ctx,
        &employee.id,
        employee.version,
        ChangeEmploymentStatus {
            status: next,
            effective_on: effective_on.max(employee.status_since),
            note: Some(note.to_owned()),
        },
    )?;
    Ok(())
}

/// HR-T1: the approval's timing, refused with the field or rule it breaks.
fn timing(
    today: NaiveDate,
    probation: &ProbationRow,
    step: ConfirmStep,
    stated_reason: bool,
) -> Result<(), ApiError> {
    let carries = probation.early_reason.is_some();
    let ends = probation.ends_on;
    match rules::check_timing(today, ends, step, stated_reason, carries) {
        Ok(()) => Ok(()),
        Err(TimingRefusal::ReasonNeeded) => Err(rule(format!(
            "the probation lasts until {ends}: an earlier confirmation is a special approval \
             and the manager states its reason in early_reason"
        ))),
        Err(TimingRefusal::NotSpeciallyApproved) => Err(rule(format!(
            "the probation lasts until {ends} and the manager's approval was not a special one"
        ))),
        Err(TimingRefusal::ReasonNotEarly) => Err(field(
            "early_reason",
            "invalid",
            "the probation is over: an approval on time states no special reason",
        )),
        Err(TimingRefusal::ReasonNotManagers) => Err(field(
            "early_reason",
            "invalid",
            "the special approval's reason is stated with the manager's approval",
        )),
    }
}

/// HR-T1: whether `user_id` passed a new-hire exam (a first sitting or its retake).
fn passed_new_hire_exam(conn: &mut DbConnection, user_id: &str) -> Result<bool, ApiError> {
    Ok(
        kefu_store::exams::results_of_kind(conn, user_id, ExamKind::NewHire.as_str())?
            .iter()
            .any(|(_, r)| r.passed),
    )
}

/// HR-T1: the approval `step` of the confirmation: 403 for a role that does not give it
/// (the manager's step a manager's, the executive's and the GM's an executive's; admins
/// any), 409 out of order, 422 without a passed new-hire exam, by the new hire themselves,
/// by someone who approved an earlier step, or before the probation's last day unless
/// specially approved (the manager's `early_reason`).
#[allow(clippy::too_many_arguments)]
pub fn approve(
    conn: &mut DbConnection,
    ctx: &Ctx,
    actor: &Actor,
    today: NaiveDate,
    id: &str,
    version: i64,
    input: ApproveProbation,
) -> Result<ProbationOut, ApiError> {
    let step = input.step;
    let before = get(conn, actor, id)?;
    let role = rules::approver_role(step);
    if !actor.has_role(role) && !actor.has_role(Role::Admin) {
        return Err(ApiError::from(kefu_core::DomainError::Forbidden {
            rule: "HR-T1",
            message: format!(
                "the {} approval is given by a {}",
                step.as_str(),
                role.as_str()
            ),
        }));
    }
    let from: ProbationStatus = before
        .status
        .parse()
        .map_err(|e: kefu_core::ParseEnumError| ApiError::internal(e))?;
    let to = rules::approve(from, step)?;
    if before.user_id == actor.user_id {
        return Err(rule("nobody approves their own confirmation"));
    }
    let earlier = [&before.manager_approved_by, &before.executive_approved_by];
    if earlier
        .iter()
        .any(|by| by.as_deref() == Some(actor.user_id.as_str()))
    {
        return Err(rule(
            "each approval is another person's: the GM is not the executive who approved",
        ));
    }
    let early_reason = input
        .early_reason
        .map(|r| r.trim().to_owned())
        .filter(|r| !r.is_empty());
    timing(today, &before, step, early_reason.is_some())?;
    if !passed_new_hire_exam(conn, &before.user_id)? {
        return Err(rule("the new-hire exam is not passed (HR-T1)"));
    }
    let me = Some(actor.user_id.clone());
    let now = Some(to_db_time(ctx.now));
    let mut changes = ProbationChanges {
        status: Some(to.as_str().to_owned()),
        early_reason: early_reason.map(Some),
        ..ProbationChanges::default()
    };
    match step {
        ConfirmStep::Manager => {
            changes.manager_approved_by = Some(me);
            changes.manager_approved_at = Some(now);
        }
        ConfirmStep::Executive => {
            changes.executive_approved_by = Some(me);
            changes.executive_approved_at = Some(now);
        }
        ConfirmStep::Gm => {
            changes.gm_approved_by = Some(me);
            changes.gm_approved_at = Some(now);
        }
    }
    written(store::update(conn, id, version, &changes, ctx.now)?)?;
    let after = store::find(conn, id)?.ok_or(ApiError::NotFound)?;
    let out = ProbationOut::from(&after);
    ctx.audit(
        conn,
        "probation.approve",
        ("probation", id),
        snapshot(&ProbationOut::from(&before)),
        snapshot(&out),
    )?;
    if to == ProbationStatus::Confirmed {
        advance_employment(
            conn,
            ctx,
            &after.user_id,
            EmploymentStatus::Probation,
            today,
            "试用期转正（HR-T1）",
        )?;
        let key = format!("probation.confirmed:{id}");
        notify(
            conn,
            ctx.now,
            &after.user_id,
            &Notice {
                kind: "probation.confirmed",
                title: "试用期已转正",
                body: "",
                entity: Some(("probation", id)),
                dedupe_key: Some(&key),
            },
        )?;
    }
    Ok(out)
}
