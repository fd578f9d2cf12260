//! Commissioning jobs (CON-7, CON-8): load through `store`, decide with
//! `kefu_contracts::commissioning::decide`, save, audit (which also queues the webhook event).
//!
//! Visibility (ORG-5, `kernel::access::scope::commissioning`): the see-all roles see every job;
//! an engineer the jobs assigned to them; a supervisor also their members'. Anything else is 404.

use crate::contracts::dto::commissioning::{
    ApproveCommissioningJob, CommissioningJobOut, ConfirmCommissioningCallback,
    CreateCommissioningJob, HandInCommissioningDocuments, RecheckCommissioningJob,
    RecordCommissioningAcceptance, RecordCommissioningWork,
};
use crate::contracts::service::contracts::today_of;
pub use crate::kernel::access::scope::commissioning as job_scope;
use crate::kernel::command::{Ctx, snapshot, written};
use crate::kernel::error::ApiError;
use crate::kernel::notify::{Notice, notify};
use chrono::NaiveDate;
use chrono_tz::Tz;
use kefu_contracts::commissioning::{
    CommissioningDocument as Doc, CommissioningStatus, Job, JobCommand, billable_points, decide,
    timeliness,
};
use kefu_contracts::deadlines::ContractRules;
use kefu_core::{Actor, FieldError, LocationClass, Role};
use kefu_store::commissioning::{self as store, JobChanges, JobRow, JobScope};
use kefu_store::{DbConnection, from_db_time, new_id, to_db_time};

fn field(name: &str, code: &'static str, message: impl Into<String>) -> ApiError {
    ApiError::Invalid(vec![FieldError::new(name, code, message)])
}

/// A referenced record the caller cannot see is a 422 naming the field, not a 404 of the request.
fn not_found_as(e: ApiError, name: &str, message: &str) -> ApiError {
    match e {
        ApiError::NotFound => field(name, "not_found", message),
        other => other,
    }
}

/// The job as the rules see it.
pub fn typed(row: &JobRow) -> Job {
    Job {
        status: row.status,
        billable_points: row.billable_points,
        started_on: row.started_on,
        ended_on: row.ended_on,
        documents_due_on: row.documents_due_on,
        handed_in: [
            row.project_file_on,
            row.questionnaire_on,
            row.settlement_notice_on,
        ],
        callback_confirmed_on: row.callback_confirmed_on,
        acceptance_on: row.acceptance_on,
    }
}

/// The job with its document timeliness judged on `today`: the latest document decides.
pub fn render(row: &JobRow, today: NaiveDate) -> CommissioningJobOut {
    let latest = typed(row)
        .handed_in
        .into_iter()
        .map(|day| timeliness(row.documents_due_on, day, today))
        .max_by_key(|t| t.late_days);
    let (late, late_days) = latest.map_or((false, 0), |t| (t.late, t.late_days));
    CommissioningJobOut {
        id: row.id.clone(),
        title: row.title.clone(),
        notice_no: row.notice_no.clone(),
        customer_id: row.customer_id.clone(),
        site_id: row.site_id.clone(),
        location_class: LocationClass::parse(&row.location_class).unwrap_or(LocationClass::Remote),
        original_job_id: row.original_job_id.clone(),
        controller_points: row.controller_points,
        pure_alarm_controller: row.pure_alarm_controller,
        billable_points: row.billable_points,
        engineer_id: row.engineer_id.clone(),
        status: row.status,
        approved_by: row.approved_by.clone(),
        approved_on: row.approved_on,
        started_on: row.started_on,
        ended_on: row.ended_on,
        documents_due_on: row.documents_due_on,
        project_file_on: row.project_file_on,
        questionnaire_on: row.questionnaire_on,
        settlement_notice_on: row.settlement_notice_on,
        documents_late: late,
        documents_late_days: late_days,
        documents_late_noticed_on: row.documents_late_noticed_on,
        callback_confirmed_by: row.callback_confirmed_by.clone(),
        callback_confirmed_on: row.callback_confirmed_on,
        recheck_required: row.recheck_required,
        recheck_due_on: row
            .callback_confirmed_on
            .filter(|_| row.recheck_required)
            .and_then(|d| d.succ_opt()),
        rechecked_by: row.rechecked_by.clone(),
        rechecked_on: row.rechecked_on,
        acceptance_on: row.acceptance_on,
        created_by: row.created_by.clone(),
        created_at: from_db_time(row.created_at),
        updated_at: from_db_time(row.updated_at),
        version: row.version,
    }
}

/// A live job visible in `scope`; anything else is 404.
pub fn get_row(conn: &mut DbConnection, scope: &JobScope, id: &str) -> Result<JobRow, ApiError> {
    store::find(conn, id)?
        .filter(|r| r.deleted_at.is_none() && scope.admits(r))
        .ok_or(ApiError::NotFound)
}

fn everything() -> JobScope {
    JobScope {
        all: true,
        ..JobScope::default()
    }
}

