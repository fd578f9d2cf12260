use crate::customers::dto::cities::{CitiesQuery, CityOut, CreateCity, UpdateCity};
use crate::customers::service::cities as svc;
use crate::kernel::access::Action;
use crate::kernel::auth::Caller;
use crate::kernel::command::Ctx;
use crate::kernel::error::{ApiError, Problem};
use crate::kernel::extract::{IfMatch, StrictQuery, ValidJson};
use crate::kernel::page::{Page, decode_cursor, fetch_size, paginate};
use crate::kernel::respond::{created, versioned};
use crate::kernel::state::AppState;
use actix_web::http::StatusCode;
use actix_web::{HttpResponse, get, patch, post, web};
use kefu_store::cities;
use utoipa_actix_web::service_config::ServiceConfig;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(list_cities)
        .service(create_city)
        .service(get_city)
        .service(update_city);
}

/// List the cities the company serves (ORG-3).
///
/// Any signed-in user; all cities, with their station flag and counties. Read-only.
#[utoipa::path(
    tag = "customers",
    operation_id = "listCities",
    params(CitiesQuery),
    responses((status = 200, description = "One page of cities", body = Page<CityOut>))
)]
#[get("/cities")]
async fn list_cities(
    state: web::Data<AppState>,
    _caller: Caller,
    StrictQuery(query): StrictQuery<CitiesQuery>,
) -> Result<HttpResponse, ApiError> {
    let (limit, fetch) = fetch_size(query.limit)?;
    let after = decode_cursor(query.cursor.as_deref())?;
    let q = query.q.filter(|q| !q.trim().is_empty());
    let rows = state
        .db(move |conn| {
            Ok(cities::list(
                conn,
                q.as_deref(),
                query.has_station,
                after.as_deref(),
                fetch,
            )?)
        })
        .await?;
    Ok(HttpResponse::Ok().json(paginate(
        rows,
        limit,
        |c| c.id.clone(),
        |c| CityOut::from(&c),
    )))
}

/// Add a city, with whether a resident engineer works there and its counties.
///
/// Admins and managers (403 for others). 409 when a city of that name exists. Triggers the audit
/// entry and webhook event `city.create`.
#[utoipa::path(
    tag = "customers",
    operation_id = "createCity",
    request_body = CreateCity,
    responses(
        (status = 201, description = "Created", body = CityOut, headers(("Location" = String), ("ETag" = String))),
        (status = 409, description = "A city of that name exists", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/cities")]
async fn create_city(
    state: web::Data<AppState>,
    caller: Caller,
    ValidJson(input): ValidJson<CreateCity>,
) -> Result<HttpResponse, ApiError> {
    caller.require(Action::CityEdit)?;
    let ctx = Ctx::of(&caller, state.clock.now());
    let row = state.tx(move |conn| svc::create(conn, &ctx, input)).await?;
    Ok(created(
        format!("/api/v1/cities/{}", row.id),
        Some(row.version),
        &CityOut::from(&row),
    ))
}

/// Get a city.
///
/// Any signed-in user. The city with its version as `ETag`. Read-only.
#[utoipa::path(
    tag = "customers",
    operation_id = "getCity",
    params(("id" = String, Path, description = "City id")),
    responses((status = 200, description = "The city", body = CityOut, headers(("ETag" = String))))
)]
#[get("/cities/{id}")]
async fn get_city(
    state: web::Data<AppState>,
    _caller: Caller,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let row = state.db(move |conn| svc::get(conn, &id)).await?;
    Ok(versioned(StatusCode::OK, row.version, &CityOut::from(&row)))
}

/// Change a city: its station, its counties, its name (while no site uses it).
///
/// Sites' location classes follow at once: they are derived when read.
///
/// Admins and managers (403 for others). Needs `If-Match`. 409 when the new name is taken, or on a
/// rename while sites are recorded in the city. Triggers the audit entry and webhook event
/// `city.update`.
#[utoipa::path(
    tag = "customers",
    operation_id = "updateCity",
    params(("id" = String, Path, description = "City id"), crate::kernel::openapi::IfMatchHeader),
    request_body = UpdateCity,
    responses(
        (status = 200, description = "Updated", body = CityOut, headers(("ETag" = String))),
        (status = 409, description = "Name taken, or the city is in use and cannot be renamed", body = Problem, content_type = "application/problem+json"),
    )
)]
#[patch("/cities/{id}")]
async fn update_city(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    IfMatch(version): IfMatch,
    ValidJson(input): ValidJson<UpdateCity>,
) -> Result<HttpResponse, ApiError> {
    caller.require(Action::CityEdit)?;
    let ctx = Ctx::of(&caller, state.clock.now());
    let id = id.into_inner();
    let row = state
        .tx(move |conn| svc::update(conn, &ctx, &id, version, input))
        .await?;
    Ok(versioned(StatusCode::OK, row.version, &CityOut::from(&row)))
}
