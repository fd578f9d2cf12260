use crate::billing::dto::claims::{CLAIMS_EXPORT, ClaimOut, ClaimQuery, SubmitClaim};
use crate::billing::dto::travel::RejectExpense;
use crate::billing::service::claims::{self as svc, ClaimStep};
use crate::billing::service::expense_pages::{ExpenseQuery, expense_page};
use crate::kernel::auth::Caller;
use crate::kernel::command::{Ctx, run_command};
use crate::kernel::error::{ApiError, Problem};
use crate::kernel::export::{self, Listed};
use crate::kernel::extract::{IfMatch, ValidJson};
use crate::kernel::page::Page;
use crate::kernel::respond::{created, versioned};
use crate::kernel::state::AppState;
use actix_web::http::StatusCode;
use actix_web::{HttpResponse, get, post, web};
use kefu_billing::access::{self, Action};
use kefu_store::expenses::ClaimRow;
use utoipa_actix_web::service_config::ServiceConfig;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(submit_claim)
        .service(list_claims)
        .service(get_claim)
        .service(approve_claim)
        .service(reject_claim)
        .service(pay_claim);
}

/// Submit an expense claim
///
/// BIL-15: the caller's claim for their own trip, after the return. The trip must have an
/// approved travel request (`approveTravelRequest`): another person's, an unknown one or one
/// not approved is 422 naming BIL-14 (travel without approval is not reimbursed). Computed
/// with the standard copied onto the request: travel days by BIL-15 (departure before the
/// `day_cutoff` counts 1, from it 0.5; return before it 0.5, from it 1; local time), meals at
/// the standard per travel day, each lodging invoice up to the cap per night (the excess is
/// the traveller's, savings are not paid out, a stay without `invoice_no` is 0 with the reason
/// on its line), local transport as spent (up to the standard's cap per day when it has one),
/// other items as spent. A return in the future, a return before the departure or more nights
/// than the trip has is 422 naming BIL-15; a second live claim for the trip is 409 naming
/// BIL-15. Receipts attach as attachments of owner type `expense_claim`. Starts `submitted`;
/// a manager decides next. Triggers the audit entry `expense_claim.create` and an
/// `expense.submitted` notice to every manager.
#[utoipa::path(
    tag = "expenses",
    operation_id = "submitExpenseClaim",
    request_body = SubmitClaim,
    responses(
        (status = 201, description = "Submitted", body = ClaimOut,
            headers(("Location" = String), ("ETag" = String))),
        (status = 409, description = "The trip has a claim already (BIL-15)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "No approved trip (BIL-14), or dates or nights refused (BIL-15)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/expense-claims")]
async fn submit_claim(
    state: web::Data<AppState>,
    caller: Caller,
    ValidJson(input): ValidJson<SubmitClaim>,
) -> Result<HttpResponse, ApiError> {
    access::require(Action::ClaimSubmit, &caller.actor.roles)?;
    let ctx = Ctx::of(&caller, state.clock.now());
    let actor = caller.actor.clone();
    let tz = state.config.timezone;
    let out = state
        .tx(move |conn| svc::submit(conn, &ctx, &actor, tz, input))
        .await?;
    Ok(created(
        format!("/api/v1/expense-claims/{}", out.id),
        Some(out.version),
        &out,
    ))
}

/// List or delta-sync expense claims
///
/// BIL-15: expense claims by person and status, in id order; `updated_since` delta-syncs;
/// `/export` (CSV or XLSX) exports. Privacy (people's money): staff see their own; admins,
/// managers, finance, HR and executives everyone's; a supervisor only their own. Customer
/// contacts get 403. Read-only.
#[utoipa::path(
    tag = "expenses",
    operation_id = "listExpenseClaims",
    params(ClaimQuery),
    responses((status = 200, description = "One page of expense claims", body = Page<ClaimOut>))
)]
#[get("/expense-claims")]
async fn list_claims(
    state: web::Data<AppState>,
    caller: Caller,
    listed: Listed<ClaimQuery>,
) -> Result<HttpResponse, ApiError> {
    let data = state.clone();
    export::respond(&data, &CLAIMS_EXPORT, listed, move |query| {
        claims_page(state.clone(), caller.clone(), query)
    })
    .await
}

async fn claims_page(
    state: web::Data<AppState>,
    caller: Caller,
    query: ClaimQuery,
) -> Result<Page<ClaimOut>, ApiError> {
    let query = ExpenseQuery {
        user_id: query.user_id,
        status: query.status.map(|s| s.as_str()),
        updated_since: query.updated_since,
        limit: query.limit,
        cursor: query.cursor,
    };
    expense_page::<ClaimRow, _>(&state, &caller, Action::ClaimRead, query).await
}

