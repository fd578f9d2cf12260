//! The CAL-1 work calendar: per-date overrides and the calendar's version.

use crate::schema::{calendar_days, calendar_meta, calendar_schedules};
use crate::users::VersionedWrite;
use crate::{DbConnection, StoreError, to_db_time};
use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use diesel::prelude::*;
use kefu_core::DayKind;

/// How days are written in `calendar_days.day`: sorts as text in date order.
const DAY_FORMAT: &str = "%Y-%m-%d";

pub fn day_key(day: NaiveDate) -> String {
    day.format(DAY_FORMAT).to_string()
}

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable)]
#[diesel(table_name = calendar_days)]
pub struct CalendarDayRow {
    pub day: String,
    pub kind: String,
    pub note: Option<String>,
    pub updated_at: NaiveDateTime,
}

/// One override, read back and parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CalendarDay {
    pub day: NaiveDate,
    pub kind: DayKind,
    pub note: Option<String>,
    pub updated_at: NaiveDateTime,
}

impl TryFrom<CalendarDayRow> for CalendarDay {
    type Error = StoreError;

    fn try_from(row: CalendarDayRow) -> Result<Self, StoreError> {
        let day = NaiveDate::parse_from_str(&row.day, DAY_FORMAT)
            .map_err(|e| StoreError::Corrupt(format!("calendar day `{}`: {e}", row.day)))?;
        let kind = row
            .kind
            .parse::<DayKind>()
            .map_err(|e| StoreError::Corrupt(e.to_string()))?;
        Ok(CalendarDay {
            day,
            kind,
            note: row.note,
            updated_at: row.updated_at,
        })
    }
}

/// The calendar's version and when it last changed (`None`: never).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CalendarMeta {
    pub version: i64,
    pub updated_at: Option<NaiveDateTime>,
}

pub fn meta(conn: &mut DbConnection) -> Result<CalendarMeta, StoreError> {
    let (version, updated_at) = calendar_meta::table
        .find(1)
        .select((calendar_meta::version, calendar_meta::updated_at))
        .first(conn)?;
    Ok(CalendarMeta {
        version,
        updated_at,
    })
}

/// The overrides from `from` on, up to `to` when given (both inclusive), in date order.
pub fn list(
    conn: &mut DbConnection,
    from: NaiveDate,
    to: Option<NaiveDate>,
) -> Result<Vec<CalendarDay>, StoreError> {
    let mut query = calendar_days::table
        .select(CalendarDayRow::as_select())
        .filter(calendar_days::day.ge(day_key(from)))
        .into_boxed();
    if let Some(to) = to {
        query = query.filter(calendar_days::day.le(day_key(to)));
    }
    query
        .order(calendar_days::day.asc())
        .load(conn)?
        .into_iter()
        .map(CalendarDay::try_from)
        .collect()
}

/// A new override to store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewCalendarDay {
    pub day: NaiveDate,
    pub kind: DayKind,
    pub note: Option<String>,
}

/// Replaces every override in `[from, to]` with `days` if the calendar is at
/// `expected_version`, bumping the version. The conditional UPDATE of the meta row comes
/// first: of two concurrent uploads with the same version exactly one wins, and the loser
/// waits on the row instead of interleaving its rows with the winner's.
pub fn replace_range(
    conn: &mut DbConnection,
    from: NaiveDate,
    to: NaiveDate,
    expected_version: i64,
    days: &[NewCalendarDay],
    now: DateTime<Utc>,
) -> Result<VersionedWrite, StoreError> {
    let now = to_db_time(now);
    let bumped = diesel::update(
        calendar_meta::table
            .filter(calendar_meta::id.eq(1))
            .filter(calendar_meta::version.eq(expected_version)),
    )
    .set((
        calendar_meta::version.eq(calendar_meta::version + 1),
        calendar_meta::updated_at.eq(Some(now)),
    ))
    .execute(conn)?;
    if bumped == 0 {
        return Ok(VersionedWrite::Stale(meta(conn)?.version));
    }
    diesel::delete(
        calendar_days::table
            .filter(calendar_days::day.ge(day_key(from)))
            .filter(calendar_days::day.le(day_key(to))),
    )
    .execute(conn)?;
    // One statement per row: batch inserts do not go through diesel's MultiConnection.
    for day in days {
        diesel::insert_into(calendar_days::table)
            .values(CalendarDayRow {
                day: day_key(day.day),
                kind: day.kind.as_str().to_owned(),
                note: day.note.clone(),
                updated_at: now,
            })
            .execute(conn)?;
    }
    Ok(VersionedWrite::Written)
}

/// An official holiday schedule loaded for a year: where it came from and when.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Insertable)]
#[diesel(table_name = calendar_schedules)]
pub struct ScheduleRow {
    pub year: i32,
    pub source: String,
    pub day_count: i32,
    pub imported_at: NaiveDateTime,
    /// `None` for a schedule shipped with the product.
    pub imported_by: Option<String>,
}

/// Records `row` as the year's schedule, replacing an earlier one of the same year. Runs in
/// the transaction that replaced the year's days, after the calendar's version was bumped
/// (which serialises concurrent imports).
pub fn record_schedule(conn: &mut DbConnection, row: &ScheduleRow) -> Result<(), StoreError> {
    diesel::delete(calendar_schedules::table.find(row.year)).execute(conn)?;
    diesel::insert_into(calendar_schedules::table)
        .values(row)
        .execute(conn)?;
    Ok(())
}

/// Every loaded schedule, by year.
pub fn schedules(conn: &mut DbConnection) -> Result<Vec<ScheduleRow>, StoreError> {
    Ok(calendar_schedules::table
        .select(ScheduleRow::as_select())
        .order(calendar_schedules::year.asc())
        .load(conn)?)
}

/// Whether `year` has its days in the calendar: a schedule was loaded for it, or at least
/// one day of it was entered by hand.
pub fn year_is_covered(conn: &mut DbConnection, year: i32) -> Result<bool, StoreError> {
    let scheduled: i64 = calendar_schedules::table
        .filter(calendar_schedules::year.eq(year))
        .count()
        .get_result(conn)?;
    if scheduled > 0 {
        return Ok(true);
    }
    let (Some(first), Some(last)) = (
        NaiveDate::from_ymd_opt(year, 1, 1),
        NaiveDate::from_ymd_opt(year, 12, 31),
    ) else {
        return Ok(false);
    };
    let entered: i64 = calendar_days::table
        .filter(calendar_days::day.ge(day_key(first)))
        .filter(calendar_days::day.le(day_key(last)))
        .count()
        .get_result(conn)?;
    Ok(entered > 0)
}
