use crate::inventory::dto::loans::{
    CHARGES_EXPORT, ChargeOut, ChargesQuery, IssueLoan, LOANS_EXPORT, LoanOut, LoansQuery,
    ReportLoss, RequestLoan, ReturnLoan,
};
use crate::inventory::service::loans::{self as svc, LoanAction};
use crate::kernel::auth::Caller;
use crate::kernel::command::{Ctx, Versioned, run_command};
use crate::kernel::error::{ApiError, Problem};
use crate::kernel::export::{self, Listed};
use crate::kernel::extract::{IfMatch, ValidJson, trimmed};
use crate::kernel::page::{Page, decode_cursor, fetch_size, paginate, row_key, window};
use crate::kernel::respond::{created, versioned};
use crate::kernel::state::AppState;
use actix_web::http::StatusCode;
use actix_web::{HttpResponse, get, post, web};
use kefu_inventory::access::{self, Action};
use kefu_store::inventory::loans::{self as store, ChargeFilter, LoanFilter};
use utoipa_actix_web::service_config::ServiceConfig;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(request_loan)
        .service(list_loans)
        .service(get_loan)
        .service(approve_loan)
        .service(reject_loan)
        .service(issue_loan)
        .service(sign_loan)
        .service(return_loan)
        .service(report_loss)
        .service(list_charges);
}

impl Versioned for LoanOut {
    fn version(&self) -> i64 {
        self.version
    }
}

/// Request a spare-part loan
///
/// INV-2: an engineer asks for parts into their own hands — a bulk `quantity`, or the `serials`
/// of a serialised part (422 naming the field and `INV-1` otherwise). Engineers only (403 for
/// others); the engineer needs a stock location of their own (422 `INV-2`). While the engineer
/// holds a loan still out after its due day, a new request is 422 with rule `INV-2` (the rule
/// set `spare-part-loans`, `refuse_while_overdue`). Next a manager approves it, the clerk
/// issues it and the engineer signs. Triggers the audit entry and webhook event
/// `part_loan.request` and the `part_loan.requested` notification to every manager.
#[utoipa::path(
    tag = "inventory",
    operation_id = "requestPartLoan",
    request_body = RequestLoan,
    responses(
        (status = 201, description = "Requested", body = LoanOut,
            headers(("Location" = String), ("ETag" = String))),
        (status = 422, description = "INV-2: an overdue loan is still out, or no location of one's own", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/part-loans")]
async fn request_loan(
    state: web::Data<AppState>,
    caller: Caller,
    ValidJson(input): ValidJson<RequestLoan>,
) -> Result<HttpResponse, ApiError> {
    access::require(Action::LoanRequest, &caller.actor.roles)?;
    let ctx = Ctx::of(&caller, state.clock.now());
    let today = state.today();
    let actor = caller.actor.clone();
    let out = state
        .tx(move |conn| svc::request(conn, &ctx, &actor, today, input))
        .await?;
    Ok(created(
        format!("/api/v1/part-loans/{}", out.id),
        Some(out.version),
        &out,
    ))
}

/// List or delta-sync spare-part loans
///
/// INV-2: loans filtered by `engineer_id`, `part_id` and `status`; `overdue=true` is the
/// overdue list (still out after the due day). Admins, managers, clerks, finance and executives
/// see every loan; engineers and supervisors their own (ORG-5); other roles are 403.
/// `updated_since` delta-syncs; `/export` (CSV or XLSX) exports. Read-only.
#[utoipa::path(
    tag = "inventory",
    operation_id = "listPartLoans",
    params(LoansQuery),
    responses((status = 200, description = "One page of loans", body = Page<LoanOut>))
)]
#[get("/part-loans")]
async fn list_loans(
    state: web::Data<AppState>,
    caller: Caller,
    listed: Listed<LoansQuery>,
) -> Result<HttpResponse, ApiError> {
    let data = state.clone();
    export::respond(&data, &LOANS_EXPORT, listed, move |query| {
        loans_page(state.clone(), caller.clone(), query)
    })
    .await
}

