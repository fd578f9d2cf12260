use crate::kernel::export::{Column, Exportable};
use chrono::{DateTime, NaiveDate, Utc};
use kefu_inventory::counts::{AnomalyKind, CountKind};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

/// INV-7: one part as counted.
#[derive(Debug, Clone, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CountLine {
    /// A live part (422 naming the line's field otherwise).
    #[validate(length(min = 1, max = 64))]
    #[schema(min_length = 1, max_length = 64)]
    pub part_id: String,
    /// Bulk parts: how many were counted (0 allowed). Serialised parts: omit, or the number
    /// of `serials`.
    #[validate(range(min = 0, max = 1_000_000_i64))]
    #[schema(minimum = 0, maximum = 1_000_000_i64)]
    pub quantity: Option<i64>,
    /// Serialised parts: the units present (1–100 characters each).
    #[serde(default)]
    #[validate(length(max = 500))]
    #[schema(max_items = 500, value_type = Vec<crate::inventory::dto::SerialItem>)]
    pub serials: Vec<String>,
    /// Bulk parts: how many of those counted are damaged (at most `quantity`).
    #[validate(range(min = 0, max = 1_000_000_i64))]
    #[schema(minimum = 0, maximum = 1_000_000_i64)]
    pub damaged_quantity: Option<i64>,
    /// Serialised parts: the units present that are damaged (each one of `serials`).
    #[serde(default)]
    #[validate(length(max = 500))]
    #[schema(max_items = 500, value_type = Vec<crate::inventory::dto::SerialItem>)]
    pub damaged_serials: Vec<String>,
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "location_id": "0192f0a0-0000-7000-8000-000000000004", "kind": "closing",
    "lines": [
        {"part_id": "0192f0a0-0000-7000-8000-000000000002", "quantity": 18, "damaged_quantity": 1},
        {"part_id": "0192f0a0-0000-7000-8000-000000000005", "serials": ["SN20260001"]}
    ],
    "note": "下班盘点"
}))]
pub struct SubmitCount {
    /// The fault-service centre counted (422 naming the field and `INV-7` for another kind of
    /// location).
    #[validate(length(min = 1, max = 64))]
    #[schema(min_length = 1, max_length = 64)]
    pub location_id: String,
    /// The opening or closing count of the day (INV-7).
    pub kind: CountKind,
    /// One line per part counted; a part held there but not listed is counted as none.
    #[validate(length(max = 500), nested)]
    #[schema(max_items = 500)]
    pub lines: Vec<CountLine>,
    /// Free notes.
    #[validate(length(min = 1, max = 500))]
    #[schema(min_length = 1, max_length = 500)]
    pub note: Option<String>,
}

/// INV-7: a daily count of the fault-service centre, with the anomalies it raised.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CountOut {
    /// The count's id.
    pub id: String,
    /// The fault-service centre counted.
    pub location_id: String,
    /// The day counted (company time zone).
    pub count_day: NaiveDate,
    /// The opening or closing count of the day.
    pub kind: CountKind,
    /// The lines as counted.
    pub lines: Vec<CountLine>,
    /// Free notes.
    pub note: Option<String>,
    /// Who submitted the count.
    pub counted_by: Option<String>,
    /// How many anomalies the count raised.
    pub anomaly_count: i64,
    /// A tombstone: only delta sync (`updated_since`) returns deleted records.
    pub deleted: bool,
    /// When the count was submitted.
    pub created_at: DateTime<Utc>,
    /// When it last changed.
    pub updated_at: DateTime<Utc>,
    /// Echoed as the `ETag`.
    pub version: i64,
}

/// A count as submitted: the count and the anomalies it raised.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SubmittedCount {
    /// The count as stored.
    pub count: CountOut,
    /// The anomalies it raised (INV-7).
    pub anomalies: Vec<AnomalyOut>,
}

