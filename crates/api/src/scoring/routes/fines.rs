use crate::kernel::auth::Caller;
use crate::kernel::command::Ctx;
use crate::kernel::error::{ApiError, Problem};
use crate::kernel::export::{self, Listed};
use crate::kernel::extract::{IfMatch, StrictQuery, ValidJson, trimmed};
use crate::kernel::page::{Page, paginate, row_key, window};
use crate::kernel::respond::{created, versioned};
use crate::kernel::state::AppState;
use crate::scoring::dto::fines::{
    CancelFine, ComplaintSummaryOut, ComplaintSummaryQuery, FINES_EXPORT, FineOut, FineQuery,
    LEDGER_EXPORT, LatenessRunOut, LedgerOut, LedgerQuery, ProposeFine, ProposeLatenessFines,
};
use crate::scoring::service::attendance::scope;
use crate::scoring::service::{complaint_fines, fines as svc, lateness_fines};
use actix_web::http::StatusCode;
use actix_web::{HttpResponse, get, post, web};
use kefu_core::{FieldError, YearMonth};
use kefu_scoring::access::{self, Action};
use kefu_scoring::fine_records::FineCommand;
use kefu_store::fines::{self as store, FineFilter};
use utoipa_actix_web::service_config::ServiceConfig;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(propose_fine)
        .service(list_fines)
        .service(get_fine)
        .service(confirm_fine)
        .service(cancel_fine)
        .service(list_fund_ledger)
        .service(propose_lateness_fines)
        .service(complaint_summary);
}

/// Propose a fine
///
/// HR-F*/HR-F0: a fine for `user_id` under a rule of the fine catalogue (`fines` rule set in
/// force on `occurred_on`), with its evidence; the amount is the catalogue's, the manager
/// amount for a manager (HR-F12, F20, F21), unless `amount_fen` sets the sum the breach
/// defines. HR-A2 and HR-C1 are proposed from their source (`proposeLatenessFines`, a
/// complaint judged valid): 422 naming HR-F0. Supervisors (for their teams' members), HR,
/// managers and admins; others 403 naming HR-F0; someone the caller does not see is a 422 on
/// `user_id`. The fine starts `proposed`; HR or a manager confirms or cancels it. Triggers the
/// audit entry and webhook event `fine.propose` and a notice to the person fined.
#[utoipa::path(
    tag = "fines",
    operation_id = "proposeFine",
    request_body = ProposeFine,
    responses(
        (status = 201, description = "Proposed", body = FineOut,
            headers(("Location" = String), ("ETag" = String))),
        (status = 422, description = "Unknown rule, a sourced rule, or someone not visible", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/fines")]
async fn propose_fine(
    state: web::Data<AppState>,
    caller: Caller,
    ValidJson(input): ValidJson<ProposeFine>,
) -> Result<HttpResponse, ApiError> {
    access::require(Action::FinePropose, &caller.actor.roles)?;
    let ctx = Ctx::of(&caller, state.clock.now());
    let today = state.today();
    let actor = caller.actor.clone();
    let out = state
        .tx(move |conn| svc::propose(conn, &ctx, &actor, today, input))
        .await?;
    Ok(created(
        format!("/api/v1/fines/{}", out.id),
        Some(out.version),
        &out,
    ))
}

/// List or delta-sync fines
///
/// HR-F0: fines by person, status, rule and payroll month, in id order; `updated_since`
/// delta-syncs; `/export` (CSV or XLSX) exports. Privacy: staff see their own fines; a supervisor
/// also their teams' members'; admins, managers, HR and executives everyone's. Customer
/// contacts get 403. Read-only.
#[utoipa::path(
    tag = "fines",
    operation_id = "listFines",
    params(FineQuery),
    responses((status = 200, description = "One page of fines", body = Page<FineOut>))
)]
#[get("/fines")]
async fn list_fines(
    state: web::Data<AppState>,
    caller: Caller,
    listed: Listed<FineQuery>,
) -> Result<HttpResponse, ApiError> {
    let data = state.clone();
    export::respond(&data, &FINES_EXPORT, listed, move |query| {
        fines_page(state.clone(), caller.clone(), query)
    })
    .await
}

