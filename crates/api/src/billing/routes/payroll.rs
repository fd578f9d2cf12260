//! The monthly payroll (BIL-13): the month's preview, generation and finance view; the
//! statements, their approval and their lines; adjustments into a later month.

use crate::billing::dto::payroll::{
    CreatePayrollAdjustment, GenerateQuery, LINES_EXPORT, PayrollAdjustmentOut, PayrollLineOut,
    PayrollLineQuery, PayrollMonthOut, PayrollStatementDetail, PayrollStatementOut,
    PayrollStatementQuery, STATEMENTS_EXPORT, UpdatePayrollStatement,
};
use crate::billing::service::{payroll as months, payroll_statements as svc};
use crate::kernel::auth::Caller;
use crate::kernel::command::{Ctx, run_command};
use crate::kernel::error::{ApiError, Problem};
use crate::kernel::export::{self, Listed};
use crate::kernel::extract::{IfMatch, StrictQuery, ValidJson, trimmed};
use crate::kernel::page::{Page, paginate, row_key, window};
use crate::kernel::respond::{created, versioned};
use crate::kernel::state::AppState;
use actix_web::http::StatusCode;
use actix_web::{HttpResponse, get, patch, post, web};
use kefu_billing::access::{self, Action};
use kefu_core::{DomainError, FieldError, YearMonth};
use kefu_store::payroll::{LineFilter, StatementFilter};
use utoipa_actix_web::service_config::ServiceConfig;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(preview_payroll_month)
        .service(generate_payroll_month)
        .service(get_payroll_month)
        .service(list_payroll_statements)
        .service(get_payroll_statement)
        .service(update_payroll_statement)
        .service(approve_payroll_statement)
        .service(list_payroll_lines)
        .service(create_payroll_adjustment);
}

fn parse_month(field: &str, raw: &str) -> Result<YearMonth, ApiError> {
    raw.parse().map_err(|_| ApiError::BadRequest {
        detail: format!("{field} must be YYYY-MM"),
        errors: vec![FieldError::new(field, "format", "YYYY-MM")],
    })
}

/// A payroll month of the path that has begun, else 422 naming BIL-13 — one answer for a
/// malformed month and one to come, so that a month is never told from a missing record.
fn payroll_month(raw: &str, today: chrono::NaiveDate) -> Result<YearMonth, ApiError> {
    match raw.parse::<YearMonth>() {
        Ok(month) if month <= YearMonth::of(today) => Ok(month),
        _ => Err(DomainError::Rule {
            rule: "BIL-13",
            message: "the payroll month must be YYYY-MM and have begun".to_owned(),
        }
        .into()),
    }
}

/// Ids and months of a list's query, checked.
fn checked(ids: &[&Option<String>], month: Option<String>) -> Result<Option<String>, ApiError> {
    if ids
        .iter()
        .any(|v| v.as_ref().is_some_and(|p| p.chars().count() > 64))
    {
        return Err(ApiError::BadRequest {
            detail: "ids are at most 64 characters".to_owned(),
            errors: vec![FieldError::new("query", "length", "at most 64 characters")],
        });
    }
    // An empty `month=` is malformed too (400), not "any month".
    match month {
        Some(m) => Ok(Some(parse_month("query.month", m.trim())?.to_string())),
        None => Ok(None),
    }
}

/// Preview a payroll month
///
/// BIL-13: computes every statement of the month from its sources as they are now and saves
/// nothing: the employee record's base salary and BIL-17 phone allowance; commission lines
/// `due` with this month (BIL-9 … BIL-12c, the BIL-10 base-salary cut among them); finalised
/// scorecards' grade, streak and star rewards (HR-S4, HR-S5); confirmed fines, lateness
/// fines included (HR-F*, HR-A2); INV-3 charges for lost or damaged loaned parts; open
/// adjustments. Sources of earlier months not yet paid are carried in. `statements` are as
/// computed now (approved ones as they stand), `changes` what a generation would change in
/// the saved drafts. Finance, HR, managers, executives and admins (403 `BIL-13` otherwise).
/// A month that has not begun: 422 `BIL-13`.
#[utoipa::path(
    tag = "payroll",
    operation_id = "previewPayrollMonth",
    params(("month" = String, Path, description = "YYYY-MM", pattern = r"^[1-9][0-9]{3}-(0[1-9]|1[0-2])$")),
    responses(
        (status = 200, description = "The month computed now", body = PayrollMonthOut),
        (status = 422, description = "The month has not begun (BIL-13)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/payroll-months/{month}/preview")]
