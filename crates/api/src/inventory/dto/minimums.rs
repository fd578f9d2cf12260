use crate::kernel::export::{Column, Exportable};
use chrono::{DateTime, Utc};
use kefu_store::from_db_time;
use kefu_store::inventory::counts::MinimumRow;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

/// INV-7: the stock of a part below which a location's daily count raises a `below_minimum`
/// anomaly. Where none is set, the part's own `min_stock` applies.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct MinimumOut {
    /// The minimum's id.
    pub id: String,
    /// The part.
    pub part_id: String,
    /// The location it applies at.
    pub location_id: String,
    /// Units below which the location's count raises a `below_minimum` anomaly (INV-7).
    pub min_quantity: i64,
    /// A tombstone: only delta sync (`updated_since`) returns deleted records.
    pub deleted: bool,
    /// When it was set.
    pub created_at: DateTime<Utc>,
    /// When it last changed.
    pub updated_at: DateTime<Utc>,
    /// Echoed as the `ETag`; send it back in `If-Match` to change the record.
    pub version: i64,
}

impl From<&MinimumRow> for MinimumOut {
    fn from(m: &MinimumRow) -> Self {
        MinimumOut {
            id: m.id.clone(),
            part_id: m.part_id.clone(),
            location_id: m.location_id.clone(),
            min_quantity: m.min_quantity,
            deleted: m.deleted_at.is_some(),
            created_at: from_db_time(m.created_at),
            updated_at: from_db_time(m.updated_at),
            version: m.version,
        }
    }
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "part_id": "0192f0a0-0000-7000-8000-000000000002",
    "location_id": "0192f0a0-0000-7000-8000-000000000004", "min_quantity": 10
}))]
pub struct CreateMinimum {
    /// A live part (422 naming the field otherwise).
    #[validate(length(min = 1, max = 64))]
    #[schema(min_length = 1, max_length = 64)]
    pub part_id: String,
    /// A live location (422 naming the field otherwise).
    #[validate(length(min = 1, max = 64))]
    #[schema(min_length = 1, max_length = 64)]
    pub location_id: String,
    /// Units below which the location's count raises a `below_minimum` anomaly (INV-7).
    #[validate(range(min = 0, max = 1_000_000_i64))]
    #[schema(minimum = 0, maximum = 1_000_000_i64)]
    pub min_quantity: i64,
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"min_quantity": 12}))]
pub struct UpdateMinimum {
    /// The new minimum, in units.
    #[validate(range(min = 0, max = 1_000_000_i64))]
    #[schema(minimum = 0, maximum = 1_000_000_i64)]
    pub min_quantity: i64,
}

#[derive(Debug, Clone, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct MinimumsQuery {
    pub part_id: Option<String>,
    pub location_id: Option<String>,
    /// Delta sync: every minimum changed at or after this instant (RFC 3339), in update order.
    #[param(example = "2026-03-01T08:00:00+08:00")]
    pub updated_since: Option<String>,
    /// Page size, 1–200 (default 50).
    pub limit: Option<u32>,
    /// `next_cursor` of the previous page (of a query with the same `updated_since`).
    pub cursor: Option<String>,
}

crate::paged!(MinimumsQuery);

const fn col(field: &'static str, zh: &'static str) -> Column {
    Column { field, zh }
}

pub const MINIMUMS_EXPORT: Exportable = Exportable {
    operation_id: "listStockMinimums",
    file: "stock-minimums",
    columns: &[
        col("id", "编号"),
        col("part_id", "备件编号"),
        col("location_id", "库位编号"),
        col("min_quantity", "最低库存"),
        col("deleted", "已删除"),
        col("created_at", "创建时间"),
        col("updated_at", "更新时间"),
        col("version", "版本"),
    ],
};
