use crate::kernel::export::{Column, Exportable};
use chrono::{DateTime, Utc};
use kefu_inventory::catalogue::{LocationKind, PartKind};
use kefu_store::from_db_time;
use kefu_store::inventory::catalogue::{LocationRow, PartRow};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

/// INV-1: a spare part of the catalogue.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PartOut {
    /// The part's id.
    pub id: String,
    /// The product (model) of master data the part belongs to.
    pub product_id: String,
    /// The part's code, unique over the catalogue.
    #[schema(example = "GST-DET-001")]
    pub code: String,
    /// The part's name.
    #[schema(example = "点型光电感烟探测器")]
    pub name: String,
    /// Tracked by unit (`serialised`) or by quantity (`bulk`), INV-1.
    pub kind: PartKind,
    /// Unit sale price in fen: what a lost or damaged unit is charged at (INV-3).
    pub sale_price_fen: i64,
    /// Unit cost in fen.
    pub unit_cost_fen: i64,
    /// The stock below which a location's count is an anomaly (INV-7).
    pub min_stock: i64,
    /// A tombstone: only delta sync (`updated_since`) returns deleted records.
    pub deleted: bool,
    /// When the part was added.
    pub created_at: DateTime<Utc>,
    /// When it last changed.
    pub updated_at: DateTime<Utc>,
    /// Echoed as the `ETag`; send it back in `If-Match` to change the record.
    pub version: i64,
}

impl From<&PartRow> for PartOut {
    fn from(p: &PartRow) -> Self {
        PartOut {
            id: p.id.clone(),
            product_id: p.product_id.clone(),
            code: p.code.clone(),
            name: p.name.clone(),
            kind: p.kind,
            sale_price_fen: p.sale_price_fen,
            unit_cost_fen: p.unit_cost_fen,
            min_stock: p.min_stock,
            deleted: p.deleted_at.is_some(),
            created_at: from_db_time(p.created_at),
            updated_at: from_db_time(p.updated_at),
            version: p.version,
        }
    }
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "product_id": "0192f0a0-0000-7000-8000-000000000001", "code": "GST-DET-001",
    "name": "点型光电感烟探测器", "kind": "bulk", "sale_price_fen": 12_000,
    "unit_cost_fen": 6_500, "min_stock": 20
}))]
pub struct CreatePart {
    /// A live product of master data (422 naming the field otherwise).
    #[validate(length(min = 1, max = 64))]
    #[schema(min_length = 1, max_length = 64)]
    pub product_id: String,
    /// Unique over the catalogue, deleted parts included (409 otherwise).
    #[validate(length(min = 1, max = 64))]
    #[schema(min_length = 1, max_length = 64)]
    pub code: String,
    /// The part's name.
    #[validate(length(min = 1, max = 200))]
    #[schema(min_length = 1, max_length = 200)]
    pub name: String,
    /// Fixed once created: a part's ledger is by unit or by quantity.
    pub kind: PartKind,
    /// Unit sale price in fen: what a lost or damaged unit is charged at (INV-3).
    #[validate(range(min = 0, max = 1_000_000_000_000_i64))]
    #[schema(minimum = 0, maximum = 1_000_000_000_000_i64)]
    pub sale_price_fen: i64,
    /// Unit cost in fen.
    #[validate(range(min = 0, max = 1_000_000_000_000_i64))]
    #[schema(minimum = 0, maximum = 1_000_000_000_000_i64)]
    pub unit_cost_fen: i64,
    /// The stock below which a location's count is an anomaly (INV-7).
    #[validate(range(min = 0, max = 1_000_000_000_i64))]
    #[schema(minimum = 0, maximum = 1_000_000_000_i64)]
    pub min_stock: i64,
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"sale_price_fen": 13_000, "min_stock": 30}))]
pub struct UpdatePart {
    /// The new name.
    #[validate(length(min = 1, max = 200))]
    #[schema(nullable = false, min_length = 1, max_length = 200)]
    #[serde(default, deserialize_with = "crate::kernel::fields::required")]
    pub name: Option<String>,
    /// The new unit sale price in fen.
    #[validate(range(min = 0, max = 1_000_000_000_000_i64))]
    #[schema(nullable = false, minimum = 0, maximum = 1_000_000_000_000_i64)]
    #[serde(default, deserialize_with = "crate::kernel::fields::required")]
    pub sale_price_fen: Option<i64>,
    /// The new unit cost in fen.
    #[validate(range(min = 0, max = 1_000_000_000_000_i64))]
    #[schema(nullable = false, minimum = 0, maximum = 1_000_000_000_000_i64)]
    #[serde(default, deserialize_with = "crate::kernel::fields::required")]
    pub unit_cost_fen: Option<i64>,
    /// The new minimum stock (INV-7).
    #[validate(range(min = 0, max = 1_000_000_000_i64))]
    #[schema(nullable = false, minimum = 0, maximum = 1_000_000_000_i64)]
    #[serde(default, deserialize_with = "crate::kernel::fields::required")]
    pub min_stock: Option<i64>,
}

