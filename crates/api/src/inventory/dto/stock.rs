use crate::kernel::export::{Column, Exportable};
use chrono::{DateTime, Utc};
use kefu_inventory::catalogue::{MovementKind, UnitStatus};
use kefu_inventory::movements::RecordedKind;
use kefu_store::from_db_time;
use kefu_store::inventory::stock::{LevelRow, MovementRow, UnitRow};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

/// INV-1: how many of a part are at a location; always the ledger's sum for the pair.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct LevelOut {
    /// The stock level's id.
    pub id: String,
    /// The part.
    pub part_id: String,
    /// The location.
    pub location_id: String,
    /// Never negative (INV-4).
    pub quantity: i64,
    /// When the level last changed.
    pub updated_at: DateTime<Utc>,
}

impl From<&LevelRow> for LevelOut {
    fn from(l: &LevelRow) -> Self {
        LevelOut {
            id: l.id.clone(),
            part_id: l.part_id.clone(),
            location_id: l.location_id.clone(),
            quantity: l.quantity,
            updated_at: from_db_time(l.updated_at),
        }
    }
}

/// INV-1: one unit of a serialised part.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct UnitOut {
    /// The unit's id.
    pub id: String,
    /// The serialised part the unit is.
    pub part_id: String,
    /// The unit's serial number.
    #[schema(example = "SN20260001")]
    pub serial: String,
    /// Where the unit stands (INV-1); only `in_stock` units have a location.
    pub status: UnitStatus,
    /// Where the unit is while `in_stock`; none once it left stock.
    pub location_id: Option<String>,
    /// When the unit was first booked in.
    pub created_at: DateTime<Utc>,
    /// When it last moved.
    pub updated_at: DateTime<Utc>,
}

impl From<&UnitRow> for UnitOut {
    fn from(u: &UnitRow) -> Self {
        UnitOut {
            id: u.id.clone(),
            part_id: u.part_id.clone(),
            serial: u.serial.clone(),
            status: u.status,
            location_id: u.location_id.clone(),
            created_at: from_db_time(u.created_at),
            updated_at: from_db_time(u.updated_at),
        }
    }
}

/// INV-1: one row of the ledger.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct MovementOut {
    /// The ledger row's id.
    pub id: String,
    /// What moved the stock.
    pub kind: MovementKind,
    /// The part moved.
    pub part_id: String,
    /// The unit moved (serialised parts: one row per unit).
    pub serial_unit_id: Option<String>,
    /// That unit's serial number.
    pub serial: Option<String>,
    /// How many units (1 for a serialised unit).
    pub quantity: i64,
    /// Taken out of this location; none for stock arriving from outside.
    pub from_location_id: Option<String>,
    /// Put into this location; none for stock leaving the books.
    pub to_location_id: Option<String>,
    /// The note given with it.
    pub note: Option<String>,
    /// Who recorded it.
    pub actor_id: Option<String>,
    /// When it was recorded.
    pub created_at: DateTime<Utc>,
    /// INV-8, a plain `issue` of a serialised part: the older units at the location the
    /// rotation suggestion would have issued first (empty when the issue followed it); `null`
    /// on every other row (a loan records its own on the loan).
    pub rotation_passed_over: Option<Vec<String>>,
    /// INV-2: the ticket a `consumption` used its units on (parts on loan recorded on the
    /// ticket's signed feedback form); `null` on other rows.
    pub ticket_id: Option<String>,
}

