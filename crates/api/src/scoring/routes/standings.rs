use crate::kernel::auth::Caller;
use crate::kernel::error::{ApiError, Problem};
use crate::kernel::state::AppState;
use crate::scoring::dto::standings::{MonthStandingsOut, YearStandingsOut};
use crate::scoring::service::standings as svc;
use actix_web::{HttpResponse, get, web};
use kefu_core::FieldError;
use kefu_scoring::access::{self, Action};
use utoipa_actix_web::service_config::ServiceConfig;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(month_standings).service(year_standings);
}

/// Read a month's standings
///
/// HR-S5: the month's finalised cards ranked per position by total, with each person's run of
/// first places: months running, this one included, with the position's highest total among
/// its representatives (team leads, who supervise a team now, are ranked but left out of the
/// run: they are the ones challenged). `challenge_eligible` is true once the run reaches
/// `star-ratings.first_place_months` (3 by default) — a recommendation for a person to act
/// on, never an automatic act. Cards not yet finalised (`finaliseScorecard`) do not count.
/// The standings compare everyone's totals: admins, managers, HR and executives only (403
/// otherwise). A month that has not begun is 422 naming `month`. Read-only.
#[utoipa::path(
    tag = "scorecards",
    operation_id = "getMonthStandings",
    params(("month" = String, Path, description = "YYYY-MM", pattern = r"^[1-9][0-9]{3}-(0[1-9]|1[0-2])$")),
    responses(
        (status = 200, description = "The month's standings", body = MonthStandingsOut),
        (status = 422, description = "A month that has not begun", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/scorecard-standings/months/{month}")]
async fn month_standings(
    state: web::Data<AppState>,
    caller: Caller,
    month: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    access::require(Action::StandingsRead, &caller.actor.roles)?;
    let today = state.today();
    let month = month.into_inner();
    let out = state
        .db(move |conn| svc::month(conn, today, &month))
        .await?;
    Ok(HttpResponse::Ok().json(out))
}

/// Read a year's standings
///
/// HR-S5: each person's sum of the year's finalised card totals per position, ranked; the
/// position's best total earns `star-ratings.year_best_fen` (500 yuan by default, ties each
/// earn it) as `award_fen`. Before the year has ended (`complete: false`) these are the year
/// so far. Admins, managers, HR and executives only (403 otherwise). A year that has not
/// begun is 422 naming `year`. Read-only.
#[utoipa::path(
    tag = "scorecards",
    operation_id = "getYearStandings",
    params(("year" = String, Path, description = "YYYY", pattern = r"^[1-9][0-9]{3}$")),
    responses(
        (status = 200, description = "The year's standings", body = YearStandingsOut),
        (status = 422, description = "A year that has not begun", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/scorecard-standings/years/{year}")]
async fn year_standings(
    state: web::Data<AppState>,
    caller: Caller,
    year: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    access::require(Action::StandingsRead, &caller.actor.roles)?;
    let raw = year.into_inner();
    let year = (raw.len() == 4)
        .then(|| raw.parse::<i32>().ok())
        .flatten()
        .filter(|y| *y >= 1000)
        .ok_or_else(|| ApiError::Invalid(vec![FieldError::new("year", "format", "YYYY")]))?;
    let today = state.today();
    let out = state.db(move |conn| svc::year(conn, today, year)).await?;
    Ok(HttpResponse::Ok().json(out))
}
