//! BIL-16: cash advances on the wire.

use crate::billing::dto::travel::col;
use crate::kernel::export::Exportable;
use chrono::{DateTime, NaiveDate, Utc};
use kefu_billing::expenses::AdvanceStatus;
use kefu_store::expenses::AdvanceRow;
use kefu_store::from_db_time;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

/// BIL-16: a cash advance (借支) for an approved trip.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AdvanceOut {
    /// The advance's id.
    pub id: String,
    /// The traveller (a user id).
    pub user_id: String,
    /// The approved trip the advance is for (BIL-14).
    pub travel_request_id: String,
    /// The amount advanced, in fen.
    pub amount_fen: i64,
    /// What the money is for.
    pub purpose: String,
    /// `requested`, `approved` and `paid` are open: no new advance meanwhile.
    pub status: AdvanceStatus,
    /// The GM (executive) who decided.
    pub decided_by: Option<String>,
    /// When it was approved or rejected; `null` while `requested`.
    pub decided_at: Option<DateTime<Utc>>,
    /// The note given with the decision (the reason of a rejection).
    pub decision_note: Option<String>,
    /// Who paid the money out; `null` before.
    pub paid_by: Option<String>,
    /// When it was paid out; `null` before.
    pub paid_at: Option<DateTime<Utc>>,
    /// The trip's claim is due by this day (`claim_due_days` of `expense-policy` after the
    /// planned return), set when paid.
    pub due_date: Option<NaiveDate>,
    /// When the overdue claim was notified (once).
    pub overdue_notified_at: Option<DateTime<Utc>>,
    /// The claim it was settled against.
    pub claim_id: Option<String>,
    /// Claim total − advance: positive, paid out to the traveller; negative, paid back.
    pub settlement_fen: Option<i64>,
    /// Who settled it against the claim; `null` before.
    pub settled_by: Option<String>,
    /// When it was settled; `null` before.
    pub settled_at: Option<DateTime<Utc>>,
    /// A tombstone: only delta sync (`updated_since`) returns deleted records.
    pub deleted: bool,
    /// When it was requested.
    pub created_at: DateTime<Utc>,
    /// When it last changed.
    pub updated_at: DateTime<Utc>,
    /// Echoed as the `ETag`; send it back in `If-Match` to change the record.
    pub version: i64,
}

impl crate::kernel::command::Versioned for AdvanceOut {
    fn version(&self) -> i64 {
        self.version
    }
}

impl From<&AdvanceRow> for AdvanceOut {
    fn from(r: &AdvanceRow) -> Self {
        AdvanceOut {
            id: r.id.clone(),
            user_id: r.user_id.clone(),
            travel_request_id: r.travel_request_id.clone(),
            amount_fen: r.amount_fen,
            purpose: r.purpose.clone(),
            status: r.status.parse().unwrap_or(AdvanceStatus::Requested),
            decided_by: r.decided_by.clone(),
            decided_at: r.decided_at.map(from_db_time),
            decision_note: r.decision_note.clone(),
            paid_by: r.paid_by.clone(),
            paid_at: r.paid_at.map(from_db_time),
            due_date: r.due_date,
            overdue_notified_at: r.overdue_notified_at.map(from_db_time),
            claim_id: r.claim_id.clone(),
            settlement_fen: r.settlement_fen,
            settled_by: r.settled_by.clone(),
            settled_at: r.settled_at.map(from_db_time),
            deleted: r.deleted_at.is_some(),
            created_at: from_db_time(r.created_at),
            updated_at: from_db_time(r.updated_at),
            version: r.version,
        }
    }
}

/// BIL-16: an advance for the caller's approved trip.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"travel_request_id": "0195a0c4-7a0e-7cc3-9a43-5f0d8c1e2b11",
    "amount_fen": 50000, "purpose": "温州出差差旅费借支"}))]
pub struct RequestAdvance {
    /// The caller's approved trip (BIL-16: no new advance while one is open).
    #[validate(length(min = 1, max = 64))]
    #[schema(min_length = 1, max_length = 64)]
    pub travel_request_id: String,
    /// The amount asked for, in fen.
    #[validate(range(min = 1, max = 100_000_000_i64))]
    #[schema(minimum = 1, maximum = 100_000_000_i64)]
    pub amount_fen: i64,
    /// What the money is for.
    #[validate(length(min = 1, max = 500))]
    #[schema(min_length = 1, max_length = 500)]
    pub purpose: String,
}

/// BIL-16: the claim an advance is settled against.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"claim_id": "0195a0c4-7a0e-7cc3-9a43-5f0d8c1e2b12"}))]
pub struct SettleAdvance {
    /// The trip's claim, approved, that the advance is settled against.
    #[validate(length(min = 1, max = 64))]
    #[schema(min_length = 1, max_length = 64)]
    pub claim_id: String,
}

#[derive(Debug, Clone, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct AdvanceQuery {
    /// One person's advances (within what the caller may see).
    pub user_id: Option<String>,
    pub status: Option<AdvanceStatus>,
    #[param(example = "2026-03-01T08:00:00+08:00")]
    pub updated_since: Option<String>,
    /// Page size, 1–200 (default 50).
    pub limit: Option<u32>,
    /// `next_cursor` of the previous page (of a query with the same `updated_since`).
    pub cursor: Option<String>,
}

crate::paged!(AdvanceQuery);

pub const ADVANCES_EXPORT: Exportable = Exportable {
    operation_id: "listCashAdvances",
    file: "cash-advances",
    columns: &[
        col("id", "编号"),
        col("user_id", "借支人"),
        col("travel_request_id", "出差申请"),
        col("amount_fen", "金额(分)"),
        col("purpose", "用途"),
        col("status", "状态"),
        col("decided_by", "审批人"),
        col("decided_at", "审批时间"),
        col("decision_note", "驳回原因"),
        col("paid_by", "付款人"),
        col("paid_at", "付款时间"),
        col("due_date", "报销期限"),
        col("overdue_notified_at", "逾期提醒时间"),
        col("claim_id", "冲抵报销单"),
        col("settlement_fen", "结算差额(分)"),
        col("settled_by", "结算人"),
        col("settled_at", "结算时间"),
        col("deleted", "已删除"),
        col("created_at", "创建时间"),
        col("updated_at", "更新时间"),
        col("version", "版本"),
    ],
};
