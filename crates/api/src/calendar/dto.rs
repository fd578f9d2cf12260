use chrono::{DateTime, FixedOffset, NaiveDate, Utc};
use kefu_core::DayKind;
use kefu_store::calendar::CalendarDay;
use serde::{Deserialize, Deserializer, Serialize};
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

/// A date written exactly `YYYY-MM-DD` (chrono alone would also take `2026-2-3`).
pub fn strict_date<'de, D: Deserializer<'de>>(d: D) -> Result<NaiveDate, D::Error> {
    let text = String::deserialize(d)?;
    let well_formed = text.len() == 10
        && text.char_indices().all(|(i, c)| match i {
            4 | 7 => c == '-',
            _ => c.is_ascii_digit(),
        });
    well_formed
        .then(|| NaiveDate::parse_from_str(&text, "%Y-%m-%d").ok())
        .flatten()
        .ok_or_else(|| {
            serde::de::Error::custom(format!("`{text}` is not a date written YYYY-MM-DD"))
        })
}

/// An RFC 3339 time with an offset. An unencoded `+` of the offset arrives in a query as a
/// space and is taken back as `+`.
pub fn rfc3339<'de, D: Deserializer<'de>>(d: D) -> Result<DateTime<FixedOffset>, D::Error> {
    let text = String::deserialize(d)?;
    let raw = text.trim();
    DateTime::parse_from_rfc3339(raw)
        .or_else(|_| DateTime::parse_from_rfc3339(&raw.replace(' ', "+")))
        .map_err(|_| {
            serde::de::Error::custom(format!(
                "`{raw}` is not an RFC 3339 time with offset, e.g. 2026-02-13T17:30:00+08:00"
            ))
        })
}

/// One override of the default week.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CalendarDayOut {
    /// The date (company time zone).
    #[schema(example = "2026-02-16")]
    pub day: NaiveDate,
    /// `holiday`: not worked; `workday`: worked (调休), CAL-1.
    pub kind: DayKind,
    /// The note, e.g. the holiday's name.
    #[schema(example = "春节")]
    pub note: Option<String>,
}

impl From<&CalendarDay> for CalendarDayOut {
    fn from(d: &CalendarDay) -> Self {
        CalendarDayOut {
            day: d.day,
            kind: d.kind,
            note: d.note.clone(),
        }
    }
}

/// The overrides of a date range. Days not listed follow the default week: the working
/// weekdays of the `work-hours` rule set in force (Monday to Friday unless changed).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CalendarDaysOut {
    /// First day of the range, as asked.
    pub from: NaiveDate,
    /// Last day of the range, as asked.
    pub to: NaiveDate,
    /// The whole calendar's version, echoed as the `ETag`; send it back in `If-Match` to
    /// upload.
    pub version: i64,
    /// When the calendar last changed; `null` if it never did.
    pub updated_at: Option<DateTime<Utc>>,
    /// In date order.
    pub days: Vec<CalendarDayOut>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct CalendarDaysQuery {
    /// First day of the range (inclusive), `YYYY-MM-DD`.
    #[serde(deserialize_with = "strict_date")]
    #[param(value_type = String, format = Date, pattern = "^(?:19|2[0-9])[0-9]{2}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12][0-9]|3[01])$", example = "2026-01-01")]
    pub from: NaiveDate,
    /// Last day of the range (inclusive), at most 3660 days after `from`.
    #[serde(deserialize_with = "strict_date")]
    #[param(value_type = String, format = Date, pattern = "^(?:19|2[0-9])[0-9]{2}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12][0-9]|3[01])$", example = "2026-12-31")]
    pub to: NaiveDate,
}

/// One override in an upload.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CalendarDayIn {
    /// `YYYY-MM-DD`, inside the upload's `[from, to]`, at most once per upload.
    #[serde(deserialize_with = "strict_date")]
    #[schema(value_type = String, format = Date, pattern = "^(?:19|2[0-9])[0-9]{2}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12][0-9]|3[01])$", example = "2026-02-16")]
    pub day: NaiveDate,
    /// `holiday`: not worked (even on a weekday); `workday`: worked (even on a weekend, 调休).
    pub kind: DayKind,
    /// Up to 200 characters, e.g. the holiday's name.
    #[schema(max_length = 200, example = "春节")]
    pub note: Option<String>,
}

