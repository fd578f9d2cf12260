//! BIL-1: the fee schedule on the wire.

use crate::kernel::export::{Column, Exportable};
use chrono::{DateTime, Utc};
use kefu_billing::fees::{FeeItemKind, MAX_PRICE_FEN};
use kefu_store::fee_items::FeeItemRow;
use kefu_store::from_db_time;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

/// BIL-1: a priced item of the fee schedule (客户服务部收费标准).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct FeeItemOut {
    /// The item's id.
    pub id: String,
    /// Unique across the schedule.
    #[schema(max_length = 64)]
    pub code: String,
    /// The item's name.
    #[schema(max_length = 200)]
    pub name: String,
    /// What the item charges for: labour, a part, travel, lodging or other (BIL-1).
    pub kind: FeeItemKind,
    /// What one quantity is (次, 个, 公里, 晚 …).
    #[schema(max_length = 32)]
    pub unit: String,
    /// The price a quote line is given by default, in fen.
    pub list_price_fen: i64,
    /// The least a quote line may charge without the manager's approval (BIL-2), in fen; not
    /// above the list price.
    pub floor_price_fen: i64,
    /// The part of the catalogue (INV-1) the item sells, if any.
    pub part_id: Option<String>,
    /// A retired item (`false`) takes no new quote lines; quotes that used it keep it.
    pub active: bool,
    /// Free notes.
    #[schema(max_length = 1000)]
    pub note: Option<String>,
    /// Who added it.
    pub created_by: String,
    /// A tombstone: only delta sync (`updated_since`) returns deleted records.
    pub deleted: bool,
    /// When it was added.
    pub created_at: DateTime<Utc>,
    /// When it last changed.
    pub updated_at: DateTime<Utc>,
    /// Echoed as the `ETag`; send it back in `If-Match` to change the record.
    pub version: i64,
}

impl crate::kernel::command::Versioned for FeeItemOut {
    fn version(&self) -> i64 {
        self.version
    }
}

impl From<&FeeItemRow> for FeeItemOut {
    fn from(r: &FeeItemRow) -> Self {
        FeeItemOut {
            id: r.id.clone(),
            code: r.code.clone(),
            name: r.name.clone(),
            kind: FeeItemKind::parse(&r.kind).unwrap_or(FeeItemKind::Other),
            unit: r.unit.clone(),
            list_price_fen: r.list_price_fen,
            floor_price_fen: r.floor_price_fen,
            part_id: r.part_id.clone(),
            active: r.active,
            note: r.note.clone(),
            created_by: r.created_by.clone(),
            deleted: r.deleted_at.is_some(),
            created_at: from_db_time(r.created_at),
            updated_at: from_db_time(r.updated_at),
            version: r.version,
        }
    }
}

/// BIL-1: a new item of the schedule.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"code": "REP-LAB-01", "name": "控制器维修人工", "kind": "labour",
    "unit": "次", "list_price_fen": 50000, "floor_price_fen": 40000}))]
pub struct CreateFeeItem {
    /// A code unique across the schedule.
    #[validate(length(min = 1, max = 64))]
    #[schema(min_length = 1, max_length = 64)]
    pub code: String,
    /// The item's name.
    #[validate(length(min = 1, max = 200))]
    #[schema(min_length = 1, max_length = 200)]
    pub name: String,
    /// What the item charges for (BIL-1).
    pub kind: FeeItemKind,
    /// What one quantity is (次, 个, 公里, 晚 …).
    #[validate(length(min = 1, max = 32))]
    #[schema(min_length = 1, max_length = 32)]
    pub unit: String,
    /// The default price of one unit, in fen.
    #[validate(range(min = 0, max = MAX_PRICE_FEN))]
    #[schema(minimum = 0, maximum = 1_000_000_000)]
    pub list_price_fen: i64,
    /// Not above `list_price_fen` (422 `floor_price_fen`, `BIL-1`).
    #[validate(range(min = 0, max = MAX_PRICE_FEN))]
    #[schema(minimum = 0, maximum = 1_000_000_000)]
    pub floor_price_fen: i64,
    /// A part of the catalogue (INV-1).
    #[validate(length(min = 1, max = 64))]
    #[schema(min_length = 1, max_length = 64)]
    pub part_id: Option<String>,
    /// Free notes.
    #[validate(length(min = 1, max = 1000))]
    #[schema(min_length = 1, max_length = 1000)]
    pub note: Option<String>,
}

