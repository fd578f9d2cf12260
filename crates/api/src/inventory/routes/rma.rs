use crate::inventory::dto::rma::{CloseRma, RMAS_EXPORT, RmaOut, RmasQuery, SendRma};
use crate::inventory::service::rma as svc;
use crate::kernel::access::scope;
use crate::kernel::auth::Caller;
use crate::kernel::command::{Ctx, Versioned, run_command};
use crate::kernel::error::{ApiError, Problem};
use crate::kernel::export::{self, Listed};
use crate::kernel::extract::{IfMatch, ValidJson, trimmed};
use crate::kernel::page::{Page, paginate, row_key, window};
use crate::kernel::respond::{created, versioned};
use crate::kernel::state::AppState;
use actix_web::http::StatusCode;
use actix_web::{HttpResponse, get, post, web};
use kefu_inventory::access::{self, Action};
use kefu_store::inventory::rma::{self as store, RmaFilter};
use utoipa_actix_web::service_config::ServiceConfig;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(send_rma)
        .service(list_rmas)
        .service(get_rma)
        .service(close_rma);
}

impl Versioned for RmaOut {
    fn version(&self) -> i64 {
        self.version
    }
}

/// Send a faulty unit to its manufacturer
///
/// INV-6: the clerk (or a manager or admin; 403 for others) records a faulty unit of a
/// serialised part sent to its manufacturer with the manufacturer, batch, fault reason and
/// sent date (default today; a later day is 422). A bulk part, a blank manufacturer or fault
/// reason, an unknown part, serial or location are 422 naming the field and `INV-6`. An
/// `rma_out` ledger row takes the unit out of `from_location_id` by conditional update — 409
/// `INV-4` when it is not in stock there — and the unit's status becomes `at_manufacturer`.
/// The RMA is `sent`, expected back the rule set `rma-returns`' `expected_back_days` working
/// days after the sent date; next the office records how it came back (`/close`). Triggers
/// the audit entries and webhook events `stock_movement.rma_out` and `part_rma.send`. Still
/// `sent` after its expected day, the RMA is flagged once by the overdue watch, which tells
/// the managers and clerks (`part_rma.overdue`).
#[utoipa::path(
    tag = "inventory",
    operation_id = "sendPartRma",
    request_body = SendRma,
    responses(
        (status = 201, description = "Sent", body = RmaOut,
            headers(("Location" = String), ("ETag" = String))),
        (status = 409, description = "INV-4: the unit is not in stock at the location", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "INV-6: not a serialised unit, or a field missing or unknown", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/part-rmas")]
async fn send_rma(
    state: web::Data<AppState>,
    caller: Caller,
    ValidJson(input): ValidJson<SendRma>,
) -> Result<HttpResponse, ApiError> {
    access::require(Action::RmaEdit, &caller.actor.roles)?;
    let ctx = Ctx::of(&caller, state.clock.now());
    let today = state.today();
    let actor = caller.actor.clone();
    let out = state
        .tx(move |conn| svc::send(conn, &ctx, &actor, today, input))
        .await?;
    Ok(created(
        format!("/api/v1/part-rmas/{}", out.id),
        Some(out.version),
        &out,
    ))
}

/// List or delta-sync RMAs
///
/// INV-6: the units sent to manufacturers, filtered by `status`, `manufacturer`, `part_id`
/// and `serial`; `overdue=true` lists those still `sent` after their expected day. Admins,
/// managers, clerks, finance and executives see every RMA; engineers and supervisors those
/// sent from their own hands (ORG-5); other roles are 403. `updated_since` delta-syncs;
/// `/export` (CSV or XLSX) exports. Read-only.
#[utoipa::path(
    tag = "inventory",
    operation_id = "listPartRmas",
    params(RmasQuery),
    responses((status = 200, description = "One page of RMAs", body = Page<RmaOut>))
)]
#[get("/part-rmas")]
async fn list_rmas(
    state: web::Data<AppState>,
    caller: Caller,
    listed: Listed<RmasQuery>,
) -> Result<HttpResponse, ApiError> {
    let data = state.clone();
    export::respond(&data, &RMAS_EXPORT, listed, move |query| {
        rmas_page(state.clone(), caller.clone(), query)
    })
    .await
}

