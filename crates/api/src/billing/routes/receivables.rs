//! `/receivables`, `/arrears` with their chasing notes, and `/customers/{id}/statement`
//! (BIL-8). HTTP only: extract, check the action's roles before loading anything (403 before
//! 404), run the service. The receivables and arrears are computed per request from the
//! customers' books, so they page in memory by their sort key.

use crate::billing::dto::receivables::{
    ARREARS_EXPORT, AddChasingNote, ArrearOut, ArrearsQuery, ChasingNoteOut, ChasingNoteQuery,
    NOTES_EXPORT, RECEIVABLES_EXPORT, ReceivableOut, ReceivableQuery, STATEMENT_EXPORT,
    StatementOut, StatementQuery,
};
use crate::billing::service::{chasing_notes as notes, receivables as svc};
use crate::kernel::auth::Caller;
use crate::kernel::command::Ctx;
use crate::kernel::error::{ApiError, Problem};
use crate::kernel::export::{self, Listed};
use crate::kernel::extract::{ValidJson, trimmed};
use crate::kernel::page::{Page, decode_cursor, fetch_size, paginate, parse_updated_since};
use crate::kernel::respond::created;
use crate::kernel::state::AppState;
use actix_web::{HttpResponse, get, post, web};
use kefu_billing::access::{self, Action};
use kefu_billing::receivables::{AgeingBucket, ReceivableKind};
use kefu_store::to_db_time;
use std::cell::RefCell;
use std::future::Future;
use std::rc::Rc;
use utoipa_actix_web::service_config::ServiceConfig;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(list_receivables)
        .service(list_arrears)
        .service(add_chasing_note)
        .service(list_chasing_notes)
        .service(customer_statement);
}

/// A request's computed list, kept between the pages of its export: the books are read and
/// aged once, not once per 200 rows. Exports run on the request's own thread, so an `Rc`.
type Memo<T> = Rc<RefCell<Option<Rc<Vec<T>>>>>;

/// The memoised list, or `compute`'s (remembered for the next page).
async fn memoised<T>(
    memo: &Memo<T>,
    compute: impl Future<Output = Result<Vec<T>, ApiError>>,
) -> Result<Rc<Vec<T>>, ApiError> {
    let known = memo.borrow().clone();
    match known {
        Some(rows) => Ok(rows),
        None => {
            let rows = Rc::new(compute.await?);
            *memo.borrow_mut() = Some(rows.clone());
            Ok(rows)
        }
    }
}

/// One page of `items`, already in key order, after `cursor`.
fn page_by_key<T: Clone>(
    items: &[T],
    limit: Option<u32>,
    cursor: Option<&str>,
    key: impl Fn(&T) -> String,
) -> Result<Page<T>, ApiError> {
    let (limit, fetch) = fetch_size(limit)?;
    let after = decode_cursor(cursor)?;
    let rows: Vec<T> = items
        .iter()
        .filter(|i| after.as_ref().is_none_or(|a| key(i) > *a))
        .take(usize::try_from(fetch).unwrap_or(usize::MAX))
        .cloned()
        .collect();
    Ok(paginate(rows, limit, key, |i| i))
}

/// List receivables by customer
///
/// BIL-8: what each customer the caller sees (ORG-5) owes today: per customer, the money not
/// yet due and the money past due in four ageing buckets of calendar days (the work calendar
/// plays no part) whose bounds are the `receivables` rule set's `bucket_upper_days` (default
/// 0–30, 31–60, 61–90, more than 90 days past the due day). A document is a signed contract
/// (due on its CON-2 due day), an accepted repair quote (due `repair_quote_due_days` after
/// acceptance) or a commissioning job's invoice (due `invoice_due_days` after issue); it owes
/// its amount less its payments and the credit notes on its invoices; payments naming no
/// document pay the oldest due documents first. Customers with nothing owed either way are
/// left out. Filters `customer_id`, `owner_user_id`, `overdue=true`; customer id order;
/// `/export` (CSV or XLSX) exports. Who: every staff member and customer contacts (their own
/// customer). Read-only.
#[utoipa::path(
    tag = "fees",
    operation_id = "listReceivables",
    params(ReceivableQuery),
    responses((status = 200, description = "One page of customers' receivables", body = Page<ReceivableOut>))
)]
#[get("/receivables")]
async fn list_receivables(
    state: web::Data<AppState>,
    caller: Caller,
    listed: Listed<ReceivableQuery>,
) -> Result<HttpResponse, ApiError> {
    access::require(Action::ReceivableRead, &caller.actor.roles)?;
    let data = state.clone();
    let memo = Memo::default();
    export::respond(&data, &RECEIVABLES_EXPORT, listed, move |query| {
        receivables_page(state.clone(), caller.clone(), memo.clone(), query)
    })
    .await
}

