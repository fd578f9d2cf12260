use crate::kernel::export::{Column, Exportable};
use chrono::{DateTime, Utc};
use kefu_inventory::intake::{IntakeStatus, RepairSite};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

/// INV-5: one device taken in for repair (故障维修单).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct IntakeOut {
    /// The intake's id.
    pub id: String,
    /// The ticket the device came back from (`null` for a walk-in customer).
    pub ticket_id: Option<String>,
    /// The customer whose device it is.
    pub customer_id: String,
    /// The product of master data, when known.
    pub product_id: Option<String>,
    /// The device's model as written; `null` when not given.
    pub model: Option<String>,
    /// The device's serial number.
    pub serial: String,
    /// The damage seen on the device in front of the customer (`null`: none seen).
    pub visible_damage: Option<String>,
    /// What came in with the device.
    pub accessories: Vec<String>,
    /// The fault as the customer reported it.
    pub reported_fault: String,
    /// Whether the fault was reproduced at intake.
    pub fault_reproduced: bool,
    /// How the fault was (or was not) reproduced; `null` when not given.
    pub reproduction_notes: Option<String>,
    /// The engineer who brought the device back from the site.
    pub brought_by: Option<String>,
    /// Who took the device in.
    pub received_by: String,
    /// When the device was taken in.
    pub received_at: DateTime<Utc>,
    /// `received` → `in_repair` → `awaiting_return` → `returned` (INV-5).
    pub status: IntakeStatus,
    /// Why the status last moved (free text).
    pub status_note: Option<String>,
    /// Where the device is repaired, set when the repair starts; `factory` only after the
    /// customer's full payment or a deposit (BIL-4).
    pub repair_site: Option<RepairSite>,
    /// INV-5: the customer signed; from then the intake's facts never change.
    pub signed: bool,
    /// The signer as a contact of the customer; `null` if named only by `signer_name` or unsigned.
    pub signer_contact_id: Option<String>,
    /// The signer's name; `null` until signed.
    pub signer_name: Option<String>,
    /// The signature image (attachment of kind `signature`); `null` until signed.
    pub signature_attachment_id: Option<String>,
    /// The SHA-256 of the signature file, sealed when the customer signed.
    pub signature_sha256: Option<String>,
    /// When the customer signed; `null` until signed.
    pub signed_at: Option<DateTime<Utc>>,
    /// Who recorded the signature; `null` until signed.
    pub signed_recorded_by: Option<String>,
    /// When the device went back to the customer; `null` before.
    pub returned_at: Option<DateTime<Utc>>,
    /// Who recorded the return; `null` before.
    pub returned_by: Option<String>,
    /// A tombstone: only delta sync (`updated_since`) returns deleted records.
    pub deleted: bool,
    /// When the intake was recorded.
    pub created_at: DateTime<Utc>,
    /// When it last changed.
    pub updated_at: DateTime<Utc>,
    /// Echoed as the `ETag`; send it back in `If-Match` to run a command.
    pub version: i64,
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "ticket_id": "0192f0a0-0000-7000-8000-000000000010",
    "customer_id": "0192f0a0-0000-7000-8000-000000000011",
    "model": "GST-LD-8319", "serial": "SN20260042",
    "visible_damage": "外壳右上角裂纹", "accessories": ["电源适配器", "数据线"],
    "reported_fault": "通电后无显示", "fault_reproduced": true,
    "reproduction_notes": "加电检测，屏幕无显示"
}))]
pub struct CreateIntake {
    /// A ticket the caller sees, of the same customer (422 naming the field otherwise).
    #[validate(length(min = 1, max = 64))]
    #[schema(min_length = 1, max_length = 64)]
    pub ticket_id: Option<String>,
    /// A customer the caller sees (422 naming the field otherwise).
    #[validate(length(min = 1, max = 64))]
    #[schema(min_length = 1, max_length = 64)]
    pub customer_id: String,
    /// The product of master data, when known.
    #[validate(length(min = 1, max = 64))]
    #[schema(min_length = 1, max_length = 64)]
    pub product_id: Option<String>,
    /// The device's model as written.
    #[validate(length(min = 1, max = 200))]
    #[schema(min_length = 1, max_length = 200)]
    pub model: Option<String>,
    /// The device's serial number.
    #[validate(length(min = 1, max = 100))]
    #[schema(min_length = 1, max_length = 100)]
    pub serial: String,
    /// The damage seen on the device in front of the customer (INV-5); omit when none.
    #[validate(length(min = 1, max = 2000))]
    #[schema(min_length = 1, max_length = 2000)]
    pub visible_damage: Option<String>,
    /// What came in with the device, at most 30 items.
    #[serde(default)]
    #[validate(length(max = 30))]
    #[schema(max_items = 30, value_type = Vec<crate::inventory::dto::AccessoryItem>)]
    pub accessories: Vec<String>,
    /// The fault as the customer reports it.
    #[validate(length(min = 1, max = 2000))]
    #[schema(min_length = 1, max_length = 2000)]
    pub reported_fault: String,
    /// Whether the fault was reproduced at intake (INV-5).
    pub fault_reproduced: bool,
    /// How the fault was (or was not) reproduced.
    #[validate(length(min = 1, max = 2000))]
    #[schema(min_length = 1, max_length = 2000)]
    pub reproduction_notes: Option<String>,
    /// The engineer who brought the device back from the site (a user).
    #[validate(length(min = 1, max = 64))]
    #[schema(min_length = 1, max_length = 64)]
    pub brought_by: Option<String>,
}