#[derive(Debug, Clone, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct PartsQuery {
    pub product_id: Option<String>,
    pub kind: Option<PartKind>,
    /// Delta sync: every part changed at or after this instant (RFC 3339), deleted ones
    /// included as tombstones, in update order. Without it, only parts not deleted, in id order.
    #[param(example = "2026-03-01T08:00:00+08:00")]
    pub updated_since: Option<String>,
    /// Page size, 1–200 (default 50).
    pub limit: Option<u32>,
    /// `next_cursor` of the previous page (of a query with the same `updated_since`).
    pub cursor: Option<String>,
}

crate::paged!(PartsQuery, LocationsQuery);

/// INV-1: a place stock is kept.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct LocationOut {
    /// The location's id.
    pub id: String,
    /// A warehouse, the fault-service centre, or an engineer's hands (INV-1).
    pub kind: LocationKind,
    /// The location's name.
    #[schema(example = "杭州中心仓")]
    pub name: String,
    /// The engineer whose hands these are (kind `engineer` only).
    pub engineer_id: Option<String>,
    /// A tombstone: only delta sync (`updated_since`) returns deleted records.
    pub deleted: bool,
    /// When the location was added.
    pub created_at: DateTime<Utc>,
    /// When it last changed.
    pub updated_at: DateTime<Utc>,
    /// Echoed as the `ETag`.
    pub version: i64,
}

impl From<&LocationRow> for LocationOut {
    fn from(l: &LocationRow) -> Self {
        LocationOut {
            id: l.id.clone(),
            kind: l.kind,
            name: l.name.clone(),
            engineer_id: l.engineer_id.clone(),
            deleted: l.deleted_at.is_some(),
            created_at: from_db_time(l.created_at),
            updated_at: from_db_time(l.updated_at),
            version: l.version,
        }
    }
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"kind": "warehouse", "name": "杭州中心仓"}))]
pub struct CreateLocation {
    /// A warehouse, the fault-service centre, or an engineer's hands (INV-1).
    pub kind: LocationKind,
    /// The location's name.
    #[validate(length(min = 1, max = 200))]
    #[schema(min_length = 1, max_length = 200)]
    pub name: String,
    /// Required for kind `engineer` (an enabled user with the engineer role, who has no
    /// location yet), refused for the other kinds.
    #[validate(length(min = 1, max = 64))]
    #[schema(min_length = 1, max_length = 64)]
    pub engineer_id: Option<String>,
}

#[derive(Debug, Clone, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct LocationsQuery {
    pub kind: Option<LocationKind>,
    /// Delta sync: every location changed at or after this instant (RFC 3339), in update order.
    #[param(example = "2026-03-01T08:00:00+08:00")]
    pub updated_since: Option<String>,
    /// Page size, 1–200 (default 50).
    pub limit: Option<u32>,
    /// `next_cursor` of the previous page (of a query with the same `updated_since`).
    pub cursor: Option<String>,
}

const fn col(field: &'static str, zh: &'static str) -> Column {
    Column { field, zh }
}

/// The parts list as CSV or XLSX (`crate::kernel::export`).
pub const PARTS_EXPORT: Exportable = Exportable {
    operation_id: "listParts",
    file: "parts",
    columns: &[
        col("id", "备件编号"),
        col("product_id", "产品编号"),
        col("code", "备件代码"),
        col("name", "备件名称"),
        col("kind", "管理方式"),
        col("sale_price_fen", "销售单价（分）"),
        col("unit_cost_fen", "成本单价（分）"),
        col("min_stock", "最低库存"),
        col("deleted", "已删除"),
        col("created_at", "创建时间"),
        col("updated_at", "更新时间"),
        col("version", "版本"),
    ],
};

/// The locations list as CSV or XLSX.
pub const LOCATIONS_EXPORT: Exportable = Exportable {
    operation_id: "listStockLocations",
    file: "stock-locations",
    columns: &[
        col("id", "库位编号"),
        col("kind", "类型"),
        col("name", "名称"),
        col("engineer_id", "工程师"),
        col("deleted", "已删除"),
        col("created_at", "创建时间"),
        col("updated_at", "更新时间"),
        col("version", "版本"),
    ],
};
