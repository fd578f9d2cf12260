//! BIL-2/BIL-3: repair quotes on the wire.

use crate::kernel::export::{Column, Exportable};
use chrono::{DateTime, Utc};
use kefu_billing::fees::{FeeItemKind, MAX_PRICE_FEN};
use kefu_billing::quotes::QuoteStatus;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

/// The largest quantity of one line.
pub const MAX_QUANTITY: i64 = 10_000;

/// A line as quoted: the fee item's kind, code, name, unit, list and floor prices copied when
/// the line was added (a later schedule change does not move them).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct QuoteLineOut {
    /// The fee schedule item quoted (BIL-1).
    pub fee_item_id: String,
    /// The item's kind, as copied (travel and lodging lines are not part of the repair fee).
    pub kind: FeeItemKind,
    /// The item's code, as copied.
    pub code: String,
    /// The item's name, as copied.
    pub name: String,
    /// What one quantity is, as copied.
    pub unit: String,
    /// How many units.
    pub quantity: i64,
    /// The price charged for one unit, in fen.
    pub unit_price_fen: i64,
    /// The item's list price when the line was added, in fen.
    pub list_price_fen: i64,
    /// The item's floor price when the line was added, in fen (BIL-2).
    pub floor_price_fen: i64,
    /// `unit_price_fen × quantity`.
    pub amount_fen: i64,
    /// BIL-2: priced below the floor or above the list price.
    pub out_of_band: bool,
}

/// BIL-2/BIL-3: a repair quote.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct QuoteOut {
    /// The quote's id.
    pub id: String,
    /// The customer quoted.
    pub customer_id: String,
    /// The customer's site (its location class decides BIL-3); `null` if none.
    pub site_id: Option<String>,
    /// The equipment repaired (its warranty decides BIL-3); `null` if none.
    pub equipment_id: Option<String>,
    /// The repair intake (INV-5) the quote prices; its factory repair waits for the full
    /// payment (BIL-4).
    pub intake_id: Option<String>,
    /// The ticket the repair is for; `null` if none.
    pub ticket_id: Option<String>,
    /// The repairing engineer (told of the customer's answer; BIL-12b pays them from it).
    pub engineer_id: String,
    /// `draft` → `issued` to the customer → `accepted` or `refused`; or `cancelled` (BIL-2).
    pub status: QuoteStatus,
    /// The quoted lines.
    pub lines: Vec<QuoteLineOut>,
    /// Every line, in fen.
    pub total_fen: i64,
    /// The repair fee: every line but travel and lodging.
    pub fee_fen: i64,
    /// The floor price of the repair fee's lines.
    pub floor_fen: i64,
    /// Received so far (BIL-4), never above `total_fen`.
    pub paid_fen: i64,
    /// `total_fen − paid_fen`.
    pub owed_fen: i64,
    /// When the quote was paid in full.
    pub fully_paid_at: Option<DateTime<Utc>>,
    /// BIL-2: a line is priced outside the schedule's band: issuing waits for the manager.
    pub needs_approval: bool,
    /// The manager who approved an out-of-band price (BIL-2); `null` if not approved.
    pub approved_by: Option<String>,
    /// When it was approved; `null` if not approved.
    pub approved_at: Option<DateTime<Utc>>,
    /// BIL-3 as judged at issue: the site is `remote`.
    pub remote: Option<bool>,
    /// BIL-3 as judged at issue: the equipment's warranty had ended or is unknown.
    pub out_of_warranty: Option<bool>,
    /// Who gave the quote to the customer; `null` while `draft`.
    pub issued_by: Option<String>,
    /// When it was issued; `null` while `draft`.
    pub issued_at: Option<DateTime<Utc>>,
    /// Who recorded the customer's answer (staff, or the customer's contact).
    pub answered_by: Option<String>,
    /// When the customer's answer was recorded; `null` before.
    pub answered_at: Option<DateTime<Utc>>,
    /// What the customer said with the answer.
    pub answer_note: Option<String>,
    /// Why the quote was withdrawn; `null` unless cancelled.
    pub cancel_reason: Option<String>,
    /// Free notes on the quote.
    pub note: Option<String>,
    /// Who drew it up.
    pub created_by: String,
    /// A tombstone: only delta sync (`updated_since`) returns deleted records.
    pub deleted: bool,
    /// When it was drawn up.
    pub created_at: DateTime<Utc>,
    /// When it last changed.
    pub updated_at: DateTime<Utc>,
    /// Echoed as the `ETag`; send it back in `If-Match` to change the record.
    pub version: i64,
}

