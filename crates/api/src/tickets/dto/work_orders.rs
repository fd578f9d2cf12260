use crate::kernel::export::{Column, Exportable};
use chrono::{DateTime, Utc};
use kefu_tickets::work_orders::{WorkOrderStatus, WorkOrderTarget};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct WorkOrderOut {
    /// The work order's id.
    pub id: String,
    /// The ticket that raised it (TKT-11).
    pub ticket_id: String,
    /// The department it goes to (TKT-11).
    pub target: WorkOrderTarget,
    /// A short name of the problem.
    pub title: String,
    /// The problem for the target department.
    pub description: String,
    /// Who raised it.
    pub raised_by: String,
    /// Who works on it in the target department.
    pub assignee_id: Option<String>,
    /// `open` → `in_progress` → `solved` → `closed`, or `cancelled` (TKT-11).
    pub status: WorkOrderStatus,
    /// When work began; `null` while `open`.
    pub started_at: Option<DateTime<Utc>>,
    /// The department's solution; `null` until solved.
    pub solution: Option<String>,
    /// Who solved it; `null` until solved.
    pub solved_by: Option<String>,
    /// When it was solved; `null` until solved.
    pub solved_at: Option<DateTime<Utc>>,
    /// TKT-11: the knowledge-base article with the customer-facing wording; required to close.
    pub kb_article_id: Option<String>,
    /// Who closed it; `null` until closed.
    pub closed_by: Option<String>,
    /// When it was closed; `null` until closed.
    pub closed_at: Option<DateTime<Utc>>,
    /// When it was cancelled; `null` unless cancelled.
    pub cancelled_at: Option<DateTime<Utc>>,
    /// Why it was cancelled; `null` unless cancelled.
    pub cancel_reason: Option<String>,
    /// A tombstone: only delta sync (`updated_since`) returns deleted records.
    pub deleted: bool,
    /// When it was raised.
    pub created_at: DateTime<Utc>,
    /// When it last changed.
    pub updated_at: DateTime<Utc>,
    /// Echoed as the `ETag`; send it back in `If-Match` for every command.
    pub version: i64,
    /// The commands the caller may run on this work order now, as the commands themselves decide:
    /// the caller's role and relation to it (its assignee or a lead starts and solves it; its
    /// raiser or a lead cancels it; they or a clerk close it) and its state (TKT-11). Still refused
    /// for its body (`close` without `kb_article_id`, 422 TKT-11; `start` naming an assignee is for
    /// leads only) or after a concurrent change (412).
    #[schema(max_items = 4)]
    pub allowed_actions: Vec<kefu_tickets::work_orders::WorkOrderCommand>,
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "target": "technical",
    "title": "报警主机固件升级后无法上报",
    "description": "客户 GST200 主机升级 2.3 固件后，云平台收不到报警事件",
    "assignee_id": null
}))]
pub struct CreateWorkOrder {
    /// The department it goes to (TKT-11).
    pub target: WorkOrderTarget,
    /// A short name of the problem.
    #[validate(length(min = 1, max = 200))]
    #[schema(min_length = 1, max_length = 200)]
    pub title: String,
    /// The problem for the target department.
    #[validate(length(min = 1, max = 5000))]
    #[schema(min_length = 1, max_length = 5000)]
    pub description: String,
    /// An enabled staff user of the target department; told in their inbox.
    #[validate(length(min = 1, max = 64))]
    #[schema(min_length = 1, max_length = 64)]
    pub assignee_id: Option<String>,
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"assignee_id": null}))]
pub struct StartWorkOrder {
    /// A lead (admin, manager, supervisor) may name or change the assignee when starting.
    #[validate(length(min = 1, max = 64))]
    #[schema(min_length = 1, max_length = 64)]
    pub assignee_id: Option<String>,
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"solution": "回退固件至 2.2 并修正上报地址配置"}))]
pub struct SolveWorkOrder {
    /// The department's solution, for the support specialist's KB wording (TKT-11).
    #[validate(length(min = 1, max = 5000))]
    #[schema(min_length = 1, max_length = 5000)]
    pub solution: String,
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"kb_article_id": "0190c0de-0000-7000-8000-000000000001"}))]
pub struct CloseWorkOrder {
    /// TKT-11: the knowledge-base article holding the customer-facing wording (an existing
    /// article, not deleted or archived). Without it closing is 422 `TKT-11`.
    #[validate(length(min = 1, max = 64))]
    #[schema(min_length = 1, max_length = 64)]
    pub kb_article_id: Option<String>,
}

#[derive(Debug, Clone, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct WorkOrderQuery {
    pub target: Option<WorkOrderTarget>,
    pub status: Option<WorkOrderStatus>,
    pub ticket_id: Option<String>,
    pub assignee_id: Option<String>,
    /// Delta sync: work orders changed after this instant (RFC 3339), in update order.
    #[param(example = "2026-03-01T08:00:00+08:00")]
    pub updated_since: Option<String>,
    /// Page size, 1–200 (default 50).
    pub limit: Option<u32>,
    /// `next_cursor` of the previous page (of a query with the same `updated_since`).
    pub cursor: Option<String>,
}

crate::paged!(WorkOrderQuery);

const fn col(field: &'static str, zh: &'static str) -> Column {
    Column { field, zh }
}

/// The work-order list as CSV or XLSX (`crate::kernel::export`).
pub const EXPORT: Exportable = Exportable {
    operation_id: "listWorkOrders",
    file: "work-orders",
    columns: &[
        col("id", "工作单编号"),
        col("ticket_id", "工单编号"),
        col("target", "转交部门"),
        col("title", "标题"),
        col("description", "问题描述"),
        col("raised_by", "提交人"),
        col("assignee_id", "处理人"),
        col("status", "状态"),
        col("started_at", "开始时间"),
        col("solution", "解决方案"),
        col("solved_by", "解决人"),
        col("solved_at", "解决时间"),
        col("kb_article_id", "知识库文章"),
        col("closed_by", "关闭人"),
        col("closed_at", "关闭时间"),
        col("cancelled_at", "取消时间"),
        col("cancel_reason", "取消原因"),
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