/// BIL-1: changes to an item; fields left out stay, `null` clears an optional one. The quotes
/// already drawn up keep the prices their lines copied.
#[derive(Debug, Default, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"list_price_fen": 55000, "floor_price_fen": 42000}))]
pub struct UpdateFeeItem {
    /// A new code, unique across the schedule.
    #[validate(length(min = 1, max = 64))]
    #[schema(nullable = false, min_length = 1, max_length = 64)]
    #[serde(default, deserialize_with = "crate::kernel::fields::required")]
    pub code: Option<String>,
    /// A new name.
    #[validate(length(min = 1, max = 200))]
    #[schema(nullable = false, min_length = 1, max_length = 200)]
    #[serde(default, deserialize_with = "crate::kernel::fields::required")]
    pub name: Option<String>,
    /// A new kind.
    #[schema(nullable = false)]
    #[serde(default, deserialize_with = "crate::kernel::fields::required")]
    pub kind: Option<FeeItemKind>,
    /// A new unit.
    #[validate(length(min = 1, max = 32))]
    #[schema(nullable = false, min_length = 1, max_length = 32)]
    #[serde(default, deserialize_with = "crate::kernel::fields::required")]
    pub unit: Option<String>,
    /// A new list price in fen; the floor must stay at or below it.
    #[validate(range(min = 0, max = MAX_PRICE_FEN))]
    #[schema(nullable = false, minimum = 0, maximum = 1_000_000_000)]
    #[serde(default, deserialize_with = "crate::kernel::fields::required")]
    pub list_price_fen: Option<i64>,
    /// A new floor price in fen, not above the list price (BIL-1).
    #[validate(range(min = 0, max = MAX_PRICE_FEN))]
    #[schema(nullable = false, minimum = 0, maximum = 1_000_000_000)]
    #[serde(default, deserialize_with = "crate::kernel::fields::required")]
    pub floor_price_fen: Option<i64>,
    /// A part of the catalogue (INV-1); `null` clears it.
    #[serde(default, deserialize_with = "crate::kernel::fields::double_option")]
    #[validate(length(min = 1, max = 64))]
    #[schema(min_length = 1, max_length = 64, value_type = Option<String>)]
    pub part_id: Option<Option<String>>,
    /// `true` puts a retired item back into use.
    #[schema(nullable = false)]
    #[serde(default, deserialize_with = "crate::kernel::fields::required")]
    pub active: Option<bool>,
    /// Free notes; `null` clears them.
    #[serde(default, deserialize_with = "crate::kernel::fields::double_option")]
    #[validate(length(min = 1, max = 1000))]
    #[schema(min_length = 1, max_length = 1000, value_type = Option<String>)]
    pub note: Option<Option<String>>,
}

#[derive(Debug, Clone, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct FeeItemQuery {
    pub kind: Option<FeeItemKind>,
    /// `true`: items in use; `false`: retired ones.
    pub active: Option<bool>,
    pub part_id: Option<String>,
    /// Part of the code or the name.
    pub q: Option<String>,
    /// Delta sync: every item changed after this instant (RFC 3339), in update order.
    #[param(example = "2026-03-01T08:00:00+08:00")]
    pub updated_since: Option<String>,
    /// Page size, 1–200 (default 50).
    pub limit: Option<u32>,
    /// `next_cursor` of the previous page (of a query with the same `updated_since`).
    pub cursor: Option<String>,
}

crate::paged!(FeeItemQuery);

const fn col(field: &'static str, zh: &'static str) -> Column {
    Column { field, zh }
}

pub const EXPORT: Exportable = Exportable {
    operation_id: "listFeeItems",
    file: "fee-items",
    columns: &[
        col("id", "编号"),
        col("code", "代码"),
        col("name", "名称"),
        col("kind", "类别"),
        col("unit", "单位"),
        col("list_price_fen", "标准价(分)"),
        col("floor_price_fen", "最低价(分)"),
        col("part_id", "备件"),
        col("active", "在用"),
        col("note", "备注"),
        col("created_by", "创建人"),
        col("created_at", "创建时间"),
        col("deleted", "已删除"),
        col("updated_at", "更新时间"),
        col("version", "版本"),
    ],
};
