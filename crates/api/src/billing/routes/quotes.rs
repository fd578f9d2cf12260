//! `/repair-quotes`: repair quotes (BIL-2, BIL-3). HTTP only: extract, check the action's roles
//! before loading anything (403 before 404), run the service.

use crate::billing::dto::quotes::{
    AnswerQuote, CancelQuote, CreateQuote, EXPORT, QuoteOut, QuoteQuery, UpdateQuote,
};
use crate::billing::service::quotes::{self as svc, QuoteAction};
use crate::kernel::access::visible;
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
use kefu_store::repair_quotes::{self as store, QuoteFilter};
use utoipa_actix_web::service_config::ServiceConfig;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(create_quote)
        .service(list_quotes)
        .service(get_quote)
        .service(update_quote)
        .service(approve_quote)
        .service(issue_quote)
        .service(accept_quote)
        .service(refuse_quote)
        .service(cancel_quote);
}

/// Draw up a repair quote
///
/// BIL-2: a `draft` for a customer the caller sees (ORG-5; 422 `customer_id`), optionally
/// about one of its sites (422 `site_id`), a piece of its equipment (422 `equipment_id`), one of
/// its repair intakes (INV-5; 422 `intake_id`) and one of its tickets (422 `ticket_id`). The
/// repairing `engineer_id` is an enabled engineer (default the caller when an engineer; 422
/// `engineer_id`). Each line names a fee item in use (422 `BIL-1` on `lines[i].fee_item_id`)
/// and copies its kind, code, name, unit, list and floor prices; its price is the list price
/// unless `unit_price_fen` is given. A line priced below the floor or above the list price
/// sets `needs_approval` (BIL-2).
///
/// Who: admins, managers, supervisors, clerks, engineers and finance (403 `BIL-2` for
/// others). Triggers the audit entry and webhook event `repair_quote.create`.
#[utoipa::path(
    tag = "fees",
    operation_id = "createRepairQuote",
    request_body = CreateQuote,
    responses(
        (status = 201, description = "Drawn up", body = QuoteOut, headers(("Location" = String), ("ETag" = String))),
    )
)]
#[post("/repair-quotes")]
async fn create_quote(
    state: web::Data<AppState>,
    caller: Caller,
    ValidJson(input): ValidJson<CreateQuote>,
) -> Result<HttpResponse, ApiError> {
    access::require(Action::QuoteEdit, &caller.actor.roles)?;
    let ctx = Ctx::of(&caller, state.clock.now());
    let actor = caller.actor.clone();
    let out = state
        .tx(move |conn| svc::create(conn, &ctx, &actor, input))
        .await?;
    Ok(created(
        format!("/api/v1/repair-quotes/{}", out.id),
        Some(out.version),
        &out,
    ))
}

/// List or delta-sync repair quotes
///
/// BIL-2: the quotes of the customers the caller sees (ORG-5: admins, managers, executives,
/// finance, clerks, callback agents and QA inspectors see every customer; an engineer their own
/// and their team's customers; a supervisor their teams' customers; a customer contact their
/// own customer's), by `customer_id`, `status`, `intake_id`, `ticket_id` and `engineer_id`, in
/// id order; `updated_since` delta-syncs (tombstones included); `/export` (CSV or XLSX) exports.
/// Who: every staff member and customer contacts (403 `BIL-2` for none). Read-only.
#[utoipa::path(
    tag = "fees",
    operation_id = "listRepairQuotes",
    params(QuoteQuery),
    responses((status = 200, description = "One page of quotes", body = Page<QuoteOut>))
)]
#[get("/repair-quotes")]
async fn list_quotes(
    state: web::Data<AppState>,
    caller: Caller,
    listed: Listed<QuoteQuery>,
) -> Result<HttpResponse, ApiError> {
    let data = state.clone();
    export::respond(&data, &EXPORT, listed, move |query| {
        quotes_page(state.clone(), caller.clone(), query)
    })
    .await
}

async fn quotes_page(
    state: web::Data<AppState>,
    caller: Caller,
    query: QuoteQuery,
) -> Result<Page<QuoteOut>, ApiError> {
    access::require(Action::QuoteRead, &caller.actor.roles)?;
    let (limit, fetch, mode) = window(
        query.limit,
        query.updated_since.as_deref(),
        query.cursor.as_deref(),
    )?;
    let filter = QuoteFilter {
        customer_id: trimmed(query.customer_id),
        status: query.status.map(|s| s.as_str().to_owned()),
        intake_id: trimmed(query.intake_id),
        ticket_id: trimmed(query.ticket_id),
        engineer_id: trimmed(query.engineer_id),
    };
    let actor = caller.actor.clone();
    let (mode, items) = state
        .db(move |conn| {
            let scope = visible(conn, &actor)?;
            let rows = store::list(conn, &scope, &filter, &mode, fetch)?;
            Ok((mode, svc::render_all(conn, &rows)?))
        })
        .await?;
    Ok(paginate(
        items,
        limit,
        |q| row_key(&mode, kefu_store::to_db_time(q.updated_at), &q.id),
        |q| q,
    ))
}

