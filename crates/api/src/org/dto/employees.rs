use crate::kernel::error::ApiError;
use crate::kernel::export::{Column, Exportable};
use crate::kernel::fields::phone_ok;
use chrono::{DateTime, NaiveDate, Utc};
use kefu_core::{EmploymentStatus, Level, Track};
use kefu_store::StoreError;
use kefu_store::employees::{EmployeeRow, EmploymentEventRow};
use kefu_store::from_db_time;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

fn parse_stored<T: std::str::FromStr<Err = String>>(raw: &str) -> Result<T, ApiError> {
    raw.parse::<T>()
        .map_err(|e| ApiError::from(StoreError::Corrupt(e)))
}

/// An employee (ORG-2). In a delta-sync list a deleted employee comes back as a tombstone:
/// `deleted: true`, the other fields as last stored.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct EmployeeOut {
    /// The employee record's id.
    pub id: String,
    /// The employee's login, if they have one.
    pub user_id: Option<String>,
    /// The employee's name.
    #[schema(example = "王强")]
    pub name: String,
    /// The employee's phone; `null` if not given.
    #[schema(example = "138 0013 8000")]
    pub phone: Option<String>,
    /// The team (ORG-2); `null` if none.
    pub team_id: Option<String>,
    /// The supervisor (a user id, ORG-2); `null` if none.
    pub supervisor_user_id: Option<String>,
    /// `presales`, `aftersales` or `remote_support` (ORG-2); `null` if not set.
    pub track: Option<Track>,
    /// `junior`, `mid` or `senior` (ORG-2); `null` if not set.
    pub level: Option<Level>,
    /// Home service station / city.
    #[schema(example = "杭州")]
    pub station_city: Option<String>,
    /// `training` → `probation` → `regular`, or `left` (ORG-2).
    pub employment_status: EmploymentStatus,
    /// The day the current employment status took effect.
    pub status_since: NaiveDate,
    /// Monthly base salary in fen.
    #[schema(example = 650000)]
    pub base_salary_fen: i64,
    /// The position class the phone allowance goes by (BIL-17); `null` if none.
    #[schema(example = "B")]
    pub phone_allowance_class: Option<String>,
    /// True once the employee record is deleted (delta sync tombstone).
    pub deleted: bool,
    /// When the record was created.
    pub created_at: DateTime<Utc>,
    /// When it last changed.
    pub updated_at: DateTime<Utc>,
    /// Echoed as the `ETag`; send it back in `If-Match` to change the record.
    pub version: i64,
}

impl TryFrom<&EmployeeRow> for EmployeeOut {
    type Error = ApiError;