/// CON-7: enters a commissioning notice as a job awaiting the executive's approval; with
/// `original_job_id`, a capacity addition to that job with only the added points.
pub fn create(
    conn: &mut DbConnection,
    ctx: &Ctx,
    actor: &Actor,
    tz: Tz,
    input: CreateCommissioningJob,
) -> Result<CommissioningJobOut, ApiError> {
    let today = today_of(tz, ctx.now);
    let original = match &input.original_job_id {
        Some(id) => {
            let scope = job_scope(conn, actor)?;
            let row = get_row(conn, &scope, id.trim())
                .map_err(|e| not_found_as(e, "original_job_id", "no such job"))?;
            // An addition to an addition adds to the same original.
            Some(match &row.original_job_id {
                Some(first) => store::find(conn, first)?.unwrap_or(row),
                None => row,
            })
        }
        None => None,
    };
    let site_id = match (&input.site_id, &original) {
        (Some(s), Some(o)) if s.trim() != o.site_id => {
            return Err(field(
                "site_id",
                "mismatch",
                "a capacity addition is at its original's site",
            ));
        }
        (_, Some(o)) => o.site_id.clone(),
        (Some(s), None) => s.trim().to_owned(),
        (None, None) => {
            return Err(field(
                "site_id",
                "required",
                "a site, unless the job is a capacity addition",
            ));
        }
    };
    let site = crate::customers::service::sites::get_visible(conn, actor, &site_id)
        .map_err(|e| not_found_as(e, "site_id", "no such site"))?;
    let class = crate::customers::service::sites::out(conn, &site)?.location_class;
    let engineer_ok = kefu_store::users::find(conn, input.engineer_id.trim())?
        .is_some_and(|u| !u.row.disabled && u.roles.contains(&Role::Engineer));
    if !engineer_ok {
        return Err(field(
            "engineer_id",
            "not_found",
            "the engineer must be an enabled engineer",
        ));
    }
    let rules = crate::kernel::rules::load_in_force::<ContractRules>(conn, today)?.value;
    let now = to_db_time(ctx.now);
    let row = JobRow {
        id: new_id(),
        title: input.title.trim().to_owned(),
        notice_no: input.notice_no.trim().to_owned(),
        customer_id: site.customer_id.clone(),
        site_id: site.id.clone(),
        location_class: class.as_str().to_owned(),
        original_job_id: original.map(|o| o.id),
        controller_points: input.controller_points,
        pure_alarm_controller: input.pure_alarm_controller,
        billable_points: billable_points(
            &rules,
            input.controller_points,
            input.pure_alarm_controller,
        ),
        engineer_id: input.engineer_id.trim().to_owned(),
        status: CommissioningStatus::PendingApproval,
        approved_by: None,
        approved_on: None,
        started_on: None,
        ended_on: None,
        documents_due_on: None,
        project_file_on: None,
        questionnaire_on: None,
        settlement_notice_on: None,
        documents_late_noticed_on: None,
        callback_confirmed_by: None,
        callback_confirmed_on: None,
        recheck_required: false,
        rechecked_by: None,
        rechecked_on: None,
        acceptance_on: None,
        created_by: actor.user_id.clone(),
        created_at: now,
        updated_at: now,
        version: 1,
        deleted_at: None,
    };
    store::insert(conn, &row)?;
    let out = render(&get_row(conn, &everything(), &row.id)?, today);
    ctx.audit(
        conn,
        "commissioning_job.create",
        ("commissioning_job", &out.id),
        None,
        snapshot(&out),
    )?;
    Ok(out)
}

/// A command on a job with its arguments.
#[derive(Debug)]
pub enum JobAction {
    Approve(ApproveCommissioningJob),
    Commission(RecordCommissioningWork),
    HandIn(HandInCommissioningDocuments),
    ConfirmCommissioningCallback(ConfirmCommissioningCallback),
    Recheck(RecheckCommissioningJob),
    RecordCommissioningAcceptance(RecordCommissioningAcceptance),
}

impl JobAction {
    /// The row of the access table the action is checked against.
    pub fn action(&self) -> kefu_contracts::access::Action {
        use kefu_contracts::access::Action as A;
        match self {
            JobAction::Approve(_) => A::CommissioningApprove,
            JobAction::Commission(_) => A::CommissioningCommission,
            JobAction::HandIn(_) => A::CommissioningHandIn,
            JobAction::ConfirmCommissioningCallback(_) => A::CommissioningConfirmCallback,
            JobAction::Recheck(_) => A::CommissioningRecheck,
            JobAction::RecordCommissioningAcceptance(_) => A::CommissioningRecordAcceptance,
        }
    }

