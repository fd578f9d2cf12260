//! BIL-13: payroll statements, their lines, the month's preview and finance view, and
//! adjustments, on the wire.

use crate::billing::dto::commission_months::ChangeKind;
use crate::billing::dto::travel::col;
use crate::kernel::export::Exportable;
use chrono::{DateTime, Utc};
use kefu_billing::payroll::{PayLineKind, PaySourceKind, StatementStatus};
use kefu_store::from_db_time;
use kefu_store::payroll::{AdjustmentRow, PayLineRow, StatementRow};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

/// BIL-13: one person's payroll statement of a month (its totals; the lines are in
/// `getPayrollStatement` and `listPayrollLines`).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PayrollStatementOut {
    /// The statement's id.
    pub id: String,
    /// Whose statement (a user id).
    pub person_id: String,
    /// The employee record the base salary and allowance come from.
    pub employee_id: Option<String>,
    /// The payroll month, `YYYY-MM`.
    #[schema(example = "2026-04", pattern = r"^\d{4}-\d{2}$")]
    pub month: String,
    /// `draft` follows its sources; `approved` is final (BIL-13).
    pub status: StatementStatus,
    /// What it pays, in fen.
    pub earnings_fen: i64,
    /// What it deducts, in fen (a positive figure).
    pub deductions_fen: i64,
    /// `earnings_fen − deductions_fen`.
    pub net_fen: i64,
    /// How many lines the statement has.
    pub line_count: i64,
    /// Finance's note.
    pub note: Option<String>,
    /// When the statement was last generated from its sources.
    pub generated_at: DateTime<Utc>,
    /// Who approved it; `null` while `draft`.
    pub approved_by: Option<String>,
    /// When it was approved (it is immutable from then on, BIL-13); `null` while `draft`.
    pub approved_at: Option<DateTime<Utc>>,
    /// A tombstone: only delta sync (`updated_since`) returns deleted records.
    pub deleted: bool,
    /// When the statement was first generated.
    pub created_at: DateTime<Utc>,
    /// When the statement last changed.
    pub updated_at: DateTime<Utc>,
    /// Echoed as the `ETag`; send it back in `If-Match` to change or approve the statement.
    pub version: i64,
}

impl From<&StatementRow> for PayrollStatementOut {
    fn from(r: &StatementRow) -> Self {
        PayrollStatementOut {
            id: r.id.clone(),
            person_id: r.person_id.clone(),
            employee_id: r.employee_id.clone(),
            month: r.month.clone(),
            status: r.status.parse().unwrap_or(StatementStatus::Draft),
            earnings_fen: r.earnings_fen,
            deductions_fen: r.deductions_fen,
            net_fen: r.net_fen,
            line_count: r.line_count,
            note: r.note.clone(),
            generated_at: from_db_time(r.generated_at),
            approved_by: r.approved_by.clone(),
            approved_at: r.approved_at.map(from_db_time),
            deleted: r.deleted_at.is_some(),
            created_at: from_db_time(r.created_at),
            updated_at: from_db_time(r.updated_at),
            version: r.version,
        }
    }
}

/// BIL-13: a line of a statement, traceable to its source record.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PayrollLineOut {
    /// The line's id.
    pub id: String,
    /// The statement the line belongs to.
    pub statement_id: String,
    /// Whose statement (a user id).
    pub person_id: String,
    /// The statement's payroll month.
    #[schema(example = "2026-04", pattern = r"^\d{4}-\d{2}$")]
    pub month: String,
    /// Order within the statement.
    pub position: i64,
    /// What the line pays or deducts (BIL-13).
    pub kind: PayLineKind,
    /// The kind of record it comes from, and its id: an employee record, a commission line,
    /// a scorecard, a fine, a part charge or an adjustment.
    pub source_kind: PaySourceKind,
    /// The id of the source record, of the kind `source_kind`.
    pub source_id: String,
    /// The source's month: earlier than `month` when carried from an earlier month.
    pub source_month: Option<String>,
    /// Signed fen: paid positive, deducted negative.
    pub amount_fen: i64,
    /// The rule that decided it (`BIL-13`, `BIL-17`, `BIL-10`, `BIL-11`, `HR-S4`, `HR-F4`, …).
    pub rule: String,
    /// What the line is, in words.
    pub description: String,
    /// A tombstone: a line a regeneration of the draft dropped (delta sync only).
    pub deleted: bool,
    /// When the line was first written.
    pub created_at: DateTime<Utc>,
    /// When the line last changed.
    pub updated_at: DateTime<Utc>,
}

