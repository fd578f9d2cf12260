//! The commission months (preview, close) and the commission ledger (BIL-9 … BIL-12c).

use crate::billing::dto::commission_lines::{CommissionLineOut, CommissionLineQuery, LINES_EXPORT};
use crate::billing::dto::commission_months::MonthOut;
use crate::billing::service::{commission_lines as lines, commission_months as months};
use crate::kernel::auth::Caller;
use crate::kernel::command::Ctx;
use crate::kernel::error::{ApiError, Problem};
use crate::kernel::export::{self, Listed};
use crate::kernel::extract::trimmed;
use crate::kernel::page::{Page, paginate, row_key, window};
use crate::kernel::respond::versioned;
use crate::kernel::state::AppState;
use actix_web::http::StatusCode;
use actix_web::{HttpResponse, get, post, web};
use kefu_billing::access::{self, Action};
use kefu_core::{DomainError, FieldError, YearMonth};
use kefu_store::commission_lines::LineFilter;
use utoipa_actix_web::service_config::ServiceConfig;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(preview_month)
        .service(close_month)
        .service(close_year)
        .service(list_lines)
        .service(get_line);
}

/// A month of the path that has begun (422 naming BIL-9 otherwise; 400 when malformed).
fn begun_month(raw: &str, today: chrono::NaiveDate) -> Result<YearMonth, ApiError> {
    let month: YearMonth = raw.parse().map_err(|_| ApiError::BadRequest {
        detail: "month must be YYYY-MM".to_owned(),
        errors: vec![FieldError::new("path.month", "format", "YYYY-MM")],
    })?;
    if month > YearMonth::of(today) {
        return Err(DomainError::Rule {
            rule: "BIL-9",
            message: format!("{month} has not begun: its commissions cannot be computed yet"),
        }
        .into());
    }
    Ok(month)
}

/// Preview a month's commissions
///
/// BIL-9/BIL-10/BIL-11/BIL-12: computes the month's commissioning lines from the facts as they
/// are now, with the rule tables in force on the month's last day, and saves nothing. For each
/// commissioning job approved (assigned) in the month and done: points × the `commissioning-rates`
/// tier rate → × the multiplier of the engineer's assigned points that month
/// (`commissioning-monthly-multiplier`) → less the clerk's share (`commission-shares`, 5%) →
/// split into the 80% line (`commissioning_first`, due the month after the documents and the
/// callback — and a required re-check — are in) and the 20% line (`commissioning_held`, due in
/// December when accepted that year, else in the month of acceptance); late documents not yet in
/// withhold both (`withheld`). The clerk's line (`clerk_share`, BIL-12) is the sum of the 5%s;
/// an engineer below the month's minimum points loses the base-salary cut (`base_salary_cut`,
/// negative, BIL-10) unless the month's points could not give every engineer the minimum. A
/// person who left forfeits their open lines (BIL-11). Each line is rounded half away from zero
/// to the fen once. `changes` lists what differs from the ledger (the last close). Finance,
/// HR, managers, executives and admins (403 otherwise). A month that has not begun: 422 `BIL-9`.
#[utoipa::path(
    tag = "commissions",
    operation_id = "previewCommissionMonth",
    params(("month" = String, Path, description = "YYYY-MM", pattern = r"^[1-9][0-9]{3}-(0[1-9]|1[0-2])$")),
    responses(
        (status = 200, description = "The month computed now", body = MonthOut),
        (status = 422, description = "The month has not begun (BIL-9)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/commission-months/{month}/preview")]
async fn preview_month(
    state: web::Data<AppState>,
    caller: Caller,
    month: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    access::require(Action::CommissionMonthPreview, &caller.actor.roles)?;
    let today = state.today();
    let month = begun_month(&month.into_inner(), today)?;
    let out = state
        .db(move |conn| months::preview(conn, month, today))
        .await?;
    Ok(HttpResponse::Ok().json(out))
}

