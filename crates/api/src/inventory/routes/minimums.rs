use crate::inventory::dto::minimums::{
    CreateMinimum, MINIMUMS_EXPORT, MinimumOut, MinimumsQuery, UpdateMinimum,
};
use crate::inventory::service::minimums as svc;
use crate::kernel::auth::Caller;
use crate::kernel::command::Ctx;
use crate::kernel::error::{ApiError, Problem};
use crate::kernel::export::{self, Listed};
use crate::kernel::extract::{IfMatch, ValidJson, trimmed};
use crate::kernel::page::{Page, paginate, row_key, window};
use crate::kernel::respond::{created, versioned};
use crate::kernel::state::AppState;
use actix_web::http::StatusCode;
use actix_web::{HttpResponse, get, patch, post, web};
use kefu_inventory::access::{self, Action};
use kefu_store::inventory::counts::{self as store, MinimumFilter};
use utoipa_actix_web::service_config::ServiceConfig;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(create_minimum)
        .service(list_minimums)
        .service(update_minimum);
}

/// Set a part's minimum stock at a location
///
/// INV-7: the stock of `part_id` at `location_id` below which a daily count raises a
/// `below_minimum` anomaly (overriding the part's own `min_stock` there). The part and the
/// location must be live (422 naming the field otherwise); one minimum per part and location
/// (409 naming `part_id` for a second: change it with `PATCH`). Admins, managers and clerks
/// (403 for others). Triggers the audit entry and webhook event `stock_minimum.create`.
#[utoipa::path(
    tag = "inventory",
    operation_id = "createStockMinimum",
    request_body = CreateMinimum,
    responses(
        (status = 201, description = "Created", body = MinimumOut,
            headers(("Location" = String), ("ETag" = String))),
        (status = 409, description = "The part has a minimum at the location already", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/stock-minimums")]
async fn create_minimum(
    state: web::Data<AppState>,
    caller: Caller,
    ValidJson(input): ValidJson<CreateMinimum>,
) -> Result<HttpResponse, ApiError> {
    access::require(Action::MinimumEdit, &caller.actor.roles)?;
    let ctx = Ctx::of(&caller, state.clock.now());
    let out = state.tx(move |conn| svc::create(conn, &ctx, input)).await?;
    Ok(created(
        format!("/api/v1/stock-minimums/{}", out.id),
        Some(out.version),
        &out,
    ))
}

/// List or delta-sync minimum stock levels
///
/// INV-7: the minimums set per part and location, filtered by `part_id` and `location_id`.
/// Admins, managers, clerks, finance and executives (403 for others). `updated_since`
/// delta-syncs; `/export` (CSV or XLSX) exports. Read-only.
#[utoipa::path(
    tag = "inventory",
    operation_id = "listStockMinimums",
    params(MinimumsQuery),
    responses((status = 200, description = "One page of minimums", body = Page<MinimumOut>))
)]
#[get("/stock-minimums")]
async fn list_minimums(
    state: web::Data<AppState>,
    caller: Caller,
    listed: Listed<MinimumsQuery>,
) -> Result<HttpResponse, ApiError> {
    let data = state.clone();
    export::respond(&data, &MINIMUMS_EXPORT, listed, move |query| {
        minimums_page(state.clone(), caller.clone(), query)
    })
    .await
}

async fn minimums_page(
    state: web::Data<AppState>,
    caller: Caller,
    query: MinimumsQuery,
) -> Result<Page<MinimumOut>, ApiError> {
    access::require(Action::CountRead, &caller.actor.roles)?;
    let (limit, fetch, mode) = window(
        query.limit,
        query.updated_since.as_deref(),
        query.cursor.as_deref(),
    )?;
    let filter = MinimumFilter {
        part_id: trimmed(query.part_id),
        location_id: trimmed(query.location_id),
    };
    let (mode, rows) = state
        .db(move |conn| {
            let rows = store::list_minimums(conn, &filter, &mode, fetch)?;
            Ok((mode, rows))
        })
        .await?;
    Ok(paginate(
        rows,
        limit,
        |m| row_key(&mode, m.updated_at, &m.id),
        |m| MinimumOut::from(&m),
    ))
}

/// Change a minimum stock level
///
/// INV-7: the new minimum applies to the counts submitted afterwards. Admins, managers and
/// clerks (403 for others); an unknown minimum is 404. Needs `If-Match` (412 with the current
/// version when stale). Triggers the audit entry and webhook event `stock_minimum.update`.
#[utoipa::path(
    tag = "inventory",
    operation_id = "updateStockMinimum",
    params(("id" = String, Path, description = "Minimum id"), crate::kernel::openapi::IfMatchHeader),
    request_body = UpdateMinimum,
    responses((status = 200, description = "Updated", body = MinimumOut, headers(("ETag" = String))))
)]
#[patch("/stock-minimums/{id}")]
async fn update_minimum(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    IfMatch(version): IfMatch,
    ValidJson(input): ValidJson<UpdateMinimum>,
) -> Result<HttpResponse, ApiError> {
    access::require(Action::MinimumEdit, &caller.actor.roles)?;
    let ctx = Ctx::of(&caller, state.clock.now());
    let id = id.into_inner();
    let out = state
        .tx(move |conn| svc::update(conn, &ctx, &id, version, input))
        .await?;
    Ok(versioned(StatusCode::OK, out.version, &out))
}
