//! CAL-1: official holiday schedules. The State Council publishes each year's holidays and
//! make-up working days (调休) every November; the ones known when a build was made ship with
//! it (`official/*.json`) and are loaded into a database that has no days for their year.
//! Later years are imported from a small JSON or CSV file (CLI or API). From December on, a
//! missing schedule for the next year is a readiness warning and a notice to the admins.

use crate::calendar::dto::{CalendarDayIn, ReplaceCalendarDays, ScheduleOut, YearSchedule};
use crate::calendar::service::{ENTITY, prepare_replace};
use crate::kernel::command::{Ctx, snapshot, written};
use crate::kernel::error::ApiError;
use chrono::{Datelike, NaiveDate};
use kefu_core::{DayKind, FieldError};
use kefu_store::calendar::{self, ScheduleRow};
use kefu_store::{DbConnection, from_db_time, to_db_time};

/// The schedules shipped with this build, as published.
const SHIPPED: &[&str] = &[include_str!("official/2026.json")];

/// The shipped schedules, parsed. A malformed one is a build defect, caught by a unit test.
pub fn shipped() -> Result<Vec<YearSchedule>, ApiError> {
    SHIPPED
        .iter()
        .map(|text| {
            serde_json::from_str(text)
                .map_err(|e| ApiError::internal(format!("shipped holiday schedule: {e}")))
        })
        .collect()
}

fn year_range(year: i32) -> Result<(NaiveDate, NaiveDate), ApiError> {
    match (
        NaiveDate::from_ymd_opt(year, 1, 1),
        NaiveDate::from_ymd_opt(year, 12, 31),
    ) {
        (Some(first), Some(last)) if (1900..=2999).contains(&year) => Ok((first, last)),
        _ => Err(ApiError::Invalid(vec![FieldError::new(
            "year",
            "range",
            "must be between 1900 and 2999",
        )])),
    }
}

/// Replaces every holiday and make-up day of `schedule.year` with the schedule's, records
/// where it came from, and audits `calendar.import` — if the calendar is at
/// `expected_version` (the CLI and the shipped schedules pass the current one).
pub fn import(
    conn: &mut DbConnection,
    ctx: &Ctx,
    expected_version: i64,
    schedule: YearSchedule,
) -> Result<ScheduleOut, ApiError> {
    let (from, to) = year_range(schedule.year)?;
    let source = schedule.source.trim().to_owned();
    let mut errors = Vec::new();
    if source.is_empty() || source.chars().count() > 200 {
        errors.push(FieldError::new(
            "source",
            "length",
            "1 to 200 characters: the notice the schedule comes from",
        ));
    }
    let days = match prepare_replace(&ReplaceCalendarDays {
        from,
        to,
        days: schedule.days,
    }) {
        Ok(days) if errors.is_empty() => days,
        Ok(_) => return Err(ApiError::Invalid(errors)),
        Err(ApiError::Invalid(mut more)) => {
            errors.append(&mut more);
            return Err(ApiError::Invalid(errors));
        }
        Err(other) => return Err(other),
    };
    let before = crate::calendar::service::list_days(conn, from, to)?;
    written(calendar::replace_range(
        conn,
        from,
        to,
        expected_version,
        &days,
        ctx.now,
    )?)?;
    let row = ScheduleRow {
        year: schedule.year,
        source,
        day_count: i32::try_from(days.len()).unwrap_or(i32::MAX),
        imported_at: to_db_time(ctx.now),
        imported_by: ctx.actor_id.clone(),
    };
    calendar::record_schedule(conn, &row)?;
    let after = crate::calendar::service::list_days(conn, from, to)?;
    ctx.audit(
        conn,
        "calendar.import",
        ENTITY,
        snapshot(&before),
        snapshot(&after),
    )?;
    Ok(ScheduleOut::from(row))
}

/// Loads each shipped schedule whose year has no days yet (neither a schedule nor a day
/// entered by hand: an administrator's own entries are never overwritten). Returns the years
/// loaded.
pub fn load_shipped(conn: &mut DbConnection, ctx: &Ctx) -> Result<Vec<i32>, ApiError> {
    let mut loaded = Vec::new();
    for schedule in shipped()? {
        if calendar::year_is_covered(conn, schedule.year)? {
            continue;
        }
        let version = calendar::meta(conn)?.version;
        let year = schedule.year;
        import(conn, ctx, version, schedule)?;
        loaded.push(year);
    }
    Ok(loaded)
}

/// Every loaded schedule.
pub fn list(conn: &mut DbConnection) -> Result<Vec<ScheduleOut>, ApiError> {
    Ok(calendar::schedules(conn)?
        .into_iter()
        .map(ScheduleOut::from)
        .collect())
}

/// The year whose schedule is missing although it is due: the next one, from December on.
pub fn missing_next_year(
    conn: &mut DbConnection,
    today: NaiveDate,
) -> Result<Option<i32>, ApiError> {
    if today.month() < 12 {
        return Ok(None);
    }
    let next = today.year() + 1;
    Ok((!calendar::year_is_covered(conn, next)?).then_some(next))
}

