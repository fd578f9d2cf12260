use crate::kernel::export::{Column, Exportable};
use chrono::{DateTime, NaiveDate, Utc};
use kefu_scoring::lateness::MonthSummary;
use kefu_store::attendance::AttendanceRow;
use kefu_store::from_db_time;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

kefu_core::string_enum! {
    /// HR-A1: why a late start counts on time. `direct_to_site`: the manager approved going
    /// straight to a site; `weather_or_traffic`: the executive excused extreme weather or
    /// traffic.
    #[derive(ToSchema)]
    pub enum Excuse {
        DirectToSite = "direct_to_site",
        WeatherOrTraffic = "weather_or_traffic",
    }
}

kefu_core::string_enum! {
    /// HR-A1: where a day's times came from. `app`: clocked in the mobile app; `clock`:
    /// imported from the time clock's file (`importClockFile`).
    #[derive(ToSchema)]
    pub enum AttendanceSource {
        App = "app",
        Clock = "clock",
    }
}

/// HR-A1: a person's attendance day: the first clock-in and the last clock-out.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AttendanceOut {
    /// The attendance day's id.
    pub id: String,
    /// Whose day (a user id).
    pub user_id: String,
    /// The day in the company's time zone.
    pub work_date: NaiveDate,
    /// The first clock-in of the day (HR-A1: late after 08:00 by default).
    pub clock_in_at: DateTime<Utc>,
    /// The last clock-out; `null` before one.
    pub clock_out_at: Option<DateTime<Utc>>,
    /// Where the day was first recorded; a clock import may widen an app day (an earlier
    /// clock-in, a later clock-out) without changing its source.
    pub source: AttendanceSource,
    /// Where the phone was at the clock-in, when it said.
    pub latitude: Option<f64>,
    /// Where the phone was at the clock-in, when it said.
    pub longitude: Option<f64>,
    /// Why a late start counts on time (HR-A1); `null` if not excused.
    pub excuse: Option<Excuse>,
    /// What made the late start acceptable; `null` if not excused.
    #[schema(max_length = 500)]
    pub excuse_reason: Option<String>,
    /// Who excused it; `null` if not excused.
    pub excused_by: Option<String>,
    /// A tombstone: only delta sync (`updated_since`) returns deleted records.
    pub deleted: bool,
    /// When the day was first recorded.
    pub created_at: DateTime<Utc>,
    /// When it last changed.
    pub updated_at: DateTime<Utc>,
    /// Echoed as the `ETag`; send it back in `If-Match` to change the record.
    pub version: i64,
}

fn degrees(e6: Option<i64>) -> Option<f64> {
    e6.map(|v| v as f64 / 1_000_000.0)
}

impl From<&AttendanceRow> for AttendanceOut {
    fn from(r: &AttendanceRow) -> Self {
        AttendanceOut {
            id: r.id.clone(),
            user_id: r.user_id.clone(),
            work_date: r.work_date,
            clock_in_at: from_db_time(r.clock_in_at),
            clock_out_at: r.clock_out_at.map(from_db_time),
            source: r.source.parse().unwrap_or(AttendanceSource::App),
            latitude: degrees(r.latitude_e6),
            longitude: degrees(r.longitude_e6),
            excuse: r.excuse.as_deref().and_then(|e| e.parse().ok()),
            excuse_reason: r.excuse_reason.clone(),
            excused_by: r.excused_by.clone(),
            deleted: r.deleted_at.is_some(),
            created_at: from_db_time(r.created_at),
            updated_at: from_db_time(r.updated_at),
            version: r.version,
        }
    }
}