async fn receivables_page(
    state: web::Data<AppState>,
    caller: Caller,
    memo: Memo<ReceivableOut>,
    query: ReceivableQuery,
) -> Result<Page<ReceivableOut>, ApiError> {
    let (tz, today) = (state.config.timezone, state.today());
    let actor = caller.actor.clone();
    let customer = trimmed(query.customer_id.clone());
    let owner = trimmed(query.owner_user_id.clone());
    let overdue = query.overdue;
    let rows = memoised(&memo, async move {
        let rows = state
            .db(move |conn| svc::receivables(conn, &actor, tz, today, customer.as_deref()))
            .await?;
        Ok(rows
            .into_iter()
            .filter(|r| owner.is_none() || r.owner_user_id == owner)
            .filter(|r| overdue != Some(true) || r.overdue_fen > 0)
            .filter(|r| overdue != Some(false) || r.overdue_fen == 0)
            .collect())
    })
    .await?;
    page_by_key(&rows, query.limit, query.cursor.as_deref(), |r| {
        r.customer_id.clone()
    })
}

/// List documents in arrears
///
/// BIL-8: the documents of the customers the caller sees (ORG-5) with money still owed after
/// their due day (1 calendar day or more past it), oldest due first, with their ageing
/// bucket and the latest chasing note's outcome and promised day. CON-2's overdue contracts are
/// here with the repair quotes and commissioning invoices. Filters `customer_id`,
/// `owner_user_id`, `document_kind`, `bucket`; `/export` (CSV or XLSX) exports. Who: every staff
/// member and customer contacts (their own customer). Read-only.
#[utoipa::path(
    tag = "fees",
    operation_id = "listArrears",
    params(ArrearsQuery),
    responses((status = 200, description = "One page of documents in arrears", body = Page<ArrearOut>))
)]
#[get("/arrears")]
async fn list_arrears(
    state: web::Data<AppState>,
    caller: Caller,
    listed: Listed<ArrearsQuery>,
) -> Result<HttpResponse, ApiError> {
    access::require(Action::ReceivableRead, &caller.actor.roles)?;
    let data = state.clone();
    let memo = Memo::default();
    export::respond(&data, &ARREARS_EXPORT, listed, move |query| {
        arrears_page(state.clone(), caller.clone(), memo.clone(), query)
    })
    .await
}

async fn arrears_page(
    state: web::Data<AppState>,
    caller: Caller,
    memo: Memo<ArrearOut>,
    query: ArrearsQuery,
) -> Result<Page<ArrearOut>, ApiError> {
    let (tz, today) = (state.config.timezone, state.today());
    let actor = caller.actor.clone();
    let customer = trimmed(query.customer_id.clone());
    let owner = trimmed(query.owner_user_id.clone());
    let (kind, bucket) = (query.document_kind, query.bucket);
    let rows = memoised(&memo, async move {
        let rows = state
            .db(move |conn| svc::arrears(conn, &actor, tz, today, customer.as_deref()))
            .await?;
        Ok(rows
            .into_iter()
            .filter(|r| owner.is_none() || r.owner_user_id == owner)
            .filter(|r| kind.is_none_or(|k| r.document_kind == k))
            .filter(|r| bucket.is_none_or(|b| r.bucket == b && b != AgeingBucket::Current))
            .collect())
    })
    .await?;
    page_by_key(&rows, query.limit, query.cursor.as_deref(), svc::arrear_key)
}

fn document(kind: &str) -> Result<ReceivableKind, ApiError> {
    ReceivableKind::parse(kind).ok_or(ApiError::NotFound)
}

