use crate::inventory::dto::catalogue::{
    CreateLocation, CreatePart, LOCATIONS_EXPORT, LocationOut, LocationsQuery, PARTS_EXPORT,
    PartOut, PartsQuery, UpdatePart,
};
use crate::inventory::service::catalogue as svc;
use crate::kernel::access::scope;
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
use kefu_store::inventory::catalogue::{self as store, LocationFilter, PartFilter};
use utoipa_actix_web::service_config::ServiceConfig;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(list_parts)
        .service(create_part)
        .service(get_part)
        .service(update_part)
        .service(list_locations)
        .service(create_location)
        .service(get_location);
}

/// List or delta-sync spare parts
///
/// INV-1: the parts catalogue, filtered by `product_id` and `kind`. Without `updated_since`:
/// parts not deleted, in id order; with it, every part changed since then (tombstones
/// included) in update order. Every staff role (403 for `customer_contact`, who sees nothing
/// of inventory). `/export` (CSV or XLSX) exports the list. Read-only.
#[utoipa::path(
    tag = "inventory",
    operation_id = "listParts",
    params(PartsQuery),
    responses((status = 200, description = "One page of parts", body = Page<PartOut>))
)]
#[get("/parts")]
async fn list_parts(
    state: web::Data<AppState>,
    caller: Caller,
    listed: Listed<PartsQuery>,
) -> Result<HttpResponse, ApiError> {
    let data = state.clone();
    export::respond(&data, &PARTS_EXPORT, listed, move |query| {
        parts_page(state.clone(), caller.clone(), query)
    })
    .await
}

async fn parts_page(
    state: web::Data<AppState>,
    caller: Caller,
    query: PartsQuery,
) -> Result<Page<PartOut>, ApiError> {
    access::require(Action::PartRead, &caller.actor.roles)?;
    let (limit, fetch, mode) = window(
        query.limit,
        query.updated_since.as_deref(),
        query.cursor.as_deref(),
    )?;
    let filter = PartFilter {
        product_id: trimmed(query.product_id),
        kind: query.kind,
    };
    let (mode, rows) = state
        .db(move |conn| {
            let rows = store::list_parts(conn, &filter, &mode, fetch)?;
            Ok((mode, rows))
        })
        .await?;
    Ok(paginate(
        rows,
        limit,
        |p| row_key(&mode, p.updated_at, &p.id),
        |p| PartOut::from(&p),
    ))
}

/// Create a spare part
///
/// INV-1: a part of a live product of master data (422 naming `product_id` otherwise), tracked
/// by serial (`serialised`) or by quantity (`bulk`), with its unit sale price (what a lost or
/// damaged unit is charged at, INV-3), unit cost and minimum stock, all in fen. Admins,
/// managers and clerks (403 for others). 409 when the `code` exists already. Triggers the audit
/// entry and webhook event `part.create`.
#[utoipa::path(
    tag = "inventory",
    operation_id = "createPart",
    request_body = CreatePart,
    responses(
        (status = 201, description = "Created", body = PartOut,
            headers(("Location" = String), ("ETag" = String))),
        (status = 409, description = "The code exists already", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/parts")]
async fn create_part(
    state: web::Data<AppState>,
    caller: Caller,
    ValidJson(input): ValidJson<CreatePart>,
) -> Result<HttpResponse, ApiError> {
    access::require(Action::PartEdit, &caller.actor.roles)?;
    let ctx = Ctx::of(&caller, state.clock.now());
    let out = state
        .tx(move |conn| svc::create_part(conn, &ctx, input))
        .await?;
    Ok(created(
        format!("/api/v1/parts/{}", out.id),
        Some(out.version),
        &out,
    ))
}

/// Get a spare part
///
/// INV-1: the part with its version as `ETag`. Every staff role (403 for `customer_contact`);
/// a deleted or unknown part is 404. Read-only.
#[utoipa::path(
    tag = "inventory",
    operation_id = "getPart",
    params(("id" = String, Path, description = "Part id")),
    responses((status = 200, description = "The part", body = PartOut, headers(("ETag" = String))))
)]
#[get("/parts/{id}")]
async fn get_part(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    access::require(Action::PartRead, &caller.actor.roles)?;
    let id = id.into_inner();
    let row = state.db(move |conn| svc::get_part(conn, &id)).await?;
    Ok(versioned(StatusCode::OK, row.version, &PartOut::from(&row)))
}

