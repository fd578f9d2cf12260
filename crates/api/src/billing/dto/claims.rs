//! BIL-15: expense claims on the wire.

use crate::billing::dto::travel::col;
use crate::kernel::export::Exportable;
use chrono::{DateTime, Utc};
use kefu_billing::expenses::{ClaimLine, ClaimStatus};
use kefu_store::expenses::ClaimRow;
use kefu_store::from_db_time;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

/// BIL-15: the expenses of an approved trip, each line explained.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ClaimOut {
    /// The claim's id.
    pub id: String,
    /// The traveller (a user id).
    pub user_id: String,
    /// The approved trip claimed for.
    pub travel_request_id: String,
    /// When the trip actually left.
    pub departed_at: DateTime<Utc>,
    /// When the trip actually came back.
    pub returned_at: DateTime<Utc>,
    /// BIL-15 travel days in half days (departure and return halves by the `day_cutoff` of
    /// `travel-standards`, counted in the company's local time).
    pub half_days: i64,
    /// `half_days` / 2, e.g. 2.5.
    pub travel_days: f64,
    /// Each reimbursed amount with its rule, inputs and, when less than claimed, why.
    pub lines: Vec<ClaimLine>,
    /// The sum of the lines' `reimbursed_fen`.
    pub total_fen: i64,
    /// The traveller's note.
    pub note: Option<String>,
    /// `submitted` → `approved`/`rejected` → `paid`.
    pub status: ClaimStatus,
    /// Who approved or rejected it; `null` while `submitted`.
    pub decided_by: Option<String>,
    /// When it was decided; `null` while `submitted`.
    pub decided_at: Option<DateTime<Utc>>,
    /// Why it was refused, when it was.
    pub decision_note: Option<String>,
    /// Who paid it; `null` before.
    pub paid_by: Option<String>,
    /// When it was paid; `null` before.
    pub paid_at: Option<DateTime<Utc>>,
    /// What finance paid the traveller: the total, or, settled against an advance, the total
    /// less the advance (negative: the traveller paid back).
    pub paid_fen: Option<i64>,
    /// The advance it was settled against (BIL-16).
    pub advance_id: Option<String>,
    /// A tombstone: only delta sync (`updated_since`) returns deleted records.
    pub deleted: bool,
    /// When it was submitted.
    pub created_at: DateTime<Utc>,
    /// When it last changed.
    pub updated_at: DateTime<Utc>,
    /// Echoed as the `ETag`; send it back in `If-Match` to change the record.
    pub version: i64,
}

impl crate::kernel::command::Versioned for ClaimOut {
    fn version(&self) -> i64 {
        self.version
    }
}

impl From<&ClaimRow> for ClaimOut {
    fn from(r: &ClaimRow) -> Self {
        ClaimOut {
            id: r.id.clone(),
            user_id: r.user_id.clone(),
            travel_request_id: r.travel_request_id.clone(),
            departed_at: from_db_time(r.departed_at),
            returned_at: from_db_time(r.returned_at),
            half_days: r.half_days,
            travel_days: r.half_days as f64 / 2.0,
            lines: serde_json::from_str(&r.lines_json).unwrap_or_default(),
            total_fen: r.total_fen,
            note: r.note.clone(),
            status: r.status.parse().unwrap_or(ClaimStatus::Submitted),
            decided_by: r.decided_by.clone(),
            decided_at: r.decided_at.map(from_db_time),
            decision_note: r.decision_note.clone(),
            paid_by: r.paid_by.clone(),
            paid_at: r.paid_at.map(from_db_time),
            paid_fen: r.paid_fen,
            advance_id: r.advance_id.clone(),
            deleted: r.deleted_at.is_some(),
            created_at: from_db_time(r.created_at),
            updated_at: from_db_time(r.updated_at),
            version: r.version,
        }
    }
}

