use crate::kernel::export::{Column, Exportable};
use chrono::{DateTime, NaiveDate, Utc};
use kefu_tickets::change_requests::Stage;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ChangeRequestOut {
    /// The change request's id.
    pub id: String,
    /// The ticket the request was raised on.
    pub ticket_id: String,
    /// The ticket's customer, who asked for the change.
    pub customer_id: String,
    /// The bug service record (TKT-6) that raised the request, if any.
    pub service_record_id: Option<String>,
    /// A short name of the change.
    pub title: String,
    /// What the customer wants changed; updated when the requirements are confirmed (TKT-12).
    pub requirements: String,
    /// The reference of the customer's stamped application (faxed in); a request raised by
    /// a bug record gets it when the requirements are confirmed.
    pub customer_stamp_ref: Option<String>,
    /// The engineer who requested the change; only they test it (TKT-12).
    pub requested_by: String,
    /// Where the request is in the TKT-12 flow.
    pub stage: Stage,
    /// The manager's review; `null` before the review.
    pub review_note: Option<String>,
    /// The completion date currently promised to the customer.
    pub promised_date: Option<NaiveDate>,
    /// The manager who reviewed it; `null` before the review.
    pub reviewed_by: Option<String>,
    /// When it was reviewed; `null` before the review.
    pub reviewed_at: Option<DateTime<Utc>>,
    /// Who passed the test (the requesting engineer, TKT-12); `null` before.
    pub tested_by: Option<String>,
    /// When the test passed; `null` before.
    pub tested_at: Option<DateTime<Utc>>,
    /// When the change was delivered to the customer; `null` before.
    pub delivered_at: Option<DateTime<Utc>>,
    /// The customer's feedback on the delivery; `null` until recorded.
    pub customer_feedback: Option<String>,
    /// A tombstone in delta sync: the request was deleted.
    pub deleted: bool,
    /// When the request was made.
    pub created_at: DateTime<Utc>,
    /// When the request last changed.
    pub updated_at: DateTime<Utc>,
    /// Echoed as the `ETag`; send it back in `If-Match` for every command.
    pub version: i64,
    /// The commands the caller may run on this change request now, as the commands themselves
    /// decide: the caller's role, whether they requested it (only the requester passes the test)
    /// and its stage and promised date (TKT-12: a delay only before the promised date). Still
    /// refused for its body (422: a review without `promised_date`, a confirmation with no stamped
    /// application on file or given) or after a concurrent change (412).
    #[schema(max_items = 10)]
    pub allowed_actions: Vec<kefu_tickets::change_requests::CrCommand>,
}

/// One entry of a request's stage log.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ChangeRequestEventOut {
    /// The command that made the entry (e.g. `confirm_requirements`, `review`, `deliver`).
    pub action: String,
    /// The stage before; `null` for the creation.
    pub from_stage: Option<Stage>,
    /// The stage after.
    pub to_stage: Stage,
    /// Who ran the command; `null` for the system.
    pub actor_id: Option<String>,
    /// The note or reason given with it.
    pub reason: Option<String>,
    /// When it ran.
    pub at: DateTime<Utc>,
}

/// A delay notice: the promised date moved, announced to the customer in advance.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct DelayNoticeOut {
    /// The completion date promised before the notice.
    pub old_promised_date: NaiveDate,
    /// The completion date promised from the notice on.
    pub new_promised_date: NaiveDate,
    /// Why the change is late, as told to the customer.
    pub reason: String,
    /// The customer's contact who was told.
    pub notified_contact: String,
    /// Who recorded the notice; `null` for the system.
    pub noticed_by: Option<String>,
    /// When the notice was recorded.
    pub noticed_at: DateTime<Utc>,
}