impl From<&PayLineRow> for PayrollLineOut {
    fn from(r: &PayLineRow) -> Self {
        PayrollLineOut {
            id: r.id.clone(),
            statement_id: r.statement_id.clone(),
            person_id: r.person_id.clone(),
            month: r.month.clone(),
            position: r.position,
            kind: r.kind.parse().unwrap_or(PayLineKind::Adjustment),
            source_kind: r
                .source_kind
                .parse()
                .unwrap_or(PaySourceKind::PayrollAdjustment),
            source_id: r.source_id.clone(),
            source_month: r.source_month.clone(),
            amount_fen: r.amount_fen,
            rule: r.rule.clone(),
            description: r.description.clone(),
            deleted: r.deleted_at.is_some(),
            created_at: from_db_time(r.created_at),
            updated_at: from_db_time(r.updated_at),
        }
    }
}

/// Lines of one kind, summed.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PayKindTotal {
    /// The line kind summed.
    pub kind: PayLineKind,
    /// How many lines of that kind.
    pub lines: i64,
    /// Their sum in fen (signed: paid positive, deducted negative).
    pub amount_fen: i64,
}

/// Sums `(kind, amount)` pairs by kind, in kind order.
pub fn kind_totals(lines: impl IntoIterator<Item = (PayLineKind, i64)>) -> Vec<PayKindTotal> {
    let mut by: std::collections::BTreeMap<PayLineKind, PayKindTotal> = Default::default();
    for (kind, amount) in lines {
        let t = by.entry(kind).or_insert(PayKindTotal {
            kind,
            lines: 0,
            amount_fen: 0,
        });
        t.lines += 1;
        t.amount_fen += amount;
    }
    by.into_values().collect()
}

/// BIL-13: the per-employee breakdown: the statement, its lines and their totals by kind.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PayrollStatementDetail {
    /// The statement's totals.
    pub statement: PayrollStatementOut,
    /// All its lines, in statement order.
    pub lines: Vec<PayrollLineOut>,
    /// The lines summed by kind.
    pub totals: Vec<PayKindTotal>,
}

impl crate::kernel::command::Versioned for PayrollStatementDetail {
    fn version(&self) -> i64 {
        self.statement.version
    }
}

/// One person's statement of a month as computed now, or as saved (finance view).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PayrollMonthRow {
    /// Whose statement (a user id).
    pub person_id: String,
    /// The saved statement, once there is one.
    pub statement_id: Option<String>,
    /// `null` for a statement not generated yet.
    pub status: Option<StatementStatus>,
    /// What it pays, in fen.
    pub earnings_fen: i64,
    /// What it deducts, in fen (a positive figure).
    pub deductions_fen: i64,
    /// `earnings_fen − deductions_fen`.
    pub net_fen: i64,
    /// By line kind, side by side with the other statements.
    pub by_kind: Vec<PayKindTotal>,
}

/// A line that differs between the saved statements and the month computed now.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PayrollLineChange {
    /// Whether the line is added, changed or removed.
    pub change: ChangeKind,
    /// Whose statement (a user id).
    pub person_id: String,
    /// The saved statement; `null` when none is saved yet.
    pub statement_id: Option<String>,
    /// The line's kind.
    pub kind: PayLineKind,
    /// The kind of record the line comes from.
    pub source_kind: PaySourceKind,
    /// The id of that record.
    pub source_id: String,
    /// The rule that decides the line (e.g. `BIL-10`, `HR-S4`).
    pub rule: String,
    /// The saved amount in fen; `null` for an added line.
    pub before_fen: Option<i64>,
    /// The amount computed now in fen; `null` for a removed line.
    pub after_fen: Option<i64>,
}

