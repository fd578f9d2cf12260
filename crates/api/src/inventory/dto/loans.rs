use crate::kernel::export::{Column, Exportable};
use chrono::{DateTime, NaiveDate, Utc};
use kefu_inventory::loans::{ChargeStatus, LoanStatus, LossKind};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

/// INV-2: one part lent to one engineer.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct LoanOut {
    /// The loan's id.
    pub id: String,
    /// The engineer who borrows (INV-2).
    pub engineer_id: String,
    /// The engineer's hands, where the parts go.
    pub location_id: String,
    /// The part lent.
    pub part_id: String,
    /// How many units are lent.
    pub quantity: i64,
    /// Serialised parts: the units asked for and issued.
    pub serials: Vec<String>,
    /// Serialised parts: the units still out.
    pub outstanding_serials: Vec<String>,
    /// Units still out: neither returned, reported lost or damaged, nor consumed on a ticket.
    pub outstanding: i64,
    /// Units returned so far.
    pub returned_quantity: i64,
    /// Of the returned units, those that came back unused.
    pub unused_quantity: i64,
    /// Units reported lost or damaged (INV-3).
    pub lost_quantity: i64,
    /// INV-2: units used on tickets, as recorded on their signed feedback forms (consumed:
    /// they never come back).
    pub consumed_quantity: i64,
    /// `requested` → `approved`/`rejected` → `issued` → `closed` (INV-2).
    pub status: LoanStatus,
    /// The engineer's note on the request.
    pub note: Option<String>,
    /// The manager who approved or rejected it.
    pub decided_by: Option<String>,
    /// When it was approved or rejected; `null` while `requested`.
    pub decided_at: Option<DateTime<Utc>>,
    /// The clerk who issued the parts; `null` before.
    pub issued_by: Option<String>,
    /// When the parts were issued; `null` before.
    pub issued_at: Option<DateTime<Utc>>,
    /// INV-2: the working day the parts are due back; overdue from the end of that day.
    pub due_on: Option<NaiveDate>,
    /// Still out after its due day (as of the request's day).
    pub overdue: bool,
    /// When the engineer signed for the parts.
    pub signed_at: Option<DateTime<Utc>>,
    /// When the overdue watch flagged it and told the engineer and the managers (once).
    pub overdue_flagged_at: Option<DateTime<Utc>>,
    /// When every unit was accounted for; `null` while open.
    pub closed_at: Option<DateTime<Utc>>,
    /// INV-8: the units idle longer than those issued, which the rotation suggestion would
    /// have issued first (empty when the issue followed it, before the issue and for bulk
    /// parts). Recorded, not refused.
    pub rotation_passed_over: Vec<String>,
    /// A tombstone: only delta sync (`updated_since`) returns deleted records.
    pub deleted: bool,
    /// When the loan was requested.
    pub created_at: DateTime<Utc>,
    /// When it last changed.
    pub updated_at: DateTime<Utc>,
    /// Echoed as the `ETag`; send it back in `If-Match` to run a command.
    pub version: i64,
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "part_id": "0192f0a0-0000-7000-8000-000000000002", "quantity": 2, "note": "明日巡检备用"
}))]
pub struct RequestLoan {
    /// A live part of the catalogue.
    #[validate(length(min = 1, max = 64))]
    #[schema(min_length = 1, max_length = 64)]
    pub part_id: String,
    /// Bulk parts: how many. Serialised parts: omit, or the number of `serials`.
    #[validate(range(min = 1, max = 1_000_i64))]
    #[schema(minimum = 1, maximum = 1_000_i64)]
    pub quantity: Option<i64>,
    /// Serialised parts: the units asked for (1–100 characters each).
    #[serde(default)]
    #[validate(length(max = 200))]
    #[schema(max_items = 200, value_type = Vec<crate::inventory::dto::SerialItem>)]
    pub serials: Vec<String>,
    /// A note for the approving manager.
    #[validate(length(min = 1, max = 500))]
    #[schema(min_length = 1, max_length = 500)]
    pub note: Option<String>,
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"from_location_id": "0192f0a0-0000-7000-8000-000000000003"}))]
pub struct IssueLoan {
    /// The location the parts leave (the warehouse or the service centre).
    #[validate(length(min = 1, max = 64))]
    #[schema(min_length = 1, max_length = 64)]
    pub from_location_id: String,
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"to_location_id": "0192f0a0-0000-7000-8000-000000000003",
    "quantity": 1, "unused": true}))]
