//! CAL-1: the company work calendar. Admins upload holidays and make-up working days per
//! date range and set the working week and periods as the `work-hours` rule set; every
//! "N working days" rule loads a [`WorkCalendar`] through [`load_work_calendar`] or
//! [`load_work_calendar_from`].

use crate::calendar::dto::{CalendarDayOut, CalendarDaysOut, ReplaceCalendarDays};
use crate::kernel::command::{Ctx, snapshot};
use crate::kernel::error::ApiError;
use chrono::{NaiveDate, NaiveDateTime};
use kefu_core::rules::{RuleSet, in_force};
use kefu_core::{CalendarError, FieldError, WorkCalendar, WorkHours};
use kefu_store::calendar::{self, CalendarDay, NewCalendarDay};
use kefu_store::{DbConnection, from_db_time};
use std::collections::HashMap;

/// An upload covers at most this many days (a leap year and some margin).
pub const MAX_UPLOAD_DAYS: i64 = 400;
/// A read covers at most this many days (ten years).
pub const MAX_READ_DAYS: i64 = 3660;
/// `add_working_days` adds at most this many working days.
pub const MAX_ADD_DAYS: u32 = 3660;
/// `add_working_minutes` adds at most this many working minutes (about eight years of
/// 8.5-hour working days).
pub const MAX_ADD_MINUTES: u32 = 1_000_000;
pub const MAX_NOTE_CHARS: usize = 200;

/// Dates the calendar accepts: four-digit years keep the stored `YYYY-MM-DD` text in date
/// order, and results of additions stay representable.
fn date_bounds() -> (NaiveDate, NaiveDate) {
    (
        NaiveDate::from_ymd_opt(1900, 1, 1).unwrap_or(NaiveDate::MIN),
        NaiveDate::from_ymd_opt(2999, 12, 31).unwrap_or(NaiveDate::MAX),
    )
}

/// The audit entity of the calendar: there is one, the company's.
pub(crate) const ENTITY: (&str, &str) = ("calendar", "company");

/// Field errors of a date that lies outside [`date_bounds`].
pub fn check_date(field: &str, date: NaiveDate, errors: &mut Vec<FieldError>) {
    let (min, max) = date_bounds();
    if date < min || date > max {
        errors.push(FieldError::new(
            field,
            "range",
            format!("must lie between {min} and {max}"),
        ));
    }
}

/// Field errors of a range `[from, to]` that is reversed or longer than `max_days`.
pub fn check_range(
    (from_field, from): (&str, NaiveDate),
    (to_field, to): (&str, NaiveDate),
    max_days: i64,
) -> Vec<FieldError> {
    let mut errors = Vec::new();
    check_date(from_field, from, &mut errors);
    check_date(to_field, to, &mut errors);
    if to < from {
        errors.push(FieldError::new(
            to_field,
            "range",
            format!("must not be before {from_field}"),
        ));
    } else if (to - from).num_days() + 1 > max_days {
        errors.push(FieldError::new(
            to_field,
            "range",
            format!("the range may cover at most {max_days} days"),
        ));
    }
    errors
}

fn invalid_unless_empty(errors: Vec<FieldError>) -> Result<(), ApiError> {
    if errors.is_empty() {
        Ok(())
    } else {
        Err(ApiError::Invalid(errors))
    }
}

/// The working week and periods in force on `day`. Before the first version (the seed is
/// dated 2000-01-01, the calendar reaches back to 1900) the first version applies.
fn work_hours_on(conn: &mut DbConnection, day: NaiveDate) -> Result<WorkHours, ApiError> {
    let record = kefu_store::rules::find(conn, WorkHours::KEY)?
        .ok_or_else(|| ApiError::internal("rule set work-hours was never seeded"))?;
    let versions = crate::kernel::rules::typed_versions::<WorkHours>(&record)?;
    in_force(&versions, day)
        .or_else(|| versions.iter().min_by_key(|v| v.effective_from))
        .map(|v| v.value.clone())
        .ok_or_else(|| ApiError::internal("rule set work-hours has no version"))
}

