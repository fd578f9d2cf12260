use crate::calendar::dto::{
    CalendarDaysOut, CalendarDaysQuery, ImportSchedule, ReplaceCalendarDays, ScheduleOut,
    SchedulesOut, WorkingDaysAddQuery, WorkingDaysAdded, WorkingDaysBetween,
    WorkingDaysBetweenQuery, WorkingTimeAddQuery, WorkingTimeAdded, WorkingTimeBetween,
    WorkingTimeBetweenQuery, YearSchedule,
};
use crate::calendar::schedules;
use crate::calendar::service as svc;
use crate::kernel::access::Action;
use crate::kernel::auth::Caller;
use crate::kernel::command::Ctx;
use crate::kernel::error::{ApiError, Problem};
use crate::kernel::extract::{IfMatch, StrictQuery, ValidJson};
use crate::kernel::respond::versioned;
use crate::kernel::state::AppState;
use actix_web::http::StatusCode;
use actix_web::{HttpResponse, get, put, web};
use chrono::{DateTime, FixedOffset, NaiveDateTime, Offset, TimeZone};
use utoipa_actix_web::service_config::ServiceConfig;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(list_calendar_days)
        .service(replace_calendar_days)
        .service(add_working_days)
        .service(working_days_between)
        .service(add_working_time)
        .service(working_time_between)
        .service(list_schedules)
        .service(import_schedule);
}

/// List the calendar's holidays and make-up working days in a date range.
///
/// Returns only the overridden days of `[from, to]` (at most 3660 days): a day not listed follows
/// the default week, the working weekdays of the `work-hours` rule set in force (Monday to Friday
/// unless changed). The `ETag` is the whole calendar's version, needed by `PUT /calendar/days`.
///
/// Any signed-in user (CAL-1). Read-only.
#[utoipa::path(
    tag = "calendar",
    operation_id = "listCalendarDays",
    params(CalendarDaysQuery),
    responses((status = 200, description = "The overrides in the range, in date order",
        body = CalendarDaysOut, headers(("ETag" = String))))
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
/// Replaces every override within `[from, to]` (at most 400 days, e.g. a whole year) with `days`,
/// atomically: a day of the range not in `days` goes back to the default week. Overrides outside
/// the range are kept.
///
/// Admins only (CAL-1; 403 for others). Needs `If-Match` with the calendar's `ETag` from `GET
/// /calendar/days`. Triggers the audit entry `calendar.replace`.
#[utoipa::path(
    tag = "calendar",
    operation_id = "replaceCalendarDays",
    params(crate::kernel::openapi::IfMatchHeader),
    request_body = ReplaceCalendarDays,
    responses(
        (status = 200, description = "The range as stored now", body = CalendarDaysOut,
            headers(("ETag" = String))),
        (status = 422, description = "A reversed or too long range, a day outside the range \
            or listed twice, a note too long (see `errors`)", body = Problem,
            content_type = "application/problem+json"),
    )
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
    caller.require(Action::CalendarEdit)?;
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
/// `days = 0` gives `date` itself; otherwise the `days`-th working day strictly after `date` by the
/// work calendar (CAL-1). Any signed-in user. Read-only.
#[utoipa::path(
    tag = "calendar",
    operation_id = "addWorkingDays",
    params(WorkingDaysAddQuery),
    responses(
        (status = 200, description = "The resulting day", body = WorkingDaysAdded),
    )
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
/// The working days in `(from, to]` by the work calendar (CAL-1): `from` itself does not count,
/// `to` does. Negative when `to` is before `from`. Any signed-in user. Read-only.
#[utoipa::path(
    tag = "calendar",
    operation_id = "countWorkingDays",
    params(WorkingDaysBetweenQuery),
    responses(
        (status = 200, description = "The count", body = WorkingDaysBetween),
    )
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

/// An instant as the company's local time, the time working periods are reckoned in.
fn local(state: &AppState, t: DateTime<FixedOffset>) -> NaiveDateTime {
    t.with_timezone(&state.config.timezone).naive_local()
}

/// A company-local time as an instant with its offset. A local time skipped by a daylight-
/// saving change is taken an hour later; a repeated one at its first occurrence. RFC 3339
/// offsets have whole minutes: an older local mean time (Shanghai's +08:05:43 before 1901) is
/// written with the offset cut to the minute and the clock time moved with it, so the instant
/// stays exact.
fn instant(state: &AppState, t: NaiveDateTime) -> Result<DateTime<FixedOffset>, ApiError> {
    let tz = state.config.timezone;
    let zoned = tz
        .from_local_datetime(&t)
        .earliest()
        .or_else(|| {
            tz.from_local_datetime(&(t + chrono::Duration::hours(1)))
                .earliest()
        })
        .ok_or_else(|| ApiError::internal(format!("no instant for local time {t}")))?;
    let seconds = zoned.offset().fix().local_minus_utc();
    let offset = FixedOffset::east_opt(seconds - seconds % 60)
        .ok_or_else(|| ApiError::internal(format!("offset of {seconds} s")))?;
    Ok(zoned.with_timezone(&offset))
}

