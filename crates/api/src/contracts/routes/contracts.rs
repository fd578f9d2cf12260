//! `/contracts`: service contracts (CON-1) and their payment (CON-2). HTTP only: extract,
//! check the action's roles before loading anything (403 before 404), run the service.

use crate::contracts::dto::contracts::{
    CancelRenewal, ContractOut, ContractPaymentOut, ContractQuery, CreateContract, EXPORT,
    RecordContractPayment, RenewContract, SignContract, TerminateContract, UpdateContract,
};
use crate::contracts::service::contracts::{self as svc, ContractAction};
use crate::kernel::auth::Caller;
use crate::kernel::command::{Ctx, run_command};
use crate::kernel::error::{ApiError, Problem};
use crate::kernel::export::{self, Listed};
use crate::kernel::extract::{IfMatch, ValidJson, trimmed};
use crate::kernel::page::{Page, paginate, row_key, window};
use crate::kernel::respond::{created, versioned};
use crate::kernel::state::AppState;
use actix_web::http::StatusCode;
use actix_web::{HttpResponse, get, patch, post, web};
use chrono::Days;
use kefu_contracts::access::{self, Action};
use kefu_store::contracts::{self as store, ContractFilter};
use kefu_store::to_db_time;
use utoipa_actix_web::service_config::ServiceConfig;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(create_contract)
        .service(list_contracts)
        .service(get_contract)
        .service(update_contract)
        .service(sign_contract)
        .service(terminate_contract)
        .service(renew_contract)
        .service(cancel_contract_renewal)
        .service(record_contract_payment)
        .service(list_contract_payments);
}

/// Draw up a service contract
///
/// Creates a `draft` service contract (CON-1) for a customer: covered sites and equipment,
/// service period (`period_end` not before `period_start`, at most ten years; 422 `period_end`),
/// amount in fen, the signing engineer, the executors, and the renewal mode (`express`: a new
/// contract is signed; `tacit`: it renews itself unless cancelled at least `notice_days` before
/// its end).
///
/// Who: admins, managers, supervisors, clerks and engineers (403 for others). The customer must
/// be visible to the caller (ORG-5; 422 `customer_id`), the sites the customer's (422
/// `site_ids`), the equipment at its sites (422 `equipment_ids`), the signer an enabled engineer
/// (422 `signer_id`), the executors users (422 `executor_ids`). Triggers the audit entry and
/// webhook event `contract.create`.
#[utoipa::path(
    tag = "contracts",
    operation_id = "createContract",
    request_body = CreateContract,
    responses(
        (status = 201, description = "Drawn up", body = ContractOut, headers(("Location" = String), ("ETag" = String))),
    )
)]
#[post("/contracts")]
async fn create_contract(
    state: web::Data<AppState>,
    caller: Caller,
    ValidJson(input): ValidJson<CreateContract>,
) -> Result<HttpResponse, ApiError> {
    access::require(Action::ContractCreate, &caller.actor.roles)?;
    let ctx = Ctx::of(&caller, state.clock.now());
    let actor = caller.actor.clone();
    let tz = state.config.timezone;
    let out = state
        .tx(move |conn| svc::create(conn, &ctx, &actor, tz, input))
        .await?;
    Ok(created(
        format!("/api/v1/contracts/{}", out.id),
        Some(out.version),
        &out,
    ))
}

/// List or delta-sync service contracts
///
/// Any signed-in user; the list holds only the contracts visible to the caller (ORG-5): admins,
/// managers, executives, finance, HR, clerks, callback agents and QA inspectors see all; an
/// engineer those they sign or carry out and those of their team's customers; a supervisor also
/// their members' and their teams' customers'; a customer contact their own customer's.
///
/// Filters `customer_id`, `status`, `renewal_mode`, `signer_id`, `overdue=true` (CON-2: unpaid in
/// full after the due date) and `expiring_within_days=N` (CON-3: signed or active, ending from
/// today to N days ahead). Without `updated_since`: contracts in id order; with it: every
/// contract changed after that instant in `(updated_at, id)` order. `payment_status` is judged
/// at the server's current date. `/export` (CSV or XLSX) exports the same list. Read-only.
#[utoipa::path(
    tag = "contracts",
    operation_id = "listContracts",
    params(ContractQuery),
    responses((status = 200, description = "One page of contracts", body = Page<ContractOut>))
)]
#[get("/contracts")]
async fn list_contracts(
    state: web::Data<AppState>,
    caller: Caller,
    listed: Listed<ContractQuery>,
) -> Result<HttpResponse, ApiError> {
    let data = state.clone();
    export::respond(&data, &EXPORT, listed, move |query| {
        contracts_page(state.clone(), caller.clone(), query)
    })
    .await
}