/// Close a month's commissions
///
/// BIL-9/BIL-10/BIL-11/BIL-12: computes the month as `previewCommissionMonth` does and writes
/// it to the ledger: a line per source record, kind, person and month, written once — closing
/// again, or on two instances at once, gives the same lines once; an open line (`pending`,
/// `due`, `withheld`) follows the facts, a `paid`, `forfeited` or `transferred` one never
/// changes; an open line the facts no longer give is deleted (a tombstone for delta sync).
/// Each job whose documents came late gets its HR-F4 fine proposed once (the `fines`
/// catalogue, 20 yuan). The scheduler keeps closed months in step afterwards
/// (`billing.commission_refresh`). Finance, managers and admins (403 otherwise). A month
/// that has not begun: 422 `BIL-9`.
///
/// Besides commissioning, the month holds the other kinds earned in it: `maintenance_signer`
/// (BIL-12a, 15% of a maintenance agreement's fees net of its rebates, in the month the full
/// payment arrived), `maintenance_executor` (BIL-12a, 10%, in the month the cycle's last planned
/// step was done and confirmed, shared by the monthly tests each executor did), `repair_labour`
/// (BIL-12b, a line per repair paid in full in the month, `pending` until
/// `managerApproveRepairLabour` and `executiveApproveRepairLabour`) and, closing December,
/// `year_end_bonus` (BIL-12c, as `closeCommissionYear`). Triggers the audit entry and webhook
/// event `commission_month.close`, per status change `commission_line.<status>` (`due`,
/// `withheld`, `pending`, `forfeited`) and `commission_line.delete`, `fine.propose` for an
/// HR-F4 proposal, and the notices `commission_month.closed` (to each person with new lines),
/// `commission_line.withheld`, `commission_line.due`, `commission_line.forfeited`.
#[utoipa::path(
    tag = "commissions",
    operation_id = "closeCommissionMonth",
    params(("month" = String, Path, description = "YYYY-MM", pattern = r"^[1-9][0-9]{3}-(0[1-9]|1[0-2])$")),
    responses(
        (status = 200, description = "The month closed: its lines as the ledger now holds them", body = MonthOut),
        (status = 422, description = "The month has not begun (BIL-9)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/commission-months/{month}/close")]
async fn close_month(
    state: web::Data<AppState>,
    caller: Caller,
    month: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    access::require(Action::CommissionMonthClose, &caller.actor.roles)?;
    let today = state.today();
    let month = begun_month(&month.into_inner(), today)?;
    let ctx = Ctx::of(&caller, state.clock.now());
    let out = state
        .tx(move |conn| months::close(conn, &ctx, month, today))
        .await?;
    Ok(HttpResponse::Ok().json(out))
}

/// Close a year's bonuses
///
/// BIL-12c: writes the year-end bonus lines (`year_end_bonus`, earned and due in December) of
/// everyone with anything counted in the year, from the facts as they are now and the
/// `year-end-bonuses` table in force on 31 December: commissioning points of the jobs assigned
/// in the year and done (30000–49999 → 500 yuan, ≥ 50000 → 1000), feedback forms received (≥ 200
/// → 500), the new maintenance agreements' fees received in the year net of rebates (the rate of
/// the better of the revenue and new-customer tiers) and product-defect repairs (50 each). The
/// December close writes the same lines; closing the year again writes nothing more, and an
/// open line follows the facts. A year that has not begun: 422 `BIL-12c`; malformed: 400.
///
/// Who: finance, managers and admins (403 `BIL-12c` for others). Triggers the audit entry and
/// webhook event `commission_year.close`.
#[utoipa::path(
    tag = "commissions",
    operation_id = "closeCommissionYear",
    params(("year" = String, Path, description = "YYYY", pattern = r"^[1-9][0-9]{3}$")),
    responses(
        (status = 200, description = "The year's bonus lines as the ledger now holds them", body = MonthOut),
        (status = 422, description = "The year has not begun (BIL-12c)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/commission-years/{year}/close")]
async fn close_year(
    state: web::Data<AppState>,
    caller: Caller,
    year: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    access::require(Action::CommissionYearClose, &caller.actor.roles)?;
    let today = state.today();
    let year = year
        .into_inner()
        .parse::<i32>()
        .ok()
        .filter(|y| (1000..=9999).contains(y))
        .ok_or_else(|| ApiError::BadRequest {
            detail: "year must be YYYY".to_owned(),
            errors: vec![FieldError::new("path.year", "format", "YYYY")],
        })?;
    if year > chrono::Datelike::year(&today) {
        return Err(DomainError::Rule {
            rule: "BIL-12c",
            message: format!("{year} has not begun: its bonuses cannot be computed yet"),
        }
        .into());
    }
    let ctx = Ctx::of(&caller, state.clock.now());
    let out = state
        .tx(move |conn| months::close_year(conn, &ctx, year, today))
        .await?;
    Ok(HttpResponse::Ok().json(out))
}

