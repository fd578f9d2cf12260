use crate::inventory::dto::counts::{
    ANOMALIES_EXPORT, AnomaliesQuery, AnomalyOut, COUNTS_EXPORT, CountOut, CountsQuery,
    SubmitCount, SubmittedCount,
};
use crate::inventory::service::counts as svc;
use crate::kernel::auth::Caller;
use crate::kernel::command::Ctx;
use crate::kernel::error::{ApiError, Problem};
use crate::kernel::export::{self, Listed};
use crate::kernel::extract::{ValidJson, trimmed};
use crate::kernel::page::{Page, paginate, row_key, window};
use crate::kernel::respond::{created, versioned};
use crate::kernel::state::AppState;
use actix_web::http::StatusCode;
use actix_web::{HttpResponse, get, post, web};
use kefu_inventory::access::{self, Action};
use kefu_store::inventory::counts::{self as store, AnomalyFilter, CountFilter};
use utoipa_actix_web::service_config::ServiceConfig;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(submit_count)
        .service(list_counts)
        .service(get_count)
        .service(list_anomalies);
}

/// Submit a daily stock count
///
/// INV-7: the fault-service centre's opening or closing count of today (company time zone):
/// per part the quantity counted (bulk) or the serials present (serialised), with the damaged
/// ones. A location that is not the service centre is 422 naming `location_id` and `INV-7`;
/// lines that do not fit their part are 422 naming `lines[i].<field>` and `INV-7` (an unknown
/// part too). A second count of the same day and kind is 409. The count is compared with the
/// books: a `difference` anomaly (with the expected and counted figures and, for serialised
/// parts, the missing and unexpected serials) for each part whose count differs — a part held
/// there but not listed counts as none —, a `damaged` anomaly for damaged units, and a
/// `below_minimum` anomaly when the usable units are below the minimum (`/stock-minimums`,
/// else the part's `min_stock`). The count changes no stock: a clerk corrects the books with
/// a `count_adjustment` movement. Admins, managers and clerks (403 for others). Triggers the
/// audit entries and webhook events `stock_count.submit` and `stock_count_anomaly.<kind>`,
/// and the `stock_count.anomalies` notification to every manager and clerk when any anomaly
/// was raised. A working day without its opening or closing count gets a `missing_count`
/// anomaly (once) from the watch after the day ends, with the `stock_count.missing`
/// notification.
#[utoipa::path(
    tag = "inventory",
    operation_id = "submitStockCount",
    request_body = SubmitCount,
    responses(
        (status = 201, description = "Submitted; the anomalies raised", body = SubmittedCount,
            headers(("Location" = String), ("ETag" = String))),
        (status = 409, description = "The day's count of this kind was submitted already", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "INV-7: not the service centre, or a line that does not fit its part", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/stock-counts")]
async fn submit_count(
    state: web::Data<AppState>,
    caller: Caller,
    ValidJson(input): ValidJson<SubmitCount>,
) -> Result<HttpResponse, ApiError> {
    access::require(Action::CountSubmit, &caller.actor.roles)?;
    let ctx = Ctx::of(&caller, state.clock.now());
    let today = state.today();
    let out = state
        .tx(move |conn| svc::submit(conn, &ctx, today, input))
        .await?;
    Ok(created(
        format!("/api/v1/stock-counts/{}", out.count.id),
        Some(out.count.version),
        &out,
    ))
}

/// List or delta-sync daily stock counts
///
/// INV-7: the counts filtered by `location_id`, `kind` and the day range `day_from`/`day_to`.
/// Admins, managers, clerks, finance and executives (403 for others: the counts are the whole
/// service centre's stock). `updated_since` delta-syncs; `/export` (CSV or XLSX) exports.
/// Read-only.
#[utoipa::path(
    tag = "inventory",
    operation_id = "listStockCounts",
    params(CountsQuery),
    responses((status = 200, description = "One page of counts", body = Page<CountOut>))
)]
#[get("/stock-counts")]
async fn list_counts(
    state: web::Data<AppState>,
    caller: Caller,
    listed: Listed<CountsQuery>,
) -> Result<HttpResponse, ApiError> {
    let data = state.clone();
    export::respond(&data, &COUNTS_EXPORT, listed, move |query| {
        counts_page(state.clone(), caller.clone(), query)
    })
    .await
}

