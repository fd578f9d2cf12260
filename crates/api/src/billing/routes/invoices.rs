//! `/invoices`: invoices and credit notes (BIL-5). HTTP only: extract, check the action's roles
//! before loading anything (403 before 404), run the service.

use crate::billing::dto::invoices::{
    EXPORT, InvoiceOut, InvoiceQuery, IssueCreditNote, IssueInvoice,
};
use crate::billing::service::invoices as svc;
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
use actix_web::{HttpResponse, get, post, web};
use kefu_billing::access::{self, Action};
use kefu_store::invoices::{self as store, InvoiceFilter};
use utoipa_actix_web::service_config::ServiceConfig;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(issue_invoice)
        .service(list_invoices)
        .service(get_invoice)
        .service(credit_invoice);
}

/// Issue an invoice
///
/// BIL-5: an invoice `number` (unique: 409 with the field `number` when taken) to a customer
/// the caller sees (ORG-5; 422 `customer_id`) for one of its contracts, repair quotes or
/// commissioning jobs (`subject_kind`, `subject_id`; 422 `subject_id`, `BIL-5`), of
/// `amount_fen`, issued on `issued_on` (default today; not in the future: 422 `issued_on`),
/// keeping the mailing address and the contact it goes to.
///
/// Who: admins, managers and finance (403 `BIL-5` for others). Triggers the audit entry and
/// webhook event `invoice.issue`.
#[utoipa::path(
    tag = "fees",
    operation_id = "issueInvoice",
    request_body = IssueInvoice,
    responses(
        (status = 201, description = "Issued", body = InvoiceOut, headers(("Location" = String), ("ETag" = String))),
        (status = 409, description = "The number is taken", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/invoices")]
async fn issue_invoice(
    state: web::Data<AppState>,
    caller: Caller,
    ValidJson(input): ValidJson<IssueInvoice>,
) -> Result<HttpResponse, ApiError> {
    access::require(Action::InvoiceIssue, &caller.actor.roles)?;
    let ctx = Ctx::of(&caller, state.clock.now());
    let actor = caller.actor.clone();
    let today = state.today();
    let out = state
        .tx(move |conn| svc::issue(conn, &ctx, &actor, today, input))
        .await?;
    Ok(created(
        format!("/api/v1/invoices/{}", out.id),
        Some(out.version),
        &out,
    ))
}

/// List or delta-sync invoices
///
/// BIL-5: the invoices of the customers the caller sees (ORG-5, as in `listRepairQuotes`),
/// with their credit notes, by `customer_id`, `subject_kind`, `subject_id` and the
/// `issued_from`–`issued_to` days, in id order; `updated_since` delta-syncs (tombstones
/// included); `/export` (CSV or XLSX) exports. Who: every staff member and customer contacts.
/// Read-only.
#[utoipa::path(
    tag = "fees",
    operation_id = "listInvoices",
    params(InvoiceQuery),
    responses((status = 200, description = "One page of invoices", body = Page<InvoiceOut>))
)]
#[get("/invoices")]
async fn list_invoices(
    state: web::Data<AppState>,
    caller: Caller,
    listed: Listed<InvoiceQuery>,
) -> Result<HttpResponse, ApiError> {
    let data = state.clone();
    export::respond(&data, &EXPORT, listed, move |query| {
        invoices_page(state.clone(), caller.clone(), query)
    })
    .await
}

async fn invoices_page(
    state: web::Data<AppState>,
    caller: Caller,
    query: InvoiceQuery,
) -> Result<Page<InvoiceOut>, ApiError> {
    access::require(Action::InvoiceRead, &caller.actor.roles)?;
    let (limit, fetch, mode) = window(
        query.limit,
        query.updated_since.as_deref(),
        query.cursor.as_deref(),
    )?;
    let filter = InvoiceFilter {
        customer_id: trimmed(query.customer_id),
        subject_kind: query.subject_kind.map(|k| k.as_str().to_owned()),
        subject_id: trimmed(query.subject_id),
        issued_from: query.issued_from,
        issued_to: query.issued_to,
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
        |i| row_key(&mode, kefu_store::to_db_time(i.updated_at), &i.id),
        |i| i,
    ))
}

/// Read an invoice
///
/// BIL-5: the invoice with its credit notes and its version as `ETag`. Any caller who sees its
/// customer (ORG-5); any other invoice reads as 404. Read-only.
#[utoipa::path(
    tag = "fees",
    operation_id = "getInvoice",
    params(("id" = String, Path, description = "Invoice id")),
    responses((status = 200, description = "The invoice", body = InvoiceOut, headers(("ETag" = String))))
)]
#[get("/invoices/{id}")]
async fn get_invoice(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    access::require(Action::InvoiceRead, &caller.actor.roles)?;
    let (actor, id) = (caller.actor.clone(), id.into_inner());
    let out = state.db(move |conn| svc::get(conn, &actor, &id)).await?;
    Ok(versioned(StatusCode::OK, out.version, &out))
}

/// Issue a credit note
///
/// BIL-5: a credit note `number` (unique: 409 with the field `number`) refunding
/// `amount_fen` of the invoice, with its `reason`, issued on `issued_on` (default today; not in
/// the future: 422 `issued_on`). Never more than the invoice's `remaining_fen` (422 `BIL-5`).
///
/// Who: admins, managers and finance (403 `BIL-5` for others), on an invoice they see (ORG-5:
/// otherwise 404). Needs `If-Match`. Triggers the audit entry and webhook event
/// `invoice.credit`.
#[utoipa::path(
    tag = "fees",
    operation_id = "creditInvoice",
    params(("id" = String, Path, description = "Invoice id"), crate::kernel::openapi::IfMatchHeader),
    request_body = IssueCreditNote,
    responses(
        (status = 200, description = "Credited", body = InvoiceOut, headers(("ETag" = String))),
        (status = 409, description = "The credit note's number is taken", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "BIL-5: more than the invoice's remaining amount", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/invoices/{id}/credit-notes")]
async fn credit_invoice(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    IfMatch(version): IfMatch,
    ValidJson(input): ValidJson<IssueCreditNote>,
) -> Result<HttpResponse, ApiError> {
    access::require(Action::InvoiceIssue, &caller.actor.roles)?;
    let today = state.today();
    run_command(
        state,
        caller,
        id.into_inner(),
        version,
        move |conn, ctx, actor, id, version| {
            svc::credit(conn, ctx, actor, today, id, version, input)
        },
    )
    .await
}
