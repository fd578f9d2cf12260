//! Request and response types of the controller-data change instructions (CON-10).

use crate::kernel::command::Versioned;
use crate::kernel::export::{Column, Exportable};
use chrono::{DateTime, Utc};
use kefu_contracts::controller_data::{DataAction, InstructionStatus};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

/// CON-10: the customer's signed instruction to change or delete an alarm controller's data,
/// and the change recorded against it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct InstructionOut {
    /// The instruction's id.
    pub id: String,
    /// The site's customer.
    pub customer_id: String,
    /// The site of the controller.
    pub site_id: String,
    /// The controller the instruction names; `null`: any controller at the site.
    pub equipment_id: Option<String>,
    /// Change or delete the data.
    pub action: DataAction,
    /// What is to be changed or deleted.
    #[schema(max_length = 2000)]
    pub description: String,
    /// The customer's responsible person who signed (用户负责人).
    #[schema(max_length = 100)]
    pub signer_name: String,
    /// When the customer signed the instruction.
    pub signed_at: DateTime<Utc>,
    /// The scanned signed instruction, if uploaded.
    pub attachment_id: Option<String>,
    /// Who recorded the instruction.
    pub recorded_by: String,
    /// `signed` until the change is recorded, then `carried_out`.
    pub status: InstructionStatus,
    /// Who made the change; `null` before.
    pub changed_by: Option<String>,
    /// When the change was made; `null` before.
    pub changed_at: Option<DateTime<Utc>>,
    /// The controller the change was made on.
    pub change_equipment_id: Option<String>,
    /// What was done; `null` before.
    #[schema(max_length = 2000)]
    pub change_note: Option<String>,
    /// CON-10: the customer's responsible person who signed the change record, given when the
    /// manager confirms it.
    #[schema(max_length = 100)]
    pub record_signer_name: Option<String>,
    /// CON-10: the manager who confirmed the change (the record handed in the next day), and
    /// when; `null` until confirmed.
    pub manager_confirmed_by: Option<String>,
    /// When the manager confirmed it; `null` until confirmed.
    pub manager_confirmed_at: Option<DateTime<Utc>>,
    /// A tombstone: only delta sync (`updated_since`) returns deleted records.
    pub deleted: bool,
    /// When the instruction was recorded.
    pub created_at: DateTime<Utc>,
    /// When it last changed.
    pub updated_at: DateTime<Utc>,
    /// Echoed as the `ETag`.
    pub version: i64,
}

impl Versioned for InstructionOut {
    fn version(&self) -> i64 {
        self.version
    }
}

/// CON-10: the manager's confirmation of a recorded change.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"record_signer_name": "王主任"}))]
pub struct ConfirmChange {
    /// The customer's responsible person who signed the change record; required (422 `CON-10`
    /// when missing or blank).
    #[validate(length(max = 100))]
    #[schema(max_length = 100)]
    pub record_signer_name: Option<String>,
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"site_id": "01936f3e-0000-7000-8000-000000000001", "action": "delete",
    "description": "删除 3 号回路已拆除的 12 个探测器", "signer_name": "王主任",
    "signed_at": "2026-03-02T09:00:00+08:00"}))]
pub struct RecordInstruction {
    /// A site visible to the caller.
    #[validate(length(min = 1, max = 64))]
    #[schema(min_length = 1, max_length = 64)]
    pub site_id: String,
    /// A controller at the site; without it the instruction covers any controller there.
    #[validate(length(min = 1, max = 64))]
    #[schema(min_length = 1, max_length = 64)]
    pub equipment_id: Option<String>,
    /// Change or delete the data.
    pub action: DataAction,
    /// What is to be changed or deleted.
    #[validate(length(min = 1, max = 2000))]
    #[schema(min_length = 1, max_length = 2000)]
    pub description: String,
    /// The customer's responsible person who signed (用户负责人).
    #[validate(length(min = 1, max = 100))]
    #[schema(min_length = 1, max_length = 100)]
    pub signer_name: String,
    /// When the customer signed; not in the future.
    pub signed_at: DateTime<Utc>,
    /// The scanned signed instruction (an uploaded attachment).
    #[validate(length(min = 1, max = 64))]
    #[schema(min_length = 1, max_length = 64)]
    pub attachment_id: Option<String>,
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"instruction_id": "01936f3e-0000-7000-8000-000000000002",
    "equipment_id": "01936f3e-0000-7000-8000-000000000003", "note": "已删除并测试正常"}))]
pub struct RecordChange {
    /// The signed instruction the change is made under; without one the change is refused
    /// (422 `CON-10`).
    #[validate(length(max = 64))]
    #[schema(max_length = 64)]
    pub instruction_id: Option<String>,
    /// The controller whose data was changed.
    #[validate(length(min = 1, max = 64))]
    #[schema(min_length = 1, max_length = 64)]
    pub equipment_id: String,
    /// When the change was made (default now); not in the future, not before the signature.
    pub changed_at: Option<DateTime<Utc>>,
    /// What was done.
    #[validate(length(max = 2000))]
    #[schema(max_length = 2000)]
    pub note: Option<String>,
}

#[derive(Debug, Clone, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct InstructionQuery {
    pub customer_id: Option<String>,
    pub site_id: Option<String>,
    pub equipment_id: Option<String>,
    pub status: Option<InstructionStatus>,
    /// Delta sync: instructions changed after this instant (RFC 3339), in update order.
    #[param(example = "2026-03-01T08:00:00+08:00")]
    pub updated_since: Option<String>,
    /// Page size, 1–200 (default 50).
    pub limit: Option<u32>,
    /// `next_cursor` of the previous page (of a query with the same `updated_since`).
    pub cursor: Option<String>,
}

crate::paged!(InstructionQuery);

const fn col(field: &'static str, zh: &'static str) -> Column {
    Column { field, zh }
}

pub const EXPORT: Exportable = Exportable {
    operation_id: "listControllerInstructions",
    file: "controller-instructions",
    columns: &[
        col("id", "编号"),
        col("customer_id", "客户编号"),
        col("site_id", "现场编号"),
        col("equipment_id", "主机编号"),
        col("action", "操作"),
        col("description", "内容"),
        col("signer_name", "签字人"),
        col("signed_at", "签字时间"),
        col("attachment_id", "扫描件"),
        col("recorded_by", "登记人"),
        col("status", "状态"),
        col("changed_by", "实施人"),
        col("changed_at", "实施时间"),
        col("change_equipment_id", "实施主机"),
        col("change_note", "实施记录"),
        col("record_signer_name", "记录签字人"),
        col("manager_confirmed_by", "经理确认人"),
        col("manager_confirmed_at", "经理确认时间"),
        col("deleted", "已删除"),
        col("created_at", "创建时间"),
        col("updated_at", "更新时间"),
        col("version", "版本"),
    ],
};