async fn fines_page(
    state: web::Data<AppState>,
    caller: Caller,
    query: FineQuery,
) -> Result<Page<FineOut>, ApiError> {
    access::require(Action::FineRead, &caller.actor.roles)?;
    let (limit, fetch, mode) = window(
        query.limit,
        query.updated_since.as_deref(),
        query.cursor.as_deref(),
    )?;
    if let Some(m) = &query.month
        && m.parse::<YearMonth>().is_err()
    {
        return Err(ApiError::BadRequest {
            detail: "month must be YYYY-MM".to_owned(),
            errors: vec![FieldError::new("query.month", "format", "YYYY-MM")],
        });
    }
    if query.rule.as_ref().is_some_and(|r| r.chars().count() > 16) {
        return Err(ApiError::BadRequest {
            detail: "rule is at most 16 characters".to_owned(),
            errors: vec![FieldError::new(
                "query.rule",
                "length",
                "at most 16 characters",
            )],
        });
    }
    let actor = caller.actor.clone();
    let person = trimmed(query.user_id);
    let (status, rule, month) = (query.status, trimmed(query.rule), query.month);
    let (mode, rows) = state
        .db(move |conn| {
            let visible = scope(conn, &actor)?;
            let user_ids = match (visible, person) {
                (None, None) => None,
                (None, Some(p)) => Some(vec![p]),
                (Some(v), None) => Some(v),
                (Some(v), Some(p)) => Some(v.into_iter().filter(|u| *u == p).collect()),
            };
            let filter = FineFilter {
                user_ids,
                status: status.map(|s| s.as_str().to_owned()),
                rule,
                month,
            };
            Ok((mode.clone(), store::list(conn, &filter, &mode, fetch)?))
        })
        .await?;
    Ok(paginate(
        rows,
        limit,
        |r| row_key(&mode, r.updated_at, &r.id),
        |r| FineOut::from(&r),
    ))
}

/// Read a fine
///
/// HR-F0: one fine, under the privacy of `listFines` (404 for a fine the caller may not
/// see). Read-only.
#[utoipa::path(
    tag = "fines",
    operation_id = "getFine",
    params(("id" = String, Path, description = "Fine id")),
    responses((status = 200, description = "The fine", body = FineOut, headers(("ETag" = String))))
)]
#[get("/fines/{id}")]
async fn get_fine(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    access::require(Action::FineRead, &caller.actor.roles)?;
    let actor = caller.actor.clone();
    let id = id.into_inner();
    let row = state.db(move |conn| svc::get(conn, &actor, &id)).await?;
    Ok(versioned(StatusCode::OK, row.version, &FineOut::from(&row)))
}

/// Confirm a fine
///
/// HR-F0: a `proposed` fine becomes `confirmed` (binding, waiting for payroll, BIL-13) and is
/// paid into the department fund (a `fine_confirmed` ledger entry). HR, managers and admins
/// (403 naming HR-F0 otherwise); any other status is 409 naming HR-F0. Needs `If-Match`.
/// Triggers the audit entries and webhook events `fine.confirm` and `fund_ledger.post` and a
/// notice to the person fined.
#[utoipa::path(
    tag = "fines",
    operation_id = "confirmFine",
    params(("id" = String, Path, description = "Fine id"), crate::kernel::openapi::IfMatchHeader),
    responses(
        (status = 200, description = "Confirmed", body = FineOut, headers(("ETag" = String))),
        (status = 409, description = "Not a proposed fine (HR-F0)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/fines/{id}/confirm")]
async fn confirm_fine(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    IfMatch(version): IfMatch,
) -> Result<HttpResponse, ApiError> {
    access::require(Action::FineDecide, &caller.actor.roles)?;
    let ctx = Ctx::of(&caller, state.clock.now());
    let actor = caller.actor.clone();
    let id = id.into_inner();
    let out = state
        .tx(move |conn| svc::decide(conn, &ctx, &actor, &id, version, FineCommand::Confirm, None))
        .await?;
    Ok(versioned(StatusCode::OK, out.version, &out))
}

/// Cancel a fine
///
/// HR-F0: a `proposed` or `confirmed` fine is withdrawn with a reason (an upheld appeal, an
/// unfounded charge); a confirmed one is paid back out of the department fund (a
/// `fine_reversed` ledger entry). A deducted or cancelled fine is 409 naming HR-F0. HR,
/// managers and admins (403 naming HR-F0 otherwise). Needs `If-Match`. Triggers the audit
/// entries and webhook events `fine.cancel` (and `fund_ledger.post`) and a notice to the
/// person fined.
#[utoipa::path(
    tag = "fines",
    operation_id = "cancelFine",
    params(("id" = String, Path, description = "Fine id"), crate::kernel::openapi::IfMatchHeader),
    request_body = CancelFine,
    responses(
        (status = 200, description = "Cancelled", body = FineOut, headers(("ETag" = String))),
        (status = 409, description = "Deducted or cancelled already (HR-F0)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/fines/{id}/cancel")]
async fn cancel_fine(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    IfMatch(version): IfMatch,
    ValidJson(input): ValidJson<CancelFine>,
) -> Result<HttpResponse, ApiError> {
    access::require(Action::FineDecide, &caller.actor.roles)?;
    let ctx = Ctx::of(&caller, state.clock.now());
    let actor = caller.actor.clone();
    let id = id.into_inner();
    let out = state
        .tx(move |conn| {
            svc::decide(
                conn,
                &ctx,
                &actor,
                &id,
                version,
                FineCommand::Cancel,
                Some(input),
            )
        })
        .await?;
    Ok(versioned(StatusCode::OK, out.version, &out))
}