async fn preview_payroll_month(
    state: web::Data<AppState>,
    caller: Caller,
    month: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    month_view(state, caller, month.into_inner(), false).await
}

/// Generate a payroll month's statements
///
/// BIL-13: computes the month as `previewPayrollMonth` does and writes it: one `draft`
/// statement per person with lines, each line linked to its source record and naming its
/// rule; a draft whose sources changed is rewritten (its dropped lines become tombstones),
/// an `approved` statement is never touched (counted in `approved`). Idempotent: generating
/// again, or on two instances at once, writes each statement and line once. With
/// `person_id`, only that person's statement (409 `BIL-13` when it is approved). Finance,
/// managers and admins (403 `BIL-13` otherwise). Triggers the audit entries and webhook
/// events `payroll_statement.generate` (per statement written) and `payroll_month.generate`.
#[utoipa::path(
    tag = "payroll",
    operation_id = "generatePayrollMonth",
    params(("month" = String, Path, description = "YYYY-MM", pattern = r"^[1-9][0-9]{3}-(0[1-9]|1[0-2])$"), GenerateQuery),
    responses(
        (status = 200, description = "The month as saved now, and what this run changed", body = PayrollMonthOut),
        (status = 409, description = "The person's statement is approved (BIL-13)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "The month has not begun (BIL-13)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/payroll-months/{month}/generate")]
async fn generate_payroll_month(
    state: web::Data<AppState>,
    caller: Caller,
    month: web::Path<String>,
    StrictQuery(query): StrictQuery<GenerateQuery>,
) -> Result<HttpResponse, ApiError> {
    access::require(Action::PayrollGenerate, &caller.actor.roles)?;
    let month = payroll_month(&month.into_inner(), state.today())?;
    let person = trimmed(query.person_id);
    checked(&[&person], None)?;
    let ctx = Ctx::of(&caller, state.clock.now());
    let out = state
        .tx(move |conn| months::generate(conn, &ctx, month, person.as_deref()))
        .await?;
    Ok(HttpResponse::Ok().json(out))
}

/// Read a payroll month (finance view)
///
/// BIL-13: the month's saved statements side by side (per person: pay, deductions, net and
/// the amounts by line kind), the month's totals per line kind, and what changed in the
/// sources since the drafts were generated (`changes`: what generating again would write).
/// Saves nothing. Finance, HR, managers, executives and admins (403 `BIL-13` otherwise).
/// A month that has not begun: 422 `BIL-13`.
#[utoipa::path(
    tag = "payroll",
    operation_id = "getPayrollMonth",
    params(("month" = String, Path, description = "YYYY-MM", pattern = r"^[1-9][0-9]{3}-(0[1-9]|1[0-2])$")),
    responses(
        (status = 200, description = "The month as saved", body = PayrollMonthOut),
        (status = 422, description = "The month has not begun (BIL-13)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/payroll-months/{month}")]
async fn get_payroll_month(
    state: web::Data<AppState>,
    caller: Caller,
    month: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    month_view(state, caller, month.into_inner(), true).await
}

/// The month beside its saved statements (preview, or the finance view `as_saved`).
async fn month_view(
    state: web::Data<AppState>,
    caller: Caller,
    month: String,
    as_saved: bool,
) -> Result<HttpResponse, ApiError> {
    access::require(Action::PayrollPreview, &caller.actor.roles)?;
    let month = payroll_month(&month, state.today())?;
    let out = state
        .db(move |conn| months::view(conn, month, as_saved))
        .await?;
    Ok(HttpResponse::Ok().json(out))
}

/// List or delta-sync payroll statements
///
/// BIL-13: statements by `person_id`, `month` and `status`, in id order; `updated_since`
/// delta-syncs; `/export` (CSV or XLSX) exports one row per statement (an XLSX sheet per month;
/// the per-line export is `listPayrollLines`). Private: one's own statements; finance, HR,
/// managers, executives and admins everyone's; a supervisor not their teams' salaries
/// (someone else's `person_id` gives an empty page). Customer contacts: 403. Read-only.
#[utoipa::path(
    tag = "payroll",
    operation_id = "listPayrollStatements",
    params(PayrollStatementQuery),
    responses((status = 200, description = "One page of statements", body = Page<PayrollStatementOut>))
)]
#[get("/payroll-statements")]
async fn list_payroll_statements(
    state: web::Data<AppState>,
    caller: Caller,
    listed: Listed<PayrollStatementQuery>,
) -> Result<HttpResponse, ApiError> {
    let data = state.clone();
    export::respond_in_sheets(&data, &STATEMENTS_EXPORT, listed, Some("month"), move |q| {
        statements_page(state.clone(), caller.clone(), q)
    })
    .await
}