async fn rmas_page(
    state: web::Data<AppState>,
    caller: Caller,
    query: RmasQuery,
) -> Result<Page<RmaOut>, ApiError> {
    access::require(Action::RmaRead, &caller.actor.roles)?;
    let (limit, fetch, mode) = window(
        query.limit,
        query.updated_since.as_deref(),
        query.cursor.as_deref(),
    )?;
    let today = state.today();
    let filter = RmaFilter {
        status: query.status,
        manufacturer: trimmed(query.manufacturer),
        part_id: trimmed(query.part_id),
        serial: trimmed(query.serial),
        overdue_on: query.overdue.unwrap_or(false).then_some(today),
    };
    let actor = caller.actor.clone();
    let (mode, rows) = state
        .db(move |conn| {
            let scope = scope::stock(conn, &actor)?;
            let rows = store::list_rmas(conn, &scope, &filter, &mode, fetch)?;
            Ok((mode, rows))
        })
        .await?;
    Ok(paginate(
        rows,
        limit,
        |r| row_key(&mode, r.updated_at, &r.id),
        |r| svc::render(&r, today),
    ))
}

/// Get an RMA
///
/// INV-6: the RMA with its version as `ETag`. Stock readers (403 for other roles); an RMA sent
/// from outside the caller's own hands is 404 to engineers and supervisors (ORG-5). Read-only.
#[utoipa::path(
    tag = "inventory",
    operation_id = "getPartRma",
    params(("id" = String, Path, description = "RMA id")),
    responses((status = 200, description = "The RMA", body = RmaOut, headers(("ETag" = String))))
)]
#[get("/part-rmas/{id}")]
async fn get_rma(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    access::require(Action::RmaRead, &caller.actor.roles)?;
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

/// Record how an RMA came back
///
/// INV-6: the clerk (or a manager or admin; 403 for others) ends a `sent` RMA (409 `INV-6`
/// once ended): `returned` — repaired, the same serial comes back into `to_location_id` with
/// an `rma_in` ledger row; `replaced` — the old unit stays with the manufacturer (written off
/// the books) and `replacement_serial` enters `to_location_id` with an `rma_in` row (a serial
/// already on the books is 409); `written_off` — nothing comes back and the unit is written
/// off. `returned_on` (default today) lies between the sent date and today; `to_location_id`
/// is required when a unit comes back and refused otherwise; `replacement_serial` only with
/// `replaced` and different from the old serial — each 422 naming the field and `INV-6`.
/// Needs `If-Match`. Triggers the audit entries and webhook events `stock_movement.rma_in`
/// (when a unit comes back) and `part_rma.close`.
#[utoipa::path(
    tag = "inventory",
    operation_id = "closePartRma",
    params(("id" = String, Path, description = "RMA id"), crate::kernel::openapi::IfMatchHeader),
    request_body = CloseRma,
    responses(
        (status = 200, description = "Ended", body = RmaOut, headers(("ETag" = String))),
        (status = 409, description = "INV-6: the RMA has ended already; the replacement serial is on the books", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "INV-6: a field that does not fit the outcome", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/part-rmas/{id}/close")]
async fn close_rma(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    IfMatch(version): IfMatch,
    ValidJson(input): ValidJson<CloseRma>,
) -> Result<HttpResponse, ApiError> {
    // The role check before loading: a stranger is refused before learning the RMA exists.
    access::require(Action::RmaEdit, &caller.actor.roles)?;
    let today = state.today();
    run_command(
        state,
        caller,
        id.into_inner(),
        version,
        move |conn, ctx, actor, id, version| {
            svc::close(conn, ctx, actor, today, id, version, input)
        },
    )
    .await
}
