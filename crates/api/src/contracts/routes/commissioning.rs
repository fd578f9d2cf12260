//! `/commissioning-jobs`: commissioning jobs (CON-7) and their points (CON-8). HTTP only:
//! extract, check the action's roles before loading anything (403 before 404), run the service.

use crate::contracts::dto::commissioning::{
    ApproveCommissioningJob, CommissioningJobOut, CommissioningJobQuery,
    ConfirmCommissioningCallback, CreateCommissioningJob, EXPORT, HandInCommissioningDocuments,
    RecheckCommissioningJob, RecordCommissioningAcceptance, RecordCommissioningWork,
};
use crate::contracts::service::commissioning::{self as svc, JobAction};
use crate::kernel::auth::Caller;
use crate::kernel::command::{Ctx, run_command};
use crate::kernel::error::{ApiError, Problem};
use crate::kernel::export::{self, Listed};
use crate::kernel::extract::{IfMatch, ValidJson, trimmed};
use crate::kernel::page::{Page, paginate, row_key, window};
use crate::kernel::respond::{created, versioned};
use crate::kernel::state::AppState;
use actix_web::http::StatusCode;
use actix_web::{HttpResponse, get, post, web};
use kefu_contracts::access::{self, Action};
use kefu_store::commissioning::{self as store, JobFilter};
use kefu_store::to_db_time;
use utoipa_actix_web::service_config::ServiceConfig;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(create_job)
        .service(list_jobs)
        .service(get_job)
        .service(approve_job)
        .service(commission_job)
        .service(hand_in_job_documents)
        .service(confirm_job_callback)
        .service(recheck_job)
        .service(record_job_acceptance);
}

/// Enter a commissioning notice
///
/// Enters a commissioning notice (工程调试通知及结算单) as a job `pending_approval` (CON-7): the
/// project, the notice's number, the site (its customer and its location class — local, county
/// or remote, ORG-3 — are taken from it and kept), the controller points, whether it is a pure
/// alarm controller, and the engineer. CON-8: `billable_points` is the `contract-deadlines` rule's
/// `pure_alarm_controller_points` (127) for a pure alarm controller whatever the entered size,
/// else the entered points; both are kept. With `original_job_id` the job is a capacity addition
/// (增加控制器容量) to that job: it enters only the added points, at the original's site (422
/// `site_id` for another site). The executive approves it next (`approveCommissioningJob`).
///
/// Who: admins, managers and clerks (403 for others). The site must be visible to the caller
/// (ORG-5; 422 `site_id`), the original a job they see (422 `original_job_id`), the engineer an
/// enabled engineer (422 `engineer_id`). Triggers the audit entry and webhook event
/// `commissioning_job.create`.
#[utoipa::path(
    tag = "commissioning",
    operation_id = "createCommissioningJob",
    request_body = CreateCommissioningJob,
    responses(
        (status = 201, description = "Entered", body = CommissioningJobOut, headers(("Location" = String), ("ETag" = String))),
    )
)]
#[post("/commissioning-jobs")]
async fn create_job(
    state: web::Data<AppState>,
    caller: Caller,
    ValidJson(input): ValidJson<CreateCommissioningJob>,
) -> Result<HttpResponse, ApiError> {
    access::require(Action::CommissioningCreate, &caller.actor.roles)?;
    let ctx = Ctx::of(&caller, state.clock.now());
    let actor = caller.actor.clone();
    let tz = state.config.timezone;
    let out = state
        .tx(move |conn| svc::create(conn, &ctx, &actor, tz, input))
        .await?;
    Ok(created(
        format!("/api/v1/commissioning-jobs/{}", out.id),
        Some(out.version),
        &out,
    ))
}