/// The instant N working minutes after an instant.
///
/// Working time counts only inside the working periods of working days (CAL-1: the `work-hours`
/// rule set in force on the starting day, with the calendar's holidays and make-up working days).
/// `minutes = 0` gives `from` itself. The answer is in the company time zone. Any signed-in user.
/// Read-only.
#[utoipa::path(
    tag = "calendar",
    operation_id = "addWorkingTime",
    params(WorkingTimeAddQuery),
    responses(
        (status = 200, description = "The resulting instant", body = WorkingTimeAdded),
    )
)]
#[get("/calendar/working-time/add")]
async fn add_working_time(
    state: web::Data<AppState>,
    _caller: Caller,
    StrictQuery(query): StrictQuery<WorkingTimeAddQuery>,
) -> Result<HttpResponse, ApiError> {
    let (from, minutes) = (local(&state, query.from), query.minutes);
    let result = state
        .db(move |conn| svc::add_working_minutes(conn, from, minutes))
        .await?;
    Ok(HttpResponse::Ok().json(WorkingTimeAdded {
        from: instant(&state, from)?,
        minutes,
        result: instant(&state, result)?,
    }))
}

/// Count the working minutes between two instants.
///
/// The working time in `[from, to)` by the work calendar (CAL-1), in whole minutes. Negative when
/// `to` is before `from`. Any signed-in user. Read-only.
#[utoipa::path(
    tag = "calendar",
    operation_id = "countWorkingTime",
    params(WorkingTimeBetweenQuery),
    responses(
        (status = 200, description = "The count", body = WorkingTimeBetween),
    )
)]
#[get("/calendar/working-time/between")]
async fn working_time_between(
    state: web::Data<AppState>,
    _caller: Caller,
    StrictQuery(query): StrictQuery<WorkingTimeBetweenQuery>,
) -> Result<HttpResponse, ApiError> {
    let (from, to) = (local(&state, query.from), local(&state, query.to));
    let working_minutes = state
        .db(move |conn| svc::working_minutes_between(conn, from, to))
        .await?;
    Ok(HttpResponse::Ok().json(WorkingTimeBetween {
        from: instant(&state, from)?,
        to: instant(&state, to)?,
        working_minutes,
    }))
}

/// The official holiday schedules loaded into the calendar.
///
/// One entry per year whose holidays and make-up working days were loaded as a whole: shipped
/// with the product (`imported_by` null; 2026, the State Council's notice of 2025-11-04) or
/// imported since. A year may also have days entered by hand with `PUT /calendar/days`. Any
/// signed-in user (CAL-1). Read-only.
#[utoipa::path(
    tag = "calendar",
    operation_id = "listCalendarSchedules",
    responses((status = 200, description = "The loaded schedules, by year", body = SchedulesOut))
)]
#[get("/calendar/schedules")]
async fn list_schedules(
    state: web::Data<AppState>,
    _caller: Caller,
) -> Result<HttpResponse, ApiError> {
    let items = state.db(schedules::list).await?;
    Ok(HttpResponse::Ok().json(SchedulesOut { items }))
}

/// Import a year's official holiday schedule (admin).
///
/// Replaces every holiday and make-up working day of `year` (1 January to 31 December) with
/// `days`, atomically, and records `source` as where they come from; days of other years are
/// kept. The same as `kefu import-calendar FILE` (JSON like this body with `year`, or CSV
/// `day,kind,note`). Every working-day computation over that year uses them from then on;
/// deadlines already computed keep their dates.
///
/// Admins only (CAL-1; 403 for others). Needs `If-Match` with the calendar's `ETag` from
/// `GET /calendar/days`. Triggers the audit entry `calendar.import`; from December on, a
/// missing schedule for the next year is a warning in `/readyz` and a notice
/// (`calendar.schedule_missing`) to every administrator.
#[utoipa::path(
    tag = "calendar",
    operation_id = "importCalendarSchedule",
    params(
        ("year" = i32, Path, minimum = 1900, maximum = 2999, description = "The year the schedule is for"),
        crate::kernel::openapi::IfMatchHeader,
    ),
    request_body = ImportSchedule,
    responses(
        (status = 200, description = "The schedule as recorded; the calendar's new version is the `ETag`",
            body = ScheduleOut, headers(("ETag" = String))),
        (status = 422, description = "A day outside the year or listed twice, a note or source \
            too long (see `errors`)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[put("/calendar/schedules/{year}")]
async fn import_schedule(
    state: web::Data<AppState>,
    caller: Caller,
    year: web::Path<String>,
    if_match: Result<IfMatch, ApiError>,
    input: Result<ValidJson<ImportSchedule>, ApiError>,
) -> Result<HttpResponse, ApiError> {
    caller.require(Action::CalendarEdit)?;
    // Parsed here, not by the extractor, so that a year that is no number is a problem+json
    // 404 like any unknown path, after the role check.
    let year: i32 = year.parse().map_err(|_| ApiError::NotFound)?;
    let IfMatch(version) = if_match?;
    let ValidJson(input) = input?;
    let schedule = YearSchedule {
        year,
        source: input.source,
        days: input.days,
    };
    let ctx = Ctx::of(&caller, state.clock.now());
    let (out, version) = state
        .tx(move |conn| {
            let out = schedules::import(conn, &ctx, version, schedule)?;
            Ok((out, kefu_store::calendar::meta(conn)?.version))
        })
        .await?;
    Ok(versioned(StatusCode::OK, version, &out))
}
