//! BIL-9 … BIL-12c: the commission ledger on the wire.

use crate::kernel::export::{Column, Exportable};
use chrono::{DateTime, NaiveDate, Utc};
use kefu_billing::engine::{LineKind, LineStatus, SourceKind};
use kefu_store::commission_lines::LineRow;
use kefu_store::from_db_time;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use utoipa::{IntoParams, ToSchema};

/// A commission line of the ledger.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CommissionLineOut {
    /// The line's id.
    pub id: String,
    /// Whose line it is (a user id).
    pub person_id: String,
    /// What the line pays (BIL-9 … BIL-12c).
    pub kind: LineKind,
    /// The kind of record in `source_id`.
    pub source_kind: SourceKind,
    /// The record it comes from: a commissioning job, a contract, a month (`YYYY-MM`) or a
    /// person's year (`YYYY:<bonus>`).
    pub source_id: String,
    /// The month whose work earned it.
    #[schema(example = "2026-03", pattern = r"^\d{4}-\d{2}$")]
    pub earned_month: String,
    /// The payroll month it is paid with (BIL-13 reads `due` lines by it); `null` while
    /// its condition is unmet.
    #[schema(example = "2026-04", pattern = r"^\d{4}-\d{2}$")]
    pub due_month: Option<String>,
    /// Fen, rounded half away from zero once per line; the BIL-10 base-salary cut is negative.
    pub amount_fen: i64,
    /// The rule that decided it.
    pub rule: String,
    /// What it was computed from.
    #[schema(value_type = Object)]
    pub inputs: serde_json::Value,
    /// Rule-table key → the effective day of the version used.
    pub rule_versions: BTreeMap<String, NaiveDate>,
    /// `pending` (its condition unmet), `due`, `paid` or `withheld`.
    pub status: LineStatus,
    /// A transferred line: the taker's line (BIL-11).
    pub transferred_to: Option<String>,
    /// A tombstone: only delta sync (`updated_since`) returns deleted lines (a line the
    /// facts no longer give, e.g. a base-salary cut lifted by the month's later points).
    pub deleted: bool,
    /// When the line was first written (by a month close).
    pub created_at: DateTime<Utc>,
    /// When the line last changed.
    pub updated_at: DateTime<Utc>,
    /// Echoed as the `ETag`.
    pub version: i64,
}

impl From<&LineRow> for CommissionLineOut {
    fn from(r: &LineRow) -> Self {
        CommissionLineOut {
            id: r.id.clone(),
            person_id: r.person_id.clone(),
            kind: r.kind.parse().unwrap_or(LineKind::CommissioningFirst),
            source_kind: r
                .source_kind
                .parse()
                .unwrap_or(SourceKind::CommissioningJob),
            source_id: r.source_id.clone(),
            earned_month: r.earned_month.clone(),
            due_month: r.due_month.clone(),
            amount_fen: r.amount_fen,
            rule: r.rule.clone(),
            inputs: serde_json::from_str(&r.inputs).unwrap_or_default(),
            rule_versions: serde_json::from_str(&r.rule_versions).unwrap_or_default(),
            status: r.status.parse().unwrap_or(LineStatus::Pending),
            transferred_to: r.transferred_to.clone(),
            deleted: r.deleted_at.is_some(),
            created_at: from_db_time(r.created_at),
            updated_at: from_db_time(r.updated_at),
            version: r.version,
        }
    }
}

/// BIL-11: who takes a handed-over job's 20% line.
#[derive(Debug, Deserialize, validator::Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"to_person_id": "0193a5c0-0000-7000-8000-000000000004"}))]
pub struct TransferLine {
    /// The enabled engineer taking the job over.
    #[validate(length(min = 1, max = 64))]
    #[schema(min_length = 1, max_length = 64)]
    pub to_person_id: String,
}

#[derive(Debug, Clone, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct CommissionLineQuery {
    /// One person's lines (within what the caller may see).
    #[param(max_length = 64)]
    pub person_id: Option<String>,
    /// Lines earned in this month.
    #[param(pattern = r"^\d{4}-\d{2}$", example = "2026-03")]
    pub month: Option<String>,
    /// Lines paid with this month's salary.
    #[param(pattern = r"^\d{4}-\d{2}$", example = "2026-04")]
    pub due_month: Option<String>,
    pub status: Option<LineStatus>,
    pub kind: Option<LineKind>,
    /// Lines of one source record (a commissioning job, contract, ...).
    #[param(max_length = 64)]
    pub source_id: Option<String>,
    #[param(example = "2026-03-01T08:00:00+08:00")]
    pub updated_since: Option<String>,
    /// Page size, 1–200 (default 50).
    pub limit: Option<u32>,
    /// `next_cursor` of the previous page (of a query with the same `updated_since`).
    pub cursor: Option<String>,
}

crate::paged!(CommissionLineQuery);

const fn col(field: &'static str, zh: &'static str) -> Column {
    Column { field, zh }
}

pub const LINES_EXPORT: Exportable = Exportable {
    operation_id: "listCommissionLines",
    file: "commission-lines",
    columns: &[
        col("id", "编号"),
        col("person_id", "人员"),
        col("kind", "类型"),
        col("source_kind", "来源类型"),
        col("source_id", "来源"),
        col("earned_month", "计提月份"),
        col("due_month", "发放月份"),
        col("amount_fen", "金额（分）"),
        col("rule", "规则"),
        col("status", "状态"),
        col("inputs", "计算依据"),
        col("rule_versions", "规则版本"),
        col("transferred_to", "转交至"),
        col("deleted", "已删除"),
        col("created_at", "创建时间"),
        col("updated_at", "更新时间"),
        col("version", "版本"),
    ],
};

impl crate::kernel::command::Versioned for CommissionLineOut {
    fn version(&self) -> i64 {
        self.version
    }
}