/// BIL-13: a payroll month: its statements side by side, totals per line kind, and what
/// differs between the saved statements and the month computed now.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PayrollMonthOut {
    /// The payroll month, `YYYY-MM`.
    #[schema(example = "2026-04", pattern = r"^\d{4}-\d{2}$")]
    pub month: String,
    /// `true` when this answer wrote (generate).
    pub generated: bool,
    /// Statements written or rewritten by this answer.
    pub written: i64,
    /// Approved statements left as they are (immutable).
    pub approved: i64,
    /// One row per person with a statement or something to pay or deduct.
    pub statements: Vec<PayrollMonthRow>,
    /// All statements' lines summed by kind.
    pub totals: Vec<PayKindTotal>,
    /// Preview and finance view: saved drafts → computed now. Generate: what it changed.
    pub changes: Vec<PayrollLineChange>,
}

#[derive(Debug, Clone, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct GenerateQuery {
    /// Generate one person's statement only (409 `BIL-13` when it is approved).
    #[param(max_length = 64)]
    pub person_id: Option<String>,
}

/// BIL-13: finance's note on a draft statement (`null` clears it).
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"note": "4 月含 3 月补发"}))]
pub struct UpdatePayrollStatement {
    /// Finance's note, at most 500 characters; `null` (or blank text) clears it.
    #[validate(length(max = 500))]
    #[schema(value_type = Option<String>, max_length = 500)]
    #[serde(default, deserialize_with = "crate::kernel::fields::double_option")]
    pub note: Option<Option<String>>,
}

/// BIL-13: a correction paid (positive) or deducted (negative) with `person_id`'s statement
/// of `month`, which must not be approved yet.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"person_id": "0195a0c4-7a0e-7cc3-9a43-5f0d8c1e2b11",
    "month": "2026-05", "amount_fen": 2000, "reason": "4 月罚款多扣，退回"}))]
pub struct CreatePayrollAdjustment {
    /// Whose statement carries the adjustment (a user id).
    #[validate(length(min = 1, max = 64))]
    #[schema(min_length = 1, max_length = 64)]
    pub person_id: String,
    /// The payroll month that pays or deducts it, `YYYY-MM`.
    #[validate(length(min = 7, max = 7))]
    #[schema(
        min_length = 7,
        max_length = 7,
        pattern = r"^[1-9][0-9]{3}-(0[1-9]|1[0-2])$"
    )]
    pub month: String,
    /// Signed fen: paid positive, deducted negative.
    #[validate(range(min = -100_000_000_i64, max = 100_000_000_i64))]
    #[schema(minimum = -100_000_000_i64, maximum = 100_000_000_i64)]
    pub amount_fen: i64,
    /// Why, shown on the statement line.
    #[validate(length(min = 1, max = 500))]
    #[schema(min_length = 1, max_length = 500)]
    pub reason: String,
    /// The approved statement it corrects (of the same person, an earlier month).
    #[validate(length(min = 1, max = 64))]
    #[schema(min_length = 1, max_length = 64)]
    pub corrects_statement_id: Option<String>,
}

/// BIL-13: an adjustment, `open` until the statement carrying it is approved.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PayrollAdjustmentOut {
    /// The adjustment's id.
    pub id: String,
    /// Whose statement carries it (a user id).
    pub person_id: String,
    /// The payroll month that pays or deducts it, `YYYY-MM`.
    pub month: String,
    /// Signed fen: paid positive, deducted negative.
    pub amount_fen: i64,
    /// Why, shown on the statement line.
    pub reason: String,
    /// The approved statement it corrects; `null` if none was named.
    pub corrects_statement_id: Option<String>,
    /// `open` or `applied`.
    pub status: String,
    /// The approved statement that carried it; `null` while `open`.
    pub applied_statement_id: Option<String>,
    /// Who entered it; `null` for the system.
    pub created_by: Option<String>,
    /// When it was entered.
    pub created_at: DateTime<Utc>,
    /// Echoed as the `ETag`.
    pub version: i64,
}

