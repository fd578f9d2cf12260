use crate::kernel::export::{Column, Exportable};
use chrono::{DateTime, NaiveDate, Utc};
use kefu_tickets::channel::Channel;
use kefu_tickets::complaints::{ComplaintStatus, Validity};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ComplaintOut {
    /// The complaint's id.
    pub id: String,
    /// The complaint's own ticket, or the ticket complained about.
    pub ticket_id: Option<String>,
    /// The complaining customer.
    pub customer_id: String,
    /// The user (employee) complained about.
    pub employee_id: String,
    /// How the complaint came in.
    pub channel: Channel,
    /// What the customer complains about.
    pub description: String,
    /// When the customer complained.
    pub received_at: DateTime<Utc>,
    /// Who recorded the complaint.
    pub recorded_by: String,
    /// `open` → `judged` → `replied` → `closed` (TKT-10).
    pub status: ComplaintStatus,
    /// TKT-10: the judgement; valid complaints count against the employee (HR-C1). This,
    /// `validity_reason`, `judged_by`, `judged_at` and `corrective_measures` are internal: null
    /// for a customer contact.
    pub validity: Option<Validity>,
    /// Why it was judged so (TKT-10); `null` before judging and for a customer contact.
    pub validity_reason: Option<String>,
    /// The supervisor who judged it; `null` before judging and for a customer contact.
    pub judged_by: Option<String>,
    /// When it was judged; `null` before judging and for a customer contact.
    pub judged_at: Option<DateTime<Utc>>,
    /// The corrective measures of a valid complaint (TKT-10); `null` otherwise and for a customer contact.
    pub corrective_measures: Option<String>,
    /// The reply given to the customer (TKT-10); `null` before the reply.
    pub reply_to_customer: Option<String>,
    /// Who recorded the reply; `null` before.
    pub replied_by: Option<String>,
    /// When the reply was recorded; `null` before.
    pub replied_at: Option<DateTime<Utc>>,
    /// Who closed the complaint; `null` while not closed.
    pub closed_by: Option<String>,
    /// When it was closed; `null` while not closed.
    pub closed_at: Option<DateTime<Utc>>,
    /// A tombstone in delta sync: the complaint was deleted.
    pub deleted: bool,
    /// When the complaint was recorded.
    pub created_at: DateTime<Utc>,
    /// When the complaint last changed.
    pub updated_at: DateTime<Utc>,
    /// Echoed as the `ETag`; send it back in `If-Match` for every command.
    pub version: i64,
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "customer_id": "0193a5c0-0000-7000-8000-000000000001",
    "employee_id": "0193a5c0-0000-7000-8000-000000000002",
    "channel": "phone",
    "description": "工程师上门迟到两小时且未提前告知",
    "received_at": "2026-03-06T10:00:00+08:00"
}))]
pub struct CreateComplaint {
    /// The complaint's own ticket or the ticket complained about (visible to the caller).
    #[validate(length(min = 1, max = 64))]
    #[schema(min_length = 1, max_length = 64)]
    pub ticket_id: Option<String>,
    /// The complaining customer (visible to the caller).
    #[validate(length(min = 1, max = 64))]
    #[schema(min_length = 1, max_length = 64)]
    pub customer_id: String,
    /// The user complained about.
    #[validate(length(min = 1, max = 64))]
    #[schema(min_length = 1, max_length = 64)]
    pub employee_id: String,
    /// How the complaint came in.
    pub channel: Channel,
    /// What the customer complains about.
    #[validate(length(min = 1, max = 4000))]
    #[schema(min_length = 1, max_length = 4000)]
    pub description: String,
    /// When the customer complained (default now); not in the future.
    pub received_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"validity": "valid", "reason": "经核实确实迟到且未告知客户"}))]
