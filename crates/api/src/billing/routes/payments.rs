//! `/payments`: money received from customers and deposits (BIL-4). HTTP only: extract, check
//! the action's roles before loading anything (403 before 404), run the service.

use crate::billing::dto::payments::{
    EXPORT, PaymentOut, PaymentQuery, RecordPayment, SettleDeposit,
};
use crate::billing::service::payments as svc;
use crate::kernel::auth::Caller;
use crate::kernel::command::{Ctx, run_command};
use crate::kernel::error::{ApiError, Problem};
use crate::kernel::export::{self, Listed};
use crate::kernel::extract::{IfMatch, ValidJson, trimmed};
use crate::kernel::page::{Page, window};
use crate::kernel::respond::{created, versioned};
use crate::kernel::state::AppState;
use actix_web::http::StatusCode;
use actix_web::{HttpResponse, get, post, web};
use kefu_billing::access::{self, Action};
use kefu_billing::payments::Settlement;
use kefu_store::customer_payments::{self as store, PaymentFilter};
use utoipa_actix_web::service_config::ServiceConfig;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(record_payment)
        .service(list_payments)
        .service(get_payment)
        .service(refund_deposit)
        .service(convert_deposit);
}

/// Record money received
///
/// BIL-4: money received from a customer the caller sees (ORG-5; 422 `customer_id`) on
/// `paid_on` (default today; not in the future: 422 `paid_on`), with its `method`, the company
/// `account` it went to and the `document` issued (`invoice`, `receipt` or `none`).
/// A `payment` naming `quote_id` pays that repair quote of the customer (422 `quote_id`): the
/// quote must be accepted (409 `BIL-4`) and may not receive more than it still owes (422
/// `BIL-4`); paid in full, its `fully_paid_at` is set and its intake may go to the factory. A
/// `deposit` (押金) is held against the customer's repair intake `intake_id` (required; 422
/// `intake_id`, `BIL-4`) until refunded or converted. Contract payments are booked on the
/// contract (`recordContractPayment`).
///
/// Who: admins, managers, finance and clerks (403 `BIL-4` for others). Triggers the audit
/// entry and webhook event `customer_payment.record`.
#[utoipa::path(
    tag = "fees",
    operation_id = "recordPayment",
    request_body = RecordPayment,
    responses(
        (status = 201, description = "Recorded", body = PaymentOut, headers(("Location" = String), ("ETag" = String))),
        (status = 409, description = "BIL-4: the quote is not accepted", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "BIL-4: more than the quote owes", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/payments")]
async fn record_payment(
    state: web::Data<AppState>,
    caller: Caller,
    ValidJson(input): ValidJson<RecordPayment>,
) -> Result<HttpResponse, ApiError> {
    access::require(Action::PaymentRecord, &caller.actor.roles)?;
    let ctx = Ctx::of(&caller, state.clock.now());
    let actor = caller.actor.clone();
    let today = state.today();
    let out = state
        .tx(move |conn| svc::record(conn, &ctx, &actor, today, input))
        .await?;
    Ok(created(
        format!("/api/v1/payments/{}", out.id),
        Some(out.version),
        &out,
    ))
}

/// List or delta-sync payments and deposits
///
/// BIL-4: the money received from the customers the caller sees (ORG-5, as in
/// `listRepairQuotes`), by `customer_id`, `kind`, `quote_id`, `intake_id`, `deposit_state` and
/// the `paid_from`–`paid_to` days, in id order; `updated_since` delta-syncs (tombstones
/// included); `/export` (CSV or XLSX) exports. Who: every staff member and customer contacts.
/// Read-only.
#[utoipa::path(
    tag = "fees",
    operation_id = "listPayments",
    params(PaymentQuery),
    responses((status = 200, description = "One page of payments", body = Page<PaymentOut>))
)]
#[get("/payments")]
async fn list_payments(
    state: web::Data<AppState>,
    caller: Caller,
    listed: Listed<PaymentQuery>,
) -> Result<HttpResponse, ApiError> {
    let data = state.clone();
    export::respond(&data, &EXPORT, listed, move |query| {
        payments_page(state.clone(), caller.clone(), query)
    })
    .await
}

