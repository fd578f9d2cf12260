use crate::inventory::dto::report::{MONTHLY_EXPORT, MonthlyReport, MonthlyReportQuery};
use crate::inventory::service::report as svc;
use crate::kernel::auth::Caller;
use crate::kernel::error::ApiError;
use crate::kernel::export::{self, Listed};
use crate::kernel::page::Page;
use crate::kernel::state::AppState;
use actix_web::{HttpResponse, get, web};
use kefu_inventory::access::{self, Action};
use utoipa_actix_web::service_config::ServiceConfig;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(monthly_report);
}

/// Get the monthly spare-parts report
///
/// INV-9: the spare-parts report (备品统计月报表) of a `month` (`2026-03`) for finance: per
/// part, the stock when the month began (`opening`), the units `received` and `sent`
/// during it, the units lent to engineers (`loans`, INV-2) and lost or damaged (`losses`,
/// INV-3), and `closing = opening + received − sent`, all computed from the ledger with the month's
/// days in the company time zone. Without `location_id` it covers the company's stock (a
/// movement between two locations is neither in nor out); with it, that location only (422
/// naming it when unknown). A malformed month is 422 naming `query.month`. `/export` (XLSX
/// or CSV) downloads the lines. Admins, managers, clerks, finance and executives (403 for
/// others). Read-only.
#[utoipa::path(
    tag = "inventory",
    operation_id = "getSparePartsMonthlyReport",
    params(MonthlyReportQuery),
    responses((status = 200, description = "The report", body = MonthlyReport))
)]
#[get("/reports/spare-parts-monthly")]
async fn monthly_report(
    state: web::Data<AppState>,
    caller: Caller,
    listed: Listed<MonthlyReportQuery>,
) -> Result<HttpResponse, ApiError> {
    access::require(Action::ReportRead, &caller.actor.roles)?;
    let Listed(query, export) = listed;
    let data = state.clone();
    let build = move |query: MonthlyReportQuery| {
        let state = state.clone();
        async move {
            let tz = state.config.timezone;
            state
                .db(move |conn| svc::monthly_report(conn, tz, &query))
                .await
        }
    };
    if export.is_none() {
        return Ok(HttpResponse::Ok().json(build(query).await?));
    }
    export::respond(
        &data,
        &MONTHLY_EXPORT,
        Listed(query, export),
        move |query| {
            let build = build.clone();
            async move {
                Ok(Page {
                    items: build(query).await?.lines,
                    next_cursor: None,
                })
            }
        },
    )
    .await
}