impl From<&MovementRow> for MovementOut {
    fn from(m: &MovementRow) -> Self {
        MovementOut {
            id: m.id.clone(),
            kind: m.kind,
            part_id: m.part_id.clone(),
            serial_unit_id: m.serial_unit_id.clone(),
            serial: m.serial.clone(),
            quantity: m.quantity,
            from_location_id: m.from_location_id.clone(),
            to_location_id: m.to_location_id.clone(),
            note: m.note.clone(),
            actor_id: m.actor_id.clone(),
            created_at: from_db_time(m.created_at),
            rotation_passed_over: m
                .rotation_passed_over
                .as_deref()
                .map(|json| serde_json::from_str(json).unwrap_or_default()),
            ticket_id: m.ticket_id.clone(),
        }
    }
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "kind": "issue", "part_id": "0192f0a0-0000-7000-8000-000000000002", "quantity": 1,
    "from_location_id": "0192f0a0-0000-7000-8000-000000000003",
    "to_location_id": "0192f0a0-0000-7000-8000-000000000004"
}))]
pub struct RecordMovement {
    /// What moves the stock.
    pub kind: RecordedKind,
    /// A live part of the catalogue.
    #[validate(length(min = 1, max = 64))]
    #[schema(min_length = 1, max_length = 64)]
    pub part_id: String,
    /// Bulk parts: how many (at least 1). Serialised parts: omit, or the number of `serials`.
    #[validate(range(min = 1, max = 1_000_000_i64))]
    #[schema(minimum = 1, maximum = 1_000_000_i64)]
    pub quantity: Option<i64>,
    /// Serialised parts: the units moved, each once (1–100 characters each).
    #[serde(default)]
    #[validate(length(max = 200))]
    #[schema(max_items = 200, value_type = Vec<crate::inventory::dto::SerialItem>)]
    pub serials: Vec<String>,
    /// Where the stock is taken from: needed by issue, return, consumption, loss and damage,
    /// and by a count adjustment that found less; refused on a receipt.
    #[validate(length(min = 1, max = 64))]
    #[schema(min_length = 1, max_length = 64)]
    pub from_location_id: Option<String>,
    /// Where the stock goes: needed by receipt, issue and return, and by a count adjustment
    /// that found more; refused on consumption, loss and damage.
    #[validate(length(min = 1, max = 64))]
    #[schema(min_length = 1, max_length = 64)]
    pub to_location_id: Option<String>,
    /// A note kept on the ledger rows.
    #[validate(length(min = 1, max = 500))]
    #[schema(min_length = 1, max_length = 500)]
    pub note: Option<String>,
}

/// The ledger rows one recorded movement wrote: one per unit of a serialised part, one for a
/// bulk quantity.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RecordedMovements {
    /// The rows written, one per unit or one for the bulk quantity.
    pub items: Vec<MovementOut>,
}

#[derive(Debug, Clone, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct LevelsQuery {
    pub part_id: Option<String>,
    pub location_id: Option<String>,
    /// Page size, 1–200 (default 50).
    pub limit: Option<u32>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

#[derive(Debug, Clone, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct UnitsQuery {
    pub part_id: Option<String>,
    pub location_id: Option<String>,
    pub status: Option<UnitStatus>,
    /// Page size, 1–200 (default 50).
    pub limit: Option<u32>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

#[derive(Debug, Clone, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct MovementsQuery {
    pub part_id: Option<String>,
    /// Rows into or out of this location.
    pub location_id: Option<String>,
    pub kind: Option<MovementKind>,
    /// Page size, 1–200 (default 50).
    pub limit: Option<u32>,
    /// `next_cursor` of the previous page. The ledger is append-only and in id (time) order,
    /// so the last page's cursor is also where a later delta sync starts.
    pub cursor: Option<String>,
}

crate::paged!(LevelsQuery, UnitsQuery, MovementsQuery);

const fn col(field: &'static str, zh: &'static str) -> Column {
    Column { field, zh }
}

pub const LEVELS_EXPORT: Exportable = Exportable {
    operation_id: "listStockLevels",
    file: "stock-levels",
    columns: &[
        col("id", "编号"),
        col("part_id", "备件编号"),
        col("location_id", "库位编号"),
        col("quantity", "数量"),
        col("updated_at", "更新时间"),
    ],
};

pub const UNITS_EXPORT: Exportable = Exportable {
    operation_id: "listSerialUnits",
    file: "serial-units",
    columns: &[
        col("id", "编号"),
        col("part_id", "备件编号"),
        col("serial", "序列号"),
        col("status", "状态"),
        col("location_id", "库位编号"),
        col("created_at", "入账时间"),
        col("updated_at", "更新时间"),
    ],
};

pub const MOVEMENTS_EXPORT: Exportable = Exportable {
    operation_id: "listStockMovements",
    file: "stock-movements",
    columns: &[
        col("id", "流水号"),
        col("kind", "类型"),
        col("part_id", "备件编号"),
        col("serial_unit_id", "单件编号"),
        col("serial", "序列号"),
        col("quantity", "数量"),
        col("from_location_id", "出库库位"),
        col("to_location_id", "入库库位"),
        col("note", "备注"),
        col("actor_id", "经办人"),
        col("created_at", "时间"),
        col("rotation_passed_over", "轮换跳过"),
        col("ticket_id", "消耗工单"),
    ],
};