async fn payments_page(
    state: web::Data<AppState>,
    caller: Caller,
    query: PaymentQuery,
) -> Result<Page<PaymentOut>, ApiError> {
    access::require(Action::PaymentRead, &caller.actor.roles)?;
    let window = window(
        query.limit,
        query.updated_since.as_deref(),
        query.cursor.as_deref(),
    )?;
    let filter = PaymentFilter {
        customer_id: trimmed(query.customer_id),
        kind: query.kind.map(|k| k.as_str().to_owned()),
        quote_id: trimmed(query.quote_id),
        intake_id: trimmed(query.intake_id),
        deposit_state: query.deposit_state.map(|s| s.as_str().to_owned()),
        paid_from: query.paid_from,
        paid_to: query.paid_to,
    };
    let list = move |conn: &mut _, scope: &_, mode: &_, fetch| {
        store::list(conn, scope, &filter, mode, fetch)
    };
    super::visible_page(
        &state,
        caller.actor.clone(),
        window,
        list,
        |r| (r.updated_at, &r.id),
        |r| PaymentOut::from(&r),
    )
    .await
}

/// Read a payment or deposit
///
/// BIL-4: one payment with its version as `ETag`. Any caller who sees its customer (ORG-5);
/// any other payment reads as 404. Read-only.
#[utoipa::path(
    tag = "fees",
    operation_id = "getPayment",
    params(("id" = String, Path, description = "Payment id")),
    responses((status = 200, description = "The payment", body = PaymentOut, headers(("ETag" = String))))
)]
#[get("/payments/{id}")]
async fn get_payment(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    access::require(Action::PaymentRead, &caller.actor.roles)?;
    let (actor, id) = (caller.actor.clone(), id.into_inner());
    let row = state
        .db(move |conn| svc::get_row(conn, &actor, &id))
        .await?;
    Ok(versioned(
        StatusCode::OK,
        row.version,
        &PaymentOut::from(&row),
    ))
}

async fn settle(
    state: web::Data<AppState>,
    caller: Caller,
    id: String,
    version: i64,
    command: (Settlement, SettleDeposit),
) -> Result<HttpResponse, ApiError> {
    access::require(Action::DepositSettle, &caller.actor.roles)?;
    let today = state.today();
    run_command(
        state,
        caller,
        id,
        version,
        move |conn, ctx, actor, id, version| {
            svc::settle_deposit(conn, ctx, actor, today, id, version, command)
        },
    )
    .await
}

/// Refund a deposit
///
/// BIL-4: a `held` deposit goes back to the customer (`deposit_state` `refunded`), with an
/// optional `note`; once (409 `BIL-4` when settled already, or for a payment).
///
/// Who: admins, managers and finance (403 `BIL-4` for others), on a deposit they see (ORG-5:
/// otherwise 404). Needs `If-Match`. Triggers the audit entry and webhook event
/// `customer_payment.refund`.
#[utoipa::path(
    tag = "fees",
    operation_id = "refundDeposit",
    params(("id" = String, Path, description = "Deposit id"), crate::kernel::openapi::IfMatchHeader),
    request_body = SettleDeposit,
    responses(
        (status = 200, description = "Refunded", body = PaymentOut, headers(("ETag" = String))),
        (status = 409, description = "BIL-4: settled already, or no deposit", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/payments/{id}/refund")]
async fn refund_deposit(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    IfMatch(version): IfMatch,
    ValidJson(input): ValidJson<SettleDeposit>,
) -> Result<HttpResponse, ApiError> {
    settle(
        state,
        caller,
        id.into_inner(),
        version,
        (Settlement::Refund, input),
    )
    .await
}

/// Convert a deposit to a fee
///
/// BIL-4: a `held` deposit pays an accepted repair quote of the same customer (`quote_id`,
/// default the deposit's own; 422 `quote_id`): it becomes `converted` and a new `payment` of
/// its amount, method, account and document is booked on the quote, paid today
/// (`converted_payment_id`). Once (409 `BIL-4` when settled already, or for a payment); the
/// quote must be accepted (409 `BIL-4`) and owe at least the deposit (422 `BIL-4`).
///
/// Who: admins, managers and finance (403 `BIL-4` for others), on a deposit they see (ORG-5:
/// otherwise 404). Needs `If-Match`. Triggers the audit entries and webhook events
/// `customer_payment.convert` and `customer_payment.record` (the new payment).
#[utoipa::path(
    tag = "fees",
    operation_id = "convertDeposit",
    params(("id" = String, Path, description = "Deposit id"), crate::kernel::openapi::IfMatchHeader),
    request_body = SettleDeposit,
    responses(
        (status = 200, description = "Converted", body = PaymentOut, headers(("ETag" = String))),
        (status = 409, description = "BIL-4: settled already, no deposit, or the quote is not accepted", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "BIL-4: more than the quote owes", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/payments/{id}/convert")]
async fn convert_deposit(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    IfMatch(version): IfMatch,
    ValidJson(input): ValidJson<SettleDeposit>,
) -> Result<HttpResponse, ApiError> {
    settle(
        state,
        caller,
        id.into_inner(),
        version,
        (Settlement::Convert, input),
    )
    .await
}
