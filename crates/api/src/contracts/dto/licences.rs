//! Request and response types of the software licences (CON-4).

use crate::kernel::command::Versioned;
use crate::kernel::export::{Column, Exportable};
use chrono::{DateTime, NaiveDate, Utc};
use kefu_contracts::licence::LicenceState;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

/// CON-4: the serial of one installation under one contract, over a service period.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct LicenceOut {
    /// The licence's id.
    pub id: String,
    /// The serial the installed software is set up with: `KF-` and four groups of five
    /// characters of Crockford's base 32.
    #[schema(
        pattern = r"^KF(-[0-9A-HJKMNP-TV-Z]{5}){4}$",
        example = "KF-7Q2M4-XC9RT-0H8KB-5WZNE"
    )]
    pub serial: String,
    /// The contract the serial is issued under.
    pub contract_id: String,
    /// The contract's customer.
    pub customer_id: String,
    /// The installation (equipment) the serial is for.
    pub equipment_id: String,
    /// First day of service the serial covers.
    pub valid_from: NaiveDate,
    /// Last day, inclusive: the end of the contract's service period.
    pub valid_until: NaiveDate,
    /// Judged on the server's current date: `pending` before the period, `valid` within it,
    /// `expired` after it, `void` once the contract was terminated.
    pub state: LicenceState,
    /// CON-4: the day terminating the contract voided the licence (`state` is then `void` for
    /// good and the check answers its serial as an unknown one); `null` otherwise.
    pub voided_on: Option<NaiveDate>,
    /// The licence of the previous service period this one replaces (a renewal).
    pub replaces_id: Option<String>,
    /// The licence of the next service period, once the contract was renewed.
    pub replaced_by_id: Option<String>,
    /// Who issued it.
    pub issued_by: String,
    /// Free notes.
    #[schema(max_length = 500)]
    pub note: Option<String>,
    /// A tombstone: only delta sync (`updated_since`) returns deleted records.
    pub deleted: bool,
    /// When it was issued.
    pub created_at: DateTime<Utc>,
    /// When it last changed.
    pub updated_at: DateTime<Utc>,
    /// Echoed as the `ETag`.
    pub version: i64,
}

impl Versioned for LicenceOut {
    fn version(&self) -> i64 {
        self.version
    }
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"equipment_id": "01936f3e-0000-7000-8000-000000000001"}))]
pub struct IssueLicence {
    /// An installation the contract covers (its `equipment_ids`).
    #[validate(length(min = 1, max = 64))]
    #[schema(min_length = 1, max_length = 64)]
    pub equipment_id: String,
    /// First day of service. Default: a renewal's period start; otherwise the installation's
    /// `install_date`, else the day the contract was signed.
    pub valid_from: Option<NaiveDate>,
    /// Free notes, at most 500 characters.
    #[validate(length(max = 500))]
    #[schema(max_length = 500)]
    pub note: Option<String>,
}

#[derive(Debug, Clone, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct LicenceQuery {
    pub contract_id: Option<String>,
    pub customer_id: Option<String>,
    /// One installation's licences (its history is `listLicenceHistory`).
    pub equipment_id: Option<String>,
    /// Delta sync: licences changed after this instant (RFC 3339), in update order.
    #[param(example = "2026-03-01T08:00:00+08:00")]
    pub updated_since: Option<String>,
    /// Page size, 1–200 (default 50).
    pub limit: Option<u32>,
    /// `next_cursor` of the previous page (of a query with the same `updated_since`).
    pub cursor: Option<String>,
}

crate::paged!(LicenceQuery);

/// The serial the installed software asks about.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"serial": "KF-7Q2M4-XC9RT-0H8KB-5WZNE"}))]
pub struct CheckLicence {
    /// Any text up to 64 characters; whatever does not name a valid licence answers
    /// `{"valid": false}`.
    #[validate(length(min = 1, max = 64))]
    #[schema(min_length = 1, max_length = 64)]
    pub serial: String,
}

const fn col(field: &'static str, zh: &'static str) -> Column {
    Column { field, zh }
}

pub const EXPORT: Exportable = Exportable {
    operation_id: "listLicences",
    file: "licences",
    columns: &[
        col("id", "编号"),
        col("serial", "序列号"),
        col("contract_id", "合同编号"),
        col("customer_id", "客户编号"),
        col("equipment_id", "设备编号"),
        col("valid_from", "服务开始"),
        col("valid_until", "服务结束"),
        col("state", "状态"),
        col("voided_on", "作废日期"),
        col("replaces_id", "原序列号记录"),
        col("replaced_by_id", "新序列号记录"),
        col("issued_by", "签发人"),
        col("note", "备注"),
        col("deleted", "已删除"),
        col("created_at", "创建时间"),
        col("updated_at", "更新时间"),
        col("version", "版本"),
    ],
};