/// List the department-fund ledger
///
/// HR-F0: the fund's entries in id order (each confirmed fine paid in, each cancelled
/// confirmed fine paid back out, each `spending` paid out by `createFundSpending`) with the
/// running balance after each; `updated_since`
/// delta-syncs (the ledger is append-only); `/export` (CSV or XLSX) exports. HR, managers,
/// finance and admins; others 403 naming HR-F0. Read-only.
#[utoipa::path(
    tag = "fines",
    operation_id = "listFundLedger",
    params(LedgerQuery),
    responses((status = 200, description = "One page of ledger entries", body = Page<LedgerOut>))
)]
#[get("/fund-ledger")]
async fn list_fund_ledger(
    state: web::Data<AppState>,
    caller: Caller,
    listed: Listed<LedgerQuery>,
) -> Result<HttpResponse, ApiError> {
    let data = state.clone();
    export::respond(&data, &LEDGER_EXPORT, listed, move |query| {
        ledger_page(state.clone(), caller.clone(), query)
    })
    .await
}

async fn ledger_page(
    state: web::Data<AppState>,
    caller: Caller,
    query: LedgerQuery,
) -> Result<Page<LedgerOut>, ApiError> {
    access::require(Action::FundLedgerRead, &caller.actor.roles)?;
    let (limit, fetch, mode) = window(
        query.limit,
        query.updated_since.as_deref(),
        query.cursor.as_deref(),
    )?;
    let (mode, rows) = state
        .db(move |conn| Ok((mode.clone(), svc::ledger_page(conn, &mode, fetch)?)))
        .await?;
    Ok(paginate(
        rows,
        limit,
        |(r, _)| row_key(&mode, r.updated_at, &r.id),
        |(r, b)| LedgerOut::of(&r, b),
    ))
}

/// Propose a month's lateness fines
///
/// HR-A2: for a month that is over, proposes each person's lateness fine of the month as
/// `getAttendanceMonth` computes it (`lateness-fines` in force on its first day: per late day
/// up to the small and the large tier, half the base salary beyond), once per person and
/// month: a second run proposes nothing new (`already_proposed` counts them). The scheduled
/// job `scoring.lateness_fines` does the same on the first working day of the next month.
/// HR, managers and admins (403 naming HR-A2 otherwise); a month not over is 422 naming
/// HR-A2. Triggers an audit entry and webhook event `fine.propose` and a notice per fine.
#[utoipa::path(
    tag = "fines",
    operation_id = "proposeLatenessFines",
    request_body = ProposeLatenessFines,
    responses(
        (status = 200, description = "What the run proposed", body = LatenessRunOut),
        (status = 422, description = "A month not over (HR-A2)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/lateness-fines")]
async fn propose_lateness_fines(
    state: web::Data<AppState>,
    caller: Caller,
    ValidJson(input): ValidJson<ProposeLatenessFines>,
) -> Result<HttpResponse, ApiError> {
    access::require(Action::LatenessFinePropose, &caller.actor.roles)?;
    let month: YearMonth = input.month.parse().map_err(|_| {
        ApiError::Invalid(vec![FieldError::new(
            "month",
            "format",
            "a month in the form YYYY-MM",
        )])
    })?;
    let ctx = Ctx::of(&caller, state.clock.now());
    let tz = state.config.timezone;
    let today = state.today();
    let me = caller.actor.user_id.clone();
    let out = state
        .tx(move |conn| lateness_fines::propose_month(conn, &ctx, Some(&me), tz, today, month))
        .await?;
    Ok(HttpResponse::Ok().json(out))
}

/// Read a person's complaint summary
///
/// HR-C1: a person's (`user_id`, the caller's own without it) valid complaints (TKT-10)
/// received in the calendar `year`, the most within one rolling window ending in the year
/// (`complaint-flags`: 6 months by default, reaching back into the year before), and the flags
/// they raise: dismissal for more than 5 in the year, demotion for 3 in one window —
/// recommendations for a person to act on, never automatic acts. Privacy as `listFines`
/// (404 for someone the caller may not see); a year not begun is 422. Read-only.
#[utoipa::path(
    tag = "fines",
    operation_id = "getComplaintSummary",
    params(ComplaintSummaryQuery),
    responses(
        (status = 200, description = "The summary", body = ComplaintSummaryOut),
        (status = 404, description = "A person the caller may not see", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/complaint-summaries")]
async fn complaint_summary(
    state: web::Data<AppState>,
    caller: Caller,
    StrictQuery(query): StrictQuery<ComplaintSummaryQuery>,
) -> Result<HttpResponse, ApiError> {
    access::require(Action::ComplaintFlagsRead, &caller.actor.roles)?;
    let tz = state.config.timezone;
    let today = state.today();
    let actor = caller.actor.clone();
    let user_id = trimmed(query.user_id);
    let out = state
        .db(move |conn| complaint_fines::summary(conn, &actor, tz, today, query.year, user_id))
        .await?;
    Ok(HttpResponse::Ok().json(out))
}
