use crate::inventory::dto::stock::{
    LEVELS_EXPORT, LevelOut, LevelsQuery, MOVEMENTS_EXPORT, MovementOut, MovementsQuery,
    RecordMovement, RecordedMovements, UNITS_EXPORT, UnitOut, UnitsQuery,
};
use crate::inventory::service::stock as svc;
use crate::kernel::access::scope;
use crate::kernel::auth::Caller;
use crate::kernel::command::Ctx;
use crate::kernel::error::{ApiError, Problem};
use crate::kernel::export::{self, Listed};
use crate::kernel::extract::{ValidJson, trimmed};
use crate::kernel::page::{Page, decode_cursor, fetch_size, paginate};
use crate::kernel::state::AppState;
use actix_web::{HttpResponse, get, post, web};
use kefu_inventory::access::{self, Action};
use kefu_store::inventory::StockScope;
use kefu_store::inventory::stock::{self as store, LevelFilter, MovementFilter, UnitFilter};
use kefu_store::{DbConnection, StoreError};
use utoipa_actix_web::service_config::ServiceConfig;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(record_movement)
        .service(list_movements)
        .service(list_levels)
        .service(list_units);
}

/// Record a stock movement
///
/// INV-1: one movement of one part, written as ledger rows (one per unit of a serialised part,
/// one for a bulk quantity) in one transaction with the stock levels it changes. `receipt`
/// brings stock in (`to_location_id`); `issue` and `return` move it between locations;
/// `consumption`, `loss` and `damage` take it off the books (`from_location_id`); a
/// `count_adjustment` adds what a count found (`to`) or writes off what it missed (`from`).
/// Bulk parts move a `quantity`, serialised parts their `serials` (new serials on a receipt,
/// units in stock at `from_location_id` otherwise). Admins, managers and clerks (403 for
/// others). A movement that does not fit its kind or part is 422 naming the field and rule
/// `INV-1` (an unknown part, location or serial too). INV-4: taking more than the location
/// holds, or a unit not in stock there, is 409 with rule `INV-4` and changes nothing — of
/// simultaneous requests for the last units, exactly as many succeed as there are units. A
/// serial already on the books is 409 naming `serials`. Triggers, per row, the audit entry and
/// webhook event `stock_movement.<kind>`.
#[utoipa::path(
    tag = "inventory",
    operation_id = "recordStockMovement",
    request_body = RecordMovement,
    responses(
        (status = 201, description = "Recorded; the ledger rows written", body = RecordedMovements),
        (status = 409, description = "INV-4: not enough stock, or the unit is not there; or the serial exists", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/stock-movements")]
async fn record_movement(
    state: web::Data<AppState>,
    caller: Caller,
    ValidJson(input): ValidJson<RecordMovement>,
) -> Result<HttpResponse, ApiError> {
    access::require(Action::StockMove, &caller.actor.roles)?;
    let ctx = Ctx::of(&caller, state.clock.now());
    let out = state.tx(move |conn| svc::record(conn, &ctx, input)).await?;
    Ok(HttpResponse::Created().json(out))
}

/// List the stock ledger
///
/// INV-1: the movements, oldest first, filtered by `part_id`, `location_id` (into or out of
/// it) and `kind`. Admins, managers, clerks, finance and executives see every row; engineers
/// and supervisors the rows into or out of their own hands (ORG-5); other roles are 403. The
/// ledger is append-only, so paging on from the last `next_cursor` later is its delta sync.
/// `/export` (CSV or XLSX) exports. Read-only.
#[utoipa::path(
    tag = "inventory",
    operation_id = "listStockMovements",
    params(MovementsQuery),
    responses((status = 200, description = "One page of ledger rows", body = Page<MovementOut>))
)]
#[get("/stock-movements")]
async fn list_movements(
    state: web::Data<AppState>,
    caller: Caller,
    listed: Listed<MovementsQuery>,
) -> Result<HttpResponse, ApiError> {
    let data = state.clone();
    export::respond(&data, &MOVEMENTS_EXPORT, listed, move |query| {
        movements_page(state.clone(), caller.clone(), query)
    })
    .await
}

async fn movements_page(
    state: web::Data<AppState>,
    caller: Caller,
    query: MovementsQuery,
) -> Result<Page<MovementOut>, ApiError> {
    let filter = MovementFilter {
        part_id: trimmed(query.part_id),
        location_id: trimmed(query.location_id),
        kind: query.kind,
    };
    scoped_page(
        state,
        caller,
        query.limit,
        query.cursor,
        move |conn, scope, after, fetch| store::list_movements(conn, scope, &filter, after, fetch),
        |m| m.id.clone(),
        |m| MovementOut::from(&m),
    )
    .await
}

