use crate::billing::dto::advances::{
    ADVANCES_EXPORT, AdvanceOut, AdvanceQuery, RequestAdvance, SettleAdvance,
};
use crate::billing::dto::travel::RejectExpense;
use crate::billing::service::advances::{self as svc, AdvanceStep};
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
use kefu_store::expenses::AdvanceRow;
use utoipa_actix_web::service_config::ServiceConfig;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(request_advance)
        .service(list_advances)
        .service(get_advance)
        .service(approve_advance)
        .service(reject_advance)
        .service(pay_advance)
        .service(settle_advance);
}

/// Request a cash advance
///
/// BIL-16: an advance (借支) for the caller's own approved trip (`approveTravelRequest`;
/// another person's, an unknown or an unapproved trip is 422 naming BIL-16). No new advance
/// while an earlier one is open (`requested`, `approved` or `paid`, until settled): 422 naming
/// BIL-16, also for two requests sent at once (the database holds one open advance per
/// person). Any staff member, for themselves. Starts `requested`; the GM (executive) decides
/// next. Triggers the audit entry `cash_advance.create` and an `advance.requested` notice to
/// every executive.
#[utoipa::path(
    tag = "expenses",
    operation_id = "requestCashAdvance",
    request_body = RequestAdvance,
    responses(
        (status = 201, description = "Requested", body = AdvanceOut,
            headers(("Location" = String), ("ETag" = String))),
        (status = 422, description = "No approved trip, or an advance still open (BIL-16)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/cash-advances")]
async fn request_advance(
    state: web::Data<AppState>,
    caller: Caller,
    ValidJson(input): ValidJson<RequestAdvance>,
) -> Result<HttpResponse, ApiError> {
    access::require(Action::AdvanceRequest, &caller.actor.roles)?;
    let ctx = Ctx::of(&caller, state.clock.now());
    let actor = caller.actor.clone();
    let out = state
        .tx(move |conn| svc::request(conn, &ctx, &actor, input))
        .await?;
    Ok(created(
        format!("/api/v1/cash-advances/{}", out.id),
        Some(out.version),
        &out,
    ))
}

/// List or delta-sync cash advances
///
/// BIL-16: cash advances by person and status, in id order; `updated_since` delta-syncs;
/// `/export` (CSV or XLSX) exports. Privacy (people's money): staff see their own; admins,
/// managers, finance, HR and executives everyone's; a supervisor only their own. Customer
/// contacts get 403. Read-only.
#[utoipa::path(
    tag = "expenses",
    operation_id = "listCashAdvances",
    params(AdvanceQuery),
    responses((status = 200, description = "One page of cash advances", body = Page<AdvanceOut>))
)]
#[get("/cash-advances")]
async fn list_advances(
    state: web::Data<AppState>,
    caller: Caller,
    listed: Listed<AdvanceQuery>,
) -> Result<HttpResponse, ApiError> {
    let data = state.clone();
    export::respond(&data, &ADVANCES_EXPORT, listed, move |query| {
        advances_page(state.clone(), caller.clone(), query)
    })
    .await
}

async fn advances_page(
    state: web::Data<AppState>,
    caller: Caller,
    query: AdvanceQuery,
) -> Result<Page<AdvanceOut>, ApiError> {
    let query = ExpenseQuery {
        user_id: query.user_id,
        status: query.status.map(|s| s.as_str()),
        updated_since: query.updated_since,
        limit: query.limit,
        cursor: query.cursor,
    };
    expense_page::<AdvanceRow, _>(&state, &caller, Action::AdvanceRead, query).await
}

/// Read a cash advance
///
/// BIL-16: one advance, under the privacy of `listCashAdvances` (404 for one the caller may
/// not see). Read-only.
#[utoipa::path(
    tag = "expenses",
    operation_id = "getCashAdvance",
    params(("id" = String, Path, description = "Cash advance id")),
    responses((status = 200, description = "The advance", body = AdvanceOut, headers(("ETag" = String))))
)]
#[get("/cash-advances/{id}")]
async fn get_advance(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    access::require(Action::AdvanceRead, &caller.actor.roles)?;
    let actor = caller.actor.clone();
    let id = id.into_inner();
    let row = state.db(move |conn| svc::get(conn, &actor, &id)).await?;
    Ok(versioned(
        StatusCode::OK,
        row.version,
        &AdvanceOut::from(&row),
    ))
}

async fn run(
    state: web::Data<AppState>,
    caller: Caller,
    id: String,
    version: i64,
    step: AdvanceStep,
) -> Result<HttpResponse, ApiError> {
    access::require(step.action(), &caller.actor.roles)?;
    let today = state.today();
    run_command(
        state,
        caller,
        id,
        version,
        move |conn, ctx, actor, id, version| svc::step(conn, ctx, actor, today, id, version, step),
    )
    .await
}