/// A schedule file: JSON as the API takes it (`{"year", "source", "days": [...]}`), or CSV
/// with the header `day,kind,note` (the year and source then come from the arguments; the
/// year defaults to that of the first day).
pub fn parse_file(
    text: &str,
    csv: bool,
    year: Option<i32>,
    source: Option<String>,
) -> Result<YearSchedule, String> {
    if !csv {
        let mut schedule: YearSchedule =
            serde_json::from_str(text).map_err(|e| format!("not a schedule: {e}"))?;
        if let Some(source) = source {
            schedule.source = source;
        }
        return match year {
            Some(y) if y != schedule.year => Err(format!(
                "the file is the schedule of {}, not {y}",
                schedule.year
            )),
            _ => Ok(schedule),
        };
    }
    let mut lines = text.lines().filter(|l| !l.trim().is_empty());
    let header = lines
        .next()
        .unwrap_or_default()
        .trim()
        .trim_start_matches('\u{feff}');
    if header != "day,kind,note" && header != "day,kind" {
        return Err(format!(
            "the first line must be `day,kind,note`, not `{header}`"
        ));
    }
    let mut days = Vec::new();
    for (n, line) in lines.enumerate() {
        let mut cells = line.splitn(3, ',').map(str::trim);
        let (day, kind) = (cells.next().unwrap_or(""), cells.next().unwrap_or(""));
        let note = cells.next().filter(|n| !n.is_empty()).map(str::to_owned);
        let day = NaiveDate::parse_from_str(day, "%Y-%m-%d")
            .map_err(|_| format!("line {}: `{day}` is not a date YYYY-MM-DD", n + 2))?;
        let kind = kind
            .parse::<DayKind>()
            .map_err(|_| format!("line {}: kind must be holiday or workday", n + 2))?;
        days.push(CalendarDayIn { day, kind, note });
    }
    let year = year
        .or_else(|| days.first().map(|d| d.day.year()))
        .ok_or("the file lists no day; give --year")?;
    Ok(YearSchedule {
        year,
        source: source.unwrap_or_else(|| format!("imported {year} schedule")),
        days,
    })
}

impl From<ScheduleRow> for ScheduleOut {
    fn from(row: ScheduleRow) -> Self {
        ScheduleOut {
            year: row.year,
            source: row.source,
            day_count: row.day_count,
            imported_at: from_db_time(row.imported_at),
            imported_by: row.imported_by,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use kefu_core::WorkCalendar;

    fn official_2026() -> WorkCalendar {
        let schedule = shipped().unwrap().remove(0);
        WorkCalendar::default().with_overrides(schedule.days.iter().map(|d| (d.day, d.kind)))
    }

    fn date(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn cal_1_the_shipped_2026_schedule_is_the_state_councils() {
        let schedule = shipped().unwrap().remove(0);
        assert_eq!(schedule.year, 2026);
        let holidays = schedule
            .days
            .iter()
            .filter(|d| d.kind == DayKind::Holiday)
            .count();
        // Jan 1–3, Feb 15–23, Apr 4–6, May 1–5, Jun 19–21, Sep 25–27, Oct 1–7.
        assert_eq!(holidays, 3 + 9 + 3 + 5 + 3 + 3 + 7);
        let workdays: Vec<String> = schedule
            .days
            .iter()
            .filter(|d| d.kind == DayKind::Workday)
            .map(|d| d.day.to_string())
            .collect();
        assert_eq!(
            workdays,
            [
                "2026-01-04",
                "2026-02-14",
                "2026-02-28",
                "2026-05-09",
                "2026-09-20",
                "2026-10-10"
            ]
        );
        let calendar = official_2026();
        assert_eq!(
            calendar.add_working_days(date("2026-04-30"), 1).unwrap(),
            date("2026-05-06")
        );
        assert!(calendar.is_working_day(date("2026-05-09")));
        assert!(
            !calendar.is_working_day(date("2026-02-23")),
            "a Monday of the Spring Festival"
        );
        assert!(
            calendar.is_working_day(date("2026-10-08")),
            "the Thursday after National Day"
        );
    }

    #[test]
    fn cal_1_a_csv_schedule_reads_like_the_json_one() {
        let csv = "day,kind,note\n2027-01-01,holiday,元旦\n2027-02-20,workday,\n";
        let schedule = parse_file(csv, true, None, Some("通知".into())).unwrap();
        assert_eq!(schedule.year, 2027);
        assert_eq!(schedule.days.len(), 2);
        assert_eq!(schedule.days[1].note, None);
        assert!(parse_file("date,type\n", true, None, None).is_err());
        let wrong = parse_file("day,kind\n2027-01-01,rest\n", true, None, None).unwrap_err();
        assert!(wrong.contains("line 2"), "{wrong}");
    }
}
