use crate::kernel::export::{Column, Exportable};
use chrono::{DateTime, NaiveDate, Utc};
use kefu_scoring::leave::{LeaveKind, LeaveStatus};
use kefu_store::from_db_time;
use kefu_store::leave::LeaveRow;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

/// HR-A3: a leave request.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct LeaveOut {
    /// The request's id.
    pub id: String,
    /// The requester (a user id).
    pub user_id: String,
    /// The kind of leave.
    pub kind: LeaveKind,
    /// The first and the last day of leave (inclusive).
    pub start_date: NaiveDate,
    /// The last day of leave (inclusive).
    pub end_date: NaiveDate,
    /// The working days in the period by the work calendar when requested; more than the
    /// `leave-approval` limit (3 by default) also need HR.
    pub working_days: i64,
    /// Why the leave.
    #[schema(max_length = 500)]
    pub reason: String,
    /// `requested` → `manager_approved` (when HR must also approve) → `approved`; or `rejected`/`cancelled` (HR-A3).
    pub status: LeaveStatus,
    /// The manager who decided; `null` before.
    pub manager_decided_by: Option<String>,
    /// When the manager decided; `null` before.
    pub manager_decided_at: Option<DateTime<Utc>>,
    /// HR who decided; `null` before or when HR is not needed.
    pub hr_decided_by: Option<String>,
    /// When HR decided; `null` before or when HR is not needed.
    pub hr_decided_at: Option<DateTime<Utc>>,
    /// Why it was refused, when it was.
    #[schema(max_length = 500)]
    pub decision_note: Option<String>,
    /// A tombstone: only delta sync (`updated_since`) returns deleted records.
    pub deleted: bool,
    /// When it was requested.
    pub created_at: DateTime<Utc>,
    /// When it last changed.
    pub updated_at: DateTime<Utc>,
    /// Echoed as the `ETag`; send it back in `If-Match` to change the record.
    pub version: i64,
}

impl From<&LeaveRow> for LeaveOut {
    fn from(r: &LeaveRow) -> Self {
        LeaveOut {
            id: r.id.clone(),
            user_id: r.user_id.clone(),
            kind: r.kind.parse().unwrap_or(LeaveKind::Other),
            start_date: r.start_date,
            end_date: r.end_date,
            working_days: r.working_days,
            reason: r.reason.clone(),
            status: r.status.parse().unwrap_or(LeaveStatus::Requested),
            manager_decided_by: r.manager_decided_by.clone(),
            manager_decided_at: r.manager_decided_at.map(from_db_time),
            hr_decided_by: r.hr_decided_by.clone(),
            hr_decided_at: r.hr_decided_at.map(from_db_time),
            decision_note: r.decision_note.clone(),
            deleted: r.deleted_at.is_some(),
            created_at: from_db_time(r.created_at),
            updated_at: from_db_time(r.updated_at),
            version: r.version,
        }
    }
}

/// HR-A3: leave for the caller.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"kind": "annual", "start_date": "2026-03-16",
    "end_date": "2026-03-17", "reason": "回老家办事"}))]
pub struct RequestLeave {
    /// The kind of leave.
    pub kind: LeaveKind,
    /// The first day of leave.
    pub start_date: NaiveDate,
    /// Not before `start_date`, at most a year after it.
    pub end_date: NaiveDate,
    /// Why the leave.
    #[validate(length(min = 1, max = 500))]
    #[schema(min_length = 1, max_length = 500)]
    pub reason: String,
}

/// HR-A3: why a request is refused.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"note": "月底人手不足，请改期"}))]
pub struct RejectLeave {
    /// Why it is refused, told to the requester.
    #[validate(length(min = 1, max = 500))]
    #[schema(min_length = 1, max_length = 500)]
    pub note: String,
}

#[derive(Debug, Clone, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct LeaveQuery {
    /// One person's requests (within what the caller may see).
    pub user_id: Option<String>,
    pub status: Option<LeaveStatus>,
    #[param(example = "2026-03-01T08:00:00+08:00")]
    pub updated_since: Option<String>,
    /// Page size, 1–200 (default 50).
    pub limit: Option<u32>,
    /// `next_cursor` of the previous page (of a query with the same `updated_since`).
    pub cursor: Option<String>,
}

crate::paged!(LeaveQuery);

const fn col(field: &'static str, zh: &'static str) -> Column {
    Column { field, zh }
}

pub const LEAVE_EXPORT: Exportable = Exportable {
    operation_id: "listLeaveRequests",
    file: "leave-requests",
    columns: &[
        col("id", "编号"),
        col("user_id", "申请人"),
        col("kind", "类型"),
        col("start_date", "开始日期"),
        col("end_date", "结束日期"),
        col("working_days", "工作日数"),
        col("reason", "事由"),
        col("status", "状态"),
        col("manager_decided_by", "经理"),
        col("manager_decided_at", "经理审批时间"),
        col("hr_decided_by", "人事"),
        col("hr_decided_at", "人事审批时间"),
        col("decision_note", "驳回原因"),
        col("deleted", "已删除"),
        col("created_at", "创建时间"),
        col("updated_at", "更新时间"),
        col("version", "版本"),
    ],
};