async fn statements_page(
    state: web::Data<AppState>,
    caller: Caller,
    query: PayrollStatementQuery,
) -> Result<Page<PayrollStatementOut>, ApiError> {
    access::require(Action::PayrollRead, &caller.actor.roles)?;
    let (limit, fetch, mode) = window(
        query.limit,
        query.updated_since.as_deref(),
        query.cursor.as_deref(),
    )?;
    let person = trimmed(query.person_id);
    let filter = StatementFilter {
        people: None,
        month: checked(&[&person], query.month)?,
        status: query.status.map(|s| s.as_str().to_owned()),
    };
    let actor = caller.actor.clone();
    let (mode, rows) = state
        .db(move |conn| {
            let rows = svc::list_statements(conn, &actor, person, filter, &mode, fetch)?;
            Ok((mode, rows))
        })
        .await?;
    Ok(paginate(
        rows,
        limit,
        |r| row_key(&mode, r.updated_at, &r.id),
        |r| PayrollStatementOut::from(&r),
    ))
}

/// Read a payroll statement
///
/// BIL-13: the per-employee breakdown: the statement, its lines in order (each with its
/// source record and rule) and the totals per line kind. Private as `listPayrollStatements`:
/// someone else's statement reads as 404. Customer contacts: 403. Read-only.
#[utoipa::path(
    tag = "payroll",
    operation_id = "getPayrollStatement",
    params(("id" = String, Path, description = "Payroll statement id")),
    responses(
        (status = 200, description = "The statement", body = PayrollStatementDetail, headers(("ETag" = String))),
        (status = 404, description = "No such statement, or someone else's", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/payroll-statements/{id}")]
async fn get_payroll_statement(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    access::require(Action::PayrollRead, &caller.actor.roles)?;
    let actor = caller.actor.clone();
    let id = id.into_inner();
    let out = state
        .db(move |conn| {
            let row = svc::get(conn, &actor, &id)?;
            svc::detail(conn, &row)
        })
        .await?;
    Ok(versioned(StatusCode::OK, out.statement.version, &out))
}

/// Change a draft payroll statement
///
/// BIL-13: finance's note on a draft (`null` clears it). An approved statement is
/// immutable: 409 `BIL-13` (corrections go into a later month with
/// `createPayrollAdjustment`). Finance and admins (403 `BIL-13` otherwise). Needs
/// `If-Match`. Triggers the audit entry and webhook event `payroll_statement.update`.
#[utoipa::path(
    tag = "payroll",
    operation_id = "updatePayrollStatement",
    params(("id" = String, Path, description = "Payroll statement id"), crate::kernel::openapi::IfMatchHeader),
    request_body = UpdatePayrollStatement,
    responses(
        (status = 200, description = "Changed", body = PayrollStatementDetail, headers(("ETag" = String))),
        (status = 409, description = "The statement is approved (BIL-13)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[patch("/payroll-statements/{id}")]
async fn update_payroll_statement(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    IfMatch(version): IfMatch,
    ValidJson(input): ValidJson<UpdatePayrollStatement>,
) -> Result<HttpResponse, ApiError> {
    access::require(Action::PayrollEdit, &caller.actor.roles)?;
    run_command(
        state,
        caller,
        id.into_inner(),
        version,
        move |conn, ctx, _actor, id, version| svc::update(conn, ctx, id, version, input),
    )
    .await
}

/// Approve a payroll statement
///
/// BIL-13: finance approves a draft whose lines still match their sources (409 `BIL-13`
/// when they changed since it was generated: generate the month again first); it is then
/// immutable. Approving pays its commission lines (`paid`), deducts its fines and part
/// charges (`deducted`) and applies its adjustments, so none is paid twice. Approving an
/// approved statement answers it as it is and writes nothing (idempotent, whatever the
/// `If-Match`). Finance and admins (403 `BIL-13` otherwise). Needs `If-Match`. Triggers the
/// audit entries and webhook events `payroll_statement.approve`, `commission_line.paid`,
/// `fine.deduct`, `part_charge.deduct`, `payroll_adjustment.apply`, and the notice
/// `payroll_statement.approved` to the person.
#[utoipa::path(
    tag = "payroll",
    operation_id = "approvePayrollStatement",
    params(("id" = String, Path, description = "Payroll statement id"), crate::kernel::openapi::IfMatchHeader),
    responses(
        (status = 200, description = "Approved", body = PayrollStatementDetail, headers(("ETag" = String))),
        (status = 404, description = "No such statement", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Its sources changed since it was generated (BIL-13)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/payroll-statements/{id}/approve")]
async fn approve_payroll_statement(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    IfMatch(version): IfMatch,
) -> Result<HttpResponse, ApiError> {
    access::require(Action::PayrollApprove, &caller.actor.roles)?;
    run_command(
        state,
        caller,
        id.into_inner(),
        version,
        move |conn, ctx, _actor, id, version| svc::approve(conn, ctx, id, version),
    )
    .await
}

/// List or delta-sync payroll lines
///
/// BIL-13: the statements' lines by `person_id`, `month`, `kind` and `statement_id`, in id
/// order; `updated_since` delta-syncs (lines a regeneration dropped come as tombstones);
/// `/export` (CSV or XLSX) is finance's export: one row per line, an XLSX sheet per month.
/// Private as `listPayrollStatements`. Customer contacts: 403. Read-only.
#[utoipa::path(
    tag = "payroll",
    operation_id = "listPayrollLines",
    params(PayrollLineQuery),
    responses((status = 200, description = "One page of lines", body = Page<PayrollLineOut>))
)]
#[get("/payroll-lines")]
async fn list_payroll_lines(
    state: web::Data<AppState>,
    caller: Caller,
    listed: Listed<PayrollLineQuery>,
) -> Result<HttpResponse, ApiError> {
    let data = state.clone();
    export::respond_in_sheets(&data, &LINES_EXPORT, listed, Some("month"), move |q| {
        lines_page(state.clone(), caller.clone(), q)
    })
    .await
}

async fn lines_page(
    state: web::Data<AppState>,
    caller: Caller,
    query: PayrollLineQuery,
) -> Result<Page<PayrollLineOut>, ApiError> {
    access::require(Action::PayrollRead, &caller.actor.roles)?;
    let (limit, fetch, mode) = window(
        query.limit,
        query.updated_since.as_deref(),
        query.cursor.as_deref(),
    )?;
    let person = trimmed(query.person_id);
    let statement_id = trimmed(query.statement_id);
    let filter = LineFilter {
        people: None,
        month: checked(&[&person, &statement_id], query.month)?,
        kind: query.kind.map(|k| k.as_str().to_owned()),
        statement_id,
    };
    let actor = caller.actor.clone();
    let (mode, rows) = state
        .db(move |conn| {
            let rows = svc::list_lines(conn, &actor, person, filter, &mode, fetch)?;
            Ok((mode, rows))
        })
        .await?;
    Ok(paginate(
        rows,
        limit,
        |r| row_key(&mode, r.updated_at, &r.id),
        |r| PayrollLineOut::from(&r),
    ))
}

/// Add a payroll adjustment
///
/// BIL-13: a correction paid (positive) or deducted (negative) with the person's statement
/// of `month`, e.g. a mistake found in an approved statement, carried into the next month.
/// That month's statement must not be approved yet (409 `BIL-13`: approved statements are
/// immutable); `corrects_statement_id` names the approved statement it corrects (of the
/// same person, an earlier month; 422 `BIL-13` otherwise). It appears as an `adjustment`
/// line at the month's next generation and is `applied` when that statement is approved.
/// Finance and admins (403 `BIL-13` otherwise). Triggers the audit entry and webhook event
/// `payroll_adjustment.create`.
#[utoipa::path(
    tag = "payroll",
    operation_id = "createPayrollAdjustment",
    request_body = CreatePayrollAdjustment,
    responses(
        (status = 201, description = "Added", body = PayrollAdjustmentOut, headers(("Location" = String))),
        (status = 409, description = "The month's statement is approved (BIL-13)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid (BIL-13)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/payroll-adjustments")]
async fn create_payroll_adjustment(
    state: web::Data<AppState>,
    caller: Caller,
    ValidJson(input): ValidJson<CreatePayrollAdjustment>,
) -> Result<HttpResponse, ApiError> {
    access::require(Action::PayrollEdit, &caller.actor.roles)?;
    let ctx = Ctx::of(&caller, state.clock.now());
    let out = state
        .tx(move |conn| svc::create_adjustment(conn, &ctx, input))
        .await?;
    let location = format!("/api/v1/payroll-statements?person_id={}", out.person_id);
    Ok(created(location, None, &out))
}