pub struct JudgeComplaint {
    /// The judgement (TKT-10); a valid complaint counts against the employee (HR-C1).
    pub validity: Validity,
    /// Why, kept as the complaint's `validity_reason`.
    #[validate(length(min = 1, max = 2000))]
    #[schema(min_length = 1, max_length = 2000)]
    pub reason: String,
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "corrective_measures": "对责任工程师进行考核并组织守时培训",
    "reply_to_customer": "已向客户致歉并说明整改措施"
}))]
pub struct ReplyComplaint {
    /// Required for a valid complaint (TKT-10).
    #[validate(length(min = 1, max = 4000))]
    #[schema(min_length = 1, max_length = 4000)]
    pub corrective_measures: Option<String>,
    /// The reply given to the customer.
    #[validate(length(min = 1, max = 4000))]
    #[schema(min_length = 1, max_length = 4000)]
    pub reply_to_customer: String,
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"reason": "客户表示满意"}))]
pub struct CloseComplaint {
    /// A closing remark, kept in the audit entry only.
    #[validate(length(min = 1, max = 500))]
    #[schema(min_length = 1, max_length = 500)]
    pub reason: Option<String>,
}

#[derive(Debug, Clone, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ComplaintQuery {
    pub employee_id: Option<String>,
    pub customer_id: Option<String>,
    pub validity: Option<Validity>,
    pub status: Option<ComplaintStatus>,
    /// Received on or after this day (company time zone).
    pub received_from: Option<NaiveDate>,
    /// Received on or before this day (company time zone).
    pub received_to: Option<NaiveDate>,
    /// Delta sync: complaints changed after this instant (RFC 3339), in update order.
    #[param(example = "2026-03-01T08:00:00+08:00")]
    pub updated_since: Option<String>,
    /// Page size, 1–200 (default 50).
    pub limit: Option<u32>,
    /// `next_cursor` of the previous page (of a query with the same `updated_since`).
    pub cursor: Option<String>,
}

crate::paged!(ComplaintQuery);

const fn col(field: &'static str, zh: &'static str) -> Column {
    Column { field, zh }
}

/// The complaint list as CSV or XLSX (`crate::kernel::export`), e.g. the month's complaints
/// for the HR scorecards.
pub const EXPORT: Exportable = Exportable {
    operation_id: "listComplaints",
    file: "complaints",
    columns: &[
        col("id", "投诉编号"),
        col("ticket_id", "工单编号"),
        col("customer_id", "客户编号"),
        col("employee_id", "被投诉人"),
        col("channel", "投诉渠道"),
        col("description", "投诉内容"),
        col("received_at", "投诉时间"),
        col("recorded_by", "登记人"),
        col("status", "状态"),
        col("validity", "有效性"),
        col("validity_reason", "判定理由"),
        col("judged_by", "判定人"),
        col("judged_at", "判定时间"),
        col("corrective_measures", "整改措施"),
        col("reply_to_customer", "答复客户"),
        col("replied_by", "答复人"),
        col("replied_at", "答复时间"),
        col("closed_by", "关闭人"),
        col("closed_at", "关闭时间"),
        col("deleted", "已删除"),
        col("created_at", "创建时间"),
        col("updated_at", "更新时间"),
        col("version", "版本"),
    ],
};

#[derive(Debug, Clone, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ComplaintCountsQuery {
    /// First day of the period (company time zone).
    pub from: NaiveDate,
    /// Last day of the period, inclusive.
    pub to: NaiveDate,
    pub employee_id: Option<String>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct EmployeeComplaintCount {
    /// The user complained about.
    pub employee_id: String,
    /// Valid complaints against them received in the period.
    pub valid_complaints: i64,
}

/// HR-C1 / HR-S5: valid complaints per employee received in a period; employees without one
/// are absent.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ComplaintCounts {
    /// First day of the period, as asked.
    pub from: NaiveDate,
    /// Last day of the period, as asked.
    pub to: NaiveDate,
    /// One entry per employee with at least one valid complaint.
    pub items: Vec<EmployeeComplaintCount>,
}
