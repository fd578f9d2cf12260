//! `/rebates`: customer rebates (BIL-7). HTTP only: extract, check the action's roles before
//! loading anything (403 before 404), run the service.

use crate::billing::dto::rebates::{CancelRebate, EXPORT, RebateOut, RebateQuery, RecordRebate};
use crate::billing::service::rebates as svc;
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
use kefu_store::rebates::{self as store, RebateFilter};
use utoipa_actix_web::service_config::ServiceConfig;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(record_rebate)
        .service(list_rebates)
        .service(get_rebate)
        .service(cancel_rebate);
}

/// Record a customer rebate
///
/// BIL-7: money returned (用户返款) to the customer of a contract, a repair quote or a
/// commissioning job (`source_kind`, `source_id`) the caller sees (ORG-5; 422 `source_id`,
/// `BIL-7`), on `returned_on` (default today; not in the future: 422 `returned_on`). It is borne
/// by the engineer who earns from the record (`engineer_id`: the contract's signer, the quote's
/// or the job's engineer): the next month close reduces that record's commissionable amount by
/// it — the BIL-12a maintenance commission of a contract, the BIL-12b labour share of a repair,
/// a job's commission (the engineer's part after the clerk's share, before the 80/20 split) —
/// unless the line is paid already.
///
/// Who: admins, managers and finance (403 `BIL-7` for others). Triggers the audit entry and
/// webhook event `rebate.record`.
#[utoipa::path(
    tag = "fees",
    operation_id = "recordRebate",
    request_body = RecordRebate,
    responses(
        (status = 201, description = "Recorded", body = RebateOut, headers(("Location" = String), ("ETag" = String))),
        (status = 422, description = "BIL-7: no such record of a visible customer, or a future day", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/rebates")]
async fn record_rebate(
    state: web::Data<AppState>,
    caller: Caller,
    ValidJson(input): ValidJson<RecordRebate>,
) -> Result<HttpResponse, ApiError> {
    access::require(Action::RebateRecord, &caller.actor.roles)?;
    let ctx = Ctx::of(&caller, state.clock.now());
    let actor = caller.actor.clone();
    let today = state.today();
    let out = state
        .tx(move |conn| svc::record(conn, &ctx, &actor, today, input))
        .await?;
    Ok(created(
        format!("/api/v1/rebates/{}", out.id),
        Some(out.version),
        &out,
    ))
}

/// List or delta-sync customer rebates
///
/// BIL-7: the rebates of the customers the caller sees (ORG-5, as in `listPayments`: a
/// customer's contacts see their own customer's), by `customer_id`, `source_kind`, `source_id`,
/// `engineer_id`, `status` and the `returned_from`–`returned_to` days, in id order;
/// `updated_since` delta-syncs (tombstones included); `/export` (CSV or XLSX) exports. Who: every
/// staff member and customer contacts. Read-only.
#[utoipa::path(
    tag = "fees",
    operation_id = "listRebates",
    params(RebateQuery),
    responses((status = 200, description = "One page of rebates", body = Page<RebateOut>))
)]
#[get("/rebates")]
async fn list_rebates(
    state: web::Data<AppState>,
    caller: Caller,
    listed: Listed<RebateQuery>,
) -> Result<HttpResponse, ApiError> {
    let data = state.clone();
    export::respond(&data, &EXPORT, listed, move |query| {
        rebates_page(state.clone(), caller.clone(), query)
    })
    .await
}

async fn rebates_page(
    state: web::Data<AppState>,
    caller: Caller,
    query: RebateQuery,
) -> Result<Page<RebateOut>, ApiError> {
    access::require(Action::RebateRead, &caller.actor.roles)?;
    let window = window(
        query.limit,
        query.updated_since.as_deref(),
        query.cursor.as_deref(),
    )?;
    let filter = RebateFilter {
        customer_id: trimmed(query.customer_id),
        source_kind: query.source_kind.map(|k| k.as_str().to_owned()),
        source_id: trimmed(query.source_id),
        engineer_id: trimmed(query.engineer_id),
        status: query.status.map(|s| s.as_str().to_owned()),
        returned_from: query.returned_from,
        returned_to: query.returned_to,
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
        |r| RebateOut::from(&r),
    )
    .await
}

/// Read a customer rebate
///
/// BIL-7: one rebate with its version as `ETag`. Any caller who sees its customer (ORG-5);
/// any other rebate reads as 404. Read-only.
#[utoipa::path(
    tag = "fees",
    operation_id = "getRebate",
    params(("id" = String, Path, description = "Rebate id")),
    responses((status = 200, description = "The rebate", body = RebateOut, headers(("ETag" = String))))
)]
#[get("/rebates/{id}")]
async fn get_rebate(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    access::require(Action::RebateRead, &caller.actor.roles)?;
    let (actor, id) = (caller.actor.clone(), id.into_inner());
    let row = state
        .db(move |conn| svc::get_row(conn, &actor, &id))
        .await?;
    Ok(versioned(
        StatusCode::OK,
        row.version,
        &RebateOut::from(&row),
    ))
}

/// Cancel a customer rebate
///
/// BIL-7: a rebate booked by mistake counts no more (`status` `cancelled`, with the `reason`):
/// the next month close restores the commission of its record unless the line is paid
/// already. Once (409 `BIL-7` when cancelled already).
///
/// Who: admins, managers and finance (403 `BIL-7` for others), on a rebate they see (ORG-5:
/// otherwise 404). Needs `If-Match`. Triggers the audit entry and webhook event
/// `rebate.cancel`.
#[utoipa::path(
    tag = "fees",
    operation_id = "cancelRebate",
    params(("id" = String, Path, description = "Rebate id"), crate::kernel::openapi::IfMatchHeader),
    request_body = CancelRebate,
    responses(
        (status = 200, description = "Cancelled", body = RebateOut, headers(("ETag" = String))),
        (status = 409, description = "BIL-7: cancelled already", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/rebates/{id}/cancel")]
async fn cancel_rebate(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    IfMatch(version): IfMatch,
    ValidJson(input): ValidJson<CancelRebate>,
) -> Result<HttpResponse, ApiError> {
    access::require(Action::RebateCancel, &caller.actor.roles)?;
    run_command(
        state,
        caller,
        id.into_inner(),
        version,
        move |conn, ctx, actor, id, version| svc::cancel(conn, ctx, actor, id, version, input),
    )
    .await
}
