use crate::kernel::export::{Column, Exportable};
use chrono::{DateTime, NaiveDate, Utc};
use kefu_store::equipment::EquipmentRow;
use kefu_store::from_db_time;
use kefu_store::products::ProductRow;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

/// The product of a piece of equipment, as its readers (customer contacts included) see it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct EquipmentProduct {
    /// The product's id.
    pub id: String,
    /// The product's model.
    #[schema(example = "JB-QB-GST200")]
    pub model: String,
    /// The product's name.
    #[schema(example = "火灾报警控制器")]
    pub name: String,
    /// The product's category; `null` if not given.
    pub category: Option<String>,
}

impl From<&ProductRow> for EquipmentProduct {
    fn from(p: &ProductRow) -> Self {
        EquipmentProduct {
            id: p.id.clone(),
            model: p.model.clone(),
            name: p.name.clone(),
            category: p.category.clone(),
        }
    }
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct EquipmentOut {
    /// The equipment's id.
    pub id: String,
    /// The site it is installed at (ORG-4).
    pub site_id: String,
    /// The product of the catalogue it is.
    pub product_id: String,
    /// The product's model and name (`null` only if the product record is missing).
    pub product: Option<EquipmentProduct>,
    /// The serial number, unique per product.
    #[schema(example = "SN-2026-000123")]
    pub serial: String,
    /// The installation date; `null` when unknown.
    pub install_date: Option<NaiveDate>,
    /// The last day of the warranty; `null` when unknown.
    pub warranty_end: Option<NaiveDate>,
    /// `warranty_end` is today or later in the company time zone; `null` when it is unknown.
    pub in_warranty: Option<bool>,
    /// Controller capacity in points (点位).
    pub controller_points: Option<i64>,
    /// CON-8: a pure alarm controller, counted as a fixed number of points.
    pub pure_alarm_controller: bool,
    /// CON-8: the points the equipment counts as: a pure alarm controller counts as the
    /// `pure_alarm_controller_points` of the `contract-deadlines` rules in force today
    /// (default 127) whatever its size; anything else as its `controller_points`.
    pub effective_points: Option<i64>,
    /// Free notes.
    pub note: Option<String>,
    /// A tombstone: only delta sync (`updated_since`) returns deleted records.
    pub deleted: bool,
    /// When the equipment was added.
    pub created_at: DateTime<Utc>,
    /// When it last changed.
    pub updated_at: DateTime<Utc>,
    /// Echoed as the `ETag`; send it back in `If-Match` to change the record.
    pub version: i64,
}

/// What a response needs besides the row: its product, the CON-8 points of a pure alarm
/// controller and today's date.
pub struct EquipmentView<'a> {
    pub row: &'a EquipmentRow,
    pub product: Option<&'a ProductRow>,
    pub pure_alarm_points: i64,
    pub today: NaiveDate,
}