/// List or delta-sync commissioning jobs
///
/// Every staff role (customer contacts 403: the jobs are internal settlement records); the list
/// holds only the jobs visible to the caller (ORG-5): admins, managers, executives, finance, HR,
/// clerks, callback agents and QA inspectors see all; an engineer only the jobs assigned to them;
/// a supervisor also their members'.
///
/// Each job carries what billing computes the commissioning fee from: `billable_points` (CON-8),
/// `location_class`, the work's dates, document timeliness (`documents_late`,
/// `documents_late_days`, judged at the server's current date while a document is missing) and
/// `acceptance_on`. Filters `customer_id`, `site_id`, `engineer_id`, `status`, `original_job_id`
/// (the capacity additions of a job), `ended_from`/`ended_to` (the work's end, inclusive).
/// Without `updated_since`: jobs in id order; with it: every job changed after that instant in
/// `(updated_at, id)` order. `/export` (CSV or XLSX) exports the same list. Read-only.
#[utoipa::path(
    tag = "commissioning",
    operation_id = "listCommissioningJobs",
    params(CommissioningJobQuery),
    responses((status = 200, description = "One page of jobs", body = Page<CommissioningJobOut>))
)]
#[get("/commissioning-jobs")]
async fn list_jobs(
    state: web::Data<AppState>,
    caller: Caller,
    listed: Listed<CommissioningJobQuery>,
) -> Result<HttpResponse, ApiError> {
    access::require(Action::CommissioningList, &caller.actor.roles)?;
    let data = state.clone();
    export::respond(&data, &EXPORT, listed, move |query| {
        jobs_page(state.clone(), caller.clone(), query)
    })
    .await
}

/// One page of the list (also what an export reads page by page).
async fn jobs_page(
    state: web::Data<AppState>,
    caller: Caller,
    query: CommissioningJobQuery,
) -> Result<Page<CommissioningJobOut>, ApiError> {
    let (limit, fetch, mode) = window(
        query.limit,
        query.updated_since.as_deref(),
        query.cursor.as_deref(),
    )?;
    let today = state.today();
    let filter = JobFilter {
        customer_id: trimmed(query.customer_id),
        site_id: trimmed(query.site_id),
        engineer_id: trimmed(query.engineer_id),
        status: query.status,
        original_job_id: trimmed(query.original_job_id),
        ended_from: query.ended_from,
        ended_to: query.ended_to,
    };
    let actor = caller.actor.clone();
    let (mode, items) = state
        .db(move |conn| {
            let scope = svc::job_scope(conn, &actor)?;
            let rows = store::list(conn, &scope, &filter, &mode, fetch)?;
            Ok((
                mode,
                rows.iter()
                    .map(|r| svc::render(r, today))
                    .collect::<Vec<_>>(),
            ))
        })
        .await?;
    Ok(paginate(
        items,
        limit,
        |j| row_key(&mode, to_db_time(j.updated_at), &j.id),
        |j| j,
    ))
}

/// Get a commissioning job
///
/// The job with its version as `ETag`; document timeliness is judged at the server's current
/// date while a document is missing (CON-7). Every staff role who sees it (ORG-5, as in
/// `listCommissioningJobs`); any other job reads as 404. Read-only.
#[utoipa::path(
    tag = "commissioning",
    operation_id = "getCommissioningJob",
    params(("id" = String, Path, description = "Job id")),
    responses((status = 200, description = "The job", body = CommissioningJobOut, headers(("ETag" = String))))
)]
#[get("/commissioning-jobs/{id}")]
async fn get_job(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    access::require(Action::CommissioningGet, &caller.actor.roles)?;
    let id = id.into_inner();
    let actor = caller.actor.clone();
    let today = state.today();
    let out = state
        .db(move |conn| {
            let scope = svc::job_scope(conn, &actor)?;
            Ok(svc::render(&svc::get_row(conn, &scope, &id)?, today))
        })
        .await?;
    Ok(versioned(StatusCode::OK, out.version, &out))
}

async fn command(
    state: web::Data<AppState>,
    caller: Caller,
    id: String,
    version: i64,
    action: JobAction,
) -> Result<HttpResponse, ApiError> {
    // The role check before loading: a stranger is refused before learning the job exists.
    access::require(action.action(), &caller.actor.roles)?;
    let tz = state.config.timezone;
    run_command(
        state,
        caller,
        id,
        version,
        move |conn, ctx, actor, id, version| svc::act(conn, ctx, actor, tz, id, version, action),
    )
    .await
}