/// A lodging invoice (or a stay without one).
#[derive(Debug, Clone, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LodgingIn {
    /// How many nights the invoice covers.
    #[validate(range(min = 1, max = 366))]
    #[schema(minimum = 1, maximum = 366)]
    pub nights: i64,
    /// The invoice's amount, in fen; reimbursed up to the standard (BIL-15).
    #[validate(range(min = 0, max = 100_000_000_i64))]
    #[schema(minimum = 0, maximum = 100_000_000_i64)]
    pub amount_fen: i64,
    /// The invoice's number; without one the stay is not reimbursed (BIL-15).
    #[validate(length(min = 1, max = 64))]
    #[schema(min_length = 1, max_length = 64)]
    pub invoice_no: Option<String>,
}

/// A cost as spent.
#[derive(Debug, Clone, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SpentIn {
    /// What the money was spent on.
    #[validate(length(min = 1, max = 200))]
    #[schema(min_length = 1, max_length = 200)]
    pub description: String,
    /// The amount spent, in fen.
    #[validate(range(min = 0, max = 100_000_000_i64))]
    #[schema(minimum = 0, maximum = 100_000_000_i64)]
    pub amount_fen: i64,
}

/// BIL-15: the caller's claim for an approved trip they are back from.
#[derive(Debug, Clone, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"travel_request_id": "0195a0c4-7a0e-7cc3-9a43-5f0d8c1e2b11",
    "departed_at": "2026-03-02T13:30:00+08:00", "returned_at": "2026-03-04T11:00:00+08:00",
    "lodging": [{"nights": 1, "amount_fen": 15000, "invoice_no": "No.3301"},
                {"nights": 1, "amount_fen": 10000, "invoice_no": "No.3302"}],
    "local_transport": [{"description": "出租车", "amount_fen": 3500}], "other": []}))]
pub struct SubmitClaim {
    /// The caller's approved trip.
    #[validate(length(min = 1, max = 64))]
    #[schema(min_length = 1, max_length = 64)]
    pub travel_request_id: String,
    /// When the trip actually left (the transport's departure).
    pub departed_at: DateTime<Utc>,
    /// When it actually came back; not in the future.
    pub returned_at: DateTime<Utc>,
    /// Lodging invoices; no more nights than the trip has.
    #[serde(default)]
    #[validate(length(max = 60), nested)]
    #[schema(max_items = 60)]
    pub lodging: Vec<LodgingIn>,
    /// Local transport at the destination, as spent.
    #[serde(default)]
    #[validate(length(max = 100), nested)]
    #[schema(max_items = 100)]
    pub local_transport: Vec<SpentIn>,
    /// Other costs of the trip, as spent.
    #[serde(default)]
    #[validate(length(max = 100), nested)]
    #[schema(max_items = 100)]
    pub other: Vec<SpentIn>,
    /// A note for the approver.
    #[validate(length(min = 1, max = 500))]
    #[schema(min_length = 1, max_length = 500)]
    pub note: Option<String>,
}

#[derive(Debug, Clone, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ClaimQuery {
    /// One person's claims (within what the caller may see).
    pub user_id: Option<String>,
    pub status: Option<ClaimStatus>,
    #[param(example = "2026-03-01T08:00:00+08:00")]
    pub updated_since: Option<String>,
    /// Page size, 1–200 (default 50).
    pub limit: Option<u32>,
    /// `next_cursor` of the previous page (of a query with the same `updated_since`).
    pub cursor: Option<String>,
}

crate::paged!(ClaimQuery);

pub const CLAIMS_EXPORT: Exportable = Exportable {
    operation_id: "listExpenseClaims",
    file: "expense-claims",
    columns: &[
        col("id", "编号"),
        col("user_id", "报销人"),
        col("travel_request_id", "出差申请"),
        col("departed_at", "出发时间"),
        col("returned_at", "返回时间"),
        col("half_days", "出差半天数"),
        col("travel_days", "出差天数"),
        col("lines", "报销明细"),
        col("total_fen", "报销金额(分)"),
        col("note", "备注"),
        col("status", "状态"),
        col("decided_by", "审批人"),
        col("decided_at", "审批时间"),
        col("decision_note", "驳回原因"),
        col("paid_by", "付款人"),
        col("paid_at", "付款时间"),
        col("paid_fen", "实付金额(分)"),
        col("advance_id", "冲抵借支"),
        col("deleted", "已删除"),
        col("created_at", "创建时间"),
        col("updated_at", "更新时间"),
        col("version", "版本"),
    ],
};
