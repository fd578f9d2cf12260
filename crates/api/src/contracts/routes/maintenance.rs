//! `/contracts/{id}/maintenance-acceptance` (CON-5): the site conditions and pre-signing
//! inspection of a maintenance agreement; `/contracts/{id}/maintenance-steps` (CON-6): its
//! programme after signing, and `/maintenance-steps/{id}/...` its steps' commands. HTTP only: roles first (403 before 404), then the
//! service.

use crate::contracts::dto::maintenance::{
    AcceptanceOut, ApproveStep, CompleteStep, OVERDUE_EXPORT, OverdueStepOut, OverdueStepQuery,
    RecordAcceptance, StepOut,
};
use crate::contracts::service::maintenance as svc;
use crate::contracts::service::overdue_steps;
use crate::kernel::auth::Caller;
use crate::kernel::command::run_command;
use crate::kernel::error::{ApiError, Problem};
use crate::kernel::export::{self, Listed};
use crate::kernel::extract::trimmed;
use crate::kernel::extract::{IfMatch, ValidJson};
use crate::kernel::page::Page;
use crate::kernel::page::{decode_cursor, fetch_size, paginate};
use crate::kernel::respond::versioned;
use crate::kernel::state::AppState;
use actix_web::http::StatusCode;
use actix_web::{HttpResponse, get, post, put, web};
use kefu_contracts::access::{self, Action};
use kefu_contracts::programme::StepCommand;
use kefu_store::maintenance::OverdueFilter;
use utoipa_actix_web::service_config::ServiceConfig;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(record_maintenance_acceptance)
        .service(get_maintenance_acceptance)
        .service(list_maintenance_steps)
        .service(list_overdue_maintenance_steps)
        .service(complete_maintenance_step)
        .service(approve_maintenance_step);
}

/// Record a maintenance agreement's acceptance
///
/// CON-5 (维保承接条件): records, or replaces, the site conditions (`fire_inspected`,
/// `well_managed`, `duty_person`) and the pre-signing inspection of a `maintenance` contract
/// still in `draft`: the day (`inspected_on`, not in the future, 422), the inspector (default the
/// caller; 422 `inspector_id` for no user) and the five checks (`alarm_host`, `device_count`,
/// `sprinkler_hydrant`, `gas_extinguishing`, `smoke_control`), each passed or not with a note.
/// The answer lists what still blocks signing in `failed` (the codes `signContract` refuses with,
/// 422 `CON-5`). 409 `CON-5` for a service contract or one signed already.
///
/// Who: admins, managers, supervisors, clerks and engineers (403 for others), on a contract they
/// see (ORG-5: otherwise 404). Needs `If-Match` with the contract's version, which moves: the
/// answer's `ETag` is the contract's new version, to send when signing. Triggers the audit entry
/// and webhook event `contract.record_acceptance`.
#[utoipa::path(
    tag = "contracts",
    operation_id = "recordMaintenanceAcceptance",
    params(("id" = String, Path, description = "Contract id"), crate::kernel::openapi::IfMatchHeader),
    request_body = RecordAcceptance,
    responses(
        (status = 200, description = "Recorded", body = AcceptanceOut, headers(("ETag" = String))),
        (status = 409, description = "No maintenance agreement, or not a draft", body = Problem, content_type = "application/problem+json"),
    )
)]
#[put("/contracts/{id}/maintenance-acceptance")]
async fn record_maintenance_acceptance(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    IfMatch(version): IfMatch,
    ValidJson(input): ValidJson<RecordAcceptance>,
) -> Result<HttpResponse, ApiError> {
    access::require(Action::MaintenanceAcceptanceRecord, &caller.actor.roles)?;
    let tz = state.config.timezone;
    run_command(
        state,
        caller,
        id.into_inner(),
        version,
        move |conn, ctx, actor, id, version| svc::record(conn, ctx, actor, tz, id, version, input),
    )
    .await
}