/// One page of a stock list in the caller's ORG-5 scope, by id after the cursor: what the
/// ledger, level and unit lists share. `load` reads `fetch` rows after the cursor's id.
async fn scoped_page<R, T, L>(
    state: web::Data<AppState>,
    caller: Caller,
    limit: Option<u32>,
    cursor: Option<String>,
    load: L,
    key: impl Fn(&R) -> String,
    render: impl FnMut(R) -> T,
) -> Result<Page<T>, ApiError>
where
    R: Send + 'static,
    L: FnOnce(&mut DbConnection, &StockScope, Option<&str>, i64) -> Result<Vec<R>, StoreError>
        + Send
        + 'static,
{
    access::require(Action::StockRead, &caller.actor.roles)?;
    let (limit, fetch) = fetch_size(limit)?;
    let after = decode_cursor(cursor.as_deref())?;
    let actor = caller.actor.clone();
    let rows = state
        .db(move |conn| {
            let scope = scope::stock(conn, &actor)?;
            Ok(load(conn, &scope, after.as_deref(), fetch)?)
        })
        .await?;
    Ok(paginate(rows, limit, key, render))
}

/// List stock levels
///
/// INV-1: how many of each part are at each location — always the ledger's sum for the pair,
/// never negative (INV-4) — filtered by `part_id` and `location_id`. Admins, managers, clerks,
/// finance and executives see every location; engineers and supervisors the stock in their own
/// hands (ORG-5); other roles are 403. `/export` (CSV or XLSX) exports. Read-only.
#[utoipa::path(
    tag = "inventory",
    operation_id = "listStockLevels",
    params(LevelsQuery),
    responses((status = 200, description = "One page of stock levels", body = Page<LevelOut>))
)]
#[get("/stock-levels")]
async fn list_levels(
    state: web::Data<AppState>,
    caller: Caller,
    listed: Listed<LevelsQuery>,
) -> Result<HttpResponse, ApiError> {
    let data = state.clone();
    export::respond(&data, &LEVELS_EXPORT, listed, move |query| {
        levels_page(state.clone(), caller.clone(), query)
    })
    .await
}

async fn levels_page(
    state: web::Data<AppState>,
    caller: Caller,
    query: LevelsQuery,
) -> Result<Page<LevelOut>, ApiError> {
    let filter = LevelFilter {
        part_id: trimmed(query.part_id),
        location_id: trimmed(query.location_id),
    };
    scoped_page(
        state,
        caller,
        query.limit,
        query.cursor,
        move |conn, scope, after, fetch| store::list_levels(conn, scope, &filter, after, fetch),
        |l| l.id.clone(),
        |l| LevelOut::from(&l),
    )
    .await
}

/// List serialised units
///
/// INV-1: the units of serialised parts, filtered by `part_id`, `location_id` and `status`.
/// Admins, managers, clerks, finance and executives see every unit, those off the books
/// included; engineers and supervisors the units in their own hands (ORG-5); other roles are
/// 403. `/export` (CSV or XLSX) exports. Read-only.
#[utoipa::path(
    tag = "inventory",
    operation_id = "listSerialUnits",
    params(UnitsQuery),
    responses((status = 200, description = "One page of units", body = Page<UnitOut>))
)]
#[get("/serial-units")]
async fn list_units(
    state: web::Data<AppState>,
    caller: Caller,
    listed: Listed<UnitsQuery>,
) -> Result<HttpResponse, ApiError> {
    let data = state.clone();
    export::respond(&data, &UNITS_EXPORT, listed, move |query| {
        units_page(state.clone(), caller.clone(), query)
    })
    .await
}

async fn units_page(
    state: web::Data<AppState>,
    caller: Caller,
    query: UnitsQuery,
) -> Result<Page<UnitOut>, ApiError> {
    let filter = UnitFilter {
        part_id: trimmed(query.part_id),
        location_id: trimmed(query.location_id),
        status: query.status,
    };
    scoped_page(
        state,
        caller,
        query.limit,
        query.cursor,
        move |conn, scope, after, fetch| store::list_units(conn, scope, &filter, after, fetch),
        |u| u.id.clone(),
        |u| UnitOut::from(&u),
    )
    .await
}
