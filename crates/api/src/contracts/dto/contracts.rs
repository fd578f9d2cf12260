//! Request and response types of `/contracts` (CON-1, CON-2).

use crate::kernel::command::Versioned;
use crate::kernel::export::{Column, Exportable};
use chrono::{DateTime, NaiveDate, Utc};
use kefu_contracts::contract::{ContractKind, ContractStatus, PaymentStatus, RenewalMode};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ContractOut {
    /// The contract's id.
    pub id: String,
    /// The contract's title.
    pub title: String,
    /// `maintenance`: signed only after its acceptance passes (CON-5).
    pub kind: ContractKind,
    /// The customer under contract.
    pub customer_id: String,
    /// The contract this one renews (CON-1).
    pub predecessor_id: Option<String>,
    /// Covered sites of the customer.
    pub site_ids: Vec<String>,
    /// Covered equipment at the customer's sites.
    pub equipment_ids: Vec<String>,
    /// The engineer who signs the contract for the company (乙方代表).
    pub signer_id: String,
    /// The users who carry the service out.
    pub executor_ids: Vec<String>,
    /// First day of the service period (company date).
    pub period_start: NaiveDate,
    /// Last day of the service period, inclusive.
    pub period_end: NaiveDate,
    /// The contract amount in fen.
    pub amount_fen: i64,
    /// CON-2: the payments booked so far, in fen.
    pub paid_fen: i64,
    /// CON-2: judged on the server's current date.
    pub payment_status: PaymentStatus,
    /// CON-2: set on signing, the `contract-deadlines` rule's `payment_due_days` later.
    pub payment_due_on: Option<NaiveDate>,
    /// `draft` → `signed` → `active` → `expired` or `terminated` (CON-1).
    pub status: ContractStatus,
    /// The signing date; `null` while `draft`.
    pub signed_on: Option<NaiveDate>,
    /// `express` (a new contract is signed) or `tacit` (renews itself unless cancelled in time), CON-1.
    pub renewal_mode: RenewalMode,
    /// Tacit renewal: days of notice before the end within which the renewal can no longer be
    /// cancelled.
    pub notice_days: i64,
    /// Tacit renewal: the customer cancelled the renewal.
    pub renewal_cancelled: bool,
    /// Tacit renewal: the last day it can be cancelled; `null` for express contracts.
    pub cancel_renewal_by: Option<NaiveDate>,
    /// Why it was terminated; `null` unless `terminated`.
    pub termination_reason: Option<String>,
    /// Who entered the contract.
    pub created_by: String,
    /// When it was entered.
    pub created_at: DateTime<Utc>,
    /// When it last changed.
    pub updated_at: DateTime<Utc>,
    /// Echoed as the `ETag`; send it back in `If-Match` for every command.
    pub version: i64,
}