/// Update a spare part
///
/// INV-1: changes the name, prices or minimum stock (the kind never changes: a part's ledger
/// is by unit or by quantity). Admins, managers and clerks (403 for others). Needs `If-Match`
/// (412 with the current version when stale). Triggers the audit entry and webhook event
/// `part.update`; a new sale price applies to charges raised afterwards.
#[utoipa::path(
    tag = "inventory",
    operation_id = "updatePart",
    params(("id" = String, Path, description = "Part id"), crate::kernel::openapi::IfMatchHeader),
    request_body = UpdatePart,
    responses((status = 200, description = "Updated", body = PartOut, headers(("ETag" = String))))
)]
#[patch("/parts/{id}")]
async fn update_part(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    IfMatch(version): IfMatch,
    ValidJson(input): ValidJson<UpdatePart>,
) -> Result<HttpResponse, ApiError> {
    access::require(Action::PartEdit, &caller.actor.roles)?;
    let ctx = Ctx::of(&caller, state.clock.now());
    let id = id.into_inner();
    let out = state
        .tx(move |conn| svc::update_part(conn, &ctx, &id, version, input))
        .await?;
    Ok(versioned(StatusCode::OK, out.version, &out))
}

/// List or delta-sync stock locations
///
/// INV-1: the warehouses, the fault-service centre and engineers' hands, filtered by `kind`;
/// `updated_since` delta-syncs as for parts. Admins, managers, clerks, finance and executives
/// see every location; engineers and supervisors the shared ones and their own hands, not
/// another engineer's (ORG-5). Other roles are 403. `/export` (CSV or XLSX) exports. Read-only.
#[utoipa::path(
    tag = "inventory",
    operation_id = "listStockLocations",
    params(LocationsQuery),
    responses((status = 200, description = "One page of locations", body = Page<LocationOut>))
)]
#[get("/stock-locations")]
async fn list_locations(
    state: web::Data<AppState>,
    caller: Caller,
    listed: Listed<LocationsQuery>,
) -> Result<HttpResponse, ApiError> {
    let data = state.clone();
    export::respond(&data, &LOCATIONS_EXPORT, listed, move |query| {
        locations_page(state.clone(), caller.clone(), query)
    })
    .await
}

async fn locations_page(
    state: web::Data<AppState>,
    caller: Caller,
    query: LocationsQuery,
) -> Result<Page<LocationOut>, ApiError> {
    access::require(Action::StockRead, &caller.actor.roles)?;
    let (limit, fetch, mode) = window(
        query.limit,
        query.updated_since.as_deref(),
        query.cursor.as_deref(),
    )?;
    let filter = LocationFilter { kind: query.kind };
    let actor = caller.actor.clone();
    let (mode, rows) = state
        .db(move |conn| {
            let scope = scope::stock(conn, &actor)?;
            let rows = store::list_locations(conn, &scope, &filter, &mode, fetch)?;
            Ok((mode, rows))
        })
        .await?;
    Ok(paginate(
        rows,
        limit,
        |l| row_key(&mode, l.updated_at, &l.id),
        |l| LocationOut::from(&l),
    ))
}

/// Create a stock location
///
/// INV-1: a warehouse, the fault-service centre, or an engineer's hands (kind `engineer`, naming
/// an enabled engineer in `engineer_id`, 422 otherwise; one location per engineer, 409 for a
/// second). Admins, managers and clerks (403 for others). Triggers the audit entry and webhook
/// event `stock_location.create`.
#[utoipa::path(
    tag = "inventory",
    operation_id = "createStockLocation",
    request_body = CreateLocation,
    responses(
        (status = 201, description = "Created", body = LocationOut,
            headers(("Location" = String), ("ETag" = String))),
        (status = 409, description = "The engineer has a location already", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/stock-locations")]
async fn create_location(
    state: web::Data<AppState>,
    caller: Caller,
    ValidJson(input): ValidJson<CreateLocation>,
) -> Result<HttpResponse, ApiError> {
    access::require(Action::LocationEdit, &caller.actor.roles)?;
    let ctx = Ctx::of(&caller, state.clock.now());
    let out = state
        .tx(move |conn| svc::create_location(conn, &ctx, input))
        .await?;
    Ok(created(
        format!("/api/v1/stock-locations/{}", out.id),
        Some(out.version),
        &out,
    ))
}

/// Get a stock location
///
/// INV-1: the location with its version as `ETag`. Stock readers (admins, managers, clerks,
/// finance, executives, supervisors, engineers; 403 for others); another engineer's hands read
/// as 404 (ORG-5). Read-only.
#[utoipa::path(
    tag = "inventory",
    operation_id = "getStockLocation",
    params(("id" = String, Path, description = "Location id")),
    responses((status = 200, description = "The location", body = LocationOut, headers(("ETag" = String))))
)]
#[get("/stock-locations/{id}")]
async fn get_location(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    access::require(Action::StockRead, &caller.actor.roles)?;
    let id = id.into_inner();
    let actor = caller.actor.clone();
    let row = state
        .db(move |conn| {
            let scope = scope::stock(conn, &actor)?;
            svc::get_location(conn, &scope, &id)
        })
        .await?;
    Ok(versioned(
        StatusCode::OK,
        row.version,
        &LocationOut::from(&row),
    ))
}