/// Read an expense claim
///
/// BIL-15: one claim with its lines, under the privacy of `listExpenseClaims` (404 for one
/// the caller may not see). Read-only.
#[utoipa::path(
    tag = "expenses",
    operation_id = "getExpenseClaim",
    params(("id" = String, Path, description = "Expense claim id")),
    responses((status = 200, description = "The claim", body = ClaimOut, headers(("ETag" = String))))
)]
#[get("/expense-claims/{id}")]
async fn get_claim(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    access::require(Action::ClaimRead, &caller.actor.roles)?;
    let actor = caller.actor.clone();
    let id = id.into_inner();
    let row = state.db(move |conn| svc::get(conn, &actor, &id)).await?;
    Ok(versioned(
        StatusCode::OK,
        row.version,
        &ClaimOut::from(&row),
    ))
}

async fn run(
    state: web::Data<AppState>,
    caller: Caller,
    id: String,
    version: i64,
    step: ClaimStep,
) -> Result<HttpResponse, ApiError> {
    svc::require(&step, &caller.actor)?;
    run_command(
        state,
        caller,
        id,
        version,
        move |conn, ctx, actor, id, version| svc::step(conn, ctx, actor, id, version, step),
    )
    .await
}

/// Approve an expense claim
///
/// BIL-15: a manager (managers and admins) approves a `submitted` claim as computed. Another
/// role gets 403; any other status is 409 naming BIL-15; a claim the caller may not see is
/// 404. Needs `If-Match`. Triggers the audit entry `expense_claim.approve`, an
/// `expense.approved` notice to the traveller and `expense.awaits_payment` to finance.
#[utoipa::path(
    tag = "expenses",
    operation_id = "approveExpenseClaim",
    params(("id" = String, Path, description = "Expense claim id"), crate::kernel::openapi::IfMatchHeader),
    responses(
        (status = 200, description = "Approved", body = ClaimOut, headers(("ETag" = String))),
        (status = 409, description = "Not submitted (BIL-15)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/expense-claims/{id}/approve")]
async fn approve_claim(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    IfMatch(version): IfMatch,
) -> Result<HttpResponse, ApiError> {
    run(state, caller, id.into_inner(), version, ClaimStep::Approve).await
}

/// Reject an expense claim
///
/// BIL-15: a manager (managers and admins) refuses a `submitted` claim with a note; the
/// traveller may then submit a new claim for the trip. Another role gets 403; any other
/// status is 409 naming BIL-15. Needs `If-Match`. Triggers the audit entry
/// `expense_claim.reject` and an `expense.rejected` notice to the traveller.
#[utoipa::path(
    tag = "expenses",
    operation_id = "rejectExpenseClaim",
    params(("id" = String, Path, description = "Expense claim id"), crate::kernel::openapi::IfMatchHeader),
    request_body = RejectExpense,
    responses(
        (status = 200, description = "Rejected", body = ClaimOut, headers(("ETag" = String))),
        (status = 409, description = "Not submitted (BIL-15)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/expense-claims/{id}/reject")]
async fn reject_claim(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    IfMatch(version): IfMatch,
    ValidJson(input): ValidJson<RejectExpense>,
) -> Result<HttpResponse, ApiError> {
    let step = ClaimStep::Reject(input.note);
    run(state, caller, id.into_inner(), version, step).await
}

/// Pay an expense claim
///
/// BIL-15: finance (finance and admins) pays an `approved` claim its total (`paid_fen`). A
/// trip with a paid-out cash advance is settled instead (`settleCashAdvance`): 409 naming
/// BIL-16. Another role gets 403; any other status is 409 naming BIL-15. Needs `If-Match`.
/// Triggers the audit entry `expense_claim.pay` and an `expense.paid` notice to the traveller.
#[utoipa::path(
    tag = "expenses",
    operation_id = "payExpenseClaim",
    params(("id" = String, Path, description = "Expense claim id"), crate::kernel::openapi::IfMatchHeader),
    responses(
        (status = 200, description = "Paid", body = ClaimOut, headers(("ETag" = String))),
        (status = 409, description = "Not approved (BIL-15), or an advance to settle (BIL-16)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/expense-claims/{id}/pay")]
async fn pay_claim(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    IfMatch(version): IfMatch,
) -> Result<HttpResponse, ApiError> {
    run(state, caller, id.into_inner(), version, ClaimStep::Pay).await
}
