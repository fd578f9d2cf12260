//! `/fee-items`: the fee schedule (BIL-1). HTTP only: extract, check the action's roles before
//! loading anything (403 before 404), run the service.

use crate::billing::dto::fee_items::{
    CreateFeeItem, EXPORT, FeeItemOut, FeeItemQuery, UpdateFeeItem,
};
use crate::billing::service::fee_items as svc;
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
use kefu_billing::access::{self, Action};
use kefu_store::fee_items::{self as store, FeeItemFilter};
use utoipa_actix_web::service_config::ServiceConfig;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(create_fee_item)
        .service(list_fee_items)
        .service(get_fee_item)
        .service(update_fee_item)
        .service(retire_fee_item);
}

/// Add a fee item
///
/// BIL-1: a priced item of the fee schedule (客户服务部收费标准): `code` (unique: 409 with the
/// field `code` when taken), name, `kind` (`labour`, `part`, `travel`, `lodging`, `other`),
/// unit, list and floor prices in fen. The floor price is not above the list price (422
/// `floor_price_fen`, `BIL-1`); `part_id` names a part of the catalogue (422 `part_id`).
///
/// Who: admins, managers and finance (403 `BIL-1` for others). Triggers the audit entry and
/// webhook event `fee_item.create`.
#[utoipa::path(
    tag = "fees",
    operation_id = "createFeeItem",
    request_body = CreateFeeItem,
    responses(
        (status = 201, description = "Added", body = FeeItemOut, headers(("Location" = String), ("ETag" = String))),
        (status = 409, description = "The code is taken", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/fee-items")]
async fn create_fee_item(
    state: web::Data<AppState>,
    caller: Caller,
    ValidJson(input): ValidJson<CreateFeeItem>,
) -> Result<HttpResponse, ApiError> {
    access::require(Action::FeeItemEdit, &caller.actor.roles)?;
    let ctx = Ctx::of(&caller, state.clock.now());
    let actor = caller.actor.clone();
    let out = state
        .tx(move |conn| svc::create(conn, &ctx, &actor, input))
        .await?;
    Ok(created(
        format!("/api/v1/fee-items/{}", out.id),
        Some(out.version),
        &out,
    ))
}

/// List or delta-sync the fee schedule
///
/// BIL-1: items by `kind`, `active`, `part_id` and `q` (part of the code or name), in id
/// order; `updated_since` delta-syncs (tombstones included); `/export` (CSV or XLSX) exports.
/// Every staff member reads the schedule (403 `BIL-1` for customer contacts). Read-only.
#[utoipa::path(
    tag = "fees",
    operation_id = "listFeeItems",
    params(FeeItemQuery),
    responses((status = 200, description = "One page of items", body = Page<FeeItemOut>))
)]
#[get("/fee-items")]
async fn list_fee_items(
    state: web::Data<AppState>,
    caller: Caller,
    listed: Listed<FeeItemQuery>,
) -> Result<HttpResponse, ApiError> {
    let data = state.clone();
    export::respond(&data, &EXPORT, listed, move |query| {
        items_page(state.clone(), caller.clone(), query)
    })
    .await
}

async fn items_page(
    state: web::Data<AppState>,
    caller: Caller,
    query: FeeItemQuery,
) -> Result<Page<FeeItemOut>, ApiError> {
    access::require(Action::FeeItemRead, &caller.actor.roles)?;
    let (limit, fetch, mode) = window(
        query.limit,
        query.updated_since.as_deref(),
        query.cursor.as_deref(),
    )?;
    let filter = FeeItemFilter {
        kind: query.kind.map(|k| k.as_str().to_owned()),
        active: query.active,
        part_id: trimmed(query.part_id),
        q: trimmed(query.q),
    };
    let (mode, rows) = state
        .db(move |conn| Ok((mode.clone(), store::list(conn, &filter, &mode, fetch)?)))
        .await?;
    Ok(paginate(
        rows,
        limit,
        |r| row_key(&mode, r.updated_at, &r.id),
        |r| FeeItemOut::from(&r),
    ))
}

/// Read a fee item
///
/// BIL-1: one item with its version as `ETag`; every staff member (403 `BIL-1` for customer
/// contacts). Read-only.
#[utoipa::path(
    tag = "fees",
    operation_id = "getFeeItem",
    params(("id" = String, Path, description = "Fee item id")),
    responses((status = 200, description = "The item", body = FeeItemOut, headers(("ETag" = String))))
)]
#[get("/fee-items/{id}")]
async fn get_fee_item(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    access::require(Action::FeeItemRead, &caller.actor.roles)?;
    let id = id.into_inner();
    let row = state.db(move |conn| svc::get_row(conn, &id)).await?;
    Ok(versioned(
        StatusCode::OK,
        row.version,
        &FeeItemOut::from(&row),
    ))
}

/// Change a fee item
///
/// BIL-1: changes the fields given; `null` clears `part_id` or `note`; `active: true` puts a
/// retired item back into use. The prices as they will stand keep the floor not above the
/// list price (422 `floor_price_fen`, `BIL-1`); a taken `code` is 409. Quotes already drawn
/// up keep the prices their lines copied.
///
/// Who: admins, managers and finance (403 `BIL-1` for others). Needs `If-Match`. Triggers the
/// audit entry and webhook event `fee_item.update`.
#[utoipa::path(
    tag = "fees",
    operation_id = "updateFeeItem",
    params(("id" = String, Path, description = "Fee item id"), crate::kernel::openapi::IfMatchHeader),
    request_body = UpdateFeeItem,
    responses(
        (status = 200, description = "Changed", body = FeeItemOut, headers(("ETag" = String))),
        (status = 409, description = "The code is taken", body = Problem, content_type = "application/problem+json"),
    )
)]
#[patch("/fee-items/{id}")]
async fn update_fee_item(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    IfMatch(version): IfMatch,
    ValidJson(input): ValidJson<UpdateFeeItem>,
) -> Result<HttpResponse, ApiError> {
    access::require(Action::FeeItemEdit, &caller.actor.roles)?;
    run_command(
        state,
        caller,
        id.into_inner(),
        version,
        move |conn, ctx, _actor, id, version| svc::update(conn, ctx, id, version, input),
    )
    .await
}

/// Retire a fee item
///
/// BIL-1: an item in use is retired (409 `BIL-1` when retired already): it takes no new quote
/// lines (422 `BIL-1` on `lines`), while the quotes that used it keep it.
///
/// Who: admins, managers and finance (403 `BIL-1` for others). Needs `If-Match`. Triggers the
/// audit entry and webhook event `fee_item.retire`.
#[utoipa::path(
    tag = "fees",
    operation_id = "retireFeeItem",
    params(("id" = String, Path, description = "Fee item id"), crate::kernel::openapi::IfMatchHeader),
    responses(
        (status = 200, description = "Retired", body = FeeItemOut, headers(("ETag" = String))),
        (status = 409, description = "Retired already", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/fee-items/{id}/retire")]
async fn retire_fee_item(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    IfMatch(version): IfMatch,
) -> Result<HttpResponse, ApiError> {
    access::require(Action::FeeItemEdit, &caller.actor.roles)?;
    run_command(
        state,
        caller,
        id.into_inner(),
        version,
        move |conn, ctx, _actor, id, version| svc::retire(conn, ctx, id, version),
    )
    .await
}
