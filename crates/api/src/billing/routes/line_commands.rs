//! Commands on commission lines: `/commission-lines/{id}/manager-approve`,
//! `/executive-approve` (the two approvals of a repair's labour line, BIL-12b) and `/transfer`
//! (a handed-over job's 20%, BIL-11). HTTP only: extract, check the action's roles before
//! loading anything (403 before 404), run the service.

use crate::billing::dto::commission_lines::{CommissionLineOut, TransferLine};
use crate::billing::service::{repair_labour as svc, transfers};
use crate::kernel::auth::Caller;
use crate::kernel::command::run_command;
use crate::kernel::error::{ApiError, Problem};
use crate::kernel::extract::{IfMatch, ValidJson};
use crate::kernel::state::AppState;
use actix_web::{HttpResponse, post, web};
use kefu_billing::access::{self, Action};
use kefu_billing::engine::repair::Approval;
use utoipa_actix_web::service_config::ServiceConfig;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(manager_approve)
        .service(executive_approve)
        .service(transfer_line);
}

async fn approve(
    state: web::Data<AppState>,
    caller: Caller,
    id: String,
    version: i64,
    approval: Approval,
) -> Result<HttpResponse, ApiError> {
    let action = match approval {
        Approval::Manager => Action::RepairLabourManagerApprove,
        Approval::Executive => Action::RepairLabourExecutiveApprove,
    };
    access::require(action, &caller.actor.roles)?;
    let today = state.today();
    run_command(
        state,
        caller,
        id,
        version,
        move |conn, ctx, actor, id, version| {
            svc::approve(conn, ctx, actor, today, (id, version), approval)
        },
    )
    .await
}

/// Approve a repair's labour share (manager)
///
/// BIL-12b, first of two approvals: the department manager checks the paid repair's
/// `repair_labour` line (the fee above the floor price, less the tax difference and the
/// customer's rebates). The line stays `pending` until the executive approves
/// (`executiveApproveRepairLabour`). The line is written by the month close of the month the
/// repair was paid in full (`closeCommissionMonth`). 409 `BIL-12b` on another kind of line, a
/// line that is not open, or a second manager approval.
///
/// Who: managers and admins (403 `BIL-12b` for others), on a line they see (otherwise 404).
/// Needs `If-Match` with the line's version. Triggers the audit entry and webhook event
/// `commission_line.manager_approve`.
#[utoipa::path(
    tag = "commissions",
    operation_id = "managerApproveRepairLabour",
    params(("id" = String, Path, description = "Commission line id"), crate::kernel::openapi::IfMatchHeader),
    responses(
        (status = 200, description = "Approved by the manager", body = CommissionLineOut, headers(("ETag" = String))),
        (status = 409, description = "BIL-12b: not a repair labour line, not open, or approved already", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/commission-lines/{id}/manager-approve")]
async fn manager_approve(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    IfMatch(version): IfMatch,
) -> Result<HttpResponse, ApiError> {
    approve(state, caller, id.into_inner(), version, Approval::Manager).await
}

/// Approve a repair's labour share (executive)
///
/// BIL-12b, second approval: after the manager's (`managerApproveRepairLabour`; 409 `BIL-12b`
/// before it), the executive (销售副总经理) releases the `repair_labour` line: it becomes `due`
/// with the salary of the month of this approval (`due_month`). Once (409 `BIL-12b` after).
///
/// Who: executives and admins (403 `BIL-12b` for others), on a line they see (otherwise 404).
/// Needs `If-Match` with the line's version. Triggers the audit entries and webhook events
/// `commission_line.executive_approve` and `commission_line.due`, and tells the engineer.
#[utoipa::path(
    tag = "commissions",
    operation_id = "executiveApproveRepairLabour",
    params(("id" = String, Path, description = "Commission line id"), crate::kernel::openapi::IfMatchHeader),
    responses(
        (status = 200, description = "Approved: the line is due", body = CommissionLineOut, headers(("ETag" = String))),
        (status = 409, description = "BIL-12b: the manager has not approved, or approved already", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/commission-lines/{id}/executive-approve")]
async fn executive_approve(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    IfMatch(version): IfMatch,
) -> Result<HttpResponse, ApiError> {
    approve(state, caller, id.into_inner(), version, Approval::Executive).await
}

/// Hand a job's 20% over to its new engineer
///
/// BIL-11: when a commissioning job is handed over, its unpaid 20% (`commissioning_held`, still
/// `pending`, `due` or `withheld`) goes to the engineer taking it over (`to_person_id`, an
/// enabled engineer other than the line's person; 422 `to_person_id`, `BIL-11`): this line
/// becomes `transferred` (final) and `transferred_to` names the taker's new line, of the same
/// amount, status and months, which the month close keeps in step with the job afterwards. 409
/// `BIL-11` for another kind of line or one already paid, forfeited or transferred.
///
/// Who: managers and admins (403 `BIL-11` for others), on a line they see (otherwise 404).
/// Needs `If-Match` with the line's version. Triggers the audit entries and webhook events
/// `commission_line.transferred` and the taker's line's `commission_line.<status>`.
#[utoipa::path(
    tag = "commissions",
    operation_id = "transferCommissionLine",
    params(("id" = String, Path, description = "Commission line id"), crate::kernel::openapi::IfMatchHeader),
    request_body = TransferLine,
    responses(
        (status = 200, description = "Handed over: this line, now transferred", body = CommissionLineOut, headers(("ETag" = String))),
        (status = 409, description = "BIL-11: not an open 20% line", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "BIL-11: no other enabled engineer", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/commission-lines/{id}/transfer")]
async fn transfer_line(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    IfMatch(version): IfMatch,
    ValidJson(input): ValidJson<TransferLine>,
) -> Result<HttpResponse, ApiError> {
    access::require(Action::CommissionLineTransfer, &caller.actor.roles)?;
    run_command(
        state,
        caller,
        id.into_inner(),
        version,
        move |conn, ctx, actor, id, version| {
            transfers::transfer(conn, ctx, actor, (id, version), input)
        },
    )
    .await
}