/// Approve a cash advance
///
/// BIL-16: the GM (executives and admins) approves a `requested` advance. Another role gets
/// 403; any other status is 409 naming BIL-16; an advance the caller may not see is 404.
/// Needs `If-Match`. Triggers the audit entry `cash_advance.approve`, an `advance.approved`
/// notice to the traveller and `advance.awaits_payment` to finance.
#[utoipa::path(
    tag = "expenses",
    operation_id = "approveCashAdvance",
    params(("id" = String, Path, description = "Cash advance id"), crate::kernel::openapi::IfMatchHeader),
    responses(
        (status = 200, description = "Approved", body = AdvanceOut, headers(("ETag" = String))),
        (status = 409, description = "Not requested (BIL-16)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/cash-advances/{id}/approve")]
async fn approve_advance(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    IfMatch(version): IfMatch,
) -> Result<HttpResponse, ApiError> {
    run(
        state,
        caller,
        id.into_inner(),
        version,
        AdvanceStep::Approve,
    )
    .await
}

/// Reject a cash advance
///
/// BIL-16: the GM (executives and admins) refuses a `requested` advance with a note, which
/// closes it. Another role gets 403; any other status is 409 naming BIL-16. Needs `If-Match`.
/// Triggers the audit entry `cash_advance.reject` and an `advance.rejected` notice to the
/// traveller.
#[utoipa::path(
    tag = "expenses",
    operation_id = "rejectCashAdvance",
    params(("id" = String, Path, description = "Cash advance id"), crate::kernel::openapi::IfMatchHeader),
    request_body = RejectExpense,
    responses(
        (status = 200, description = "Rejected", body = AdvanceOut, headers(("ETag" = String))),
        (status = 409, description = "Not requested (BIL-16)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/cash-advances/{id}/reject")]
async fn reject_advance(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    IfMatch(version): IfMatch,
    ValidJson(input): ValidJson<RejectExpense>,
) -> Result<HttpResponse, ApiError> {
    let step = AdvanceStep::Reject(input.note);
    run(state, caller, id.into_inner(), version, step).await
}

/// Pay out a cash advance
///
/// BIL-16: finance (finance and admins) pays out an `approved` advance; the trip's claim falls
/// due `claim_due_days` (`expense-policy`, 7) after the planned return (`due_date`); the
/// scheduler tells the traveller and finance once when it is overdue (`advance.claim_overdue`,
/// audit entry `cash_advance.overdue`). Another role gets 403; any other status is 409 naming
/// BIL-16. Needs `If-Match`. Triggers the audit entry `cash_advance.pay` and an
/// `advance.paid` notice to the traveller.
#[utoipa::path(
    tag = "expenses",
    operation_id = "payCashAdvance",
    params(("id" = String, Path, description = "Cash advance id"), crate::kernel::openapi::IfMatchHeader),
    responses(
        (status = 200, description = "Paid out", body = AdvanceOut, headers(("ETag" = String))),
        (status = 409, description = "Not approved (BIL-16)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/cash-advances/{id}/pay")]
async fn pay_advance(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    IfMatch(version): IfMatch,
) -> Result<HttpResponse, ApiError> {
    run(state, caller, id.into_inner(), version, AdvanceStep::Pay).await
}

/// Settle a cash advance against the claim
///
/// BIL-16: finance (finance and admins) settles a `paid` advance against the trip's
/// `approved` claim: `settlement_fen` = claim total − advance (positive: paid out to the
/// traveller; negative: the traveller pays it back); the claim becomes `paid` with that
/// difference as `paid_fen`, and the advance `settled` (closed: a new one may be asked for).
/// A claim of another trip or not approved is 422 naming BIL-16; an advance not paid out is
/// 409 naming BIL-16. Another role gets 403. Needs `If-Match` (of the advance). Triggers the
/// audit entries `expense_claim.pay` and `cash_advance.settle` and an `advance.settled`
/// notice to the traveller.
#[utoipa::path(
    tag = "expenses",
    operation_id = "settleCashAdvance",
    params(("id" = String, Path, description = "Cash advance id"), crate::kernel::openapi::IfMatchHeader),
    request_body = SettleAdvance,
    responses(
        (status = 200, description = "Settled", body = AdvanceOut, headers(("ETag" = String))),
        (status = 409, description = "Not paid out (BIL-16)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Not an approved claim of the trip (BIL-16)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/cash-advances/{id}/settle")]
async fn settle_advance(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    IfMatch(version): IfMatch,
    ValidJson(input): ValidJson<SettleAdvance>,
) -> Result<HttpResponse, ApiError> {
    let step = AdvanceStep::Settle(input.claim_id.trim().to_owned());
    run(state, caller, id.into_inner(), version, step).await
}
