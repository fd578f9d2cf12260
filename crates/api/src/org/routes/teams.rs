use crate::kernel::access::Action;
use crate::kernel::auth::Caller;
use crate::kernel::command::Ctx;
use crate::kernel::error::{ApiError, Problem};
use crate::kernel::export::{self, Listed};
use crate::kernel::extract::{IfMatch, ValidJson};
use crate::kernel::page::{Page, decode_cursor, fetch_size, paginate};
use crate::kernel::respond::{created, versioned};
use crate::kernel::state::AppState;
use crate::org::dto::teams::{CreateTeam, EXPORT, TeamOut, TeamsQuery, UpdateTeam};
use crate::org::service::teams as svc;
use actix_web::http::StatusCode;
use actix_web::{HttpResponse, delete, get, patch, post, web};
use kefu_store::teams;
use utoipa_actix_web::service_config::ServiceConfig;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(list_teams)
        .service(create_team)
        .service(get_team)
        .service(update_team)
        .service(delete_team);
}

/// List teams.
///
/// Every staff role — all but `customer_contact` (403). `/export` (CSV or XLSX)
/// exports the list. Read-only.
#[utoipa::path(
    tag = "teams",
    operation_id = "listTeams",
    params(TeamsQuery),
    responses((status = 200, description = "One page of teams (not deleted), oldest first", body = Page<TeamOut>))
)]
#[get("/teams")]
async fn list_teams(
    state: web::Data<AppState>,
    caller: Caller,
    listed: Listed<TeamsQuery>,
) -> Result<HttpResponse, ApiError> {
    let data = state.clone();
    export::respond(&data, &EXPORT, listed, move |query| {
        teams_page(state.clone(), caller.clone(), query)
    })
    .await
}

/// One page of the list (also what an export reads page by page).
async fn teams_page(
    state: web::Data<AppState>,
    caller: Caller,
    query: TeamsQuery,
) -> Result<Page<TeamOut>, ApiError> {
    caller.require(Action::TeamRead)?;
    let (limit, fetch) = fetch_size(query.limit)?;
    let after = decode_cursor(query.cursor.as_deref())?;
    let q = query
        .q
        .map(|q| q.trim().to_owned())
        .filter(|q| !q.is_empty());
    let rows = state
        .db(move |conn| Ok(teams::list(conn, q.as_deref(), after.as_deref(), fetch)?))
        .await?;
    let page = paginate(rows, limit, |t| t.id.clone(), |t| TeamOut::from(&t));
    Ok(page)
}

/// Create a team.
///
/// Admins, managers and HR (403 for others). The supervisor must be an enabled supervisor or
/// manager (422); 409 when a live team of that name exists (a deleted team's name is free).
/// Triggers the audit entry and webhook event `team.create`.
#[utoipa::path(
    tag = "teams",
    operation_id = "createTeam",
    request_body = CreateTeam,
    responses(
        (status = 201, description = "Created", body = TeamOut,
            headers(("Location" = String), ("ETag" = String))),
        (status = 409, description = "A team with this name exists", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A field breaks its rules, e.g. the supervisor is not an enabled supervisor or manager", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/teams")]
async fn create_team(
    state: web::Data<AppState>,
    caller: Caller,
    ValidJson(input): ValidJson<CreateTeam>,
) -> Result<HttpResponse, ApiError> {
    caller.require(Action::TeamEdit)?;
    let ctx = Ctx::of(&caller, state.clock.now());
    let team = state.tx(move |conn| svc::create(conn, &ctx, input)).await?;
    let out = TeamOut::from(&team);
    Ok(created(
        format!("/api/v1/teams/{}", out.id),
        Some(out.version),
        &out,
    ))
}

/// Get a team.
///
/// The team with its version as `ETag`. Every staff role — all but `customer_contact` (403).
/// Read-only.
#[utoipa::path(
    tag = "teams",
    operation_id = "getTeam",
    params(("id" = String, Path, description = "Team id")),
    responses((status = 200, description = "The team", body = TeamOut,
        headers(("ETag" = String))))
)]
#[get("/teams/{id}")]
async fn get_team(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    caller.require(Action::TeamRead)?;
    let id = id.into_inner();
    let team = state.db(move |conn| svc::get(conn, &id)).await?;
    Ok(versioned(
        StatusCode::OK,
        team.version,
        &TeamOut::from(&team),
    ))
}

/// Change a team's name, supervisor or station city.
///
/// Admins, managers and HR (403 for others). Needs `If-Match`. The supervisor must be an enabled
/// supervisor or manager (422); 409 when the new name is taken. Triggers the audit entry and
/// webhook event `team.update`.
#[utoipa::path(
    tag = "teams",
    operation_id = "updateTeam",
    params(("id" = String, Path, description = "Team id"), crate::kernel::openapi::IfMatchHeader),
    request_body = UpdateTeam,
    responses(
        (status = 200, description = "Updated", body = TeamOut, headers(("ETag" = String))),
        (status = 409, description = "A team with this name exists", body = Problem, content_type = "application/problem+json"),
    )
)]
#[patch("/teams/{id}")]
async fn update_team(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    IfMatch(version): IfMatch,
    ValidJson(input): ValidJson<UpdateTeam>,
) -> Result<HttpResponse, ApiError> {
    caller.require(Action::TeamEdit)?;
    let ctx = Ctx::of(&caller, state.clock.now());
    let id = id.into_inner();
    let team = state
        .tx(move |conn| svc::update(conn, &ctx, &id, version, input))
        .await?;
    Ok(versioned(
        StatusCode::OK,
        team.version,
        &TeamOut::from(&team),
    ))
}

/// Delete a team (soft: it stays in the database, marked deleted).
///
/// Admins, managers and HR (403 for others). Needs `If-Match`. Soft delete, refused with 409 while
/// employees are still in the team. Triggers the audit entry and webhook event `team.delete`.
#[utoipa::path(
    tag = "teams",
    operation_id = "deleteTeam",
    params(("id" = String, Path, description = "Team id"), crate::kernel::openapi::IfMatchHeader),
    responses(
        (status = 200, description = "The deleted team", body = TeamOut, headers(("ETag" = String))),
        (status = 409, description = "Employees are still in the team", body = Problem, content_type = "application/problem+json"),
    )
)]
#[delete("/teams/{id}")]
async fn delete_team(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    IfMatch(version): IfMatch,
) -> Result<HttpResponse, ApiError> {
    caller.require(Action::TeamEdit)?;
    let ctx = Ctx::of(&caller, state.clock.now());
    let id = id.into_inner();
    let team = state
        .tx(move |conn| svc::delete(conn, &ctx, &id, version))
        .await?;
    Ok(versioned(
        StatusCode::OK,
        team.version,
        &TeamOut::from(&team),
    ))
}
