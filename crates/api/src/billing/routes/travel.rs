use crate::billing::dto::travel::{
    RejectExpense, RequestTravel, TRAVEL_EXPORT, TravelOut, TravelQuery,
};
use crate::billing::service::expense_pages::{ExpenseQuery, expense_page};
use crate::billing::service::travel::{self as svc, TravelStep};
use crate::kernel::auth::Caller;
use crate::kernel::command::{Ctx, run_command};
use crate::kernel::error::{ApiError, Problem};
use crate::kernel::export::{self, Listed};
use crate::kernel::extract::{IfMatch, ValidJson};
use crate::kernel::page::Page;
use crate::kernel::respond::{created, versioned};
use crate::kernel::state::AppState;
use actix_web::http::StatusCode;
use actix_web::{HttpResponse, get, post, web};
use kefu_billing::access::{self, Action};
use kefu_store::expenses::TravelRow;
use utoipa_actix_web::service_config::ServiceConfig;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(request_travel)
        .service(list_travel)
        .service(get_travel)
        .service(approve_travel)
        .service(reject_travel)
        .service(cancel_travel);
}

/// Request a trip
///
/// BIL-14: a trip for the caller, asked for before it happens: a city (with its tier) or a
/// county of a city (reimbursed at the county standard, `county_city_tier` of
/// `travel-standards`), the purpose, an optional ticket or contract reference, the planned
/// days and the class of travel. Any staff member, for themselves. Travel without an approved
/// request is not reimbursed (`submitExpenseClaim` answers 422 naming BIL-14). A return before
/// the departure, a city trip without a tier or a county trip with one is 422 naming BIL-14.
/// Starts `requested`; a manager decides next (`approveTravelRequest`). Triggers the audit
/// entry `travel_request.create` and a `travel.requested` notice to every manager.
#[utoipa::path(
    tag = "expenses",
    operation_id = "requestTravel",
    request_body = RequestTravel,
    responses(
        (status = 201, description = "Requested", body = TravelOut,
            headers(("Location" = String), ("ETag" = String))),
        (status = 422, description = "Dates or destination refused (BIL-14)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/travel-requests")]
async fn request_travel(
    state: web::Data<AppState>,
    caller: Caller,
    ValidJson(input): ValidJson<RequestTravel>,
) -> Result<HttpResponse, ApiError> {
    access::require(Action::TravelRequest, &caller.actor.roles)?;
    let ctx = Ctx::of(&caller, state.clock.now());
    let actor = caller.actor.clone();
    let out = state
        .tx(move |conn| svc::request(conn, &ctx, &actor, input))
        .await?;
    Ok(created(
        format!("/api/v1/travel-requests/{}", out.id),
        Some(out.version),
        &out,
    ))
}

/// List or delta-sync travel requests
///
/// BIL-14: travel requests by person and status, in id order; `updated_since` delta-syncs;
/// `/export` (CSV or XLSX) exports. Privacy (people's money): staff see their own; admins,
/// managers, finance, HR and executives everyone's; a supervisor only their own. Customer
/// contacts get 403. Read-only.
#[utoipa::path(
    tag = "expenses",
    operation_id = "listTravelRequests",
    params(TravelQuery),
    responses((status = 200, description = "One page of travel requests", body = Page<TravelOut>))
)]
#[get("/travel-requests")]
async fn list_travel(
    state: web::Data<AppState>,
    caller: Caller,
    listed: Listed<TravelQuery>,
) -> Result<HttpResponse, ApiError> {
    let data = state.clone();
    export::respond(&data, &TRAVEL_EXPORT, listed, move |query| {
        travel_page(state.clone(), caller.clone(), query)
    })
    .await
}

async fn travel_page(
    state: web::Data<AppState>,
    caller: Caller,
    query: TravelQuery,
) -> Result<Page<TravelOut>, ApiError> {
    let query = ExpenseQuery {
        user_id: query.user_id,
        status: query.status.map(|s| s.as_str()),
        updated_since: query.updated_since,
        limit: query.limit,
        cursor: query.cursor,
    };
    expense_page::<TravelRow, _>(&state, &caller, Action::TravelRead, query).await
}