impl Versioned for ContractOut {
    fn version(&self) -> i64 {
        self.version
    }
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "title": "2026 年度消防报警系统维保合同",
    "customer_id": "0193a5c0-0000-7000-8000-000000000001",
    "site_ids": ["0193a5c0-0000-7000-8000-000000000002"],
    "equipment_ids": [],
    "signer_id": "0193a5c0-0000-7000-8000-000000000003",
    "executor_ids": ["0193a5c0-0000-7000-8000-000000000003"],
    "period_start": "2026-01-01",
    "period_end": "2026-12-31",
    "amount_fen": 1200000,
    "renewal_mode": "express"
}))]
pub struct CreateContract {
    /// The contract's title.
    #[validate(length(min = 1, max = 200))]
    #[schema(min_length = 1, max_length = 200)]
    pub title: String,
    /// A customer visible to the caller.
    #[validate(length(min = 1, max = 64))]
    #[schema(min_length = 1, max_length = 64)]
    pub customer_id: String,
    /// Sites of that customer.
    #[serde(default)]
    #[validate(length(max = 100))]
    #[schema(max_items = 100, value_type = Vec<crate::kernel::fields::RecordIdItem>)]
    pub site_ids: Vec<String>,
    /// Equipment at that customer's sites.
    #[serde(default)]
    #[validate(length(max = 500))]
    #[schema(max_items = 500, value_type = Vec<crate::kernel::fields::RecordIdItem>)]
    pub equipment_ids: Vec<String>,
    /// An enabled user with the engineer role.
    #[validate(length(min = 1, max = 64))]
    #[schema(min_length = 1, max_length = 64)]
    pub signer_id: String,
    /// Enabled users who carry the service out, at most 20.
    #[serde(default)]
    #[validate(length(max = 20))]
    #[schema(max_items = 20, value_type = Vec<crate::kernel::fields::RecordIdItem>)]
    pub executor_ids: Vec<String>,
    /// First day of the service period (company date).
    pub period_start: NaiveDate,
    /// Last day of the service period, inclusive; not before `period_start`.
    pub period_end: NaiveDate,
    /// The contract amount, in fen.
    #[validate(range(min = 0, max = 100_000_000_000_i64))]
    #[schema(minimum = 0, maximum = 100_000_000_000_i64)]
    pub amount_fen: i64,
    /// `express` or `tacit` renewal (CON-1).
    pub renewal_mode: RenewalMode,
    /// `service` (default) or `maintenance`: a maintenance agreement is signed only after its
    /// acceptance passes (CON-5).
    pub kind: Option<ContractKind>,
    /// Tacit renewal: days of notice (default 0).
    #[validate(range(min = 0, max = 366))]
    #[schema(minimum = 0, maximum = 366)]
    pub notice_days: Option<i64>,
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"amount_fen": 1500000, "period_end": "2027-01-31"}))]
pub struct UpdateContract {
    /// The new title.
    #[validate(length(min = 1, max = 200))]
    #[schema(nullable = false, min_length = 1, max_length = 200)]
    #[serde(default, deserialize_with = "crate::kernel::fields::required")]
    pub title: Option<String>,
    /// Replaces the covered sites (of the customer).
    #[validate(length(max = 100))]
    #[schema(nullable = false, max_items = 100, value_type = Option<Vec<crate::kernel::fields::RecordIdItem>>)]
    #[serde(default, deserialize_with = "crate::kernel::fields::required")]
    pub site_ids: Option<Vec<String>>,
    /// Replaces the covered equipment (at the customer's sites).
    #[validate(length(max = 500))]
    #[schema(nullable = false, max_items = 500, value_type = Option<Vec<crate::kernel::fields::RecordIdItem>>)]
    #[serde(default, deserialize_with = "crate::kernel::fields::required")]
    pub equipment_ids: Option<Vec<String>>,
    /// An enabled user with the engineer role.
    #[validate(length(min = 1, max = 64))]
    #[schema(nullable = false, min_length = 1, max_length = 64)]
    #[serde(default, deserialize_with = "crate::kernel::fields::required")]
    pub signer_id: Option<String>,
    /// Replaces the executors.
    #[validate(length(max = 20))]
    #[schema(nullable = false, max_items = 20, value_type = Option<Vec<crate::kernel::fields::RecordIdItem>>)]
    #[serde(default, deserialize_with = "crate::kernel::fields::required")]
    pub executor_ids: Option<Vec<String>>,
    /// The new first day of the service period.
    #[schema(nullable = false)]
    #[serde(default, deserialize_with = "crate::kernel::fields::required")]
    pub period_start: Option<NaiveDate>,
    /// The new last day of the service period, inclusive.
    #[schema(nullable = false)]
    #[serde(default, deserialize_with = "crate::kernel::fields::required")]
    pub period_end: Option<NaiveDate>,
    /// The new amount, in fen.
    #[validate(range(min = 0, max = 100_000_000_000_i64))]
    #[schema(nullable = false, minimum = 0, maximum = 100_000_000_000_i64)]
    #[serde(default, deserialize_with = "crate::kernel::fields::required")]
    pub amount_fen: Option<i64>,
    /// `express` or `tacit` renewal.
    #[schema(nullable = false)]
    #[serde(default, deserialize_with = "crate::kernel::fields::required")]
    pub renewal_mode: Option<RenewalMode>,
    /// Tacit renewal: days of notice, 0–366.
    #[validate(range(min = 0, max = 366))]
    #[schema(nullable = false, minimum = 0, maximum = 366)]
    #[serde(default, deserialize_with = "crate::kernel::fields::required")]
    pub notice_days: Option<i64>,
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"signed_on": "2026-03-02"}))]
pub struct SignContract {
    /// The signing date (default today); not in the future.
    pub signed_on: Option<NaiveDate>,
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"reason": "客户迁址，双方协商解除"}))]
pub struct TerminateContract {
    /// Why the contract is terminated.
    #[validate(length(min = 1, max = 1000))]
    #[schema(min_length = 1, max_length = 1000)]
    pub reason: String,
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"period_end": "2027-12-31", "amount_fen": 1300000}))]
pub struct RenewContract {
    /// The new period starts the day after this contract's end and ends on this day.
    pub period_end: NaiveDate,
    /// Default: this contract's amount.
    #[validate(range(min = 0, max = 100_000_000_000_i64))]
    #[schema(minimum = 0, maximum = 100_000_000_000_i64)]
    pub amount_fen: Option<i64>,
    /// Default: this contract's title.
    #[validate(length(min = 1, max = 200))]
    #[schema(min_length = 1, max_length = 200)]
    pub title: Option<String>,
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"reason": "客户书面通知不再续约"}))]
pub struct CancelRenewal {
    /// Kept in the audit entry.
    #[validate(length(min = 1, max = 1000))]
    #[schema(min_length = 1, max_length = 1000)]
    pub reason: Option<String>,
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"amount_fen": 1200000, "paid_on": "2026-03-04"}))]
pub struct RecordContractPayment {
    /// The amount received, in fen.
    #[validate(range(min = 1, max = 100_000_000_000_i64))]
    #[schema(minimum = 1, maximum = 100_000_000_000_i64)]
    pub amount_fen: i64,
    /// Default today; not in the future.
    pub paid_on: Option<NaiveDate>,
}