impl From<EquipmentView<'_>> for EquipmentOut {
    fn from(v: EquipmentView<'_>) -> Self {
        let r = v.row;
        EquipmentOut {
            id: r.id.clone(),
            site_id: r.site_id.clone(),
            product_id: r.product_id.clone(),
            product: v.product.map(EquipmentProduct::from),
            serial: r.serial.clone(),
            install_date: r.install_date,
            warranty_end: r.warranty_end,
            in_warranty: r.warranty_end.map(|end| end >= v.today),
            controller_points: r.controller_points,
            pure_alarm_controller: r.pure_alarm_controller,
            effective_points: if r.pure_alarm_controller {
                Some(v.pure_alarm_points)
            } else {
                r.controller_points
            },
            note: r.note.clone(),
            deleted: r.deleted_at.is_some(),
            created_at: from_db_time(r.created_at),
            updated_at: from_db_time(r.updated_at),
            version: r.version,
        }
    }
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "site_id": "0193a5c2-7b1e-7c3d-9a40-5f0e8d2b1c01",
    "product_id": "0193a5c2-7b1e-7c3d-9a40-5f0e8d2b1c02",
    "serial": "SN-2026-000123",
    "install_date": "2026-03-01",
    "warranty_end": "2028-02-29",
    "controller_points": 512,
    "pure_alarm_controller": false
}))]
pub struct CreateEquipment {
    /// A site visible to the caller.
    #[validate(length(min = 1, max = 64))]
    #[schema(min_length = 1, max_length = 64)]
    pub site_id: String,
    /// A product of the catalogue, not deleted.
    #[validate(length(min = 1, max = 64))]
    #[schema(min_length = 1, max_length = 64)]
    pub product_id: String,
    /// Unique per product among equipment not deleted.
    #[validate(length(min = 1, max = 100))]
    #[schema(min_length = 1, max_length = 100)]
    pub serial: String,
    /// The installation date (ORG-4).
    pub install_date: Option<NaiveDate>,
    /// Not before `install_date`.
    pub warranty_end: Option<NaiveDate>,
    /// Controller capacity in points (点位), 0–10000000.
    #[validate(range(min = 0, max = 10_000_000))]
    #[schema(minimum = 0, maximum = 10_000_000)]
    pub controller_points: Option<i64>,
    /// CON-8: counts as a fixed number of points whatever its size. Defaults to `false`.
    #[serde(default)]
    pub pure_alarm_controller: bool,
    /// Free notes.
    #[validate(length(max = 2000))]
    #[schema(max_length = 2000)]
    pub note: Option<String>,
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"warranty_end": "2029-02-28", "note": "延保一年"}))]
pub struct UpdateEquipment {
    /// A site of the same customer visible to the caller.
    #[validate(length(min = 1, max = 64))]
    #[schema(nullable = false, min_length = 1, max_length = 64)]
    #[serde(default, deserialize_with = "crate::kernel::fields::required")]
    pub site_id: Option<String>,
    /// A product of the catalogue, not deleted.
    #[validate(length(min = 1, max = 64))]
    #[schema(nullable = false, min_length = 1, max_length = 64)]
    #[serde(default, deserialize_with = "crate::kernel::fields::required")]
    pub product_id: Option<String>,
    /// The serial number, unique per product among equipment not deleted.
    #[validate(length(min = 1, max = 100))]
    #[schema(nullable = false, min_length = 1, max_length = 100)]
    #[serde(default, deserialize_with = "crate::kernel::fields::required")]
    pub serial: Option<String>,
    /// `null` clears it.
    #[serde(default, deserialize_with = "crate::kernel::fields::double_option")]
    #[schema(value_type = Option<NaiveDate>)]
    pub install_date: Option<Option<NaiveDate>>,
    /// `null` clears it.
    #[serde(default, deserialize_with = "crate::kernel::fields::double_option")]
    #[schema(value_type = Option<NaiveDate>)]
    pub warranty_end: Option<Option<NaiveDate>>,
    /// `null` clears it.
    #[serde(default, deserialize_with = "crate::kernel::fields::double_option")]
    #[validate(range(min = 0, max = 10_000_000))]
    #[schema(minimum = 0, maximum = 10_000_000, value_type = Option<i64>)]
    pub controller_points: Option<Option<i64>>,
    /// CON-8: counts as a fixed number of points whatever its size.
    #[schema(nullable = false)]
    #[serde(default, deserialize_with = "crate::kernel::fields::required")]
    pub pure_alarm_controller: Option<bool>,
    /// `null` clears it.
    #[serde(default, deserialize_with = "crate::kernel::fields::double_option")]
    #[validate(length(max = 2000))]
    #[schema(max_length = 2000, value_type = Option<String>)]
    pub note: Option<Option<String>>,
}

#[derive(Debug, Clone, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct EquipmentQuery {
    pub site_id: Option<String>,
    /// Equipment at any site of this customer.
    pub customer_id: Option<String>,
    pub product_id: Option<String>,
    /// Exact serial.
    pub serial: Option<String>,
    /// Substring of the serial or the note.
    /// At most 200 characters.
    #[param(max_length = 200)]
    #[serde(default, deserialize_with = "crate::kernel::fields::search_text")]
    pub q: Option<String>,
    /// Delta sync: records changed after this instant (RFC 3339), deleted ones
    /// included as tombstones (`deleted: true`), in update order. Without it, only records
    /// not deleted, in id order.
    #[param(example = "2026-03-01T08:00:00+08:00")]
    pub updated_since: Option<String>,
    /// Page size, 1–200 (default 50).
    pub limit: Option<u32>,
    /// `next_cursor` of the previous page (of a query with the same `updated_since`).
    pub cursor: Option<String>,
}

crate::paged!(EquipmentQuery);

/// The equipment list as CSV or XLSX (`crate::kernel::export`).
pub const EXPORT: Exportable = Exportable {
    operation_id: "listEquipment",
    file: "equipment",
    columns: &[
        Column {
            field: "id",
            zh: "设备编号",
        },
        Column {
            field: "site_id",
            zh: "现场编号",
        },
        Column {
            field: "product_id",
            zh: "产品编号",
        },
        Column {
            field: "product.id",
            zh: "产品编号（产品）",
        },
        Column {
            field: "product.model",
            zh: "型号",
        },
        Column {
            field: "product.name",
            zh: "产品名称",
        },
        Column {
            field: "product.category",
            zh: "产品类别",
        },
        Column {
            field: "serial",
            zh: "序列号",
        },
        Column {
            field: "install_date",
            zh: "安装日期",
        },
        Column {
            field: "warranty_end",
            zh: "保修截止",
        },
        Column {
            field: "in_warranty",
            zh: "在保",
        },
        Column {
            field: "controller_points",
            zh: "控制器点数",
        },
        Column {
            field: "pure_alarm_controller",
            zh: "纯报警控制器",
        },
        Column {
            field: "effective_points",
            zh: "有效点数",
        },
        Column {
            field: "note",
            zh: "备注",
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