pub struct ReturnLoan {
    /// The location the parts come back to.
    #[validate(length(min = 1, max = 64))]
    #[schema(min_length = 1, max_length = 64)]
    pub to_location_id: String,
    /// Bulk parts: how many come back (at most what is out).
    #[validate(range(min = 1, max = 1_000_i64))]
    #[schema(minimum = 1, maximum = 1_000_i64)]
    pub quantity: Option<i64>,
    /// Serialised parts: the units that come back; each must be out on this loan.
    #[serde(default)]
    #[validate(length(max = 200))]
    #[schema(max_items = 200, value_type = Vec<crate::inventory::dto::SerialItem>)]
    pub serials: Vec<String>,
    /// The units come back unused.
    #[serde(default)]
    pub unused: bool,
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"kind": "lost", "quantity": 1, "note": "现场遗失"}))]
pub struct ReportLoss {
    /// Lost or damaged: charged at the sale price (INV-3).
    pub kind: LossKind,
    /// Bulk parts: how many (at most what is out).
    #[validate(range(min = 1, max = 1_000_i64))]
    #[schema(minimum = 1, maximum = 1_000_i64)]
    pub quantity: Option<i64>,
    /// Serialised parts: the units; each must be out on this loan.
    #[serde(default)]
    #[validate(length(max = 200))]
    #[schema(max_items = 200, value_type = Vec<crate::inventory::dto::SerialItem>)]
    pub serials: Vec<String>,
    /// What happened.
    #[validate(length(min = 1, max = 500))]
    #[schema(min_length = 1, max_length = 500)]
    pub note: Option<String>,
}

#[derive(Debug, Clone, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct LoansQuery {
    pub engineer_id: Option<String>,
    pub part_id: Option<String>,
    pub status: Option<LoanStatus>,
    /// `true`: only loans still out after their due day (INV-2's overdue list).
    pub overdue: Option<bool>,
    /// Delta sync: every loan changed at or after this instant (RFC 3339), in update order.
    #[param(example = "2026-03-01T08:00:00+08:00")]
    pub updated_since: Option<String>,
    /// Page size, 1–200 (default 50).
    pub limit: Option<u32>,
    /// `next_cursor` of the previous page (of a query with the same `updated_since`).
    pub cursor: Option<String>,
}

/// INV-3: a charge at the sale price for units lost or damaged on a loan, on its way to a
/// payroll deduction (BIL-13).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ChargeOut {
    /// The charge's id.
    pub id: String,
    /// The loan the units were lost on.
    pub loan_id: String,
    /// The engineer charged.
    pub engineer_id: String,
    /// The part lost or damaged.
    pub part_id: String,
    /// Lost or damaged.
    pub kind: LossKind,
    /// Serialised parts: the units charged; empty for bulk parts.
    pub serials: Vec<String>,
    /// How many units are charged.
    pub quantity: i64,
    /// The part's sale price when the loss was reported, in fen.
    pub unit_price_fen: i64,
    /// `unit_price_fen × quantity`, in fen.
    pub amount_fen: i64,
    /// `pending` until payroll deducts it (`deducted`, BIL-13), or `waived`.
    pub status: ChargeStatus,
    /// When the loss was reported.
    pub created_at: DateTime<Utc>,
    /// When the charge last changed.
    pub updated_at: DateTime<Utc>,
    /// Echoed as the `ETag`.
    pub version: i64,
}

#[derive(Debug, Clone, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ChargesQuery {
    pub engineer_id: Option<String>,
    pub loan_id: Option<String>,
    pub status: Option<ChargeStatus>,
    /// Page size, 1–200 (default 50).
    pub limit: Option<u32>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

crate::paged!(LoansQuery, ChargesQuery);

const fn col(field: &'static str, zh: &'static str) -> Column {
    Column { field, zh }
}

pub const LOANS_EXPORT: Exportable = Exportable {
    operation_id: "listPartLoans",
    file: "part-loans",
    columns: &[
        col("id", "借用单号"),
        col("engineer_id", "工程师"),
        col("location_id", "库位编号"),
        col("part_id", "备件编号"),
        col("quantity", "数量"),
        col("serials", "序列号"),
        col("outstanding_serials", "未还序列号"),
        col("outstanding", "未还数量"),
        col("returned_quantity", "已还数量"),
        col("unused_quantity", "未使用归还"),
        col("lost_quantity", "遗失损坏"),
        col("consumed_quantity", "工单消耗"),
        col("status", "状态"),
        col("note", "备注"),
        col("decided_by", "审批人"),
        col("decided_at", "审批时间"),
        col("issued_by", "发放人"),
        col("issued_at", "发放时间"),
        col("due_on", "应还日期"),
        col("overdue", "已逾期"),
        col("signed_at", "签收时间"),
        col("overdue_flagged_at", "逾期标记时间"),
        col("closed_at", "结清时间"),
        col("rotation_passed_over", "未按轮换跳过序列号"),
        col("deleted", "已删除"),
        col("created_at", "创建时间"),
        col("updated_at", "更新时间"),
        col("version", "版本"),
    ],
};

pub const CHARGES_EXPORT: Exportable = Exportable {
    operation_id: "listPartCharges",
    file: "part-charges",
    columns: &[
        col("id", "编号"),
        col("loan_id", "借用单号"),
        col("engineer_id", "工程师"),
        col("part_id", "备件编号"),
        col("kind", "类型"),
        col("serials", "序列号"),
        col("quantity", "数量"),
        col("unit_price_fen", "单价（分）"),
        col("amount_fen", "金额（分）"),
        col("status", "状态"),
        col("created_at", "创建时间"),
        col("updated_at", "更新时间"),
        col("version", "版本"),
    ],
};