    fn try_from(e: &EmployeeRow) -> Result<Self, ApiError> {
        Ok(EmployeeOut {
            id: e.id.clone(),
            user_id: e.user_id.clone(),
            name: e.name.clone(),
            phone: e.phone.clone(),
            team_id: e.team_id.clone(),
            supervisor_user_id: e.supervisor_user_id.clone(),
            track: e.track.as_deref().map(parse_stored).transpose()?,
            level: e.level.as_deref().map(parse_stored).transpose()?,
            station_city: e.station_city.clone(),
            employment_status: parse_stored(&e.employment_status)?,
            status_since: e.status_since,
            base_salary_fen: e.base_salary_fen,
            phone_allowance_class: e.phone_allowance_class.clone(),
            deleted: e.deleted_at.is_some(),
            created_at: from_db_time(e.created_at),
            updated_at: from_db_time(e.updated_at),
            version: e.version,
        })
    }
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "name": "王强", "phone": "138 0013 8000", "team_id": "0193a1b2-0000-7000-8000-000000000002",
    "track": "aftersales", "level": "junior", "station_city": "杭州", "base_salary_fen": 650000,
    "phone_allowance_class": "B"
}))]
pub struct CreateEmployee {
    /// The employee's login; one employee record per user.
    #[validate(length(min = 1, max = 64))]
    #[schema(min_length = 1, max_length = 64)]
    pub user_id: Option<String>,
    /// The employee's name.
    #[validate(length(min = 1, max = 100))]
    #[schema(min_length = 1, max_length = 100)]
    pub name: String,
    /// The employee's phone.
    #[validate(custom(function = "phone_ok"))]
    pub phone: Option<String>,
    /// An existing team that is not deleted.
    #[validate(length(min = 1, max = 64))]
    #[schema(min_length = 1, max_length = 64)]
    pub team_id: Option<String>,
    /// The supervisor (a user id, ORG-2).
    #[validate(length(min = 1, max = 64))]
    #[schema(min_length = 1, max_length = 64)]
    pub supervisor_user_id: Option<String>,
    /// `presales`, `aftersales` or `remote_support` (ORG-2).
    pub track: Option<Track>,
    /// `junior`, `mid` or `senior` (ORG-2).
    pub level: Option<Level>,
    /// Home service station / city.
    #[validate(length(min = 1, max = 100))]
    #[schema(min_length = 1, max_length = 100)]
    pub station_city: Option<String>,
    /// Monthly base salary in fen, ≥ 0.
    #[validate(range(min = 0, max = 100_000_000_000i64))]
    #[schema(minimum = 0, maximum = 100_000_000_000_i64)]
    pub base_salary_fen: i64,
    /// The position class the phone allowance goes by (BIL-17).
    #[validate(length(min = 1, max = 50))]
    #[schema(min_length = 1, max_length = 50)]
    pub phone_allowance_class: Option<String>,
    /// Defaults to `training`.
    pub employment_status: Option<EmploymentStatus>,
    /// Defaults to today in the company time zone.
    pub status_since: Option<NaiveDate>,
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"level": "mid", "team_id": "0193a1b2-0000-7000-8000-000000000002"}))]
pub struct UpdateEmployee {
    /// `null` unlinks the login.
    #[serde(default, deserialize_with = "crate::kernel::fields::double_option")]
    #[validate(length(min = 1, max = 64))]
    #[schema(min_length = 1, max_length = 64, value_type = Option<String>)]
    pub user_id: Option<Option<String>>,
    /// The new name.
    #[validate(length(min = 1, max = 100))]
    #[schema(nullable = false, min_length = 1, max_length = 100)]
    #[serde(default, deserialize_with = "crate::kernel::fields::required")]
    pub name: Option<String>,
    /// `null` clears it.
    #[serde(default, deserialize_with = "crate::kernel::fields::double_option")]
    #[validate(custom(function = "phone_ok"))]
    #[schema(value_type = Option<String>)]
    pub phone: Option<Option<String>>,
    /// `null` clears it.
    #[serde(default, deserialize_with = "crate::kernel::fields::double_option")]
    #[validate(length(min = 1, max = 64))]
    #[schema(min_length = 1, max_length = 64, value_type = Option<String>)]
    pub team_id: Option<Option<String>>,
    /// `null` clears it.
    #[serde(default, deserialize_with = "crate::kernel::fields::double_option")]
    #[validate(length(min = 1, max = 64))]
    #[schema(min_length = 1, max_length = 64, value_type = Option<String>)]
    pub supervisor_user_id: Option<Option<String>>,
    /// `null` clears it.
    #[serde(default, deserialize_with = "crate::kernel::fields::double_option")]
    #[schema(value_type = Option<Track>)]
    pub track: Option<Option<Track>>,
    /// `null` clears it.
    #[serde(default, deserialize_with = "crate::kernel::fields::double_option")]
    #[schema(value_type = Option<Level>)]
    pub level: Option<Option<Level>>,
    /// `null` clears it.
    #[serde(default, deserialize_with = "crate::kernel::fields::double_option")]
    #[validate(length(min = 1, max = 100))]
    #[schema(min_length = 1, max_length = 100, value_type = Option<String>)]
    pub station_city: Option<Option<String>>,
    /// Only admin and hr may change it.
    #[validate(range(min = 0, max = 100_000_000_000i64))]
    #[schema(nullable = false, minimum = 0, maximum = 100_000_000_000_i64)]
    #[serde(default, deserialize_with = "crate::kernel::fields::required")]
    pub base_salary_fen: Option<i64>,
    /// `null` clears it.
    #[serde(default, deserialize_with = "crate::kernel::fields::double_option")]
    #[validate(length(min = 1, max = 50))]
    #[schema(min_length = 1, max_length = 50, value_type = Option<String>)]
    pub phone_allowance_class: Option<Option<String>>,
}