    fn audit_name(&self) -> &'static str {
        match self {
            JobAction::Approve(_) => "commissioning_job.approve",
            JobAction::Commission(_) => "commissioning_job.commission",
            JobAction::HandIn(_) => "commissioning_job.hand_in",
            JobAction::ConfirmCommissioningCallback(_) => "commissioning_job.confirm_callback",
            JobAction::Recheck(_) => "commissioning_job.recheck",
            JobAction::RecordCommissioningAcceptance(_) => "commissioning_job.record_acceptance",
        }
    }

    fn command(&self, today: NaiveDate) -> JobCommand {
        match self {
            JobAction::Approve(a) => JobCommand::Approve {
                approved_on: a.approved_on.unwrap_or(today),
            },
            JobAction::Commission(c) => JobCommand::Commission {
                started_on: c.started_on,
                ended_on: c.ended_on,
            },
            JobAction::HandIn(h) => JobCommand::HandIn {
                documents: h.documents.clone(),
                handed_in_on: h.handed_in_on.unwrap_or(today),
            },
            JobAction::ConfirmCommissioningCallback(c) => JobCommand::ConfirmCallback {
                confirmed_on: c.confirmed_on.unwrap_or(today),
            },
            JobAction::Recheck(r) => JobCommand::Recheck {
                rechecked_on: r.rechecked_on.unwrap_or(today),
            },
            JobAction::RecordCommissioningAcceptance(a) => JobCommand::RecordAcceptance {
                accepted_on: a.accepted_on.unwrap_or(today),
            },
        }
    }

    /// The note the audit entry keeps beside the job.
    fn note(&self) -> Option<&str> {
        match self {
            JobAction::ConfirmCommissioningCallback(ConfirmCommissioningCallback {
                note: Some(n),
                ..
            })
            | JobAction::Recheck(RecheckCommissioningJob { note: Some(n), .. }) => Some(n.trim()),
            _ => None,
        }
    }
}

/// Runs a command: load (404 outside the caller's scope), check the version, decide, save,
/// audit; an approval tells the engineer.
pub fn act(
    conn: &mut DbConnection,
    ctx: &Ctx,
    actor: &Actor,
    tz: Tz,
    id: &str,
    expected_version: i64,
    action: JobAction,
) -> Result<CommissioningJobOut, ApiError> {
    let scope = job_scope(conn, actor)?;
    let row = get_row(conn, &scope, id)?;
    if row.version != expected_version {
        return Err(ApiError::PreconditionFailed {
            current: row.version,
        });
    }
    let today = today_of(tz, ctx.now);
    let rules = crate::kernel::rules::load_in_force::<ContractRules>(conn, today)?.value;
    let outcome = decide(&typed(&row), &action.command(today), &rules, today)?;
    let before = render(&row, today);
    let me = Some(Some(actor.user_id.clone()));
    let handed = |doc: Doc| {
        outcome
            .handed_in
            .iter()
            .find(|(d, _)| *d == doc)
            .map(|(_, day)| Some(*day))
    };
    let changes = JobChanges {
        status: outcome.status,
        approved_by: outcome.approved_on.and(me.clone()),
        approved_on: outcome.approved_on.map(Some),
        started_on: outcome.started_on.map(Some),
        ended_on: outcome.ended_on.map(Some),
        documents_due_on: outcome.documents_due_on.map(Some),
        project_file_on: handed(Doc::ProjectFile),
        questionnaire_on: handed(Doc::SatisfactionQuestionnaire),
        settlement_notice_on: handed(Doc::SettlementNotice),
        callback_confirmed_by: outcome.callback_confirmed_on.and(me.clone()),
        callback_confirmed_on: outcome.callback_confirmed_on.map(Some),
        recheck_required: outcome.recheck_required,
        rechecked_by: outcome.rechecked_on.and(me),
        rechecked_on: outcome.rechecked_on.map(Some),
        acceptance_on: outcome.acceptance_on.map(Some),
    };
    written(store::update(
        conn,
        id,
        expected_version,
        &changes,
        ctx.now,
    )?)?;
    let out = render(&get_row(conn, &everything(), id)?, today);
    let mut after = snapshot(&out);
    if let (Some(v), Some(note)) = (after.as_mut(), action.note())
        && let Some(o) = v.as_object_mut()
    {
        o.insert("note".to_owned(), serde_json::Value::from(note));
    }
    ctx.audit(
        conn,
        action.audit_name(),
        ("commissioning_job", id),
        snapshot(&before),
        after,
    )?;
    if matches!(action, JobAction::Approve(_)) {
        let title = format!("调试任务已批准：{}", row.title);
        let body = format!(
            "工程「{}」（调试通知单 {}，{} 点）已批准，请联系客户安排调试。",
            row.title, row.notice_no, row.billable_points
        );
        let key = format!("commissioning_job.approved:{id}");
        notify(
            conn,
            ctx.now,
            &row.engineer_id,
            &Notice {
                kind: "commissioning_job.approved",
                title: &title,
                body: &body,
                entity: Some(("commissioning_job", id)),
                dedupe_key: Some(&key),
            },
        )?;
    }
    Ok(out)
}