/// One page of the list (also what an export reads page by page).
async fn contracts_page(
    state: web::Data<AppState>,
    caller: Caller,
    query: ContractQuery,
) -> Result<Page<ContractOut>, ApiError> {
    let (limit, fetch, mode) = window(
        query.limit,
        query.updated_since.as_deref(),
        query.cursor.as_deref(),
    )?;
    let today = state.today();
    let ending_between = match query.expiring_within_days {
        Some(n) if n > 3_660 => {
            return Err(ApiError::Invalid(vec![kefu_core::FieldError::new(
                "query.expiring_within_days",
                "range",
                "at most 3660",
            )]));
        }
        Some(n) => Some((
            today,
            today
                .checked_add_days(Days::new(u64::from(n)))
                .unwrap_or(today),
        )),
        None => None,
    };
    let filter = ContractFilter {
        customer_id: trimmed(query.customer_id),
        status: query.status,
        renewal_mode: query.renewal_mode,
        signer_id: trimmed(query.signer_id),
        overdue_on: query.overdue.filter(|o| *o).map(|_| today),
        ending_between,
    };
    let actor = caller.actor.clone();
    let (mode, items) = state
        .db(move |conn| {
            let scope = svc::contract_scope(conn, &actor)?;
            let rows = store::list(conn, &scope, &filter, &mode, fetch)?;
            Ok((mode, svc::render_all(conn, &rows, today)?))
        })
        .await?;
    Ok(paginate(
        items,
        limit,
        |c| row_key(&mode, to_db_time(c.updated_at), &c.id),
        |c| c,
    ))
}

/// Get a service contract
///
/// The contract with its version as `ETag`; `payment_status` is judged at the server's current
/// date (CON-2). Any signed-in user who sees it (ORG-5, as in `listContracts`); any other
/// contract reads as 404. Read-only.
#[utoipa::path(
    tag = "contracts",
    operation_id = "getContract",
    params(("id" = String, Path, description = "Contract id")),
    responses((status = 200, description = "The contract", body = ContractOut, headers(("ETag" = String))))
)]
#[get("/contracts/{id}")]
async fn get_contract(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let actor = caller.actor.clone();
    let today = state.today();
    let out = state
        .db(move |conn| {
            let scope = svc::contract_scope(conn, &actor)?;
            let (row, items) = svc::get_row(conn, &scope, &id)?;
            Ok(svc::render(&row, items, today))
        })
        .await?;
    Ok(versioned(StatusCode::OK, out.version, &out))
}

/// Change a draft contract
///
/// Changes the fields of a `draft` (CON-1; 409 `CON-1` once signed: a signed contract changes
/// only by renewal or termination). Lists given replace the stored ones.
///
/// Who: admins, managers, supervisors, clerks and engineers (403 for others), on a contract they
/// see (ORG-5: otherwise 404). Needs `If-Match`. The same checks as `createContract` (422 naming
/// the field). Triggers the audit entry and webhook event `contract.update`.
#[utoipa::path(
    tag = "contracts",
    operation_id = "updateContract",
    params(("id" = String, Path, description = "Contract id"), crate::kernel::openapi::IfMatchHeader),
    request_body = UpdateContract,
    responses(
        (status = 200, description = "Changed", body = ContractOut, headers(("ETag" = String))),
        (status = 409, description = "The contract is no draft", body = Problem, content_type = "application/problem+json"),
    )
)]
#[patch("/contracts/{id}")]
async fn update_contract(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    IfMatch(version): IfMatch,
    ValidJson(input): ValidJson<UpdateContract>,
) -> Result<HttpResponse, ApiError> {
    access::require(Action::ContractUpdate, &caller.actor.roles)?;
    let tz = state.config.timezone;
    run_command(
        state,
        caller,
        id.into_inner(),
        version,
        move |conn, ctx, actor, id, version| svc::update(conn, ctx, actor, tz, id, version, input),
    )
    .await
}