/// HR-A1: what importing a clock file did.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({"lines": 3, "created": 2, "updated": 1, "unchanged": 0}))]
pub struct ClockImportOut {
    /// Data lines read (blank lines aside).
    #[schema(maximum = 10_000, format = Int64)]
    pub lines: usize,
    /// Days that were not on record and now are, with source `clock`.
    #[schema(maximum = 10_000, format = Int64)]
    pub created: usize,
    /// Days on record the clock saw start earlier or end later: they now span both.
    #[schema(maximum = 10_000, format = Int64)]
    pub updated: usize,
    /// Lines the record already covered; importing a file again changes nothing.
    #[schema(maximum = 10_000, format = Int64)]
    pub unchanged: usize,
}

/// Where the phone is, if it says: both coordinates or neither.
#[derive(Debug, Default, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"latitude": 30.2741, "longitude": 120.1551}))]
pub struct ClockIn {
    /// Latitude in decimal degrees; with `longitude` or not at all.
    #[validate(range(min = -90.0, max = 90.0))]
    #[schema(minimum = -90.0, maximum = 90.0)]
    pub latitude: Option<f64>,
    /// Longitude in decimal degrees; with `latitude` or not at all.
    #[validate(range(min = -180.0, max = 180.0))]
    #[schema(minimum = -180.0, maximum = 180.0)]
    pub longitude: Option<f64>,
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"excuse": "direct_to_site", "reason": "直接去西湖大厦抢修，经理电话批准"}))]
pub struct ExcuseDay {
    /// Why the late start counts on time (HR-A1).
    pub excuse: Excuse,
    /// What made the late start acceptable.
    #[validate(length(min = 1, max = 500))]
    #[schema(min_length = 1, max_length = 500)]
    pub reason: String,
}

#[derive(Debug, Clone, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct AttendanceQuery {
    /// One person's days (within what the caller may see).
    pub user_id: Option<String>,
    /// Days from this date on.
    pub from: Option<NaiveDate>,
    /// Days up to this date.
    pub to: Option<NaiveDate>,
    #[param(example = "2026-03-01T08:00:00+08:00")]
    pub updated_since: Option<String>,
    /// Page size, 1–200 (default 50).
    pub limit: Option<u32>,
    /// `next_cursor` of the previous page (of a query with the same `updated_since`).
    pub cursor: Option<String>,
}

crate::paged!(AttendanceQuery);

#[derive(Debug, Clone, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct MonthQuery {
    /// `YYYY-MM`, a month that has begun.
    #[param(pattern = r"^[0-9]{4}-(0[1-9]|1[0-2])$", example = "2026-03")]
    pub month: String,
    /// Whose month: the caller's own without it.
    pub user_id: Option<String>,
}

/// HR-A1/HR-A2: a person's month of attendance as the rules in force read it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AttendanceMonthOut {
    /// Whose month (a user id).
    pub user_id: String,
    /// `YYYY-MM`.
    #[schema(pattern = r"^[0-9]{4}-(0[1-9]|1[0-2])$", example = "2026-03")]
    pub month: String,
    /// The days counted: the month's working days by the work calendar, up to today for the
    /// current month (today only once clocked in).
    pub through: NaiveDate,
    /// The monthly base salary the fine beyond the upper tier is a share of (the employee
    /// record's; 0 without one).
    pub base_salary_fen: i64,
    /// The month's late days and fine (HR-A2), inlined here.
    #[serde(flatten)]
    pub summary: MonthSummary,
}

const fn col(field: &'static str, zh: &'static str) -> Column {
    Column { field, zh }
}

pub const ATTENDANCE_EXPORT: Exportable = Exportable {
    operation_id: "listAttendance",
    file: "attendance",
    columns: &[
        col("id", "编号"),
        col("user_id", "用户编号"),
        col("work_date", "日期"),
        col("clock_in_at", "上班打卡"),
        col("clock_out_at", "下班打卡"),
        col("source", "来源"),
        col("latitude", "纬度"),
        col("longitude", "经度"),
        col("excuse", "免责类型"),
        col("excuse_reason", "免责原因"),
        col("excused_by", "批准人"),
        col("deleted", "已删除"),
        col("created_at", "创建时间"),
        col("updated_at", "更新时间"),
        col("version", "版本"),
    ],
};
