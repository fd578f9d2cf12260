//! Request and response types of `/commissioning-jobs` (CON-7, CON-8).

use crate::kernel::command::Versioned;
use crate::kernel::export::{Column, Exportable};
use chrono::{DateTime, NaiveDate, Utc};
use kefu_contracts::commissioning::{CommissioningDocument, CommissioningStatus};
use kefu_core::LocationClass;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

/// A commissioning job with what billing needs of it: billable points, class, dates, document
/// timeliness and the acceptance date.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CommissioningJobOut {
    /// The job's id.
    pub id: String,
    /// The project (工程) name.
    pub title: String,
    /// The number of the commissioning notice (工程调试通知及结算单).
    pub notice_no: String,
    /// The site's customer.
    pub customer_id: String,
    /// The site commissioned.
    pub site_id: String,
    /// ORG-3: the site's class when the job was entered (local, county, remote).
    pub location_class: LocationClass,
    /// A capacity addition: the job it adds to (whose points it does not repeat).
    pub original_job_id: Option<String>,
    /// The controller points as entered (for an addition: only the added points).
    pub controller_points: i64,
    /// CON-8: a pure alarm controller.
    pub pure_alarm_controller: bool,
    /// CON-8: the points billing uses — the `contract-deadlines` rule's
    /// `pure_alarm_controller_points` (127) for a pure alarm controller, else as entered.
    pub billable_points: i64,
    /// The engineer who commissions.
    pub engineer_id: String,
    /// `pending_approval` → `approved` by the executive → `commissioned` (CON-7).
    pub status: CommissioningStatus,
    /// The executive who approved the notice.
    pub approved_by: Option<String>,
    /// The day the notice was approved; `null` before.
    pub approved_on: Option<NaiveDate>,
    /// The work's first day.
    pub started_on: Option<NaiveDate>,
    /// The work's last day (the end in the project file's commissioning record).
    pub ended_on: Option<NaiveDate>,
    /// CON-7: the documents are due on this day (the end plus the rule's
    /// `commissioning_documents_days`, calendar days).
    pub documents_due_on: Option<NaiveDate>,
    /// The day the project file (工程档案) was handed in.
    pub project_file_on: Option<NaiveDate>,
    /// The day the satisfaction questionnaire (顾客满意度调查问卷) was handed in.
    pub questionnaire_on: Option<NaiveDate>,
    /// The day the settlement notice (工程调试通知及结算单) was handed in.
    pub settlement_notice_on: Option<NaiveDate>,
    /// CON-7: a document came (or, still missing, is) after its due day — judged on the
    /// server's current date while one is missing.
    pub documents_late: bool,
    /// CON-7: by how many days the latest document was (or is so far) late; 0 on time.
    pub documents_late_days: i64,
    /// When the late-documents job told the engineer.
    pub documents_late_noticed_on: Option<NaiveDate>,
    /// The clerk who confirmed the commissioning by callback.
    pub callback_confirmed_by: Option<String>,
    /// The day of the confirming callback; `null` before.
    pub callback_confirmed_on: Option<NaiveDate>,
    /// CON-7: over the rule's `recheck_call_over_points` (1000): the manager's re-check call.
    pub recheck_required: bool,
    /// CON-7: the day after the callback.
    pub recheck_due_on: Option<NaiveDate>,
    /// The manager who made the re-check call; `null` before.
    pub rechecked_by: Option<String>,
    /// The day of the re-check call; `null` before.
    pub rechecked_on: Option<NaiveDate>,
    /// The acceptance (检测验收) date, when it happened.
    pub acceptance_on: Option<NaiveDate>,
    /// Who entered the job.
    pub created_by: String,
    /// When it was entered.
    pub created_at: DateTime<Utc>,
    /// When it last changed.
    pub updated_at: DateTime<Utc>,
    /// Echoed as the `ETag`; send it back in `If-Match` for every command.
    pub version: i64,
}

