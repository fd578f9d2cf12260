//! BIL-7: customer rebates on the wire.

use crate::kernel::export::{Column, Exportable};
use chrono::{DateTime, NaiveDate, Utc};
use kefu_billing::fees::MAX_PRICE_FEN;
use kefu_billing::rebates::{RebateSource, RebateStatus};
use kefu_store::from_db_time;
use kefu_store::rebates::RebateRow;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

/// BIL-7: money returned to a customer, borne by the engineer who earns from its record.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RebateOut {
    /// The rebate's id.
    pub id: String,
    /// The customer the money went back to.
    pub customer_id: String,
    /// The kind of record it was returned on.
    pub source_kind: RebateSource,
    /// The contract, repair quote or commissioning job.
    pub source_id: String,
    /// Who bears it: the contract's signer, the quote's or the job's engineer.
    pub engineer_id: String,
    /// The amount returned, in fen; it reduces the commissionable amount (BIL-7).
    pub amount_fen: i64,
    /// The day the money went back to the customer.
    pub returned_on: NaiveDate,
    /// Why the money was returned.
    pub reason: String,
    /// `recorded`, or `cancelled` (it then reduces nothing).
    pub status: RebateStatus,
    /// Who cancelled it; `null` unless cancelled.
    pub cancelled_by: Option<String>,
    /// When it was cancelled; `null` unless cancelled.
    pub cancelled_at: Option<DateTime<Utc>>,
    /// Why it was cancelled; `null` unless cancelled.
    pub cancel_reason: Option<String>,
    /// Who recorded it.
    pub recorded_by: String,
    /// A tombstone: only delta sync (`updated_since`) returns deleted records.
    pub deleted: bool,
    /// When it was recorded.
    pub created_at: DateTime<Utc>,
    /// When it last changed.
    pub updated_at: DateTime<Utc>,
    /// Echoed as the `ETag`; send it back in `If-Match` to change the record.
    pub version: i64,
}

impl crate::kernel::command::Versioned for RebateOut {
    fn version(&self) -> i64 {
        self.version
    }
}

impl From<&RebateRow> for RebateOut {
    fn from(r: &RebateRow) -> Self {
        RebateOut {
            id: r.id.clone(),
            customer_id: r.customer_id.clone(),
            source_kind: RebateSource::parse(&r.source_kind).unwrap_or(RebateSource::Contract),
            source_id: r.source_id.clone(),
            engineer_id: r.engineer_id.clone(),
            amount_fen: r.amount_fen,
            returned_on: r.returned_on,
            reason: r.reason.clone(),
            status: RebateStatus::parse(&r.status).unwrap_or(RebateStatus::Recorded),
            cancelled_by: r.cancelled_by.clone(),
            cancelled_at: r.cancelled_at.map(from_db_time),
            cancel_reason: r.cancel_reason.clone(),
            recorded_by: r.recorded_by.clone(),
            deleted: r.deleted_at.is_some(),
            created_at: from_db_time(r.created_at),
            updated_at: from_db_time(r.updated_at),
            version: r.version,
        }
    }
}

/// BIL-7: a rebate returned on a contract, a repair quote or a commissioning job.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"source_kind": "contract", "source_id": "c-1", "amount_fen": 200000,
    "returned_on": "2026-05-20", "reason": "维保费用返还"}))]
pub struct RecordRebate {
    /// The kind of record returned on.
    pub source_kind: RebateSource,
    /// The contract, repair quote or commissioning job.
    #[validate(length(min = 1, max = 64))]
    #[schema(min_length = 1, max_length = 64)]
    pub source_id: String,
    /// The amount returned, in fen.
    #[validate(range(min = 1, max = MAX_PRICE_FEN))]
    #[schema(minimum = 1, maximum = 1_000_000_000)]
    pub amount_fen: i64,
    /// Default today; not in the future.
    pub returned_on: Option<NaiveDate>,
    /// Why the money is returned.
    #[validate(length(min = 1, max = 1000))]
    #[schema(min_length = 1, max_length = 1000)]
    pub reason: String,
}

/// Why a rebate is cancelled.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"reason": "重复登记"}))]
pub struct CancelRebate {
    /// Why the rebate is cancelled.
    #[validate(length(min = 1, max = 1000))]
    #[schema(min_length = 1, max_length = 1000)]
    pub reason: String,
}

#[derive(Debug, Clone, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct RebateQuery {
    pub customer_id: Option<String>,
    pub source_kind: Option<RebateSource>,
    pub source_id: Option<String>,
    /// Who bears it.
    pub engineer_id: Option<String>,
    pub status: Option<RebateStatus>,
    /// Returned on or after this day.
    pub returned_from: Option<NaiveDate>,
    /// Returned on or before this day.
    pub returned_to: Option<NaiveDate>,
    /// Delta sync: every rebate changed after this instant (RFC 3339), in update order.
    #[param(example = "2026-03-01T08:00:00+08:00")]
    pub updated_since: Option<String>,
    /// Page size, 1–200 (default 50).
    pub limit: Option<u32>,
    /// `next_cursor` of the previous page (of a query with the same `updated_since`).
    pub cursor: Option<String>,
}

crate::paged!(RebateQuery);

const fn col(field: &'static str, zh: &'static str) -> Column {
    Column { field, zh }
}

pub const EXPORT: Exportable = Exportable {
    operation_id: "listRebates",
    file: "rebates",
    columns: &[
        col("id", "编号"),
        col("customer_id", "客户"),
        col("source_kind", "来源类别"),
        col("source_id", "来源"),
        col("engineer_id", "承担人"),
        col("amount_fen", "金额(分)"),
        col("returned_on", "返款日期"),
        col("reason", "事由"),
        col("status", "状态"),
        col("cancelled_by", "作废人"),
        col("cancelled_at", "作废时间"),
        col("cancel_reason", "作废原因"),
        col("recorded_by", "登记人"),
        col("created_at", "创建时间"),
        col("deleted", "已删除"),
        col("updated_at", "更新时间"),
        col("version", "版本"),
    ],
};