/// Approve a commissioning notice
///
/// The executive's approval of the notice (CON-7; the seeds: 经销售副总经理审核): a
/// `pending_approval` job becomes `approved` (409 `CON-7` from any other status) on `approved_on`
/// (default today; not in the future, 422 `approved_on`), and its engineer is notified
/// (`commissioning_job.approved`).
///
/// Who: admins and executives (403 for others), on a job they see (ORG-5: otherwise 404). Needs
/// `If-Match`. Triggers the audit entry and webhook event `commissioning_job.approve`.
#[utoipa::path(
    tag = "commissioning",
    operation_id = "approveCommissioningJob",
    params(("id" = String, Path, description = "Job id"), crate::kernel::openapi::IfMatchHeader),
    request_body = ApproveCommissioningJob,
    responses(
        (status = 200, description = "Approved", body = CommissioningJobOut, headers(("ETag" = String))),
        (status = 409, description = "Not awaiting approval", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/commissioning-jobs/{id}/approve")]
async fn approve_job(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    IfMatch(version): IfMatch,
    ValidJson(input): ValidJson<ApproveCommissioningJob>,
) -> Result<HttpResponse, ApiError> {
    command(
        state,
        caller,
        id.into_inner(),
        version,
        JobAction::Approve(input),
    )
    .await
}

/// Record the commissioning work
///
/// Records the work's first and last day on an `approved` job (CON-7; 409 `CON-7` otherwise),
/// which becomes `commissioned`. `ended_on` not before `started_on` and not in the future (422
/// `ended_on`). The three documents are then due the `contract-deadlines` rule's
/// `commissioning_documents_days` (3) calendar days after `ended_on` (`documents_due_on`; the
/// seeds count 日, not 工作日); the daily `contracts.commissioning_late_documents` job tells the
/// engineer once when one is missing after that.
///
/// Who: admins, managers, supervisors and engineers (403 for others), on a job they see (ORG-5:
/// an engineer their own; otherwise 404). Needs `If-Match`. Triggers the audit entry and webhook
/// event `commissioning_job.commission`.
#[utoipa::path(
    tag = "commissioning",
    operation_id = "commissionCommissioningJob",
    params(("id" = String, Path, description = "Job id"), crate::kernel::openapi::IfMatchHeader),
    request_body = RecordCommissioningWork,
    responses(
        (status = 200, description = "Commissioned", body = CommissioningJobOut, headers(("ETag" = String))),
        (status = 409, description = "Not approved, or commissioned already", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/commissioning-jobs/{id}/commission")]
async fn commission_job(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    IfMatch(version): IfMatch,
    ValidJson(input): ValidJson<RecordCommissioningWork>,
) -> Result<HttpResponse, ApiError> {
    command(
        state,
        caller,
        id.into_inner(),
        version,
        JobAction::Commission(input),
    )
    .await
}

/// Record documents handed in
///
/// Records the day the clerk received one or more of the three documents (CON-7: `project_file`,
/// `satisfaction_questionnaire`, `settlement_notice`) of a `commissioned` job (409 `CON-7`
/// otherwise, or for a document handed in already). `handed_in_on` defaults to today; not before
/// the work's end nor in the future (422 `handed_in_on`). A document after `documents_due_on` is
/// late: `documents_late` and `documents_late_days` show by how many days.
///
/// Who: admins, managers and clerks (403 for others), on a job they see (ORG-5: otherwise 404).
/// Needs `If-Match`. Triggers the audit entry and webhook event `commissioning_job.hand_in`.
#[utoipa::path(
    tag = "commissioning",
    operation_id = "handInCommissioningDocuments",
    params(("id" = String, Path, description = "Job id"), crate::kernel::openapi::IfMatchHeader),
    request_body = HandInCommissioningDocuments,
    responses(
        (status = 200, description = "Recorded", body = CommissioningJobOut, headers(("ETag" = String))),
        (status = 409, description = "Not commissioned, or a document handed in already", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/commissioning-jobs/{id}/hand-in")]
async fn hand_in_job_documents(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    IfMatch(version): IfMatch,
    ValidJson(input): ValidJson<HandInCommissioningDocuments>,
) -> Result<HttpResponse, ApiError> {
    command(
        state,
        caller,
        id.into_inner(),
        version,
        JobAction::HandIn(input),
    )
    .await
}

/// Confirm a commissioning by callback
///
/// The clerk's confirming callback (CON-7; the seeds: 客服内勤电话回访确认调试完成) on a
/// `commissioned` job (409 `CON-7` otherwise) once all three documents are in (422 `CON-7`
/// naming the missing ones). `confirmed_on` defaults to today; not before the last hand-in nor
/// in the future (422 `confirmed_on`). A job over the rule's `recheck_call_over_points` (1000)
/// billable points becomes `awaiting_recheck` with the manager's re-check call due the next day
/// (`recheck_due_on`); any other is `completed`. An optional `note` is kept in the audit entry.
///
/// Who: admins, managers and clerks (403 for others), on a job they see (ORG-5: otherwise 404).
/// Needs `If-Match`. Triggers the audit entry and webhook event
/// `commissioning_job.confirm_callback`.
#[utoipa::path(
    tag = "commissioning",
    operation_id = "confirmCommissioningCallback",
    params(("id" = String, Path, description = "Job id"), crate::kernel::openapi::IfMatchHeader),
    request_body = ConfirmCommissioningCallback,
    responses(
        (status = 200, description = "Confirmed", body = CommissioningJobOut, headers(("ETag" = String))),
        (status = 409, description = "Not commissioned", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/commissioning-jobs/{id}/confirm-callback")]
async fn confirm_job_callback(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    IfMatch(version): IfMatch,
    ValidJson(input): ValidJson<ConfirmCommissioningCallback>,
) -> Result<HttpResponse, ApiError> {
    command(
        state,
        caller,
        id.into_inner(),
        version,
        JobAction::ConfirmCommissioningCallback(input),
    )
    .await
}

/// Record the manager's re-check call
///
/// The manager's re-check call of a job over 1000 points (CON-7; the seeds: 次日对1000点以上的
/// 工程进行电话回访复核) on an `awaiting_recheck` job (409 `CON-7` otherwise), which becomes
/// `completed`. `rechecked_on` defaults to today; not before the callback nor in the future (422
/// `rechecked_on`). An optional `note` is kept in the audit entry.
///
/// Who: admins and managers (403 for others), on a job they see (ORG-5: otherwise 404). Needs
/// `If-Match`. Triggers the audit entry and webhook event `commissioning_job.recheck`.
#[utoipa::path(
    tag = "commissioning",
    operation_id = "recheckCommissioningJob",
    params(("id" = String, Path, description = "Job id"), crate::kernel::openapi::IfMatchHeader),
    request_body = RecheckCommissioningJob,
    responses(
        (status = 200, description = "Re-checked", body = CommissioningJobOut, headers(("ETag" = String))),
        (status = 409, description = "No re-check awaited", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/commissioning-jobs/{id}/recheck")]
async fn recheck_job(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    IfMatch(version): IfMatch,
    ValidJson(input): ValidJson<RecheckCommissioningJob>,
) -> Result<HttpResponse, ApiError> {
    command(
        state,
        caller,
        id.into_inner(),
        version,
        JobAction::Recheck(input),
    )
    .await
}

/// Record the acceptance date
///
/// Records the day of the acceptance inspection (检测验收, CON-7) of a job whose work is done
/// (`commissioned`, `awaiting_recheck` or `completed`; 409 `CON-7` before, or when recorded
/// already). `accepted_on` defaults to today; not before the work's end nor in the future (422
/// `accepted_on`). Billing pays the rest of the fee by it.
///
/// Who: admins, managers, supervisors, clerks and engineers (403 for others), on a job they see
/// (ORG-5: otherwise 404). Needs `If-Match`. Triggers the audit entry and webhook event
/// `commissioning_job.record_acceptance`.
#[utoipa::path(
    tag = "commissioning",
    operation_id = "recordCommissioningAcceptance",
    params(("id" = String, Path, description = "Job id"), crate::kernel::openapi::IfMatchHeader),
    request_body = RecordCommissioningAcceptance,
    responses(
        (status = 200, description = "Recorded", body = CommissioningJobOut, headers(("ETag" = String))),
        (status = 409, description = "Not commissioned yet, or recorded already", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/commissioning-jobs/{id}/record-acceptance")]
async fn record_job_acceptance(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    IfMatch(version): IfMatch,
    ValidJson(input): ValidJson<RecordCommissioningAcceptance>,
) -> Result<HttpResponse, ApiError> {
    command(
        state,
        caller,
        id.into_inner(),
        version,
        JobAction::RecordCommissioningAcceptance(input),
    )
    .await
}
