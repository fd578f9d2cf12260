use crate::kernel::auth::Caller;
use crate::kernel::command::Ctx;
use crate::kernel::error::{ApiError, Problem};
use crate::kernel::export::{self, Listed};
use crate::kernel::extract::{CsvText, IfMatch, StrictQuery, ValidJson, trimmed};
use crate::kernel::page::{Page, paginate, row_key, window};
use crate::kernel::respond::{created, versioned};
use crate::kernel::state::AppState;
use crate::scoring::dto::attendance::{
    ATTENDANCE_EXPORT, AttendanceMonthOut, AttendanceOut, AttendanceQuery, ClockImportOut, ClockIn,
    ExcuseDay, MonthQuery,
};
use crate::scoring::service::attendance as svc;
use actix_web::http::StatusCode;
use actix_web::{HttpResponse, get, post, web};
use kefu_core::{FieldError, YearMonth};
use kefu_scoring::access::{self, Action};
use kefu_store::attendance::{self as store, AttendanceFilter};
use utoipa_actix_web::service_config::ServiceConfig;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(clock_in)
        .service(clock_out)
        .service(import_clock_file)
        .service(list_attendance)
        .service(attendance_month)
        .service(get_attendance)
        .service(excuse_attendance);
}

/// Clock in
///
/// HR-A1: records the caller's first clock-in of today (company time zone) at the server's
/// time, with where the phone is when it says (both coordinates or neither, 422 otherwise).
/// Any staff member, for themselves (403 for customer contacts). One clock-in a day: a second
/// is 409. Whether the day is late follows when the month is read (`getAttendanceMonth`).
/// Triggers the audit entry and webhook event `attendance.clock_in`.
#[utoipa::path(
    tag = "attendance",
    operation_id = "clockIn",
    request_body = ClockIn,
    responses(
        (status = 201, description = "Clocked in", body = AttendanceOut,
            headers(("Location" = String), ("ETag" = String))),
        (status = 409, description = "Already clocked in today", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/attendance/clock-in")]
async fn clock_in(
    state: web::Data<AppState>,
    caller: Caller,
    ValidJson(input): ValidJson<ClockIn>,
) -> Result<HttpResponse, ApiError> {
    access::require(Action::AttendanceClock, &caller.actor.roles)?;
    let ctx = Ctx::of(&caller, state.clock.now());
    let tz = state.config.timezone;
    let actor = caller.actor.clone();
    let out = state
        .tx(move |conn| svc::clock_in(conn, &ctx, &actor, tz, input))
        .await?;
    Ok(created(
        format!("/api/v1/attendance/{}", out.id),
        Some(out.version),
        &out,
    ))
}

/// Clock out
///
/// HR-A1: records the caller's clock-out today; a later one replaces it (the day's last
/// counts). Needs today's clock-in first (409 otherwise). Any staff member, for themselves.
/// Triggers the audit entry and webhook event `attendance.clock_out`.
#[utoipa::path(
    tag = "attendance",
    operation_id = "clockOut",
    responses(
        (status = 200, description = "Clocked out", body = AttendanceOut, headers(("ETag" = String))),
        (status = 409, description = "No clock-in today", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/attendance/clock-out")]
async fn clock_out(state: web::Data<AppState>, caller: Caller) -> Result<HttpResponse, ApiError> {
    access::require(Action::AttendanceClock, &caller.actor.roles)?;
    let ctx = Ctx::of(&caller, state.clock.now());
    let tz = state.config.timezone;
    let actor = caller.actor.clone();
    let out = state
        .tx(move |conn| svc::clock_out(conn, &ctx, &actor, tz))
        .await?;
    Ok(versioned(StatusCode::OK, out.version, &out))
}

/// Import the time clock's file
///
/// HR-A1: reads the attendance days a time clock exported, as CSV (`text/csv`, or the file as
/// `application/octet-stream`; UTF-8, a byte-order mark allowed; at most 10,000 data lines and
/// the body size limit). The header names the columns, in any order: `username`, `work_date` (`YYYY-MM-DD`), `clock_in` and
/// optionally `clock_out` (`HH:MM` or `HH:MM:SS`, company local time; empty when the person
/// did not clock out). Fields may be quoted as RFC 4180 says. Each line's username must be a
/// staff account and its day must have come.
///
/// A day not on record is added with source `clock`; a day on record (clocked in the app, or
/// imported before) comes to span the earliest clock-in and the latest clock-out either saw;
/// a line the record already covers changes nothing, so importing a file twice is harmless.
/// The file is taken whole or not at all: any bad line is 422 listing every bad line as
/// `lines[N].column` (N the line number, the header being line 1), `header` for missing or
/// unknown columns, and nothing is written. HR, managers and admins (403 otherwise). Triggers
/// the audit entry and webhook event `attendance.clock_import` for each day added or changed;
/// lateness is judged from the days when the month is read (`getAttendanceMonth`).
#[utoipa::path(
    tag = "attendance",
    operation_id = "importClockFile",
    request_body(
        content = String,
        content_type = "text/csv",
        description = "The clock's export: a header line, then one line per person and day.",
        example = "username,work_date,clock_in,clock_out\nwang.wei,2026-03-02,07:52,17:35\nli.na,2026-03-02,08:14,\n"
    ),
    responses(
        (status = 200, description = "What the import did", body = ClockImportOut),
        (status = 415, description = "Neither `text/csv` nor `application/octet-stream`", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/attendance/clock-imports")]
async fn import_clock_file(
    state: web::Data<AppState>,
    caller: Caller,
    CsvText(text): CsvText,
) -> Result<HttpResponse, ApiError> {
    access::require(Action::AttendanceImport, &caller.actor.roles)?;
    let ctx = Ctx::of(&caller, state.clock.now());
    let tz = state.config.timezone;
    let out = state
        .tx(move |conn| crate::scoring::service::clock_import::import(conn, &ctx, tz, &text))
        .await?;
    Ok(HttpResponse::Ok().json(out))
}

/// List or delta-sync attendance days
///
/// HR-A1: attendance days by `user_id` and date range, in id order; `updated_since`
/// delta-syncs; `/export` (CSV or XLSX) exports. Privacy: staff see their own days; a supervisor
/// also their teams' members'; admins, managers, HR and executives everyone's. Customer
/// contacts get 403. Read-only.
#[utoipa::path(
    tag = "attendance",
    operation_id = "listAttendance",
    params(AttendanceQuery),
    responses((status = 200, description = "One page of attendance days", body = Page<AttendanceOut>))
)]
#[get("/attendance")]
async fn list_attendance(
    state: web::Data<AppState>,
    caller: Caller,
    listed: Listed<AttendanceQuery>,
) -> Result<HttpResponse, ApiError> {
    let data = state.clone();
    export::respond(&data, &ATTENDANCE_EXPORT, listed, move |query| {
        attendance_page(state.clone(), caller.clone(), query)
    })
    .await
}

async fn attendance_page(
    state: web::Data<AppState>,
    caller: Caller,
    query: AttendanceQuery,
) -> Result<Page<AttendanceOut>, ApiError> {
    access::require(Action::AttendanceRead, &caller.actor.roles)?;
    let (limit, fetch, mode) = window(
        query.limit,
        query.updated_since.as_deref(),
        query.cursor.as_deref(),
    )?;
    let actor = caller.actor.clone();
    let person = trimmed(query.user_id);
    let (from, to) = (query.from, query.to);
    let (mode, rows) = state
        .db(move |conn| {
            let visible = svc::scope(conn, &actor)?;
            // One person's days, within what the caller sees (someone else's: none).
            let user_ids = match (visible, person) {
                (None, None) => None,
                (None, Some(p)) => Some(vec![p]),
                (Some(v), None) => Some(v),
                (Some(v), Some(p)) => Some(v.into_iter().filter(|u| *u == p).collect()),
            };
            let filter = AttendanceFilter { user_ids, from, to };
            Ok((mode.clone(), store::list(conn, &filter, &mode, fetch)?))
        })
        .await?;
    Ok(paginate(
        rows,
        limit,
        |r| row_key(&mode, r.updated_at, &r.id),
        |r| AttendanceOut::from(&r),
    ))
}

/// Read an attendance day
///
/// HR-A1: one attendance day, under the privacy of `listAttendance` (404 for a day the
/// caller may not see). Read-only.
#[utoipa::path(
    tag = "attendance",
    operation_id = "getAttendance",
    params(("id" = String, Path, description = "Attendance day id")),
    responses((status = 200, description = "The day", body = AttendanceOut, headers(("ETag" = String))))
)]
#[get("/attendance/{id}")]
async fn get_attendance(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    access::require(Action::AttendanceRead, &caller.actor.roles)?;
    let actor = caller.actor.clone();
    let id = id.into_inner();
    let row = state.db(move |conn| svc::get(conn, &actor, &id)).await?;
    Ok(versioned(
        StatusCode::OK,
        row.version,
        &AttendanceOut::from(&row),
    ))
}

/// Excuse a late start
///
/// HR-A1: the day counts on time whatever its clock-in: `direct_to_site` — a manager (or
/// admin) approved going straight to a site; `weather_or_traffic` — the executive (or admin)
/// excused extreme weather or traffic. Another role, or the other kind's role, gets 403 naming
/// HR-A1; a day the caller may not see is 404. Needs `If-Match`. Triggers the audit entry and
/// webhook event `attendance.excuse` and a notice to the person.
#[utoipa::path(
    tag = "attendance",
    operation_id = "excuseAttendance",
    params(("id" = String, Path, description = "Attendance day id"), crate::kernel::openapi::IfMatchHeader),
    request_body = ExcuseDay,
    responses((status = 200, description = "Excused", body = AttendanceOut, headers(("ETag" = String))))
)]
#[post("/attendance/{id}/excuse")]
async fn excuse_attendance(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    IfMatch(version): IfMatch,
    ValidJson(input): ValidJson<ExcuseDay>,
) -> Result<HttpResponse, ApiError> {
    if !access::may(Action::ExcuseDirectToSite, &caller.actor.roles)
        && !access::may(Action::ExcuseWeatherOrTraffic, &caller.actor.roles)
    {
        access::require(Action::ExcuseDirectToSite, &caller.actor.roles)?;
    }
    let ctx = Ctx::of(&caller, state.clock.now());
    let actor = caller.actor.clone();
    let id = id.into_inner();
    let out = state
        .tx(move |conn| svc::excuse(conn, &ctx, &actor, &id, version, input))
        .await?;
    Ok(versioned(StatusCode::OK, out.version, &out))
}

