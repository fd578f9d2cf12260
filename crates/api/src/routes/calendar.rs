use crate::auth::Caller;
use crate::dto::calendar::{
    CalendarDaysOut, CalendarDaysQuery, ReplaceCalendarDays, WorkingDaysAddQuery, WorkingDaysAdded,
    WorkingDaysBetween, WorkingDaysBetweenQuery,
};
use crate::error::{ApiError, Problem};
use crate::extract::{IfMatch, StrictQuery, ValidJson};
use crate::routes::versioned;
use crate::services::{Ctx, calendar as svc};
use crate::state::AppState;
use actix_web::http::StatusCode;
use actix_web::{HttpResponse, get, put, web};
use kefu_core::Role;
use utoipa_actix_web::service_config::ServiceConfig;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(list_calendar_days)
        .service(replace_calendar_days)
        .service(add_working_days)
        .service(working_days_between);
}

/// CAL-1: admins maintain the calendar; every authenticated user reads it.
const EDITORS: &[Role] = &[Role::Admin];

/// List the calendar's holidays and make-up working days in a date range.
///
/// Returns only the overridden days of `[from, to]` (at most 3660 days): a day not listed
/// follows the default week, Monday to Friday working, Saturday and Sunday not. The `ETag` is
/// the whole calendar's version, needed by `PUT /calendar/days`.
#[utoipa::path(
    tag = "calendar",
    operation_id = "listCalendarDays",
    params(CalendarDaysQuery),
    responses((status = 200, description = "The overrides in the range, in date order",
        body = CalendarDaysOut, headers(("ETag" = String)))),
    security(("bearer" = []))
)]
#[get("/calendar/days")]
async fn list_calendar_days(
    state: web::Data<AppState>,
    _caller: Caller,
    StrictQuery(query): StrictQuery<CalendarDaysQuery>,
) -> Result<HttpResponse, ApiError> {
    let out = state
        .db(move |conn| svc::list_days(conn, query.from, query.to))
        .await?;
    Ok(versioned(StatusCode::OK, out.version, &out))
}

/// Upload the holidays and make-up working days of a date range (admin).
///
/// Replaces every override within `[from, to]` (at most 400 days, e.g. a whole year) with
/// `days`, atomically: a day of the range not in `days` goes back to the default week.
/// Overrides outside the range are kept. Needs `If-Match` with the calendar's `ETag`.
#[utoipa::path(
    tag = "calendar",
    operation_id = "replaceCalendarDays",
    params(crate::openapi::IfMatchHeader),
    request_body = ReplaceCalendarDays,
    responses(
        (status = 200, description = "The range as stored now", body = CalendarDaysOut,
            headers(("ETag" = String))),
        (status = 422, description = "A reversed or too long range, a day outside the range \
            or listed twice, a note too long (see `errors`)", body = Problem,
            content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[put("/calendar/days")]
async fn replace_calendar_days(
    state: web::Data<AppState>,
    caller: Caller,
    if_match: Result<IfMatch, ApiError>,
    input: Result<ValidJson<ReplaceCalendarDays>, ApiError>,
) -> Result<HttpResponse, ApiError> {
    // The role comes first: a reader learns it may not upload, not that its upload is
    // malformed.
    caller.require_any(EDITORS)?;
    let IfMatch(version) = if_match?;
    let ValidJson(input) = input?;
    let ctx = Ctx::of(&caller, state.clock.now());
    let out = state
        .tx(move |conn| svc::replace_days(conn, &ctx, version, input))
        .await?;
    Ok(versioned(StatusCode::OK, out.version, &out))
}

/// The working day N working days after a date.
///
/// `days = 0` gives `date` itself; otherwise the `days`-th working day strictly after `date`
/// by the work calendar (CAL-1).
#[utoipa::path(
    tag = "calendar",
    operation_id = "addWorkingDays",
    params(WorkingDaysAddQuery),
    responses(
        (status = 200, description = "The resulting day", body = WorkingDaysAdded),
    ),
    security(("bearer" = []))
)]
#[get("/calendar/working-days/add")]
async fn add_working_days(
    state: web::Data<AppState>,
    _caller: Caller,
    StrictQuery(query): StrictQuery<WorkingDaysAddQuery>,
) -> Result<HttpResponse, ApiError> {
    let (date, days) = (query.date, query.days);
    let result = state
        .db(move |conn| svc::add_working_days(conn, date, days))
        .await?;
    Ok(HttpResponse::Ok().json(WorkingDaysAdded { date, days, result }))
}

/// Count the working days between two dates.
///
/// The working days in `(from, to]` by the work calendar (CAL-1): `from` itself does not
/// count, `to` does. Negative when `to` is before `from`.
#[utoipa::path(
    tag = "calendar",
    operation_id = "countWorkingDays",
    params(WorkingDaysBetweenQuery),
    responses(
        (status = 200, description = "The count", body = WorkingDaysBetween),
    ),
    security(("bearer" = []))
)]
#[get("/calendar/working-days/between")]
async fn working_days_between(
    state: web::Data<AppState>,
    _caller: Caller,
    StrictQuery(query): StrictQuery<WorkingDaysBetweenQuery>,
) -> Result<HttpResponse, ApiError> {
    let (from, to) = (query.from, query.to);
    let working_days = state
        .db(move |conn| svc::working_days_between(conn, from, to))
        .await?;
    Ok(HttpResponse::Ok().json(WorkingDaysBetween {
        from,
        to,
        working_days,
    }))
}