impl UpdateEmployee {
    /// Whether the change touches only what a manager may change: team, supervisor, track
    /// and level.
    pub fn is_organisational_only(&self) -> bool {
        self.user_id.is_none()
            && self.name.is_none()
            && self.phone.is_none()
            && self.station_city.is_none()
            && self.base_salary_fen.is_none()
            && self.phone_allowance_class.is_none()
    }
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"status": "probation", "effective_on": "2026-03-01", "note": "培训考核通过"}))]
pub struct ChangeEmploymentStatus {
    /// ORG-2: `training` → `probation` → `regular`, or `left` from any state.
    pub status: EmploymentStatus,
    /// The day the change takes effect.
    pub effective_on: NaiveDate,
    /// A note kept with the change.
    #[validate(length(min = 1, max = 500))]
    #[schema(min_length = 1, max_length = 500)]
    pub note: Option<String>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct EmploymentEventOut {
    /// The event's id.
    pub id: String,
    /// The employee record.
    pub employee_id: String,
    /// The employment status from `effective_on` (ORG-2).
    pub status: EmploymentStatus,
    /// The day the change took effect.
    pub effective_on: NaiveDate,
    /// The note kept with the change.
    pub note: Option<String>,
    /// When the change was recorded.
    pub recorded_at: DateTime<Utc>,
    /// The user who recorded the change.
    pub recorded_by: Option<String>,
}

impl TryFrom<&EmploymentEventRow> for EmploymentEventOut {
    type Error = ApiError;

    fn try_from(e: &EmploymentEventRow) -> Result<Self, ApiError> {
        Ok(EmploymentEventOut {
            id: e.id.clone(),
            employee_id: e.employee_id.clone(),
            status: parse_stored(&e.status)?,
            effective_on: e.effective_on,
            note: e.note.clone(),
            recorded_at: from_db_time(e.recorded_at),
            recorded_by: e.recorded_by.clone(),
        })
    }
}

#[derive(Debug, Clone, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct EmployeesQuery {
    pub team_id: Option<String>,
    pub employment_status: Option<EmploymentStatus>,
    /// Substring of the name.
    /// At most 200 characters.
    #[param(max_length = 200)]
    #[serde(default, deserialize_with = "crate::kernel::fields::search_text")]
    pub q: Option<String>,
    /// Delta sync: only records changed after this instant (RFC 3339 with offset), deleted
    /// ones included as tombstones, in update order. Without it, records that are not
    /// deleted, in id order.
    #[param(example = "2026-03-01T08:05:00+08:00")]
    pub updated_since: Option<String>,
    /// Page size, 1–200 (default 50).
    pub limit: Option<u32>,
    /// `next_cursor` of the previous page (of the same kind of list).
    pub cursor: Option<String>,
}

crate::paged!(EmployeesQuery);

/// The employees list as CSV or XLSX (`crate::kernel::export`).
pub const EXPORT: Exportable = Exportable {
    operation_id: "listEmployees",
    file: "employees",
    columns: &[
        Column {
            field: "id",
            zh: "员工编号",
        },
        Column {
            field: "user_id",
            zh: "用户编号",
        },
        Column {
            field: "name",
            zh: "姓名",
        },
        Column {
            field: "phone",
            zh: "电话",
        },
        Column {
            field: "team_id",
            zh: "班组编号",
        },
        Column {
            field: "supervisor_user_id",
            zh: "主管用户编号",
        },
        Column {
            field: "track",
            zh: "序列",
        },
        Column {
            field: "level",
            zh: "级别",
        },
        Column {
            field: "station_city",
            zh: "驻点城市",
        },
        Column {
            field: "employment_status",
            zh: "在职状态",
        },
        Column {
            field: "status_since",
            zh: "状态起始日",
        },
        Column {
            field: "base_salary_fen",
            zh: "基本工资（分）",
        },
        Column {
            field: "phone_allowance_class",
            zh: "话费补贴档",
        },
        Column {
            field: "deleted",
            zh: "已删除",
        },
        Column {
            field: "created_at",
            zh: "创建时间",
        },
        Column {
            field: "updated_at",
            zh: "更新时间",
        },
        Column {
            field: "version",
            zh: "版本",
        },
    ],
};