/// Record a chasing call
///
/// BIL-8: a chasing note (催缴记录) on a document (`document_kind` `contract`, `repair_quote`
/// or `invoice`, and its id) of a customer the caller sees (ORG-5; anything else, or no such
/// receivable document, is 404) that is in arrears — owing money after its due day (409
/// `BIL-8` otherwise): who called (`called_by`, default the caller; 422 when no
/// enabled staff member), when (`called_at`, default now; not on a later day: 422
/// `called_at`), how (`channel`, default `phone`), whom they spoke to, the `outcome`, and for
/// a promise the day the customer will pay (`promised_on`: required with `outcome: promised`,
/// not before the call, refused with any other outcome — 422 naming `promised_on`). Notes are
/// append-only. When a promised day passes with the document still owing and no later note,
/// the promise watch tells the caller once (`chasing_note.promise_lapsed`).
///
/// Who: admins, managers, supervisors, clerks, engineers and finance (403 `BIL-8` for
/// others). Triggers the audit entry and webhook event `chasing_note.add`.
#[utoipa::path(
    tag = "fees",
    operation_id = "addChasingNote",
    params(
        ("document_kind" = ReceivableKind, Path, description = "contract, repair_quote or invoice"),
        ("document_id" = String, Path, description = "The document's id"),
    ),
    request_body = AddChasingNote,
    responses(
        (status = 201, description = "Recorded", body = ChasingNoteOut, headers(("Location" = String))),
        (status = 409, description = "BIL-8: the document is not in arrears", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/arrears/{document_kind}/{document_id}/chasing-notes")]
async fn add_chasing_note(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<(String, String)>,
    ValidJson(input): ValidJson<AddChasingNote>,
) -> Result<HttpResponse, ApiError> {
    access::require(Action::ChasingNoteAdd, &caller.actor.roles)?;
    let (kind, id) = path.into_inner();
    let kind = document(&kind)?;
    let ctx = Ctx::of(&caller, state.clock.now());
    let actor = caller.actor.clone();
    let clock = (state.config.timezone, state.today());
    let doc_id = id.clone();
    let out = state
        .tx(move |conn| notes::add(conn, &ctx, &actor, clock, (kind, &doc_id), input))
        .await?;
    Ok(created(
        format!("/api/v1/arrears/{kind}/{id}/chasing-notes"),
        None,
        &out,
    ))
}

/// List a document's chasing notes
///
/// BIL-8: the chasing notes of a document of a customer the caller sees (ORG-5; anything
/// else is 404), oldest first; `updated_since` returns those recorded after that instant
/// (notes never change); `/export` (CSV or XLSX) exports. Who: every staff member (customer
/// contacts do not read the staff's notes). Read-only.
#[utoipa::path(
    tag = "fees",
    operation_id = "listChasingNotes",
    params(
        ("document_kind" = ReceivableKind, Path, description = "contract, repair_quote or invoice"),
        ("document_id" = String, Path, description = "The document's id"),
        ChasingNoteQuery,
    ),
    responses((status = 200, description = "One page of chasing notes", body = Page<ChasingNoteOut>))
)]
#[get("/arrears/{document_kind}/{document_id}/chasing-notes")]
async fn list_chasing_notes(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<(String, String)>,
    listed: Listed<ChasingNoteQuery>,
) -> Result<HttpResponse, ApiError> {
    access::require(Action::ChasingNoteRead, &caller.actor.roles)?;
    let (kind, id) = path.into_inner();
    let kind = document(&kind)?;
    let data = state.clone();
    export::respond(&data, &NOTES_EXPORT, listed, move |query| {
        notes_page(state.clone(), caller.clone(), (kind, id.clone()), query)
    })
    .await
}

async fn notes_page(
    state: web::Data<AppState>,
    caller: Caller,
    (kind, id): (ReceivableKind, String),
    query: ChasingNoteQuery,
) -> Result<Page<ChasingNoteOut>, ApiError> {
    let (limit, fetch) = fetch_size(query.limit)?;
    let after = decode_cursor(query.cursor.as_deref())?;
    let since = query
        .updated_since
        .as_deref()
        .map(parse_updated_since)
        .transpose()?
        .map(to_db_time);
    let actor = caller.actor.clone();
    let rows = state
        .db(move |conn| {
            notes::document_customer(conn, &actor, kind, &id)?;
            let rows = kefu_store::receivables::notes_of_document(
                conn,
                (kind.as_str(), &id),
                since,
                after.as_deref(),
                fetch,
            )?;
            Ok(rows.iter().map(notes::render).collect::<Vec<_>>())
        })
        .await?;
    Ok(paginate(rows, limit, |n| n.id.clone(), |n| n))
}

/// Get a customer's statement
///
/// BIL-8: the statement for reconciliation (对帐单) of a customer the caller sees (ORG-5;
/// anyone else's is 404) from `from` (default: from the first line, opening balance 0) to
/// `to` (default today; `from` after `to` is 422 `query.from`): the opening balance, every
/// charge (signed contract, accepted repair quote, commissioning invoice), payment, credit
/// note and payment on account dated in between, by date with the running balance, and the
/// closing balance, which equals the customer's receivables row for `to` (given as
/// `receivable`, aged as `GET /receivables` ages it). `/export` (CSV or XLSX) downloads the
/// lines between an `opening_balance` and a `closing_balance` line (with the period's
/// totals). Who: every staff member and the customer's own contacts. Read-only.
#[utoipa::path(
    tag = "fees",
    operation_id = "getCustomerStatement",
    params(("id" = String, Path, description = "Customer id"), StatementQuery),
    responses((status = 200, description = "The statement", body = StatementOut))
)]
#[get("/customers/{id}/statement")]
async fn customer_statement(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    listed: Listed<StatementQuery>,
) -> Result<HttpResponse, ApiError> {
    access::require(Action::ReceivableRead, &caller.actor.roles)?;
    let Listed(query, export) = listed;
    let id = id.into_inner();
    let data = state.clone();
    let build = move |query: StatementQuery| {
        let (state, caller, id) = (state.clone(), caller.clone(), id.clone());
        async move {
            let (tz, today) = (state.config.timezone, state.today());
            state
                .db(move |conn| {
                    svc::customer_statement(conn, &caller.actor, tz, today, &id, &query)
                })
                .await
        }
    };
    if export.is_none() {
        return Ok(HttpResponse::Ok().json(build(query).await?));
    }
    export::respond(
        &data,
        &STATEMENT_EXPORT,
        Listed(query, export),
        move |query| {
            let build = build.clone();
            async move {
                Ok(Page {
                    items: build(query).await?.export_lines(),
                    next_cursor: None,
                })
            }
        },
    )
    .await
}
