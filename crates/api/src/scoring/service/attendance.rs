//! HR-A1/HR-A2: clocking in and out, excusing a late start, and a person's month as the rules
//! in force read it. Privacy: one's own days; a supervisor also their teams' members'; the
//! office everyone's (`kefu_scoring::access::SEE_ALL`); anyone else's reads as 404.

use crate::calendar::service::load_work_calendar;
use crate::kernel::command::{Ctx, snapshot, written};
use crate::kernel::error::ApiError;
use crate::kernel::notify::{Notice, notify};
use crate::kernel::rules::load_in_force;
use crate::scoring::dto::attendance::{
    AttendanceMonthOut, AttendanceOut, ClockIn, Excuse, ExcuseDay,
};
use chrono::{NaiveDate, NaiveTime};
use chrono_tz::Tz;
use kefu_core::{Actor, FieldError, YearMonth};
use kefu_scoring::access::{self, Action};
use kefu_scoring::attendance::AttendanceTimes;
use kefu_scoring::fines::LatenessFines;
use kefu_scoring::lateness::{WorkingDay, summarise};
use kefu_store::attendance::{self as store, AttendanceChanges, AttendanceRow};
use kefu_store::{DbConnection, employees, from_db_time, new_id, to_db_time};

/// Whose attendance `actor` sees: the scoring domain's one privacy scope.
pub use super::privacy::scope;
use super::privacy::sees;

fn local_date(tz: Tz, ctx: &Ctx) -> NaiveDate {
    ctx.now.with_timezone(&tz).date_naive()
}

fn micro_degrees(v: Option<f64>) -> Option<i64> {
    v.map(|d| (d * 1_000_000.0).round() as i64)
}

/// HR-A1: today's clock-in for the caller, once a day (409 for a second one).
pub fn clock_in(
    conn: &mut DbConnection,
    ctx: &Ctx,
    actor: &Actor,
    tz: Tz,
    input: ClockIn,
) -> Result<AttendanceOut, ApiError> {
    if input.latitude.is_some() != input.longitude.is_some() {
        let missing = if input.latitude.is_none() {
            "latitude"
        } else {
            "longitude"
        };
        return Err(ApiError::Invalid(vec![FieldError::new(
            missing,
            "required",
            "give both coordinates or neither",
        )]));
    }
    let today = local_date(tz, ctx);
    if store::find_day(conn, &actor.user_id, today)?.is_some() {
        return Err(ApiError::Conflict(format!(
            "already clocked in on {today}; a day has one clock-in"
        )));
    }
    let now = to_db_time(ctx.now);
    let row = AttendanceRow {
        id: new_id(),
        user_id: actor.user_id.clone(),
        work_date: today,
        clock_in_at: now,
        clock_out_at: None,
        source: "app".to_owned(),
        latitude_e6: micro_degrees(input.latitude),
        longitude_e6: micro_degrees(input.longitude),
        excuse: None,
        excuse_reason: None,
        excused_by: None,
        created_at: now,
        updated_at: now,
        version: 1,
        deleted_at: None,
    };
    store::insert(conn, &row)?;
    let out = AttendanceOut::from(&row);
    ctx.audit(
        conn,
        "attendance.clock_in",
        ("attendance", &row.id),
        None,
        snapshot(&out),
    )?;
    Ok(out)
}

/// HR-A1: the caller's clock-out today; a later one replaces it (the day's last counts).
pub fn clock_out(
    conn: &mut DbConnection,
    ctx: &Ctx,
    actor: &Actor,
    tz: Tz,
) -> Result<AttendanceOut, ApiError> {
    let today = local_date(tz, ctx);
    let before = store::find_day(conn, &actor.user_id, today)?
        .ok_or_else(|| ApiError::Conflict(format!("no clock-in on {today}: clock in first")))?;
    let changes = AttendanceChanges {
        clock_out_at: Some(Some(to_db_time(ctx.now))),
        ..AttendanceChanges::default()
    };
    write(
        conn,
        ctx,
        "attendance.clock_out",
        &before,
        before.version,
        &changes,
    )
}

/// HR-A1: a manager approves a direct-to-site start, or the executive excuses weather or
/// traffic; the day then counts on time. The person is told.
pub fn excuse(
    conn: &mut DbConnection,
    ctx: &Ctx,
    actor: &Actor,
    id: &str,
    version: i64,
    input: ExcuseDay,
) -> Result<AttendanceOut, ApiError> {
    let action = match input.excuse {
        Excuse::DirectToSite => Action::ExcuseDirectToSite,
        Excuse::WeatherOrTraffic => Action::ExcuseWeatherOrTraffic,
    };
    access::require(action, &actor.roles)?;
    let before = get(conn, actor, id)?;
    let changes = AttendanceChanges {
        excuse: Some(Some(input.excuse.as_str().to_owned())),
        excuse_reason: Some(Some(input.reason)),
        excused_by: Some(Some(actor.user_id.clone())),
        ..AttendanceChanges::default()
    };
    let out = write(conn, ctx, "attendance.excuse", &before, version, &changes)?;
    let title = format!("{} 的迟到已免责", before.work_date);
    let key = format!("attendance.excused:{}@{}", out.id, out.version);
    notify(
        conn,
        ctx.now,
        &before.user_id,
        &Notice {
            kind: "attendance.excused",
            title: &title,
            body: out.excuse_reason.as_deref().unwrap_or_default(),
            entity: Some(("attendance", &out.id)),
            dedupe_key: Some(&key),
        },
    )?;
    Ok(out)
}