/// A month filter: absent, or `YYYY-MM` (an empty value breaks the spec's pattern too: 400).
fn month_param(field: &str, v: Option<String>) -> Result<Option<String>, ApiError> {
    match v.map(|m| m.trim().to_owned()) {
        Some(m) if m.parse::<YearMonth>().is_err() => Err(ApiError::BadRequest {
            detail: format!("{field} must be YYYY-MM"),
            errors: vec![FieldError::new(
                format!("query.{field}"),
                "format",
                "YYYY-MM",
            )],
        }),
        other => Ok(other),
    }
}

/// List or delta-sync commission lines
///
/// BIL-9 … BIL-12c: the ledger's lines by `person_id`, earned `month`, `due_month` (what a
/// payroll month pays: `status=due&due_month=…`), `status`, `kind` and `source_id`, in id
/// order; `updated_since` delta-syncs (deleted lines come as tombstones); `/export` (CSV or XLSX)
/// exports. Private: one's own lines; a supervisor also their teams' members'; finance, HR,
/// managers, executives and admins everyone's (someone else's `person_id` gives an empty
/// page). Customer contacts: 403. Read-only.
#[utoipa::path(
    tag = "commissions",
    operation_id = "listCommissionLines",
    params(CommissionLineQuery),
    responses((status = 200, description = "One page of lines", body = Page<CommissionLineOut>))
)]
#[get("/commission-lines")]
async fn list_lines(
    state: web::Data<AppState>,
    caller: Caller,
    listed: Listed<CommissionLineQuery>,
) -> Result<HttpResponse, ApiError> {
    let data = state.clone();
    export::respond(&data, &LINES_EXPORT, listed, move |query| {
        lines_page(state.clone(), caller.clone(), query)
    })
    .await
}

async fn lines_page(
    state: web::Data<AppState>,
    caller: Caller,
    query: CommissionLineQuery,
) -> Result<Page<CommissionLineOut>, ApiError> {
    access::require(Action::CommissionLineRead, &caller.actor.roles)?;
    let (limit, fetch, mode) = window(
        query.limit,
        query.updated_since.as_deref(),
        query.cursor.as_deref(),
    )?;
    let person = trimmed(query.person_id);
    if person.as_ref().is_some_and(|p| p.chars().count() > 64)
        || query
            .source_id
            .as_ref()
            .is_some_and(|p| p.chars().count() > 64)
    {
        return Err(ApiError::BadRequest {
            detail: "ids are at most 64 characters".to_owned(),
            errors: vec![FieldError::new("query", "length", "at most 64 characters")],
        });
    }
    let filter = LineFilter {
        people: None,
        earned_month: month_param("month", query.month)?,
        due_month: month_param("due_month", query.due_month)?,
        status: query.status.map(|s| s.as_str().to_owned()),
        kind: query.kind.map(|k| k.as_str().to_owned()),
        source_id: trimmed(query.source_id),
    };
    let actor = caller.actor.clone();
    let (mode, rows) = state
        .db(move |conn| {
            let rows = lines::list(conn, &actor, person, filter, &mode, fetch)?;
            Ok((mode, rows))
        })
        .await?;
    Ok(paginate(
        rows,
        limit,
        |r| row_key(&mode, r.updated_at, &r.id),
        |r| CommissionLineOut::from(&r),
    ))
}

/// Read a commission line
///
/// BIL-9 … BIL-12c: one line with its rule, inputs and rule-table versions. Private as
/// `listCommissionLines`: someone else's line reads as 404. Customer contacts: 403. Read-only.
#[utoipa::path(
    tag = "commissions",
    operation_id = "getCommissionLine",
    params(("id" = String, Path, description = "Commission line id")),
    responses(
        (status = 200, description = "The line", body = CommissionLineOut, headers(("ETag" = String))),
        (status = 404, description = "No such line, or someone else's", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/commission-lines/{id}")]
async fn get_line(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    access::require(Action::CommissionLineRead, &caller.actor.roles)?;
    let actor = caller.actor.clone();
    let id = id.into_inner();
    let row = state.db(move |conn| lines::get(conn, &actor, &id)).await?;
    Ok(versioned(
        StatusCode::OK,
        row.version,
        &CommissionLineOut::from(&row),
    ))
}