async fn counts_page(
    state: web::Data<AppState>,
    caller: Caller,
    query: CountsQuery,
) -> Result<Page<CountOut>, ApiError> {
    access::require(Action::CountRead, &caller.actor.roles)?;
    let (limit, fetch, mode) = window(
        query.limit,
        query.updated_since.as_deref(),
        query.cursor.as_deref(),
    )?;
    let filter = CountFilter {
        location_id: trimmed(query.location_id),
        kind: query.kind,
        day_from: query.day_from,
        day_to: query.day_to,
    };
    let (mode, rows) = state
        .db(move |conn| {
            let rows = store::list_counts(conn, &filter, &mode, fetch)?;
            Ok((mode, rows))
        })
        .await?;
    Ok(paginate(
        rows,
        limit,
        |c| row_key(&mode, c.updated_at, &c.id),
        |c| svc::render_count(&c),
    ))
}

/// Get a daily stock count
///
/// INV-7: the count with its lines and version as `ETag`. Admins, managers, clerks, finance
/// and executives (403 for others); an unknown count is 404. Read-only.
#[utoipa::path(
    tag = "inventory",
    operation_id = "getStockCount",
    params(("id" = String, Path, description = "Count id")),
    responses((status = 200, description = "The count", body = CountOut, headers(("ETag" = String))))
)]
#[get("/stock-counts/{id}")]
async fn get_count(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    access::require(Action::CountRead, &caller.actor.roles)?;
    let id = id.into_inner();
    let row = state.db(move |conn| svc::get_count(conn, &id)).await?;
    Ok(versioned(
        StatusCode::OK,
        row.version,
        &svc::render_count(&row),
    ))
}

/// List or delta-sync stock-count anomalies
///
/// INV-7: the anomalies the daily counts raised (`difference`, `damaged`, `below_minimum`)
/// and the counts not taken (`missing_count`), filtered by `kind`, `count_id`, `location_id`,
/// `part_id` and the day range `day_from`/`day_to`. Admins, managers, clerks, finance and
/// executives (403 for others). `updated_since` delta-syncs; `/export` (CSV or XLSX) exports.
/// Read-only.
#[utoipa::path(
    tag = "inventory",
    operation_id = "listStockCountAnomalies",
    params(AnomaliesQuery),
    responses((status = 200, description = "One page of anomalies", body = Page<AnomalyOut>))
)]
#[get("/stock-count-anomalies")]
async fn list_anomalies(
    state: web::Data<AppState>,
    caller: Caller,
    listed: Listed<AnomaliesQuery>,
) -> Result<HttpResponse, ApiError> {
    let data = state.clone();
    export::respond(&data, &ANOMALIES_EXPORT, listed, move |query| {
        anomalies_page(state.clone(), caller.clone(), query)
    })
    .await
}

async fn anomalies_page(
    state: web::Data<AppState>,
    caller: Caller,
    query: AnomaliesQuery,
) -> Result<Page<AnomalyOut>, ApiError> {
    access::require(Action::CountRead, &caller.actor.roles)?;
    let (limit, fetch, mode) = window(
        query.limit,
        query.updated_since.as_deref(),
        query.cursor.as_deref(),
    )?;
    let filter = AnomalyFilter {
        kind: query.kind,
        count_id: trimmed(query.count_id),
        location_id: trimmed(query.location_id),
        part_id: trimmed(query.part_id),
        day_from: query.day_from,
        day_to: query.day_to,
    };
    let (mode, rows) = state
        .db(move |conn| {
            let rows = store::list_anomalies(conn, &filter, &mode, fetch)?;
            Ok((mode, rows))
        })
        .await?;
    Ok(paginate(
        rows,
        limit,
        |a| row_key(&mode, a.updated_at, &a.id),
        |a| svc::render_anomaly(&a),
    ))
}