/// Read a repair quote
///
/// BIL-2: the quote with its lines and its version as `ETag`. Any caller who sees its customer
/// (ORG-5, as in `listRepairQuotes`); any other quote reads as 404. Read-only.
#[utoipa::path(
    tag = "fees",
    operation_id = "getRepairQuote",
    params(("id" = String, Path, description = "Quote id")),
    responses((status = 200, description = "The quote", body = QuoteOut, headers(("ETag" = String))))
)]
#[get("/repair-quotes/{id}")]
async fn get_quote(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    access::require(Action::QuoteRead, &caller.actor.roles)?;
    let (actor, id) = (caller.actor.clone(), id.into_inner());
    let out = state.db(move |conn| svc::get(conn, &actor, &id)).await?;
    Ok(versioned(StatusCode::OK, out.version, &out))
}

/// Change a draft quote
///
/// BIL-2: changes a `draft` (409 `BIL-2` otherwise): site, equipment, engineer, note, and
/// `lines`, which replace every line, recompute the sums and `needs_approval`, and withdraw an
/// approval given. The same checks as `createRepairQuote` (422 naming the field).
///
/// Who: admins, managers, supervisors, clerks, engineers and finance (403 `BIL-2` for
/// others), on a quote they see (ORG-5: otherwise 404). Needs `If-Match`. Triggers the audit
/// entry and webhook event `repair_quote.update`.
#[utoipa::path(
    tag = "fees",
    operation_id = "updateRepairQuote",
    params(("id" = String, Path, description = "Quote id"), crate::kernel::openapi::IfMatchHeader),
    request_body = UpdateQuote,
    responses(
        (status = 200, description = "Changed", body = QuoteOut, headers(("ETag" = String))),
        (status = 409, description = "BIL-2: not a draft", body = Problem, content_type = "application/problem+json"),
    )
)]
#[patch("/repair-quotes/{id}")]
async fn update_quote(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    IfMatch(version): IfMatch,
    ValidJson(input): ValidJson<UpdateQuote>,
) -> Result<HttpResponse, ApiError> {
    access::require(Action::QuoteEdit, &caller.actor.roles)?;
    run_command(
        state,
        caller,
        id.into_inner(),
        version,
        move |conn, ctx, actor, id, version| svc::update(conn, ctx, actor, id, version, input),
    )
    .await
}