/// INV-7: what a count found wrong, or a count not taken.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AnomalyOut {
    /// The anomaly's id.
    pub id: String,
    /// A difference, damaged units, stock below the minimum, or a count not taken (INV-7).
    pub kind: AnomalyKind,
    /// The count that raised it; none for a `missing_count`.
    pub count_id: Option<String>,
    /// The location counted.
    pub location_id: String,
    /// The day of the count (company time zone).
    pub count_day: NaiveDate,
    /// The count it concerns (for `missing_count`, the one not taken).
    pub count_kind: CountKind,
    /// None for a `missing_count`.
    pub part_id: Option<String>,
    /// `difference`: what the books hold.
    pub expected_quantity: Option<i64>,
    /// What was counted.
    pub counted_quantity: Option<i64>,
    /// `damaged`: how many units are damaged.
    pub damaged_quantity: Option<i64>,
    /// `below_minimum`: the minimum at the location.
    pub min_quantity: Option<i64>,
    /// `difference`: units on the books not found.
    pub missing_serials: Vec<String>,
    /// `difference`: units found that the books do not place there.
    pub unexpected_serials: Vec<String>,
    /// `damaged`: the damaged units.
    pub damaged_serials: Vec<String>,
    /// A tombstone: only delta sync (`updated_since`) returns deleted records.
    pub deleted: bool,
    /// When the anomaly was raised.
    pub created_at: DateTime<Utc>,
    /// When it last changed.
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct CountsQuery {
    pub location_id: Option<String>,
    pub kind: Option<CountKind>,
    /// Counts of this day or later.
    pub day_from: Option<NaiveDate>,
    /// Counts of this day or earlier.
    pub day_to: Option<NaiveDate>,
    /// Delta sync: every count changed at or after this instant (RFC 3339), in update order.
    #[param(example = "2026-03-01T08:00:00+08:00")]
    pub updated_since: Option<String>,
    /// Page size, 1–200 (default 50).
    pub limit: Option<u32>,
    /// `next_cursor` of the previous page (of a query with the same `updated_since`).
    pub cursor: Option<String>,
}

#[derive(Debug, Clone, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct AnomaliesQuery {
    pub kind: Option<AnomalyKind>,
    pub count_id: Option<String>,
    pub location_id: Option<String>,
    pub part_id: Option<String>,
    /// Anomalies of this day or later.
    pub day_from: Option<NaiveDate>,
    /// Anomalies of this day or earlier.
    pub day_to: Option<NaiveDate>,
    /// Delta sync: every anomaly changed at or after this instant (RFC 3339), in update order.
    #[param(example = "2026-03-01T08:00:00+08:00")]
    pub updated_since: Option<String>,
    /// Page size, 1–200 (default 50).
    pub limit: Option<u32>,
    /// `next_cursor` of the previous page (of a query with the same `updated_since`).
    pub cursor: Option<String>,
}

crate::paged!(CountsQuery, AnomaliesQuery);

const fn col(field: &'static str, zh: &'static str) -> Column {
    Column { field, zh }
}

pub const COUNTS_EXPORT: Exportable = Exportable {
    operation_id: "listStockCounts",
    file: "stock-counts",
    columns: &[
        col("id", "盘点单号"),
        col("location_id", "库位编号"),
        col("count_day", "盘点日期"),
        col("kind", "类型"),
        col("lines", "盘点明细"),
        col("note", "备注"),
        col("counted_by", "盘点人"),
        col("anomaly_count", "异常数"),
        col("deleted", "已删除"),
        col("created_at", "创建时间"),
        col("updated_at", "更新时间"),
        col("version", "版本"),
    ],
};

pub const ANOMALIES_EXPORT: Exportable = Exportable {
    operation_id: "listStockCountAnomalies",
    file: "stock-count-anomalies",
    columns: &[
        col("id", "编号"),
        col("kind", "异常类型"),
        col("count_id", "盘点单号"),
        col("location_id", "库位编号"),
        col("count_day", "盘点日期"),
        col("count_kind", "盘点类型"),
        col("part_id", "备件编号"),
        col("expected_quantity", "账面数量"),
        col("counted_quantity", "实盘数量"),
        col("damaged_quantity", "损坏数量"),
        col("min_quantity", "最低库存"),
        col("missing_serials", "缺失序列号"),
        col("unexpected_serials", "多出序列号"),
        col("damaged_serials", "损坏序列号"),
        col("deleted", "已删除"),
        col("created_at", "创建时间"),
        col("updated_at", "更新时间"),
    ],
};
