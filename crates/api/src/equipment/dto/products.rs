use crate::kernel::export::{Column, Exportable};
use chrono::{DateTime, Utc};
use kefu_store::from_db_time;
use kefu_store::products::ProductRow;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ProductOut {
    /// The product's id.
    pub id: String,
    /// The model, unique over the catalogue.
    #[schema(example = "JB-QB-GST200")]
    pub model: String,
    /// The product's name.
    #[schema(example = "火灾报警控制器")]
    pub name: String,
    /// The product's category; `null` if not given.
    #[schema(example = "controller")]
    pub category: Option<String>,
    /// Unit sale price in fen.
    pub unit_price_fen: i64,
    /// Unit cost in fen.
    pub unit_cost_fen: i64,
    /// The lowest price a sale may go down to, in fen; never above `unit_price_fen`.
    pub floor_price_fen: i64,
    /// A tombstone: only delta sync (`updated_since`) returns deleted records.
    pub deleted: bool,
    /// When the product was added.
    pub created_at: DateTime<Utc>,
    /// When it last changed.
    pub updated_at: DateTime<Utc>,
    /// Echoed as the `ETag`; send it back in `If-Match` to change the record.
    pub version: i64,
}

impl From<&ProductRow> for ProductOut {
    fn from(p: &ProductRow) -> Self {
        ProductOut {
            id: p.id.clone(),
            model: p.model.clone(),
            name: p.name.clone(),
            category: p.category.clone(),
            unit_price_fen: p.unit_price_fen,
            unit_cost_fen: p.unit_cost_fen,
            floor_price_fen: p.floor_price_fen,
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
    "model": "JB-QB-GST200", "name": "火灾报警控制器", "category": "controller",
    "unit_price_fen": 1_280_000, "unit_cost_fen": 760_000, "floor_price_fen": 1_100_000
}))]
pub struct CreateProduct {
    /// Unique over the whole catalogue, deleted products included.
    #[validate(length(min = 1, max = 100))]
    #[schema(min_length = 1, max_length = 100)]
    pub model: String,
    /// The product's name.
    #[validate(length(min = 1, max = 200))]
    #[schema(min_length = 1, max_length = 200)]
    pub name: String,
    /// The product's category.
    #[validate(length(min = 1, max = 100))]
    #[schema(min_length = 1, max_length = 100)]
    pub category: Option<String>,
    /// Unit sale price in fen.
    #[validate(range(min = 0, max = 1_000_000_000_000_i64))]
    #[schema(minimum = 0, maximum = 1_000_000_000_000_i64)]
    pub unit_price_fen: i64,
    /// Unit cost in fen.
    #[validate(range(min = 0, max = 1_000_000_000_000_i64))]
    #[schema(minimum = 0, maximum = 1_000_000_000_000_i64)]
    pub unit_cost_fen: i64,
    /// At most `unit_price_fen`.
    #[validate(range(min = 0, max = 1_000_000_000_000_i64))]
    #[schema(minimum = 0, maximum = 1_000_000_000_000_i64)]
    pub floor_price_fen: i64,
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"unit_price_fen": 1_350_000, "floor_price_fen": 1_150_000}))]
pub struct UpdateProduct {
    /// A new model, unique over the catalogue.
    #[validate(length(min = 1, max = 100))]
    #[schema(nullable = false, min_length = 1, max_length = 100)]
    #[serde(default, deserialize_with = "crate::kernel::fields::required")]
    pub model: Option<String>,
    /// The new name.
    #[validate(length(min = 1, max = 200))]
    #[schema(nullable = false, min_length = 1, max_length = 200)]
    #[serde(default, deserialize_with = "crate::kernel::fields::required")]
    pub name: Option<String>,
    /// `null` clears it.
    #[serde(default, deserialize_with = "crate::kernel::fields::double_option")]
    #[validate(length(min = 1, max = 100))]
    #[schema(min_length = 1, max_length = 100, value_type = Option<String>)]
    pub category: Option<Option<String>>,
    /// The new unit sale price in fen.
    #[validate(range(min = 0, max = 1_000_000_000_000_i64))]
    #[schema(nullable = false, minimum = 0, maximum = 1_000_000_000_000_i64)]
    #[serde(default, deserialize_with = "crate::kernel::fields::required")]
    pub unit_price_fen: Option<i64>,
    /// The new unit cost in fen.
    #[validate(range(min = 0, max = 1_000_000_000_000_i64))]
    #[schema(nullable = false, minimum = 0, maximum = 1_000_000_000_000_i64)]
    #[serde(default, deserialize_with = "crate::kernel::fields::required")]
    pub unit_cost_fen: Option<i64>,
    /// The new floor price in fen, at most the unit sale price.
    #[validate(range(min = 0, max = 1_000_000_000_000_i64))]
    #[schema(nullable = false, minimum = 0, maximum = 1_000_000_000_000_i64)]
    #[serde(default, deserialize_with = "crate::kernel::fields::required")]
    pub floor_price_fen: Option<i64>,
}

#[derive(Debug, Clone, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ProductsQuery {
    /// Substring of the model or name (Chinese included).
    /// At most 200 characters.
    #[param(max_length = 200)]
    #[serde(default, deserialize_with = "crate::kernel::fields::search_text")]
    pub q: Option<String>,
    pub category: Option<String>,
    /// Page size, 1–200 (default 50).
    pub limit: Option<u32>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

crate::paged!(ProductsQuery);

/// The products list as CSV or XLSX (`crate::kernel::export`).
pub const EXPORT: Exportable = Exportable {
    operation_id: "listProducts",
    file: "products",
    columns: &[
        Column {
            field: "id",
            zh: "产品编号",
        },
        Column {
            field: "model",
            zh: "型号",
        },
        Column {
            field: "name",
            zh: "产品名称",
        },
        Column {
            field: "category",
            zh: "类别",
        },
        Column {
            field: "unit_price_fen",
            zh: "单价（分）",
        },
        Column {
            field: "unit_cost_fen",
            zh: "成本（分）",
        },
        Column {
            field: "floor_price_fen",
            zh: "最低价（分）",
        },
        Column {
            field: "deleted",
            zh: "已删除",
        },
        Column {
            field: "created_at",
            zh: "创建时间",
        },
        Column {
            field: "updated_at",
            zh: "更新时间",
        },
        Column {
            field: "version",
            zh: "版本",
        },
    ],
};