impl Versioned for CommissioningJobOut {
    fn version(&self) -> i64 {
        self.version
    }
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "title": "某大厦火灾自动报警系统",
    "notice_no": "TS-2026-031",
    "site_id": "0193a5c0-0000-7000-8000-000000000002",
    "controller_points": 400,
    "pure_alarm_controller": false,
    "engineer_id": "0193a5c0-0000-7000-8000-000000000003"
}))]
pub struct CreateCommissioningJob {
    /// The project (工程) name.
    #[validate(length(min = 1, max = 200))]
    #[schema(min_length = 1, max_length = 200)]
    pub title: String,
    /// The commissioning notice's number.
    #[validate(length(min = 1, max = 64))]
    #[schema(min_length = 1, max_length = 64)]
    pub notice_no: String,
    /// A site visible to the caller; for a capacity addition it may be left out (the
    /// original's site), and otherwise must be the original's.
    #[validate(length(min = 1, max = 64))]
    #[schema(min_length = 1, max_length = 64)]
    pub site_id: Option<String>,
    /// A capacity addition: the job it adds to.
    #[validate(length(min = 1, max = 64))]
    #[schema(min_length = 1, max_length = 64)]
    pub original_job_id: Option<String>,
    /// The controller points commissioned (for an addition: only the added points).
    #[validate(range(min = 0, max = 1_000_000))]
    #[schema(minimum = 0, maximum = 1_000_000)]
    pub controller_points: i64,
    /// CON-8: a pure alarm controller counts as the rule's points (127). Default false.
    #[serde(default)]
    pub pure_alarm_controller: bool,
    /// An enabled user with the engineer role.
    #[validate(length(min = 1, max = 64))]
    #[schema(min_length = 1, max_length = 64)]
    pub engineer_id: String,
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"approved_on": "2026-03-02"}))]
pub struct ApproveCommissioningJob {
    /// Default today; not in the future.
    pub approved_on: Option<NaiveDate>,
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"started_on": "2026-03-02", "ended_on": "2026-03-06"}))]
pub struct RecordCommissioningWork {
    /// The work's first day; not in the future.
    pub started_on: NaiveDate,
    /// Not before `started_on`, not in the future.
    pub ended_on: NaiveDate,
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"documents": ["project_file", "satisfaction_questionnaire"], "handed_in_on": "2026-03-08"}))]
pub struct HandInCommissioningDocuments {
    /// The documents handed in (CON-7), 1 to 3.
    #[validate(length(min = 1, max = 3))]
    #[schema(min_items = 1, max_items = 3)]
    pub documents: Vec<CommissioningDocument>,
    /// Default today; not before the work's end, not in the future.
    pub handed_in_on: Option<NaiveDate>,
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"confirmed_on": "2026-03-09"}))]
pub struct ConfirmCommissioningCallback {
    /// Default today; not before the last hand-in, not in the future.
    pub confirmed_on: Option<NaiveDate>,
    /// What the customer said; kept in the audit entry.
    #[validate(length(min = 1, max = 1000))]
    #[schema(min_length = 1, max_length = 1000)]
    pub note: Option<String>,
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"rechecked_on": "2026-03-10"}))]
pub struct RecheckCommissioningJob {
    /// Default today; not before the callback, not in the future.
    pub rechecked_on: Option<NaiveDate>,
    /// The re-check's result; kept in the audit entry.
    #[validate(length(min = 1, max = 1000))]
    #[schema(min_length = 1, max_length = 1000)]
    pub note: Option<String>,
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"accepted_on": "2026-04-15"}))]
pub struct RecordCommissioningAcceptance {
    /// Default today; not before the work's end, not in the future.
    pub accepted_on: Option<NaiveDate>,
}

#[derive(Debug, Clone, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct CommissioningJobQuery {
    pub customer_id: Option<String>,
    pub site_id: Option<String>,
    pub engineer_id: Option<String>,
    pub status: Option<CommissioningStatus>,
    /// The capacity additions of this job.
    pub original_job_id: Option<String>,
    /// Jobs whose work ended on or after this day (e.g. a billing month's first day).
    pub ended_from: Option<NaiveDate>,
    /// Jobs whose work ended on or before this day.
    pub ended_to: Option<NaiveDate>,
    /// Delta sync: jobs changed after this instant (RFC 3339), in update order.
    #[param(example = "2026-03-01T08:00:00+08:00")]
    pub updated_since: Option<String>,
    /// Page size, 1–200 (default 50).
    pub limit: Option<u32>,
    /// `next_cursor` of the previous page (of a query with the same `updated_since`).
    pub cursor: Option<String>,
}

crate::paged!(CommissioningJobQuery);

const fn col(field: &'static str, zh: &'static str) -> Column {
    Column { field, zh }
}

/// The job list as CSV or XLSX (`crate::kernel::export`): what finance computes the
/// commissioning fees from.
pub const EXPORT: Exportable = Exportable {
    operation_id: "listCommissioningJobs",
    file: "commissioning-jobs",
    columns: &[
        col("id", "调试单编号"),
        col("title", "工程名称"),
        col("notice_no", "调试通知单号"),
        col("customer_id", "客户编号"),
        col("site_id", "现场编号"),
        col("location_class", "地区类别"),
        col("original_job_id", "原工程编号"),
        col("controller_points", "控制器点数"),
        col("pure_alarm_controller", "纯报警控制器"),
        col("billable_points", "结算点数"),
        col("engineer_id", "调试人员"),
        col("status", "状态"),
        col("approved_by", "审批人"),
        col("approved_on", "审批日期"),
        col("started_on", "开始日期"),
        col("ended_on", "结束日期"),
        col("documents_due_on", "资料应交日期"),
        col("project_file_on", "工程档案上交"),
        col("questionnaire_on", "满意度问卷上交"),
        col("settlement_notice_on", "结算单上交"),
        col("documents_late", "资料逾期"),
        col("documents_late_days", "逾期天数"),
        col("documents_late_noticed_on", "逾期通知日期"),
        col("callback_confirmed_by", "回访内勤"),
        col("callback_confirmed_on", "回访确认日期"),
        col("recheck_required", "需经理复核"),
        col("recheck_due_on", "复核应做日期"),
        col("rechecked_by", "复核人"),
        col("rechecked_on", "复核日期"),
        col("acceptance_on", "检测验收日期"),
        col("created_by", "创建人"),
        col("created_at", "创建时间"),
        col("updated_at", "更新时间"),
        col("version", "版本"),
    ],
};