/// Get a maintenance agreement's acceptance
///
/// CON-5: the recorded site conditions and pre-signing inspection, with `failed` (what still
/// blocks signing) and `ready_to_sign`; the `ETag` is the contract's version. 404 when none is
/// recorded.
///
/// Any signed-in user who sees the contract (ORG-5, as in `listContracts`); any other contract
/// reads as 404. Read-only.
#[utoipa::path(
    tag = "contracts",
    operation_id = "getMaintenanceAcceptance",
    params(("id" = String, Path, description = "Contract id")),
    responses(
        (status = 200, description = "The acceptance", body = AcceptanceOut, headers(("ETag" = String))),
        (status = 404, description = "No such contract visible, or no acceptance recorded", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/contracts/{id}/maintenance-acceptance")]
async fn get_maintenance_acceptance(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    access::require(Action::ContractGet, &caller.actor.roles)?;
    let (actor, id) = (caller.actor.clone(), id.into_inner());
    let out = state.db(move |conn| svc::get(conn, &actor, &id)).await?;
    Ok(versioned(StatusCode::OK, out.contract_version, &out))
}

/// List a maintenance agreement's programme
///
/// CON-6: the steps `signContract` created when the maintenance agreement was signed, by due
/// day: the initial tasks (`device_comparison` signed by the customer, `linkage_test`,
/// `sprinkler_end_test`) due the `contract-deadlines` rule's `full_test_working_days` (10)
/// working days after signing, the `test_plan` (two approvals: manager, then executive)
/// `test_plan_working_days` (5) working days later — working days from the work calendar, with
/// its holidays and make-up days — each month's `monthly_test_record` signed by the customer,
/// and a `manager_inspection` every `manager_inspection_months` (3). `overdue` is judged at the
/// server's current date, from the first working day after the due day (as in
/// `listOverdueMaintenanceSteps`). When the contract is terminated or expires, every step not
/// done is `cancelled`. Empty for a service contract or an unsigned agreement.
///
/// Any signed-in user who sees the contract (ORG-5, as in `listContracts`: an engineer their
/// contracts', a customer contact their own customer's); any other contract reads as 404.
/// Read-only.
#[utoipa::path(
    tag = "contracts",
    operation_id = "listMaintenanceSteps",
    params(("id" = String, Path, description = "Contract id")),
    responses((status = 200, description = "The programme, by due day", body = Page<StepOut>))
)]
#[get("/contracts/{id}/maintenance-steps")]
async fn list_maintenance_steps(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    access::require(Action::ContractGet, &caller.actor.roles)?;
    let (actor, id) = (caller.actor.clone(), id.into_inner());
    let today = state.today();
    let items = state
        .db(move |conn| svc::steps(conn, &actor, &id, today))
        .await?;
    Ok(HttpResponse::Ok().json(Page {
        items,
        next_cursor: None,
    }))
}

/// List overdue programme steps
///
/// CON-6, the overdue-steps dashboard: every step of a running (signed or active) maintenance
/// agreement not done after its due day — the initial tasks (due 10 working days after
/// signing), the monthly test plan and its two approvals, the monthly test records awaiting the
/// customer's signature, the quarterly manager inspections — with its contract, customer and
/// sites, its due day, `working_days_overdue` and `waiting_for`, and the responsible engineer
/// (`responsible_id`, the contract's signer). A step is overdue from the first working day
/// after its due day (work calendar, with holidays and make-up days): one due on the Friday
/// before a holiday is not overdue over the weekend and the holiday, only from the next working
/// day on. Judged at the server's current date; the steps of terminated or expired contracts
/// are cancelled and never listed. Ordered by due day (oldest first), then id; filters
/// `contract_id`, `customer_id`, `responsible_id`, `kind`. No `updated_since`: a step becomes
/// overdue by the passing of time, not by a change, so delta sync could not bring it — read the
/// list again. `/export` (CSV or XLSX) exports the same list. The job
/// `contracts.overdue_programme_steps` tells the responsible engineer and the managers once
/// per step (webhook event `maintenance_step.overdue`).
///
/// Any signed-in user; only the steps of contracts they see (ORG-5, as in `listContracts`): an
/// engineer those of the contracts they sign or carry out and of their team's customers, a
/// customer contact their own customer's (the programme is what the customer is owed). Read-only.
#[utoipa::path(
    tag = "contracts",
    operation_id = "listOverdueMaintenanceSteps",
    params(OverdueStepQuery),
    responses((status = 200, description = "One page of overdue steps", body = Page<OverdueStepOut>))
)]
#[get("/maintenance-steps/overdue")]
async fn list_overdue_maintenance_steps(
    state: web::Data<AppState>,
    caller: Caller,
    listed: Listed<OverdueStepQuery>,
) -> Result<HttpResponse, ApiError> {
    let data = state.clone();
    export::respond(&data, &OVERDUE_EXPORT, listed, move |query| {
        overdue_page(state.clone(), caller.clone(), query)
    })
    .await
}

/// Before every due day, and within what both databases store (PostgreSQL dates start in 4713
/// BC; chrono's minimum is out of its range).
const FIRST_DAY: chrono::NaiveDate = match chrono::NaiveDate::from_ymd_opt(1, 1, 1) {
    Some(d) => d,
    None => chrono::NaiveDate::MIN,
};

/// The `(due_on, id)` key a dashboard cursor carries. Like every cursor of this API (see
/// `kernel::page::decode_cursor`), one that was not issued merely starts the page at its key:
/// a key without a day sorts before every step, so the page starts at the first one.
fn overdue_key(cursor: Option<&str>) -> Result<Option<(chrono::NaiveDate, String)>, ApiError> {
    Ok(decode_cursor(cursor)?.map(|key| {
        key.split_once('|')
            .and_then(|(day, id)| Some((day.parse().ok()?, id.to_owned())))
            .unwrap_or((FIRST_DAY, key))
    }))
}