/// Changes to an unsigned intake; fields left out stay, `null` clears an optional one.
#[derive(Debug, Default, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"visible_damage": "外壳右上角裂纹，屏幕划痕", "accessories": ["电源适配器"]}))]
pub struct UpdateIntake {
    /// A ticket the caller sees, of the same customer; `null` clears it.
    #[serde(default, deserialize_with = "crate::kernel::fields::double_option")]
    #[validate(length(min = 1, max = 64))]
    #[schema(min_length = 1, max_length = 64, value_type = Option<String>)]
    pub ticket_id: Option<Option<String>>,
    /// A product of master data; `null` clears it.
    #[serde(default, deserialize_with = "crate::kernel::fields::double_option")]
    #[validate(length(min = 1, max = 64))]
    #[schema(min_length = 1, max_length = 64, value_type = Option<String>)]
    pub product_id: Option<Option<String>>,
    /// The model as written; `null` clears it.
    #[serde(default, deserialize_with = "crate::kernel::fields::double_option")]
    #[validate(length(min = 1, max = 200))]
    #[schema(min_length = 1, max_length = 200, value_type = Option<String>)]
    pub model: Option<Option<String>>,
    /// The device's serial number.
    #[validate(length(min = 1, max = 100))]
    #[schema(nullable = false, min_length = 1, max_length = 100)]
    #[serde(default, deserialize_with = "crate::kernel::fields::required")]
    pub serial: Option<String>,
    /// The damage seen; `null` clears it.
    #[serde(default, deserialize_with = "crate::kernel::fields::double_option")]
    #[validate(length(min = 1, max = 2000))]
    #[schema(min_length = 1, max_length = 2000, value_type = Option<String>)]
    pub visible_damage: Option<Option<String>>,
    /// Replaces the accessories, at most 30 items.
    #[validate(length(max = 30))]
    #[schema(nullable = false, max_items = 30, value_type = Option<Vec<crate::inventory::dto::AccessoryItem>>)]
    #[serde(default, deserialize_with = "crate::kernel::fields::required")]
    pub accessories: Option<Vec<String>>,
    /// The fault as the customer reports it.
    #[validate(length(min = 1, max = 2000))]
    #[schema(nullable = false, min_length = 1, max_length = 2000)]
    #[serde(default, deserialize_with = "crate::kernel::fields::required")]
    pub reported_fault: Option<String>,
    /// Whether the fault was reproduced at intake.
    #[schema(nullable = false)]
    #[serde(default, deserialize_with = "crate::kernel::fields::required")]
    pub fault_reproduced: Option<bool>,
    /// How the fault was reproduced; `null` clears it.
    #[serde(default, deserialize_with = "crate::kernel::fields::double_option")]
    #[validate(length(min = 1, max = 2000))]
    #[schema(min_length = 1, max_length = 2000, value_type = Option<String>)]
    pub reproduction_notes: Option<Option<String>>,
    /// The engineer who brought the device back; `null` clears it.
    #[serde(default, deserialize_with = "crate::kernel::fields::double_option")]
    #[validate(length(min = 1, max = 64))]
    #[schema(min_length = 1, max_length = 64, value_type = Option<String>)]
    pub brought_by: Option<Option<String>>,
}