async fn loans_page(
    state: web::Data<AppState>,
    caller: Caller,
    query: LoansQuery,
) -> Result<Page<LoanOut>, ApiError> {
    access::require(Action::LoanRead, &caller.actor.roles)?;
    let (limit, fetch, mode) = window(
        query.limit,
        query.updated_since.as_deref(),
        query.cursor.as_deref(),
    )?;
    let today = state.today();
    let own = svc::own_only(&caller.actor);
    let asked = trimmed(query.engineer_id);
    // ORG-5: an engineer asking for someone else's loans sees none.
    let engineer_id = match (own, asked) {
        (Some(me), Some(other)) if me != other => {
            return Ok(Page {
                items: Vec::new(),
                next_cursor: None,
            });
        }
        (Some(me), _) => Some(me),
        (None, asked) => asked,
    };
    let filter = LoanFilter {
        engineer_id,
        status: query.status,
        part_id: trimmed(query.part_id),
        overdue_on: query.overdue.unwrap_or(false).then_some(today),
    };
    let (mode, rows) = state
        .db(move |conn| {
            let rows = store::list_loans(conn, &filter, &mode, fetch)?;
            Ok((mode, rows))
        })
        .await?;
    Ok(paginate(
        rows,
        limit,
        |l| row_key(&mode, l.updated_at, &l.id),
        |l| svc::render(&l, today),
    ))
}

/// Get a spare-part loan
///
/// INV-2: the loan with its version as `ETag`. Stock readers (403 for other roles); another
/// engineer's loan is 404 (ORG-5). Read-only.
#[utoipa::path(
    tag = "inventory",
    operation_id = "getPartLoan",
    params(("id" = String, Path, description = "Loan id")),
    responses((status = 200, description = "The loan", body = LoanOut, headers(("ETag" = String))))
)]
#[get("/part-loans/{id}")]
async fn get_loan(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    access::require(Action::LoanRead, &caller.actor.roles)?;
    let id = id.into_inner();
    let today = state.today();
    let actor = caller.actor.clone();
    let row = state
        .db(move |conn| svc::get_row(conn, &actor, &id))
        .await?;
    Ok(versioned(
        StatusCode::OK,
        row.version,
        &svc::render(&row, today),
    ))
}

async fn act(
    state: web::Data<AppState>,
    caller: Caller,
    id: String,
    version: i64,
    action: LoanAction,
) -> Result<HttpResponse, ApiError> {
    // The role check before loading: a stranger is refused before learning the loan exists.
    access::require(action.action(), &caller.actor.roles)?;
    let today = state.today();
    run_command(
        state,
        caller,
        id,
        version,
        move |conn, ctx, actor, id, version| svc::act(conn, ctx, actor, today, id, version, action),
    )
    .await
}