/// A change request with its stage log and delay notices (the history of promised dates).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ChangeRequestDetail {
    /// The request itself (its members are inlined here).
    #[serde(flatten)]
    pub request: ChangeRequestOut,
    /// The stage log, oldest first.
    pub events: Vec<ChangeRequestEventOut>,
    /// The delay notices, oldest first: the history of promised dates.
    pub delay_notices: Vec<DelayNoticeOut>,
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "title": "报警记录报表增加按区域汇总",
    "requirements": "在报警记录报表中增加按防区汇总的页签",
    "customer_stamp_ref": "FAX-2026-0306-01"
}))]
pub struct CreateChangeRequest {
    /// A short name of the change.
    #[validate(length(min = 1, max = 200))]
    #[schema(min_length = 1, max_length = 200)]
    pub title: String,
    /// What the customer wants changed.
    #[validate(length(min = 1, max = 8000))]
    #[schema(min_length = 1, max_length = 8000)]
    pub requirements: String,
    /// The reference of the application with the customer's stamp (faxed in).
    #[validate(length(min = 1, max = 200))]
    #[schema(min_length = 1, max_length = 200)]
    pub customer_stamp_ref: String,
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"reason": "已与客户王工电话确认需求", "requirements": "按防区与时间段汇总"}))]
pub struct ConfirmRequirements {
    /// The requirements as confirmed with the customer (default: unchanged).
    #[validate(length(min = 1, max = 8000))]
    #[schema(min_length = 1, max_length = 8000)]
    pub requirements: Option<String>,
    /// The stamped application, if it was not given when the request was made.
    #[validate(length(min = 1, max = 200))]
    #[schema(min_length = 1, max_length = 200)]
    pub customer_stamp_ref: Option<String>,
    /// A note for the stage log.
    #[validate(length(min = 1, max = 500))]
    #[schema(min_length = 1, max_length = 500)]
    pub reason: Option<String>,
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"note": "同意修改，安排开发", "promised_date": "2026-03-20"}))]
pub struct ReviewChangeRequest {
    /// `false` rejects the request (no date needed); default approve.
    pub approve: Option<bool>,
    /// The manager's review.
    #[validate(length(min = 1, max = 2000))]
    #[schema(min_length = 1, max_length = 2000)]
    pub note: String,
    /// Required when approving: the completion date promised to the customer (TKT-12).
    pub promised_date: Option<NaiveDate>,
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"feedback": "客户试用后满意"}))]
pub struct RecordFeedback {
    /// The customer's feedback on the delivered change (TKT-12).
    #[validate(length(min = 1, max = 4000))]
    #[schema(min_length = 1, max_length = 4000)]
    pub feedback: String,
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "new_promised_date": "2026-03-27",
    "reason": "需求变更导致开发延期",
    "notified_contact": "王工"
}))]
pub struct DelayNotice {
    /// The new completion date promised to the customer.
    pub new_promised_date: NaiveDate,
    /// Why the change is late, as told to the customer.
    #[validate(length(min = 1, max = 500))]
    #[schema(min_length = 1, max_length = 500)]
    pub reason: String,
    /// The customer's contact who was told.
    #[validate(length(min = 1, max = 100))]
    #[schema(min_length = 1, max_length = 100)]
    pub notified_contact: String,
}

#[derive(Debug, Clone, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ChangeRequestQuery {
    pub stage: Option<Stage>,
    pub ticket_id: Option<String>,
    pub customer_id: Option<String>,
    /// `true`: only undelivered requests within `service-deadlines.change_request_delay_notice_working_days`
    /// working days of (or past) their promised date; `false` or absent: no such filter.
    pub delay_notice_due: Option<bool>,
    /// Delta sync: change requests changed after this instant (RFC 3339), in update order.
    #[param(example = "2026-03-01T08:00:00+08:00")]
    pub updated_since: Option<String>,
    /// Page size, 1–200 (default 50).
    pub limit: Option<u32>,
    /// `next_cursor` of the previous page (of a query with the same `updated_since`).
    pub cursor: Option<String>,
}

crate::paged!(ChangeRequestQuery);

const fn col(field: &'static str, zh: &'static str) -> Column {
    Column { field, zh }
}

/// The change-request list as CSV or XLSX (`crate::kernel::export`), e.g. the promised dates
/// for the development team's planning.
pub const EXPORT: Exportable = Exportable {
    operation_id: "listChangeRequests",
    file: "change-requests",
    columns: &[
        col("id", "需求编号"),
        col("ticket_id", "工单编号"),
        col("customer_id", "客户编号"),
        col("service_record_id", "服务记录编号"),
        col("title", "需求名称"),
        col("requirements", "需求内容"),
        col("customer_stamp_ref", "客户盖章申请"),
        col("requested_by", "申请人"),
        col("stage", "阶段"),
        col("review_note", "评审意见"),
        col("promised_date", "承诺完成日期"),
        col("reviewed_by", "评审人"),
        col("reviewed_at", "评审时间"),
        col("tested_by", "测试人"),
        col("tested_at", "测试时间"),
        col("delivered_at", "交付时间"),
        col("customer_feedback", "客户反馈"),
        col("deleted", "已删除"),
        col("created_at", "创建时间"),
        col("updated_at", "更新时间"),
        col("version", "版本"),
        // What the exporting caller may do with the record (issue 17), as in the list.
        Column {
            field: "allowed_actions",
            zh: "可执行操作",
        },
    ],
};