/// Replaces every override within `[from, to]` (at most 400 days) with `days`: a day of the
/// range left out of `days` goes back to the default week.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "from": "2026-01-01",
    "to": "2026-12-31",
    "days": [
        {"day": "2026-01-01", "kind": "holiday", "note": "元旦"},
        {"day": "2026-02-14", "kind": "workday", "note": "春节调休"},
        {"day": "2026-02-16", "kind": "holiday", "note": "春节"},
        {"day": "2026-02-17", "kind": "holiday", "note": "春节"},
        {"day": "2026-02-28", "kind": "workday", "note": "春节调休"}
    ]
}))]
pub struct ReplaceCalendarDays {
    /// First day of the range replaced, `YYYY-MM-DD`.
    #[serde(deserialize_with = "strict_date")]
    #[schema(value_type = String, format = Date, pattern = "^(?:19|2[0-9])[0-9]{2}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12][0-9]|3[01])$", example = "2026-01-01")]
    pub from: NaiveDate,
    /// Last day of the range replaced (inclusive), at most 400 days after `from`.
    #[serde(deserialize_with = "strict_date")]
    #[schema(value_type = String, format = Date, pattern = "^(?:19|2[0-9])[0-9]{2}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12][0-9]|3[01])$", example = "2026-12-31")]
    pub to: NaiveDate,
    /// The overrides within the range, each day at most once.
    #[schema(max_items = 400)]
    pub days: Vec<CalendarDayIn>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct WorkingDaysAddQuery {
    /// The starting day, `YYYY-MM-DD` (it need not be a working day).
    #[serde(deserialize_with = "strict_date")]
    #[param(value_type = String, format = Date, pattern = "^(?:19|2[0-9])[0-9]{2}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12][0-9]|3[01])$", example = "2026-02-13")]
    pub date: NaiveDate,
    /// How many working days to add, 0–3660; 0 gives `date` itself.
    #[param(minimum = 0, maximum = 3660, example = 1)]
    pub days: u32,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct WorkingDaysAdded {
    /// The starting day, as asked.
    #[schema(example = "2026-02-13")]
    pub date: NaiveDate,
    /// The working days added, as asked.
    #[schema(example = 1)]
    pub days: u32,
    /// The `days`-th working day strictly after `date`.
    #[schema(example = "2026-02-14")]
    pub result: NaiveDate,
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct WorkingDaysBetweenQuery {
    #[serde(deserialize_with = "strict_date")]
    #[param(value_type = String, format = Date, pattern = "^(?:19|2[0-9])[0-9]{2}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12][0-9]|3[01])$", example = "2026-02-13")]
    pub from: NaiveDate,
    #[serde(deserialize_with = "strict_date")]
    #[param(value_type = String, format = Date, pattern = "^(?:19|2[0-9])[0-9]{2}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12][0-9]|3[01])$", example = "2026-02-24")]
    pub to: NaiveDate,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct WorkingDaysBetween {
    /// The first day, as asked.
    #[schema(example = "2026-02-13")]
    pub from: NaiveDate,
    /// The second day, as asked.
    #[schema(example = "2026-02-24")]
    pub to: NaiveDate,
    /// Working days in `(from, to]`; negative (the count in `(to, from]`) when `to` is before
    /// `from`.
    #[schema(example = 2)]
    pub working_days: i64,
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct WorkingTimeAddQuery {
    /// The starting instant, RFC 3339 with offset (it need not lie in working time).
    #[serde(deserialize_with = "rfc3339")]
    #[param(value_type = String, format = DateTime, pattern = "^(?:19|2[0-9])[0-9]{2}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12][0-9]|3[01])T(?:[01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](?:\\.[0-9]+)?(?:Z|[+-](?:[01][0-9]|2[0-3]):[0-5][0-9])$", example = "2026-02-13T17:00:00+08:00")]
    pub from: DateTime<FixedOffset>,
    /// How many working minutes to add, 0–1000000; 0 gives `from` itself.
    #[param(minimum = 0, maximum = 1000000, example = 600)]
    pub minutes: u32,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct WorkingTimeAdded {
    /// `from` in the company time zone.
    #[schema(value_type = String, format = DateTime, example = "2026-02-13T17:00:00+08:00")]
    pub from: DateTime<FixedOffset>,
    /// The working minutes added, as asked.
    #[schema(example = 600)]
    pub minutes: u32,
    /// The instant the working time runs out, in the company time zone. Time counts only
    /// inside the working periods of working days; a deadline that ends exactly at the end of
    /// a period is that end (12:00), not the start of the next one.
    #[schema(value_type = String, format = DateTime, example = "2026-02-24T09:00:00+08:00")]
    pub result: DateTime<FixedOffset>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct WorkingTimeBetweenQuery {
    /// RFC 3339 with offset.
    #[serde(deserialize_with = "rfc3339")]
    #[param(value_type = String, format = DateTime, pattern = "^(?:19|2[0-9])[0-9]{2}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12][0-9]|3[01])T(?:[01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](?:\\.[0-9]+)?(?:Z|[+-](?:[01][0-9]|2[0-3]):[0-5][0-9])$", example = "2026-02-13T17:00:00+08:00")]
    pub from: DateTime<FixedOffset>,
    /// RFC 3339 with offset.
    #[serde(deserialize_with = "rfc3339")]
    #[param(value_type = String, format = DateTime, pattern = "^(?:19|2[0-9])[0-9]{2}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12][0-9]|3[01])T(?:[01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](?:\\.[0-9]+)?(?:Z|[+-](?:[01][0-9]|2[0-3]):[0-5][0-9])$", example = "2026-02-24T09:00:00+08:00")]
    pub to: DateTime<FixedOffset>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct WorkingTimeBetween {
    /// `from` in the company time zone.
    #[schema(value_type = String, format = DateTime, example = "2026-02-13T17:00:00+08:00")]
    pub from: DateTime<FixedOffset>,
    /// `to` in the company time zone.
    #[schema(value_type = String, format = DateTime, example = "2026-02-24T09:00:00+08:00")]
    pub to: DateTime<FixedOffset>,
    /// Working minutes in `[from, to)`, whole minutes (seconds are dropped); negative when
    /// `to` is before `from`.
    #[schema(example = 600)]
    pub working_minutes: i64,
}

/// A year's official holiday schedule, as the State Council publishes it: every holiday and
/// make-up working day of `year`, and the notice it comes from.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "year": 2027,
    "source": "国务院办公厅关于2027年部分节假日安排的通知",
    "days": [
        {"day": "2027-01-01", "kind": "holiday", "note": "元旦"},
        {"day": "2027-02-20", "kind": "workday", "note": "春节调休上班"}
    ]
}))]
pub struct YearSchedule {
    /// The year the schedule is for.
    #[schema(minimum = 1900, maximum = 2999, example = 2027)]
    pub year: i32,
    /// The notice the schedule comes from, 1 to 200 characters.
    #[schema(min_length = 1, max_length = 200)]
    pub source: String,
    /// Every day of `year` that differs from the default week, each at most once.
    #[schema(max_items = 400)]
    pub days: Vec<CalendarDayIn>,
}

/// The body of `PUT /calendar/schedules/{year}`: the year is the path's.
#[derive(Debug, Clone, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "source": "国务院办公厅关于2027年部分节假日安排的通知",
    "days": [
        {"day": "2027-01-01", "kind": "holiday", "note": "元旦"},
        {"day": "2027-02-06", "kind": "workday", "note": "春节调休上班"}
    ]
}))]
pub struct ImportSchedule {
    /// The notice the schedule comes from, 1 to 200 characters.
    #[schema(
        min_length = 1,
        max_length = 200,
        example = "国务院办公厅关于2027年部分节假日安排的通知"
    )]
    pub source: String,
    /// Every day of the year that differs from the default week, each at most once.
    #[schema(max_items = 400)]
    pub days: Vec<CalendarDayIn>,
}

/// A loaded schedule.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ScheduleOut {
    /// The year of the schedule.
    #[schema(example = 2026)]
    pub year: i32,
    /// The notice it comes from.
    pub source: String,
    /// Holidays and make-up working days it set.
    #[schema(example = 39)]
    pub day_count: i32,
    /// When it was loaded.
    pub imported_at: DateTime<Utc>,
    /// The user who imported it through the API; `null` for a schedule shipped with the
    /// product or imported with `kefu import-calendar`.
    pub imported_by: Option<String>,
}

/// The loaded schedules, by year.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SchedulesOut {
    /// The loaded schedules, by year.
    #[schema(max_items = 1100)]
    pub items: Vec<ScheduleOut>,
}