/// A computation starting on `start` uses the week in force that day: a change of the working
/// week or periods applies to computations that start on or after its effective date.
fn calendar_of(
    conn: &mut DbConnection,
    start: NaiveDate,
    days: &[CalendarDay],
) -> Result<WorkCalendar, ApiError> {
    let week = work_hours_on(conn, start)?
        .calendar()
        .map_err(|e| ApiError::internal(format!("stored rule work-hours is invalid: {e}")))?;
    Ok(week.with_overrides(days.iter().map(|d| (d.day, d.kind))))
}

/// CAL-1: the work calendar with the overrides stored for `[from, to]`. Its answers are exact
/// for dates within that range; use it when the computation's window is known (counting the
/// working days between two dates, checking whether a day is a working day).
pub fn load_work_calendar(
    conn: &mut DbConnection,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<WorkCalendar, ApiError> {
    let days = calendar::list(conn, from, Some(to))?;
    calendar_of(conn, from, &days)
}

/// CAL-1: the work calendar with every override stored from `from` on: for computations
/// whose end is not known in advance (deadlines "N working days/hours after D").
pub fn load_work_calendar_from(
    conn: &mut DbConnection,
    from: NaiveDate,
) -> Result<WorkCalendar, ApiError> {
    let days = calendar::list(conn, from, None)?;
    calendar_of(conn, from, &days)
}

/// A calendar computation without an answer is a CAL-1 rule violation (422).
pub fn rule_error(e: CalendarError) -> ApiError {
    ApiError::Rule {
        rule: "CAL-1",
        message: e.to_string(),
    }
}

/// The overrides in `[from, to]` with the calendar's version.
pub fn list_days(
    conn: &mut DbConnection,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<CalendarDaysOut, ApiError> {
    invalid_unless_empty(check_range(
        ("query.from", from),
        ("query.to", to),
        MAX_READ_DAYS,
    ))?;
    // The version is read before the days: if an upload commits in between, the client holds
    // an older version than the data it saw and its next upload is refused (412), rather than
    // a newer version that would let it overwrite changes it never saw.
    let meta = calendar::meta(conn)?;
    let days = calendar::list(conn, from, Some(to))?;
    Ok(CalendarDaysOut {
        from,
        to,
        version: meta.version,
        updated_at: meta.updated_at.map(from_db_time),
        days: days.iter().map(CalendarDayOut::from).collect(),
    })
}

/// Checks an upload field by field: the range, every day inside it and listed once, notes
/// within their length. Empty notes are dropped.
pub fn prepare_replace(input: &ReplaceCalendarDays) -> Result<Vec<NewCalendarDay>, ApiError> {
    let mut errors = check_range(("from", input.from), ("to", input.to), MAX_UPLOAD_DAYS);
    if input.days.len() > MAX_UPLOAD_DAYS as usize {
        errors.push(FieldError::new(
            "days",
            "length",
            format!("at most {MAX_UPLOAD_DAYS} days per upload"),
        ));
    }
    let mut seen: HashMap<NaiveDate, usize> = HashMap::new();
    let mut days = Vec::with_capacity(input.days.len());
    for (i, day) in input.days.iter().enumerate() {
        if day.day < input.from || day.day > input.to {
            errors.push(FieldError::new(
                format!("days[{i}].day"),
                "range",
                format!(
                    "{} lies outside the uploaded range {}..{}",
                    day.day, input.from, input.to
                ),
            ));
        }
        if let Some(first) = seen.insert(day.day, i) {
            errors.push(FieldError::new(
                format!("days[{i}].day"),
                "duplicate",
                format!("{} is already listed at days[{first}]", day.day),
            ));
        }
        let note = day.note.clone().filter(|n| !n.is_empty());
        if note
            .as_ref()
            .is_some_and(|n| n.chars().count() > MAX_NOTE_CHARS)
        {
            errors.push(FieldError::new(
                format!("days[{i}].note"),
                "length",
                format!("at most {MAX_NOTE_CHARS} characters"),
            ));
        }
        days.push(NewCalendarDay {
            day: day.day,
            kind: day.kind,
            note,
        });
    }
    invalid_unless_empty(errors)?;
    days.sort_by_key(|d| d.day);
    Ok(days)
}

/// Replaces the overrides of `[from, to]` atomically if the calendar is at
/// `expected_version`, with one `calendar.replace` audit entry holding both lists.
pub fn replace_days(
    conn: &mut DbConnection,
    ctx: &Ctx,
    expected_version: i64,
    input: ReplaceCalendarDays,
) -> Result<CalendarDaysOut, ApiError> {
    let days = prepare_replace(&input)?;
    let before = list_days(conn, input.from, input.to)?;
    crate::kernel::command::written(calendar::replace_range(
        conn,
        input.from,
        input.to,
        expected_version,
        &days,
        ctx.now,
    )?)?;
    let after = list_days(conn, input.from, input.to)?;
    ctx.audit(
        conn,
        "calendar.replace",
        ENTITY,
        snapshot(&before),
        snapshot(&after),
    )?;
    Ok(after)
}

/// The `days`-th working day after `date`.
pub fn add_working_days(
    conn: &mut DbConnection,
    date: NaiveDate,
    days: u32,
) -> Result<NaiveDate, ApiError> {
    let mut errors = Vec::new();
    check_date("query.date", date, &mut errors);
    if days > MAX_ADD_DAYS {
        errors.push(FieldError::new(
            "query.days",
            "range",
            format!("must be between 0 and {MAX_ADD_DAYS}"),
        ));
    }
    invalid_unless_empty(errors)?;
    load_work_calendar_from(conn, date)?
        .add_working_days(date, days)
        .map_err(rule_error)
}

/// Working days in `(from, to]`, negative when `to` is before `from`.
pub fn working_days_between(
    conn: &mut DbConnection,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<i64, ApiError> {
    let mut errors = Vec::new();
    check_date("query.from", from, &mut errors);
    check_date("query.to", to, &mut errors);
    invalid_unless_empty(errors)?;
    let (lo, hi) = if from <= to { (from, to) } else { (to, from) };
    Ok(load_work_calendar(conn, lo, hi)?.working_days_between(from, to))
}

/// The local instant `minutes` working minutes after `from` (local, company time zone).
pub fn add_working_minutes(
    conn: &mut DbConnection,
    from: NaiveDateTime,
    minutes: u32,
) -> Result<NaiveDateTime, ApiError> {
    let mut errors = Vec::new();
    check_date("query.from", from.date(), &mut errors);
    if minutes > MAX_ADD_MINUTES {
        errors.push(FieldError::new(
            "query.minutes",
            "range",
            format!("must be between 0 and {MAX_ADD_MINUTES}"),
        ));
    }
    invalid_unless_empty(errors)?;
    load_work_calendar_from(conn, from.date())?
        .add_working_minutes(from, minutes)
        .map_err(rule_error)
}

/// Working minutes in `[from, to)` (local times), negative when `to` is before `from`.
pub fn working_minutes_between(
    conn: &mut DbConnection,
    from: NaiveDateTime,
    to: NaiveDateTime,
) -> Result<i64, ApiError> {
    let mut errors = Vec::new();
    check_date("query.from", from.date(), &mut errors);
    check_date("query.to", to.date(), &mut errors);
    invalid_unless_empty(errors)?;
    let (lo, hi) = if from <= to { (from, to) } else { (to, from) };
    Ok(load_work_calendar(conn, lo.date(), hi.date())?.working_minutes_between(from, to))
}

/// CAL-1: the work calendar in force on `day` with every holiday and make-up day from `day`
/// on — for working-time deadlines that start then (TKT-2 SLA due instants).
pub fn working_time_calendar(
    conn: &mut DbConnection,
    day: NaiveDate,
) -> Result<WorkCalendar, ApiError> {
    load_work_calendar_from(conn, day)
}