async fn command(
    state: web::Data<AppState>,
    caller: Caller,
    id: String,
    version: i64,
    action: ContractAction,
) -> Result<HttpResponse, ApiError> {
    // The role check before loading: a stranger is refused before learning the contract exists.
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

/// Sign a contract
///
/// Signs a `draft` (CON-1; 409 `CON-1` otherwise) on `signed_on` (default today; not in the
/// future, 422 `signed_on`). It becomes `active` when its period has begun, `signed` until then
/// (the daily `contracts.lifecycle` job activates it on its first day). CON-2: the payment is due
/// the `contract-deadlines` rule's `payment_due_days` (3) calendar days after signing.
/// A `maintenance` agreement first needs its acceptance (`recordMaintenanceAcceptance`): until
/// it passes, 422 `CON-5` lists each unmet condition and failed check in `errors`
/// (`inspection`, `conditions.<name>`, `checks.<check>`). Signed, it gets its programme
/// (CON-6, `listMaintenanceSteps`).
///
/// Who: admins, managers, supervisors, clerks and engineers (403 for others), on a contract they
/// see (ORG-5: otherwise 404). Needs `If-Match`. Triggers the audit entry and webhook event
/// `contract.sign`.
#[utoipa::path(
    tag = "contracts",
    operation_id = "signContract",
    params(("id" = String, Path, description = "Contract id"), crate::kernel::openapi::IfMatchHeader),
    request_body = SignContract,
    responses(
        (status = 200, description = "Signed", body = ContractOut, headers(("ETag" = String))),
        (status = 409, description = "The contract is no draft", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/contracts/{id}/sign")]
async fn sign_contract(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    IfMatch(version): IfMatch,
    ValidJson(input): ValidJson<SignContract>,
) -> Result<HttpResponse, ApiError> {
    let action = ContractAction::Sign(input);
    command(state, caller, id.into_inner(), version, action).await
}

/// Terminate a contract
///
/// Ends a `signed` or `active` contract early, with the reason (CON-1; 409 `CON-1` from any other
/// status). A tacit contract terminated does not renew. Its maintenance programme stops: every
/// step not done becomes `cancelled` (CON-6: off the overdue dashboard, no more commands), and
/// its licences are voided (CON-4: `state` `void` and `voided_on` set, kept in the history; the
/// serial check answers a voided serial as an unknown one).
///
/// Who: admins and managers (403 for others), on a contract they see (ORG-5: otherwise 404).
/// Needs `If-Match`. Triggers the audit entry and webhook event `contract.terminate`, and per
/// step and licence the webhook event `maintenance_step.cancel` and webhook event
/// `licence.void`.
#[utoipa::path(
    tag = "contracts",
    operation_id = "terminateContract",
    params(("id" = String, Path, description = "Contract id"), crate::kernel::openapi::IfMatchHeader),
    request_body = TerminateContract,
    responses(
        (status = 200, description = "Terminated", body = ContractOut, headers(("ETag" = String))),
        (status = 409, description = "The contract is neither signed nor active", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/contracts/{id}/terminate")]
async fn terminate_contract(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    IfMatch(version): IfMatch,
    ValidJson(input): ValidJson<TerminateContract>,
) -> Result<HttpResponse, ApiError> {
    let action = ContractAction::Terminate(input);
    command(state, caller, id.into_inner(), version, action).await
}

/// Renew a contract
///
/// Express renewal (CON-1): draws up a new `draft` linked to this contract (`predecessor_id`),
/// for the period from the day after this one's end to `period_end` (422 `period_end` if before
/// it), with the same customer, sites, equipment, signer, executors and renewal mode; amount and
/// title as given or this contract's. Allowed from `signed`, `active` and `expired`, once (409
/// `CON-1` otherwise, also when two renewals race). Answers 201 with the new contract; this one
/// is unchanged.
///
/// Who: admins, managers, supervisors, clerks and engineers (403 for others), on a contract they
/// see (ORG-5: otherwise 404). Needs `If-Match` (this contract's version). Triggers the audit
/// entry and webhook event `contract.renew` on the new contract.
#[utoipa::path(
    tag = "contracts",
    operation_id = "renewContract",
    params(("id" = String, Path, description = "Contract id"), crate::kernel::openapi::IfMatchHeader),
    request_body = RenewContract,
    responses(
        (status = 201, description = "The new contract", body = ContractOut, headers(("Location" = String), ("ETag" = String))),
        (status = 409, description = "Renewed already, or not renewable from its status", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/contracts/{id}/renew")]
async fn renew_contract(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    IfMatch(version): IfMatch,
    ValidJson(input): ValidJson<RenewContract>,
) -> Result<HttpResponse, ApiError> {
    access::require(Action::ContractRenew, &caller.actor.roles)?;
    let ctx = Ctx::of(&caller, state.clock.now());
    let actor = caller.actor.clone();
    let tz = state.config.timezone;
    let id = id.into_inner();
    let out = state
        .tx(move |conn| svc::renew(conn, &ctx, &actor, tz, &id, version, input))
        .await?;
    Ok(created(
        format!("/api/v1/contracts/{}", out.id),
        Some(out.version),
        &out,
    ))
}

/// Cancel a tacit renewal
///
/// Stops a `tacit` contract from renewing itself (CON-1): allowed up to `cancel_renewal_by`, the
/// contract's end less its `notice_days` (422 `CON-1` after it, or for an `express` contract);
/// from `signed` or `active`, once (409 `CON-1` otherwise). At its end the contract then expires.
/// An optional `reason` is kept in the audit entry.
///
/// Who: admins, managers, supervisors, clerks and engineers (403 for others), on a contract they
/// see (ORG-5: otherwise 404). Needs `If-Match`. Triggers the audit entry and webhook event
/// `contract.cancel_renewal`.
#[utoipa::path(
    tag = "contracts",
    operation_id = "cancelContractRenewal",
    params(("id" = String, Path, description = "Contract id"), crate::kernel::openapi::IfMatchHeader),
    request_body = CancelRenewal,
    responses(
        (status = 200, description = "Will not renew", body = ContractOut, headers(("ETag" = String))),
        (status = 409, description = "Cancelled already, or not signed or active", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/contracts/{id}/cancel-renewal")]
async fn cancel_contract_renewal(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    IfMatch(version): IfMatch,
    ValidJson(input): ValidJson<CancelRenewal>,
) -> Result<HttpResponse, ApiError> {
    let action = ContractAction::CancelRenewal(input);
    command(state, caller, id.into_inner(), version, action).await
}

/// Record a payment
///
/// Books money received against a contract (CON-2): `amount_fen` (positive) paid on `paid_on`
/// (default today; not in the future, 422 `paid_on`). The payments may not exceed the contract
/// amount (422 `CON-2`); not on a `draft` or `terminated` contract (409 `CON-2`). Paid in full,
/// the contract's `payment_status` is `paid`.
///
/// Who: admins, managers, finance and clerks (403 for others), on a contract they see (ORG-5:
/// otherwise 404). Needs `If-Match`. Triggers the audit entry and webhook event
/// `contract.record_payment`, which keeps the payment.
#[utoipa::path(
    tag = "contracts",
    operation_id = "recordContractPayment",
    params(("id" = String, Path, description = "Contract id"), crate::kernel::openapi::IfMatchHeader),
    request_body = RecordContractPayment,
    responses(
        (status = 200, description = "Booked", body = ContractOut, headers(("ETag" = String))),
        (status = 409, description = "A draft or terminated contract", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/contracts/{id}/record-payment")]
async fn record_contract_payment(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    IfMatch(version): IfMatch,
    ValidJson(input): ValidJson<RecordContractPayment>,
) -> Result<HttpResponse, ApiError> {
    let action = ContractAction::RecordPayment(input);
    command(state, caller, id.into_inner(), version, action).await
}

/// List a contract's payments
///
/// The payments booked against the contract (CON-2, `recordContractPayment`), in the order
/// they were paid; their sum is the contract's `paid_fen`. What billing reads for the payments
/// a contract received.
///
/// Any signed-in user who sees the contract (ORG-5, as in `listContracts`); any other contract
/// reads as 404. Read-only.
#[utoipa::path(
    tag = "contracts",
    operation_id = "listContractPayments",
    params(("id" = String, Path, description = "Contract id")),
    responses((status = 200, description = "The payments, oldest first", body = Page<ContractPaymentOut>))
)]
#[get("/contracts/{id}/payments")]
async fn list_contract_payments(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    access::require(Action::ContractGet, &caller.actor.roles)?;
    let (actor, id) = (caller.actor.clone(), id.into_inner());
    let items = state
        .db(move |conn| svc::payments(conn, &actor, &id))
        .await?;
    Ok(HttpResponse::Ok().json(Page {
        items,
        next_cursor: None,
    }))
}