fn write(
    conn: &mut DbConnection,
    ctx: &Ctx,
    action: &str,
    before: &AttendanceRow,
    version: i64,
    changes: &AttendanceChanges,
) -> Result<AttendanceOut, ApiError> {
    written(store::update(conn, &before.id, version, changes, ctx.now)?)?;
    let after = store::find(conn, &before.id)?.ok_or(ApiError::NotFound)?;
    let out = AttendanceOut::from(&after);
    ctx.audit(
        conn,
        action,
        ("attendance", &after.id),
        snapshot(&AttendanceOut::from(before)),
        snapshot(&out),
    )?;
    Ok(out)
}

/// A day the caller may see, else 404.
pub fn get(conn: &mut DbConnection, actor: &Actor, id: &str) -> Result<AttendanceRow, ApiError> {
    let row = store::find(conn, id)?.ok_or(ApiError::NotFound)?;
    if row.deleted_at.is_some() || !sees(&scope(conn, actor)?, &row.user_id) {
        return Err(ApiError::NotFound);
    }
    Ok(row)
}

fn month_field(message: &str) -> ApiError {
    ApiError::Invalid(vec![FieldError::new("query.month", "range", message)])
}

/// HR-A1/HR-A2: `user_id`'s month (the caller's own without one) by the rules in force on its
/// first day. The current month runs up to today; today counts once clocked in.
pub fn month(
    conn: &mut DbConnection,
    actor: &Actor,
    tz: Tz,
    today: NaiveDate,
    month: YearMonth,
    user_id: Option<String>,
) -> Result<AttendanceMonthOut, ApiError> {
    let user_id = user_id.unwrap_or_else(|| actor.user_id.clone());
    if !sees(&scope(conn, actor)?, &user_id) {
        return Err(ApiError::NotFound);
    }
    month_of(conn, tz, today, month, user_id)
}

/// HR-A1/HR-A2: `user_id`'s month by the rules in force on its first day, whoever asks
/// (the callers check privacy).
pub fn month_of(
    conn: &mut DbConnection,
    tz: Tz,
    today: NaiveDate,
    month: YearMonth,
    user_id: String,
) -> Result<AttendanceMonthOut, ApiError> {
    let first = month
        .first_day()
        .ok_or_else(|| month_field("out of range"))?;
    if first > today {
        return Err(month_field("a month that has not begun"));
    }
    // A month before any rule version took effect has nothing to be read by.
    let unruled = |e: ApiError| match e {
        ApiError::NotFound => month_field("no attendance rules were in force then"),
        other => other,
    };
    let times = load_in_force::<AttendanceTimes>(conn, first)
        .map_err(unruled)?
        .value;
    let fines = load_in_force::<LatenessFines>(conn, first)
        .map_err(unruled)?
        .value;
    let base_salary_fen = employees::find_by_user(conn, &user_id)?.map_or(0, |e| e.base_salary_fen);
    let (through, days) = working_days(conn, tz, &user_id, month, today)?;
    let mut earlier = 0;
    let mut back = month;
    for _ in 1..fines.dismissal_after_months {
        back = back.previous();
        let (_, previous) = working_days(conn, tz, &user_id, back, today)?;
        let late = summarise(&times, &fines, &previous, base_salary_fen, 0).late_days;
        if !fines.beyond_limit(late) {
            break;
        }
        earlier += 1;
    }
    Ok(AttendanceMonthOut {
        user_id,
        month: month.to_string(),
        through,
        base_salary_fen,
        summary: summarise(&times, &fines, &days, base_salary_fen, earlier),
    })
}

/// The month's working days up to today (today only with a clock-in), with the person's
/// clock-ins in local time.
fn working_days(
    conn: &mut DbConnection,
    tz: Tz,
    user_id: &str,
    month: YearMonth,
    today: NaiveDate,
) -> Result<(NaiveDate, Vec<WorkingDay>), ApiError> {
    let first = month
        .first_day()
        .ok_or_else(|| month_field("out of range"))?;
    let last = month
        .next()
        .first_day()
        .and_then(|d| d.pred_opt())
        .ok_or_else(|| month_field("out of range"))?;
    let through = last.min(today);
    let calendar = load_work_calendar(conn, first, through)?;
    let records = store::days_between(conn, user_id, first, through)?;
    // HR-A3: approved leave days are neither late nor absent.
    let leave = crate::scoring::service::leave::approved_days(conn, user_id, first, through)?;
    let clock_in =
        |r: &AttendanceRow| -> NaiveTime { from_db_time(r.clock_in_at).with_timezone(&tz).time() };
    let days = first
        .iter_days()
        .take_while(|d| *d <= through)
        .filter(|d| calendar.is_working_day(*d))
        .filter_map(|date| {
            let record = records.iter().find(|r| r.work_date == date);
            if date == today && record.is_none() {
                return None;
            }
            Some(WorkingDay {
                date,
                clock_in: record.map(clock_in),
                excused: record.is_some_and(|r| r.excuse.is_some()),
                on_leave: leave.contains(&date),
            })
        })
        .collect();
    Ok((through, days))
}
