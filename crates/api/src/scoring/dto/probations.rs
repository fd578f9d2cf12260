//! HR-T1: probations and their confirmation on the wire.

use crate::kernel::export::{Column, Exportable};
use chrono::{DateTime, NaiveDate, Utc};
use kefu_scoring::probation::{ConfirmStep, ProbationStatus};
use kefu_store::from_db_time;
use kefu_store::probations::ProbationRow;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

/// HR-T1: a new hire's probation.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ProbationOut {
    /// The probation's id.
    pub id: String,
    /// The new hire (a user id).
    pub user_id: String,
    /// The `training-rules` department whose probation length applied, if any.
    pub department: Option<String>,
    /// The first day of probation.
    pub starts_on: NaiveDate,
    /// The last day: 2 months, or 50 working days of the work calendar in the technical
    /// service (`training-rules` when opened).
    pub ends_on: NaiveDate,
    /// `probation` → `manager_approved` → `executive_approved` → `confirmed` by the GM (HR-T1).
    pub status: ProbationStatus,
    /// The approval the confirmation waits for; `null` once confirmed.
    pub next_step: Option<ConfirmStep>,
    /// The manager who approved the confirmation; `null` before.
    pub manager_approved_by: Option<String>,
    /// When the manager approved; `null` before.
    pub manager_approved_at: Option<DateTime<Utc>>,
    /// The executive who approved; `null` before.
    pub executive_approved_by: Option<String>,
    /// When the executive approved; `null` before.
    pub executive_approved_at: Option<DateTime<Utc>>,
    /// The GM who approved (the confirmation); `null` before.
    pub gm_approved_by: Option<String>,
    /// When the GM approved; `null` before.
    pub gm_approved_at: Option<DateTime<Utc>>,
    /// Who opened the probation.
    pub opened_by: String,
    /// HR-T1 特批: why the manager approved the confirmation before the probation's last
    /// day; `null` for a confirmation on time.
    pub early_reason: Option<String>,
    /// A tombstone: only delta sync (`updated_since`) returns deleted records.
    pub deleted: bool,
    /// When it was opened.
    pub created_at: DateTime<Utc>,
    /// When it last changed.
    pub updated_at: DateTime<Utc>,
    /// Echoed as the `ETag`; send it back in `If-Match` to change the record.
    pub version: i64,
}

impl From<&ProbationRow> for ProbationOut {
    fn from(r: &ProbationRow) -> Self {
        let status = r.status.parse().unwrap_or(ProbationStatus::Probation);
        ProbationOut {
            id: r.id.clone(),
            user_id: r.user_id.clone(),
            department: r.department.clone(),
            starts_on: r.starts_on,
            ends_on: r.ends_on,
            status,
            next_step: kefu_scoring::probation::next_step(status),
            manager_approved_by: r.manager_approved_by.clone(),
            manager_approved_at: r.manager_approved_at.map(from_db_time),
            executive_approved_by: r.executive_approved_by.clone(),
            executive_approved_at: r.executive_approved_at.map(from_db_time),
            gm_approved_by: r.gm_approved_by.clone(),
            gm_approved_at: r.gm_approved_at.map(from_db_time),
            opened_by: r.opened_by.clone(),
            early_reason: r.early_reason.clone(),
            deleted: r.deleted_at.is_some(),
            created_at: from_db_time(r.created_at),
            updated_at: from_db_time(r.updated_at),
            version: r.version,
        }
    }
}

/// HR-T1: a probation to open.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"user_id": "0192f3a0-0000-7000-8000-000000000001",
    "starts_on": "2026-03-02"}))]
pub struct OpenProbation {
    /// The new hire (a user id).
    #[validate(length(min = 1, max = 64))]
    #[schema(min_length = 1, max_length = 64)]
    pub user_id: String,
    /// The first day of probation (after training and the new-hire exam).
    pub starts_on: NaiveDate,
    /// A department of `training-rules` whose probation length applies.
    #[validate(length(min = 1, max = 64))]
    #[schema(min_length = 1, max_length = 64, pattern = r"^[a-z0-9_]+$")]
    pub department: Option<String>,
}

/// HR-T1: the approval given.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"step": "manager"}))]
pub struct ApproveProbation {
    /// The approval given, in order: manager, executive, GM (HR-T1).
    pub step: ConfirmStep,
    /// HR-T1 特批: required with the manager's approval before the probation's last day (an
    /// outstanding new hire confirmed early), refused otherwise; the executive and the GM then
    /// approve it before the last day too.
    #[validate(length(min = 2, max = 500))]
    #[schema(min_length = 2, max_length = 500)]
    pub early_reason: Option<String>,
}

#[derive(Debug, Clone, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ProbationQuery {
    /// One person's probation (within what the caller may see).
    pub user_id: Option<String>,
    pub status: Option<ProbationStatus>,
    #[param(example = "2026-03-01T08:00:00+08:00")]
    pub updated_since: Option<String>,
    /// Page size, 1–200 (default 50).
    pub limit: Option<u32>,
    /// `next_cursor` of the previous page (of a query with the same `updated_since`).
    pub cursor: Option<String>,
}

crate::paged!(ProbationQuery);

const fn col(field: &'static str, zh: &'static str) -> Column {
    Column { field, zh }
}

pub const PROBATIONS_EXPORT: Exportable = Exportable {
    operation_id: "listProbations",
    file: "probations",
    columns: &[
        col("id", "编号"),
        col("user_id", "员工"),
        col("department", "部门"),
        col("starts_on", "试用开始"),
        col("ends_on", "试用结束"),
        col("status", "状态"),
        col("next_step", "待审批"),
        col("manager_approved_by", "部门经理"),
        col("manager_approved_at", "经理审批时间"),
        col("executive_approved_by", "副总经理"),
        col("executive_approved_at", "副总审批时间"),
        col("gm_approved_by", "总经理"),
        col("gm_approved_at", "总经理审批时间"),
        col("opened_by", "登记人"),
        col("early_reason", "提前转正理由"),
        col("deleted", "已删除"),
        col("created_at", "创建时间"),
        col("updated_at", "更新时间"),
        col("version", "版本"),
    ],
};