/// One page of the dashboard (also what an export reads page by page).
async fn overdue_page(
    state: web::Data<AppState>,
    caller: Caller,
    query: OverdueStepQuery,
) -> Result<Page<OverdueStepOut>, ApiError> {
    access::require(Action::ContractList, &caller.actor.roles)?;
    let (limit, fetch) = fetch_size(query.limit)?;
    let after = overdue_key(query.cursor.as_deref())?;
    let filter = OverdueFilter {
        contract_id: trimmed(query.contract_id),
        customer_id: trimmed(query.customer_id),
        responsible_id: trimmed(query.responsible_id),
        kind: query.kind,
    };
    let today = state.today();
    let actor = caller.actor.clone();
    let items = state
        .db(move |conn| overdue_steps::list(conn, &actor, &filter, after, fetch, today))
        .await?;
    Ok(paginate(
        items,
        limit,
        |s| format!("{}|{}", s.due_on, s.id),
        |s| s,
    ))
}

impl crate::kernel::command::Versioned for StepOut {
    fn version(&self) -> i64 {
        self.version
    }
}

/// Complete a programme step
///
/// CON-6: marks an `open` step of a maintenance agreement's programme done on `completed_on`
/// (default today; not in the future, 422). The steps the customer signs (`device_comparison`,
/// `monthly_test_record`) need `customer_signatory` (422 `CON-6`). The `test_plan` then waits in
/// `awaiting_approval` (`approveMaintenanceStep`); any other step is `done`. 409 `CON-6` for a
/// step not `open`.
///
/// Who: admins, managers, supervisors and engineers (403 for others), on a step of a contract
/// they see (ORG-5: otherwise 404). Needs `If-Match` with the step's version. Triggers the audit
/// entry and webhook event `maintenance_step.complete`.
#[utoipa::path(
    tag = "contracts",
    operation_id = "completeMaintenanceStep",
    params(("id" = String, Path, description = "Step id"), crate::kernel::openapi::IfMatchHeader),
    request_body = CompleteStep,
    responses(
        (status = 200, description = "Done, or awaiting approval", body = StepOut, headers(("ETag" = String))),
        (status = 409, description = "The step is not open", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/maintenance-steps/{id}/complete")]
async fn complete_maintenance_step(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    IfMatch(version): IfMatch,
    ValidJson(input): ValidJson<CompleteStep>,
) -> Result<HttpResponse, ApiError> {
    access::require(Action::MaintenanceStepComplete, &caller.actor.roles)?;
    let tz = state.config.timezone;
    let today = state.today();
    let command = StepCommand::Complete {
        on: input.completed_on.unwrap_or(today),
        customer_signatory: input
            .customer_signatory
            .map(|s| s.trim().to_owned())
            .filter(|s| !s.is_empty()),
    };
    run_command(
        state,
        caller,
        id.into_inner(),
        version,
        move |conn, ctx, actor, id, version| {
            svc::act_on_step(conn, ctx, actor, tz, id, version, command)
        },
    )
    .await
}

/// Approve the test plan
///
/// CON-6: the monthly test plan, once done (`awaiting_approval`), is approved by the manager and
/// then by the executive, in that order: the first approval must be a manager's (an admin counts
/// as either), the second an executive's, which makes the step `done`. 409 `CON-6` out of order
/// or for any other step or status.
///
/// Who: admins, managers and executives (403 for others), on a step of a contract they see
/// (ORG-5: otherwise 404). Needs `If-Match` with the step's version. Triggers the audit entry and
/// webhook event `maintenance_step.approve`.
#[utoipa::path(
    tag = "contracts",
    operation_id = "approveMaintenanceStep",
    params(("id" = String, Path, description = "Step id"), crate::kernel::openapi::IfMatchHeader),
    request_body = ApproveStep,
    responses(
        (status = 200, description = "Approved", body = StepOut, headers(("ETag" = String))),
        (status = 409, description = "Not awaiting this approval", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/maintenance-steps/{id}/approve")]
async fn approve_maintenance_step(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    IfMatch(version): IfMatch,
    ValidJson(_input): ValidJson<ApproveStep>,
) -> Result<HttpResponse, ApiError> {
    access::require(Action::MaintenanceStepApprove, &caller.actor.roles)?;
    let tz = state.config.timezone;
    run_command(
        state,
        caller,
        id.into_inner(),
        version,
        move |conn, ctx, actor, id, version| {
            svc::act_on_step(conn, ctx, actor, tz, id, version, StepCommand::Approve)
        },
    )
    .await
}