/// Read a travel request
///
/// BIL-14: one request, under the privacy of `listTravelRequests` (404 for one the caller may
/// not see). Read-only.
#[utoipa::path(
    tag = "expenses",
    operation_id = "getTravelRequest",
    params(("id" = String, Path, description = "Travel request id")),
    responses((status = 200, description = "The request", body = TravelOut, headers(("ETag" = String))))
)]
#[get("/travel-requests/{id}")]
async fn get_travel(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    access::require(Action::TravelRead, &caller.actor.roles)?;
    let actor = caller.actor.clone();
    let id = id.into_inner();
    let row = state.db(move |conn| svc::get(conn, &actor, &id)).await?;
    Ok(versioned(
        StatusCode::OK,
        row.version,
        &TravelOut::from(&row),
    ))
}

async fn run(
    state: web::Data<AppState>,
    caller: Caller,
    id: String,
    version: i64,
    step: TravelStep,
) -> Result<HttpResponse, ApiError> {
    let action = match step {
        TravelStep::Cancel => Action::TravelRead,
        _ => Action::TravelDecide,
    };
    access::require(action, &caller.actor.roles)?;
    let today = state.today();
    run_command(
        state,
        caller,
        id,
        version,
        move |conn, ctx, actor, id, version| svc::step(conn, ctx, actor, today, id, version, step),
    )
    .await
}

/// Approve a travel request
///
/// BIL-14: a manager (managers and admins) approves a `requested` trip; the travel standard
/// in force today for the traveller's grade (named after their most senior role, else
/// `staff`) and the destination's tier (a county's: `county_city_tier`) is copied onto it
/// (`standard`), so a later change of `travel-standards` does not move it; no standard for
/// them is 422 naming BIL-14. Another role gets 403; any other status is 409 naming BIL-14; a
/// request the caller may not see is 404. Needs `If-Match`. Triggers the audit entry
/// `travel_request.approve` and a `travel.approved` notice to the traveller.
#[utoipa::path(
    tag = "expenses",
    operation_id = "approveTravelRequest",
    params(("id" = String, Path, description = "Travel request id"), crate::kernel::openapi::IfMatchHeader),
    responses(
        (status = 200, description = "Approved", body = TravelOut, headers(("ETag" = String))),
        (status = 409, description = "Decided already (BIL-14)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "No standard for the traveller and destination (BIL-14)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/travel-requests/{id}/approve")]
async fn approve_travel(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    IfMatch(version): IfMatch,
) -> Result<HttpResponse, ApiError> {
    run(state, caller, id.into_inner(), version, TravelStep::Approve).await
}

/// Reject a travel request
///
/// BIL-14: a manager (managers and admins) refuses a `requested` trip with a note. Another
/// role gets 403; any other status is 409 naming BIL-14. Needs `If-Match`. Triggers the audit
/// entry `travel_request.reject` and a `travel.rejected` notice to the traveller.
#[utoipa::path(
    tag = "expenses",
    operation_id = "rejectTravelRequest",
    params(("id" = String, Path, description = "Travel request id"), crate::kernel::openapi::IfMatchHeader),
    request_body = RejectExpense,
    responses(
        (status = 200, description = "Rejected", body = TravelOut, headers(("ETag" = String))),
        (status = 409, description = "Decided already (BIL-14)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/travel-requests/{id}/reject")]
async fn reject_travel(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    IfMatch(version): IfMatch,
    ValidJson(input): ValidJson<RejectExpense>,
) -> Result<HttpResponse, ApiError> {
    let step = TravelStep::Reject(input.note);
    run(state, caller, id.into_inner(), version, step).await
}

/// Cancel a travel request
///
/// BIL-14: the traveller withdraws a `requested` trip (anyone else who sees it: 422 naming
/// BIL-14; a decided one: 409 naming BIL-14). Needs `If-Match`. Triggers the audit entry
/// `travel_request.cancel`.
#[utoipa::path(
    tag = "expenses",
    operation_id = "cancelTravelRequest",
    params(("id" = String, Path, description = "Travel request id"), crate::kernel::openapi::IfMatchHeader),
    responses(
        (status = 200, description = "Cancelled", body = TravelOut, headers(("ETag" = String))),
        (status = 409, description = "Decided already (BIL-14)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Not the traveller (BIL-14)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/travel-requests/{id}/cancel")]
async fn cancel_travel(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    IfMatch(version): IfMatch,
) -> Result<HttpResponse, ApiError> {
    run(state, caller, id.into_inner(), version, TravelStep::Cancel).await
}