/// The customer's signature on the intake. Name the signer by `signer_contact_id` (a contact
/// of the intake's customer) or by `signer_name`.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"signature_attachment_id": "0193a1b2-0000-7000-8000-000000000020", "signer_name": "王主任"}))]
pub struct SignIntake {
    /// An attachment of kind `signature` uploaded onto this intake.
    #[validate(length(min = 1, max = 64))]
    #[schema(min_length = 1, max_length = 64)]
    pub signature_attachment_id: String,
    /// The signer as a contact of the intake's customer.
    #[validate(length(min = 1, max = 64))]
    #[schema(min_length = 1, max_length = 64)]
    pub signer_contact_id: Option<String>,
    /// The signer's name as written, when not given as a contact.
    #[validate(length(min = 1, max = 100))]
    #[schema(min_length = 1, max_length = 100)]
    pub signer_name: Option<String>,
}

/// The status an intake moves to.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"to": "in_repair", "note": "已送工厂维修部"}))]
pub struct MoveIntake {
    /// The next status (INV-5).
    pub to: IntakeStatus,
    /// With `to` = `in_repair` only: where the repair happens (default `service_centre`);
    /// `factory` needs the customer's full payment or a deposit (422 `BIL-4`).
    pub repair_site: Option<RepairSite>,
    /// Why, kept as the intake's `status_note`.
    #[validate(length(min = 1, max = 1000))]
    #[schema(min_length = 1, max_length = 1000)]
    pub note: Option<String>,
}

#[derive(Debug, Clone, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct IntakesQuery {
    pub status: Option<IntakeStatus>,
    pub customer_id: Option<String>,
    pub ticket_id: Option<String>,
    /// Exactly this serial.
    pub serial: Option<String>,
    pub received_by: Option<String>,
    /// `true`: only signed intakes; `false`: only those waiting for the signature.
    pub signed: Option<bool>,
    /// Delta sync: every intake changed at or after this instant (RFC 3339), in update order.
    #[param(example = "2026-03-01T08:00:00+08:00")]
    pub updated_since: Option<String>,
    /// Page size, 1–200 (default 50).
    pub limit: Option<u32>,
    /// `next_cursor` of the previous page (of a query with the same `updated_since`).
    pub cursor: Option<String>,
}

crate::paged!(IntakesQuery);

const fn col(field: &'static str, zh: &'static str) -> Column {
    Column { field, zh }
}

pub const INTAKES_EXPORT: Exportable = Exportable {
    operation_id: "listRepairIntakes",
    file: "repair-intakes",
    columns: &[
        col("id", "维修单号"),
        col("ticket_id", "工单编号"),
        col("customer_id", "客户编号"),
        col("product_id", "产品编号"),
        col("model", "型号"),
        col("serial", "序列号"),
        col("visible_damage", "外观损坏"),
        col("accessories", "随机附件"),
        col("reported_fault", "故障描述"),
        col("fault_reproduced", "故障已再现"),
        col("reproduction_notes", "再现说明"),
        col("brought_by", "带回人"),
        col("received_by", "接收人"),
        col("received_at", "接收时间"),
        col("status", "状态"),
        col("status_note", "状态说明"),
        col("repair_site", "维修地点"),
        col("signed", "客户已签字"),
        col("signer_contact_id", "签字联系人"),
        col("signer_name", "签字人"),
        col("signature_attachment_id", "签字附件"),
        col("signature_sha256", "签字指纹"),
        col("signed_at", "签字时间"),
        col("signed_recorded_by", "签字登记人"),
        col("returned_at", "返还时间"),
        col("returned_by", "返还人"),
        col("deleted", "已删除"),
        col("created_at", "创建时间"),
        col("updated_at", "更新时间"),
        col("version", "版本"),
    ],
};