/// Approve a loan
///
/// INV-2: a manager (or admin; 403 for others) approves a `requested` loan (409 `INV-2` from
/// any other status); the clerk issues it next. Another engineer's loan is 404 (ORG-5). Needs
/// `If-Match`. Triggers the audit entry and webhook event `part_loan.approve` and the
/// `part_loan.approved` notification to the engineer.
#[utoipa::path(
    tag = "inventory",
    operation_id = "approvePartLoan",
    params(("id" = String, Path, description = "Loan id"), crate::kernel::openapi::IfMatchHeader),
    responses(
        (status = 200, description = "Approved", body = LoanOut, headers(("ETag" = String))),
        (status = 409, description = "INV-2: the loan is not requested", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/part-loans/{id}/approve")]
async fn approve_loan(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    IfMatch(version): IfMatch,
) -> Result<HttpResponse, ApiError> {
    act(state, caller, id.into_inner(), version, LoanAction::Approve).await
}

/// Reject a loan
///
/// INV-2: a manager (or admin; 403 for others) refuses a `requested` loan (409 `INV-2` from any
/// other status). Needs `If-Match`. Triggers the audit entry and webhook event
/// `part_loan.reject` and the `part_loan.rejected` notification to the engineer.
#[utoipa::path(
    tag = "inventory",
    operation_id = "rejectPartLoan",
    params(("id" = String, Path, description = "Loan id"), crate::kernel::openapi::IfMatchHeader),
    responses(
        (status = 200, description = "Rejected", body = LoanOut, headers(("ETag" = String))),
        (status = 409, description = "INV-2: the loan is not requested", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/part-loans/{id}/reject")]
async fn reject_loan(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    IfMatch(version): IfMatch,
) -> Result<HttpResponse, ApiError> {
    act(state, caller, id.into_inner(), version, LoanAction::Reject).await
}

/// Issue a loan
///
/// INV-2: the clerk (or a manager or admin; 403 for others) hands an `approved` loan's parts
/// over (409 `INV-2` from any other status): a `loan` ledger row moves them from
/// `from_location_id` into the engineer's hands by conditional update — 409 `INV-4` when the
/// location does not hold them (a serial elsewhere, or too few) — and the loan is due back the
/// policy's number of working days later (`spare-part-loans.return_due_days`, by the work
/// calendar). INV-8: units of a serialised part idle longer at that location than those
/// issued are recorded as `rotation_passed_over` (the order of
/// `GET /parts/{id}/issue-suggestion`); the issue is not refused for it. Needs `If-Match`.
/// Triggers the audit entries `stock_movement.loan` and
/// `part_loan.issue` and the `part_loan.issued` notification to the engineer, who signs next.
/// Still out after the due day, the loan is flagged once by the overdue watch, which tells the
/// engineer and the managers (`part_loan.overdue`).
#[utoipa::path(
    tag = "inventory",
    operation_id = "issuePartLoan",
    params(("id" = String, Path, description = "Loan id"), crate::kernel::openapi::IfMatchHeader),
    request_body = IssueLoan,
    responses(
        (status = 200, description = "Issued", body = LoanOut, headers(("ETag" = String))),
        (status = 409, description = "INV-2: not approved; INV-4: not in stock there", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/part-loans/{id}/issue")]
async fn issue_loan(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    IfMatch(version): IfMatch,
    ValidJson(b): ValidJson<IssueLoan>,
) -> Result<HttpResponse, ApiError> {
    let action = LoanAction::Issue {
        from_location_id: b.from_location_id,
    };
    act(state, caller, id.into_inner(), version, action).await
}

/// Sign for a loan
///
/// INV-2: the loan's engineer signs for the parts issued (403 `INV-2` for anyone else, 403 for
/// roles other than engineer); 409 `INV-2` unless issued and not yet signed. Needs `If-Match`.
/// Triggers the audit entry and webhook event `part_loan.sign`.
#[utoipa::path(
    tag = "inventory",
    operation_id = "signPartLoan",
    params(("id" = String, Path, description = "Loan id"), crate::kernel::openapi::IfMatchHeader),
    responses(
        (status = 200, description = "Signed", body = LoanOut, headers(("ETag" = String))),
        (status = 409, description = "INV-2: not issued, or signed already", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/part-loans/{id}/sign")]
async fn sign_loan(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    IfMatch(version): IfMatch,
) -> Result<HttpResponse, ApiError> {
    act(state, caller, id.into_inner(), version, LoanAction::Sign).await
}

/// Take loaned parts back
///
/// INV-2: the clerk (or a manager or admin; 403 for others) takes back some or all of an
/// issued loan (409 `INV-2` otherwise): the `serials` must be units still out on this loan, a
/// bulk `quantity` at most what is out — else 422 with rule `INV-2`. `unused: true` records
/// them as unused. A `return` ledger row moves them from the engineer's hands to
/// `to_location_id`; when nothing is out any more the loan closes. Needs `If-Match`. Triggers
/// the audit entries `stock_movement.return` and `part_loan.return`.
#[utoipa::path(
    tag = "inventory",
    operation_id = "returnPartLoan",
    params(("id" = String, Path, description = "Loan id"), crate::kernel::openapi::IfMatchHeader),
    request_body = ReturnLoan,
    responses(
        (status = 200, description = "Taken back", body = LoanOut, headers(("ETag" = String))),
        (status = 409, description = "INV-2: the loan is not issued", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "INV-2: not what was issued on this loan", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/part-loans/{id}/return")]
async fn return_loan(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    IfMatch(version): IfMatch,
    ValidJson(b): ValidJson<ReturnLoan>,
) -> Result<HttpResponse, ApiError> {
    let action = LoanAction::Return {
        to_location_id: b.to_location_id,
        quantity: b.quantity,
        serials: b.serials,
        unused: b.unused,
    };
    act(state, caller, id.into_inner(), version, action).await
}

/// Report loaned units lost or damaged
///
/// INV-3: the loan's engineer (or the clerk, a manager or an admin on their word; 403 for
/// others) reports units of an issued loan lost or damaged (409 `INV-2` otherwise; units not
/// out on this loan are 422 `INV-2`). A `loss` or `damage` ledger row takes them off the books
/// from the engineer's hands, and a charge at the part's sale price is raised (status
/// `pending`) for billing's payroll deduction. Needs `If-Match`. Triggers the audit entries
/// `stock_movement.loss`/`damage`, `part_charge.create` and `part_loan.report_loss`.
#[utoipa::path(
    tag = "inventory",
    operation_id = "reportPartLoanLoss",
    params(("id" = String, Path, description = "Loan id"), crate::kernel::openapi::IfMatchHeader),
    request_body = ReportLoss,
    responses(
        (status = 200, description = "Reported; the charge raised", body = LoanOut, headers(("ETag" = String))),
        (status = 409, description = "INV-2: the loan is not issued", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "INV-2: not out on this loan", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/part-loans/{id}/report-loss")]
async fn report_loss(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    IfMatch(version): IfMatch,
    ValidJson(b): ValidJson<ReportLoss>,
) -> Result<HttpResponse, ApiError> {
    let action = LoanAction::ReportLoss {
        kind: b.kind,
        quantity: b.quantity,
        serials: b.serials,
        note: b.note,
    };
    act(state, caller, id.into_inner(), version, action).await
}

/// List charges for lost or damaged parts
///
/// INV-3: the charges at sale price raised by loss reports, filtered by `engineer_id`,
/// `loan_id` and `status`, for billing's payroll deductions. Admins, managers, clerks, finance,
/// HR and executives see all; engineers their own (ORG-5); other roles are 403.
/// `/export` (CSV or XLSX) exports. Read-only.
#[utoipa::path(
    tag = "inventory",
    operation_id = "listPartCharges",
    params(ChargesQuery),
    responses((status = 200, description = "One page of charges", body = Page<ChargeOut>))
)]
#[get("/part-charges")]
async fn list_charges(
    state: web::Data<AppState>,
    caller: Caller,
    listed: Listed<ChargesQuery>,
) -> Result<HttpResponse, ApiError> {
    let data = state.clone();
    export::respond(&data, &CHARGES_EXPORT, listed, move |query| {
        charges_page(state.clone(), caller.clone(), query)
    })
    .await
}

async fn charges_page(
    state: web::Data<AppState>,
    caller: Caller,
    query: ChargesQuery,
) -> Result<Page<ChargeOut>, ApiError> {
    access::require(Action::ChargeRead, &caller.actor.roles)?;
    let (limit, fetch) = fetch_size(query.limit)?;
    let after = decode_cursor(query.cursor.as_deref())?;
    // HR reads deductions too, though it sees no stock.
    let own = (!caller.actor.has_any_role(&[kefu_core::Role::Hr]))
        .then(|| svc::own_only(&caller.actor))
        .flatten();
    let asked = trimmed(query.engineer_id);
    let engineer_id = match (own, asked) {
        (Some(me), Some(other)) if me != other => {
            return Ok(Page {
                items: Vec::new(),
                next_cursor: None,
            });
        }
        (Some(me), _) => Some(me),
        (None, asked) => asked,
    };
    let filter = ChargeFilter {
        engineer_id,
        loan_id: trimmed(query.loan_id),
        status: query.status,
    };
    let rows = state
        .db(move |conn| Ok(store::list_charges(conn, &filter, after.as_deref(), fetch)?))
        .await?;
    Ok(paginate(
        rows,
        limit,
        |c| c.id.clone(),
        |c| svc::render_charge(&c),
    ))
}
