use crate::kernel::export::{Column, Exportable};
use chrono::{DateTime, NaiveDate, Utc};
use kefu_inventory::rma::{RmaOutcome, RmaStatus};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

/// INV-6: one faulty unit sent to its manufacturer (返修单).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RmaOut {
    /// The RMA's id.
    pub id: String,
    /// The part the unit is.
    pub part_id: String,
    /// The unit sent.
    pub serial_unit_id: String,
    /// The unit's serial number.
    pub serial: String,
    /// The location the unit left (an `rma_out` ledger row).
    pub from_location_id: String,
    /// The manufacturer it was sent to.
    pub manufacturer: String,
    /// The manufacturer's batch (批次); `null` if not given.
    pub batch: Option<String>,
    /// Why the unit is faulty.
    pub fault_reason: String,
    /// The day it was sent (company time zone).
    pub sent_on: NaiveDate,
    /// `sent_on` plus the rule set `rma-returns`' `expected_back_days` working days.
    pub expected_back_on: NaiveDate,
    /// Still `sent` after `expected_back_on` (as of the request's day).
    pub overdue: bool,
    /// `sent`, then `returned`, `replaced` or `written_off` (INV-6).
    pub status: RmaStatus,
    /// When the unit or its replacement came back, or was written off.
    pub returned_on: Option<NaiveDate>,
    /// Where the unit or its replacement came back into stock (an `rma_in` ledger row).
    pub to_location_id: Option<String>,
    /// `replaced`: the serial that came back in the old one's place.
    pub replacement_serial: Option<String>,
    /// `replaced`: the new unit; `null` otherwise.
    pub replacement_unit_id: Option<String>,
    /// What the manufacturer found or did.
    pub outcome_note: Option<String>,
    /// Free notes.
    pub note: Option<String>,
    /// Who recorded the sending.
    pub sent_by: Option<String>,
    /// Who recorded the outcome; `null` while `sent`.
    pub closed_by: Option<String>,
    /// When the outcome was recorded; `null` while `sent`.
    pub closed_at: Option<DateTime<Utc>>,
    /// When the overdue watch flagged it and told the office (once).
    pub overdue_flagged_at: Option<DateTime<Utc>>,
    /// A tombstone: only delta sync (`updated_since`) returns deleted records.
    pub deleted: bool,
    /// When the RMA was recorded.
    pub created_at: DateTime<Utc>,
    /// When it last changed.
    pub updated_at: DateTime<Utc>,
    /// Echoed as the `ETag`; send it back in `If-Match` to run a command.
    pub version: i64,
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "part_id": "0192f0a0-0000-7000-8000-000000000002", "serial": "SN20260001",
    "from_location_id": "0192f0a0-0000-7000-8000-000000000004",
    "manufacturer": "海湾安全技术有限公司", "batch": "2025-11-B", "fault_reason": "主板无法上电",
    "sent_on": "2026-03-09"
}))]
pub struct SendRma {
    /// A live serialised part (422 naming the field otherwise).
    #[validate(length(min = 1, max = 64))]
    #[schema(min_length = 1, max_length = 64)]
    pub part_id: String,
    /// The faulty unit; it must be in stock at `from_location_id`.
    #[validate(length(min = 1, max = 100))]
    #[schema(min_length = 1, max_length = 100)]
    pub serial: String,
    /// The location the unit leaves.
    #[validate(length(min = 1, max = 64))]
    #[schema(min_length = 1, max_length = 64)]
    pub from_location_id: String,
    /// The manufacturer it is sent to.
    #[validate(length(min = 1, max = 200))]
    #[schema(min_length = 1, max_length = 200)]
    pub manufacturer: String,
    /// The manufacturer's batch (批次).
    #[validate(length(min = 1, max = 100))]
    #[schema(min_length = 1, max_length = 100)]
    pub batch: Option<String>,
    /// Why the unit is faulty.
    #[validate(length(min = 1, max = 1000))]
    #[schema(min_length = 1, max_length = 1000)]
    pub fault_reason: String,
    /// The day it was sent (company time zone; default today, never later).
    pub sent_on: Option<NaiveDate>,
    /// Free notes.
    #[validate(length(min = 1, max = 500))]
    #[schema(min_length = 1, max_length = 500)]
    pub note: Option<String>,
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "outcome": "replaced", "replacement_serial": "SN20260999",
    "to_location_id": "0192f0a0-0000-7000-8000-000000000004", "returned_on": "2026-03-30",
    "outcome_note": "厂家更换新主板"
}))]
pub struct CloseRma {
    /// What came back: the unit repaired, a replacement, or nothing (written off).
    pub outcome: RmaOutcome,
    /// `returned` and `replaced`: where the unit comes back into stock (none for
    /// `written_off`).
    #[validate(length(min = 1, max = 64))]
    #[schema(min_length = 1, max_length = 64)]
    pub to_location_id: Option<String>,
    /// `replaced` only: the new unit's serial.
    #[validate(length(min = 1, max = 100))]
    #[schema(min_length = 1, max_length = 100)]
    pub replacement_serial: Option<String>,
    /// The day it came back or was written off (default today; not before `sent_on`).
    pub returned_on: Option<NaiveDate>,
    /// What the manufacturer found or did.
    #[validate(length(min = 1, max = 1000))]
    #[schema(min_length = 1, max_length = 1000)]
    pub outcome_note: Option<String>,
}

#[derive(Debug, Clone, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct RmasQuery {
    pub status: Option<RmaStatus>,
    /// Exactly this manufacturer.
    pub manufacturer: Option<String>,
    pub part_id: Option<String>,
    pub serial: Option<String>,
    /// `true`: only RMAs still `sent` after their expected day.
    pub overdue: Option<bool>,
    /// Delta sync: every RMA changed at or after this instant (RFC 3339), in update order.
    #[param(example = "2026-03-01T08:00:00+08:00")]
    pub updated_since: Option<String>,
    /// Page size, 1–200 (default 50).
    pub limit: Option<u32>,
    /// `next_cursor` of the previous page (of a query with the same `updated_since`).
    pub cursor: Option<String>,
}

crate::paged!(RmasQuery);

const fn col(field: &'static str, zh: &'static str) -> Column {
    Column { field, zh }
}

pub const RMAS_EXPORT: Exportable = Exportable {
    operation_id: "listPartRmas",
    file: "part-rmas",
    columns: &[
        col("id", "返修单号"),
        col("part_id", "备件编号"),
        col("serial_unit_id", "单件编号"),
        col("serial", "序列号"),
        col("from_location_id", "发出库位"),
        col("manufacturer", "厂家"),
        col("batch", "批次"),
        col("fault_reason", "故障原因"),
        col("sent_on", "返修日期"),
        col("expected_back_on", "预计返回日期"),
        col("overdue", "已逾期"),
        col("status", "状态"),
        col("returned_on", "回库日期"),
        col("to_location_id", "回库库位"),
        col("replacement_serial", "换修序列号"),
        col("replacement_unit_id", "换修单件编号"),
        col("outcome_note", "处理结果"),
        col("note", "备注"),
        col("sent_by", "发出人"),
        col("closed_by", "登记人"),
        col("closed_at", "登记时间"),
        col("overdue_flagged_at", "逾期标记时间"),
        col("deleted", "已删除"),
        col("created_at", "创建时间"),
        col("updated_at", "更新时间"),
        col("version", "版本"),
    ],
};