impl crate::kernel::command::Versioned for QuoteOut {
    fn version(&self) -> i64 {
        self.version
    }
}

/// A line to quote: a fee item in use, a quantity and, optionally, a price other than its
/// list price (outside `[floor, list]` the quote needs the manager's approval, BIL-2).
#[derive(Debug, Clone, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct QuoteLineIn {
    /// A fee schedule item in use (BIL-1).
    #[validate(length(min = 1, max = 64))]
    #[schema(min_length = 1, max_length = 64)]
    pub fee_item_id: String,
    /// How many units, 1–10000.
    #[validate(range(min = 1, max = MAX_QUANTITY))]
    #[schema(minimum = 1, maximum = 10_000)]
    pub quantity: i64,
    /// Default: the item's list price.
    #[validate(range(min = 0, max = MAX_PRICE_FEN))]
    #[schema(minimum = 0, maximum = 1_000_000_000)]
    pub unit_price_fen: Option<i64>,
}

/// BIL-2: a quote to draw up, as a draft.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"customer_id": "c-1", "site_id": "s-1", "intake_id": "i-1",
    "lines": [{"fee_item_id": "f-1", "quantity": 1}]}))]
pub struct CreateQuote {
    /// The customer quoted (visible to the caller).
    #[validate(length(min = 1, max = 64))]
    #[schema(min_length = 1, max_length = 64)]
    pub customer_id: String,
    /// The customer's site (its location class decides BIL-3).
    #[validate(length(min = 1, max = 64))]
    #[schema(min_length = 1, max_length = 64)]
    pub site_id: Option<String>,
    /// The equipment repaired, at one of the customer's sites (its warranty decides BIL-3).
    #[validate(length(min = 1, max = 64))]
    #[schema(min_length = 1, max_length = 64)]
    pub equipment_id: Option<String>,
    /// A repair intake (INV-5) of the same customer.
    #[validate(length(min = 1, max = 64))]
    #[schema(min_length = 1, max_length = 64)]
    pub intake_id: Option<String>,
    /// A ticket of the same customer.
    #[validate(length(min = 1, max = 64))]
    #[schema(min_length = 1, max_length = 64)]
    pub ticket_id: Option<String>,
    /// The repairing engineer; default the caller when they are an engineer.
    #[validate(length(min = 1, max = 64))]
    #[schema(min_length = 1, max_length = 64)]
    pub engineer_id: Option<String>,
    /// Free notes on the quote.
    #[validate(length(min = 1, max = 1000))]
    #[schema(min_length = 1, max_length = 1000)]
    pub note: Option<String>,
    /// The lines, at most 50.
    #[validate(length(max = 50), nested)]
    #[schema(max_items = 50)]
    pub lines: Vec<QuoteLineIn>,
}