/// CON-2: one payment received against a contract.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ContractPaymentOut {
    /// The payment's id.
    pub id: String,
    /// The contract paid.
    pub contract_id: String,
    /// The amount received, in fen.
    pub amount_fen: i64,
    /// The day it was received.
    pub paid_on: NaiveDate,
    /// Who booked it.
    pub recorded_by: String,
    /// When it was booked.
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ContractQuery {
    pub customer_id: Option<String>,
    pub status: Option<ContractStatus>,
    pub renewal_mode: Option<RenewalMode>,
    pub signer_id: Option<String>,
    /// CON-2: only contracts unpaid in full after their due date (`true`).
    pub overdue: Option<bool>,
    /// CON-3: only signed or active contracts ending from today to this many days ahead.
    #[param(minimum = 0, maximum = 3660)]
    pub expiring_within_days: Option<u32>,
    /// Delta sync: contracts changed after this instant (RFC 3339), in update order.
    #[param(example = "2026-03-01T08:00:00+08:00")]
    pub updated_since: Option<String>,
    /// Page size, 1–200 (default 50).
    pub limit: Option<u32>,
    /// `next_cursor` of the previous page (of a query with the same `updated_since`).
    pub cursor: Option<String>,
}

crate::paged!(ContractQuery);

const fn col(field: &'static str, zh: &'static str) -> Column {
    Column { field, zh }
}

/// The contract list as CSV or XLSX (`crate::kernel::export`), e.g. the arrears for finance.
pub const EXPORT: Exportable = Exportable {
    operation_id: "listContracts",
    file: "contracts",
    columns: &[
        col("id", "合同编号"),
        col("title", "合同名称"),
        col("customer_id", "客户编号"),
        col("predecessor_id", "原合同编号"),
        col("site_ids", "服务现场"),
        col("equipment_ids", "服务设备"),
        col("signer_id", "签订人"),
        col("executor_ids", "执行人"),
        col("period_start", "服务开始"),
        col("period_end", "服务结束"),
        col("amount_fen", "合同金额（分）"),
        col("paid_fen", "已收款（分）"),
        col("payment_status", "收款状态"),
        col("payment_due_on", "应收款日期"),
        col("status", "合同状态"),
        col("signed_on", "签订日期"),
        col("renewal_mode", "续约方式"),
        col("kind", "合同类型"),
        col("notice_days", "通知期（天）"),
        col("renewal_cancelled", "已取消续约"),
        col("cancel_renewal_by", "取消续约截止"),
        col("termination_reason", "终止原因"),
        col("created_by", "创建人"),
        col("created_at", "创建时间"),
        col("updated_at", "更新时间"),
        col("version", "版本"),
    ],
};