impl From<&AdjustmentRow> for PayrollAdjustmentOut {
    fn from(r: &AdjustmentRow) -> Self {
        PayrollAdjustmentOut {
            id: r.id.clone(),
            person_id: r.person_id.clone(),
            month: r.month.clone(),
            amount_fen: r.amount_fen,
            reason: r.reason.clone(),
            corrects_statement_id: r.corrects_statement_id.clone(),
            status: r.status.clone(),
            applied_statement_id: r.applied_statement_id.clone(),
            created_by: r.created_by.clone(),
            created_at: from_db_time(r.created_at),
            version: r.version,
        }
    }
}

#[derive(Debug, Clone, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct PayrollStatementQuery {
    /// One person's statements (within what the caller may see).
    #[param(max_length = 64)]
    pub person_id: Option<String>,
    #[param(pattern = r"^\d{4}-\d{2}$", example = "2026-04")]
    pub month: Option<String>,
    pub status: Option<StatementStatus>,
    #[param(example = "2026-03-01T08:00:00+08:00")]
    pub updated_since: Option<String>,
    /// Page size, 1–200 (default 50).
    pub limit: Option<u32>,
    /// `next_cursor` of the previous page (of a query with the same `updated_since`).
    pub cursor: Option<String>,
}

#[derive(Debug, Clone, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct PayrollLineQuery {
    /// One person's lines (within what the caller may see).
    #[param(max_length = 64)]
    pub person_id: Option<String>,
    #[param(pattern = r"^\d{4}-\d{2}$", example = "2026-04")]
    pub month: Option<String>,
    pub kind: Option<PayLineKind>,
    #[param(max_length = 64)]
    pub statement_id: Option<String>,
    #[param(example = "2026-03-01T08:00:00+08:00")]
    pub updated_since: Option<String>,
    /// Page size, 1–200 (default 50).
    pub limit: Option<u32>,
    /// `next_cursor` of the previous page (of a query with the same `updated_since`).
    pub cursor: Option<String>,
}

crate::paged!(PayrollStatementQuery, PayrollLineQuery);

pub const STATEMENTS_EXPORT: Exportable = Exportable {
    operation_id: "listPayrollStatements",
    file: "payroll-statements",
    columns: &[
        col("id", "编号"),
        col("person_id", "人员"),
        col("employee_id", "员工档案"),
        col("month", "月份"),
        col("status", "状态"),
        col("earnings_fen", "应发(分)"),
        col("deductions_fen", "应扣(分)"),
        col("net_fen", "实发(分)"),
        col("line_count", "明细行数"),
        col("note", "备注"),
        col("generated_at", "生成时间"),
        col("approved_by", "审批人"),
        col("approved_at", "审批时间"),
        col("deleted", "已删除"),
        col("created_at", "创建时间"),
        col("updated_at", "更新时间"),
        col("version", "版本"),
    ],
};

pub const LINES_EXPORT: Exportable = Exportable {
    operation_id: "listPayrollLines",
    file: "payroll-lines",
    columns: &[
        col("id", "编号"),
        col("statement_id", "工资单"),
        col("person_id", "人员"),
        col("month", "月份"),
        col("position", "序号"),
        col("kind", "类型"),
        col("source_kind", "来源类型"),
        col("source_id", "来源"),
        col("source_month", "来源月份"),
        col("amount_fen", "金额(分)"),
        col("rule", "规则"),
        col("description", "说明"),
        col("deleted", "已删除"),
        col("created_at", "创建时间"),
        col("updated_at", "更新时间"),
    ],
};