/// BIL-2: changes to a draft; fields left out stay, `null` clears an optional one, `lines`
/// replaces every line (and any approval given).
#[derive(Debug, Default, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"lines": [{"fee_item_id": "f-1", "quantity": 2, "unit_price_fen": 38000}]}))]
pub struct UpdateQuote {
    /// The customer's site; `null` clears it.
    #[serde(default, deserialize_with = "crate::kernel::fields::double_option")]
    #[validate(length(min = 1, max = 64))]
    #[schema(min_length = 1, max_length = 64, value_type = Option<String>)]
    pub site_id: Option<Option<String>>,
    /// The equipment repaired; `null` clears it.
    #[serde(default, deserialize_with = "crate::kernel::fields::double_option")]
    #[validate(length(min = 1, max = 64))]
    #[schema(min_length = 1, max_length = 64, value_type = Option<String>)]
    pub equipment_id: Option<Option<String>>,
    /// The repairing engineer.
    #[validate(length(min = 1, max = 64))]
    #[schema(nullable = false, min_length = 1, max_length = 64)]
    #[serde(default, deserialize_with = "crate::kernel::fields::required")]
    pub engineer_id: Option<String>,
    /// Free notes; `null` clears them.
    #[serde(default, deserialize_with = "crate::kernel::fields::double_option")]
    #[validate(length(min = 1, max = 1000))]
    #[schema(min_length = 1, max_length = 1000, value_type = Option<String>)]
    pub note: Option<Option<String>>,
    /// Replaces every line (and any approval given), at most 50.
    #[validate(length(max = 50), nested)]
    #[schema(nullable = false, max_items = 50)]
    #[serde(default, deserialize_with = "crate::kernel::fields::required")]
    pub lines: Option<Vec<QuoteLineIn>>,
}

/// The customer's answer, with what they said.
#[derive(Debug, Default, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"note": "客户电话确认同意维修"}))]
pub struct AnswerQuote {
    /// What the customer said.
    #[validate(length(min = 1, max = 1000))]
    #[schema(min_length = 1, max_length = 1000)]
    pub note: Option<String>,
}

/// Why a quote is withdrawn.
#[derive(Debug, Default, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"reason": "客户改为保内维修"}))]
pub struct CancelQuote {
    /// Why the quote is withdrawn.
    #[validate(length(min = 1, max = 1000))]
    #[schema(min_length = 1, max_length = 1000)]
    pub reason: Option<String>,
}

#[derive(Debug, Clone, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct QuoteQuery {
    pub customer_id: Option<String>,
    pub status: Option<QuoteStatus>,
    pub intake_id: Option<String>,
    pub ticket_id: Option<String>,
    pub engineer_id: Option<String>,
    /// Delta sync: every quote changed after this instant (RFC 3339), in update order.
    #[param(example = "2026-03-01T08:00:00+08:00")]
    pub updated_since: Option<String>,
    /// Page size, 1–200 (default 50).
    pub limit: Option<u32>,
    /// `next_cursor` of the previous page (of a query with the same `updated_since`).
    pub cursor: Option<String>,
}

crate::paged!(QuoteQuery);

const fn col(field: &'static str, zh: &'static str) -> Column {
    Column { field, zh }
}

pub const EXPORT: Exportable = Exportable {
    operation_id: "listRepairQuotes",
    file: "repair-quotes",
    columns: &[
        col("id", "编号"),
        col("customer_id", "客户"),
        col("site_id", "现场"),
        col("intake_id", "维修登记"),
        col("ticket_id", "工单"),
        col("engineer_id", "维修工程师"),
        col("status", "状态"),
        col("total_fen", "合计(分)"),
        col("fee_fen", "维修费(分)"),
        col("floor_fen", "最低价(分)"),
        col("paid_fen", "已收(分)"),
        col("owed_fen", "未收(分)"),
        col("needs_approval", "需审批"),
        col("approved_by", "审批人"),
        col("issued_at", "报价时间"),
        col("answered_at", "答复时间"),
        col("fully_paid_at", "付清时间"),
        col("equipment_id", "设备"),
        col("lines", "明细"),
        col("approved_at", "审批时间"),
        col("remote", "外地"),
        col("out_of_warranty", "保外"),
        col("issued_by", "经办人"),
        col("answered_by", "答复登记人"),
        col("answer_note", "客户答复"),
        col("cancel_reason", "撤销原因"),
        col("note", "备注"),
        col("created_by", "创建人"),
        col("created_at", "创建时间"),
        col("deleted", "已删除"),
        col("updated_at", "更新时间"),
        col("version", "版本"),
    ],
};