async fn command(
    state: web::Data<AppState>,
    caller: Caller,
    id: String,
    version: i64,
    needs: Action,
    action: QuoteAction,
) -> Result<HttpResponse, ApiError> {
    // The role check before loading: a stranger is refused before learning the quote exists.
    access::require(needs, &caller.actor.roles)?;
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

/// Approve a quote priced outside the schedule
///
/// BIL-2: the manager approves a `draft` with a line priced below the floor or above the list
/// price, so it may be issued; 409 `BIL-2` when it is no draft or every line is within the
/// band. Changing the lines afterwards withdraws the approval.
///
/// Who: managers and admins (403 `BIL-2` for others), on a quote they see (ORG-5: otherwise
/// 404). Needs `If-Match`. Triggers the audit entry and webhook event `repair_quote.approve`.
#[utoipa::path(
    tag = "fees",
    operation_id = "approveRepairQuote",
    params(("id" = String, Path, description = "Quote id"), crate::kernel::openapi::IfMatchHeader),
    responses(
        (status = 200, description = "Approved", body = QuoteOut, headers(("ETag" = String))),
        (status = 409, description = "BIL-2: no draft, or nothing to approve", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/repair-quotes/{id}/approve")]
async fn approve_quote(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    IfMatch(version): IfMatch,
) -> Result<HttpResponse, ApiError> {
    let (id, action) = (id.into_inner(), QuoteAction::Approve);
    command(state, caller, id, version, Action::QuoteApprove, action).await
}

/// Issue a quote to the customer
///
/// BIL-2/BIL-3: gives a `draft` to the customer (409 `BIL-2` otherwise). Refused with 422:
/// without lines (`lines`, `BIL-2`); with a line priced below the floor or above the list
/// price and no manager's approval (`rule: "BIL-2"`); without a site, its own or its
/// equipment's (`site_id`, `BIL-3`); for a `remote` site (ORG-3) and equipment out of warranty
/// on the day (warranty ended, unknown, or no equipment named) without both a `travel` and a
/// `lodging` line (`rule: "BIL-3"`). `remote` and `out_of_warranty` keep what was judged.
///
/// Who: admins, managers, supervisors, clerks, engineers and finance (403 `BIL-2` for
/// others), on a quote they see (ORG-5: otherwise 404). Needs `If-Match`. Triggers the audit
/// entry and webhook event `repair_quote.issue`.
#[utoipa::path(
    tag = "fees",
    operation_id = "issueRepairQuote",
    params(("id" = String, Path, description = "Quote id"), crate::kernel::openapi::IfMatchHeader),
    responses(
        (status = 200, description = "Issued", body = QuoteOut, headers(("ETag" = String))),
        (status = 409, description = "BIL-2: not a draft", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "BIL-2: not approved; BIL-3: travel and lodging missing", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/repair-quotes/{id}/issue")]
async fn issue_quote(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    IfMatch(version): IfMatch,
) -> Result<HttpResponse, ApiError> {
    let (id, action) = (id.into_inner(), QuoteAction::Issue);
    command(state, caller, id, version, Action::QuoteEdit, action).await
}

/// Record the customer's acceptance
///
/// BIL-2: the customer accepts an `issued` quote (409 `BIL-2` otherwise), with what they said
/// in `note`. From then payments are received for it (BIL-4); a quote of 0 is paid in full at
/// once. Recorded by staff, or by the customer's own contact.
///
/// Who: admins, managers, supervisors, clerks, engineers, finance and customer contacts (403
/// `BIL-2` for others), on a quote they see (ORG-5: otherwise 404). Needs `If-Match`. Triggers
/// the audit entry and webhook event `repair_quote.accept` and the notice
/// `repair_quote.accepted` to the repairing engineer.
#[utoipa::path(
    tag = "fees",
    operation_id = "acceptRepairQuote",
    params(("id" = String, Path, description = "Quote id"), crate::kernel::openapi::IfMatchHeader),
    request_body = AnswerQuote,
    responses(
        (status = 200, description = "Accepted", body = QuoteOut, headers(("ETag" = String))),
        (status = 409, description = "BIL-2: not issued", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/repair-quotes/{id}/accept")]
async fn accept_quote(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    IfMatch(version): IfMatch,
    ValidJson(input): ValidJson<AnswerQuote>,
) -> Result<HttpResponse, ApiError> {
    let (id, action) = (id.into_inner(), QuoteAction::Accept(input));
    command(state, caller, id, version, Action::QuoteAnswer, action).await
}

/// Record the customer's refusal
///
/// BIL-2: the customer refuses an `issued` quote (409 `BIL-2` otherwise), with what they said
/// in `note`. Recorded by staff, or by the customer's own contact.
///
/// Who: admins, managers, supervisors, clerks, engineers, finance and customer contacts (403
/// `BIL-2` for others), on a quote they see (ORG-5: otherwise 404). Needs `If-Match`. Triggers
/// the audit entry and webhook event `repair_quote.refuse` and the notice
/// `repair_quote.refused` to the repairing engineer.
#[utoipa::path(
    tag = "fees",
    operation_id = "refuseRepairQuote",
    params(("id" = String, Path, description = "Quote id"), crate::kernel::openapi::IfMatchHeader),
    request_body = AnswerQuote,
    responses(
        (status = 200, description = "Refused", body = QuoteOut, headers(("ETag" = String))),
        (status = 409, description = "BIL-2: not issued", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/repair-quotes/{id}/refuse")]
async fn refuse_quote(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    IfMatch(version): IfMatch,
    ValidJson(input): ValidJson<AnswerQuote>,
) -> Result<HttpResponse, ApiError> {
    let (id, action) = (id.into_inner(), QuoteAction::Refuse(input));
    command(state, caller, id, version, Action::QuoteAnswer, action).await
}

/// Cancel a quote
///
/// BIL-2: withdraws a `draft` or `issued` quote, with an optional `reason` (409 `BIL-2` from
/// any other status).
///
/// Who: admins, managers, supervisors, clerks, engineers and finance (403 `BIL-2` for
/// others), on a quote they see (ORG-5: otherwise 404). Needs `If-Match`. Triggers the audit
/// entry and webhook event `repair_quote.cancel`.
#[utoipa::path(
    tag = "fees",
    operation_id = "cancelRepairQuote",
    params(("id" = String, Path, description = "Quote id"), crate::kernel::openapi::IfMatchHeader),
    request_body = CancelQuote,
    responses(
        (status = 200, description = "Cancelled", body = QuoteOut, headers(("ETag" = String))),
        (status = 409, description = "BIL-2: answered or cancelled already", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/repair-quotes/{id}/cancel")]
async fn cancel_quote(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    IfMatch(version): IfMatch,
    ValidJson(input): ValidJson<CancelQuote>,
) -> Result<HttpResponse, ApiError> {
    let (id, action) = (id.into_inner(), QuoteAction::Cancel(input));
    command(state, caller, id, version, Action::QuoteEdit, action).await
}