/// Read a month of attendance
///
/// HR-A1/HR-A2: a person's month (`user_id`, the caller's own without it) by the rules in force
/// on its first day: each working day of the work calendar on time, late, late and a half day,
/// or absent (excused days on time), the late days, the lateness fine (`lateness-fines`) and
/// the dismissal flag after consecutive months beyond the limit — a recommendation for a person
/// to act on. The current month runs up to today. Privacy as `listAttendance` (404 for someone
/// the caller may not see); a month not yet begun is 422. Read-only.
#[utoipa::path(
    tag = "attendance",
    operation_id = "getAttendanceMonth",
    params(MonthQuery),
    responses(
        (status = 200, description = "The month", body = AttendanceMonthOut),
        (status = 404, description = "A person the caller may not see", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/attendance-months")]
async fn attendance_month(
    state: web::Data<AppState>,
    caller: Caller,
    StrictQuery(query): StrictQuery<MonthQuery>,
) -> Result<HttpResponse, ApiError> {
    access::require(Action::AttendanceRead, &caller.actor.roles)?;
    let month: YearMonth = query.month.parse().map_err(|_| ApiError::BadRequest {
        detail: "month must be YYYY-MM".to_owned(),
        errors: vec![FieldError::new(
            "query.month",
            "format",
            "a month in the form YYYY-MM",
        )],
    })?;
    let tz = state.config.timezone;
    let today = state.today();
    let actor = caller.actor.clone();
    let user_id = trimmed(query.user_id);
    let out = state
        .db(move |conn| svc::month(conn, &actor, tz, today, month, user_id))
        .await?;
    Ok(HttpResponse::Ok().json(out))
}
