//! BIL-9 … BIL-12: a month's commissions computed (preview) or closed, on the wire.

use chrono::NaiveDate;
use kefu_billing::engine::{Line, LineKind, LineStatus, SourceKind};
use kefu_core::YearMonth;
use kefu_store::commission_lines::LineRow;
use serde::Serialize;
use std::collections::BTreeMap;
use utoipa::ToSchema;

/// A computed line (what the ledger holds, or would hold, for it).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PreviewLine {
    /// The ledger line with this key, once written.
    pub line_id: Option<String>,
    /// Who earns the line (a user id).
    pub person_id: String,
    /// What the line pays (BIL-9 … BIL-12c).
    pub kind: LineKind,
    /// The kind of record it comes from.
    pub source_kind: SourceKind,
    /// The id of that record (e.g. the commissioning job).
    pub source_id: String,
    /// The month the line was earned in, `YYYY-MM`.
    #[schema(example = "2026-03", pattern = r"^\d{4}-\d{2}$")]
    pub earned_month: String,
    /// The payroll month it is paid with; `null` while its condition is unmet.
    #[schema(example = "2026-04", pattern = r"^\d{4}-\d{2}$")]
    pub due_month: Option<String>,
    /// `pending` (its condition unmet), `due`, `paid` or `withheld`.
    pub status: LineStatus,
    /// Fen; the BIL-10 base-salary cut is negative.
    pub amount_fen: i64,
    /// The rule that decided it (`BIL-10`, `BIL-11`, `BIL-12`, `BIL-12a`, `BIL-12c`).
    pub rule: String,
    /// What it was computed from (points, rate, multiplier, shares, intermediate amounts).
    #[schema(value_type = Object)]
    pub inputs: serde_json::Value,
    /// Rule-table key → the effective day of the version used.
    pub rule_versions: BTreeMap<String, NaiveDate>,
}

impl PreviewLine {
    pub fn of(l: &Line, line_id: Option<String>) -> Self {
        PreviewLine {
            line_id,
            person_id: l.person_id.clone(),
            kind: l.kind,
            source_kind: l.source_kind,
            source_id: l.source_id.clone(),
            earned_month: l.earned_month.to_string(),
            due_month: l.due_month.map(|m| m.to_string()),
            status: l.status,
            amount_fen: l.amount.fen(),
            rule: l.rule.to_owned(),
            inputs: serde_json::to_value(&l.inputs).unwrap_or_default(),
            rule_versions: l
                .rule_versions
                .iter()
                .map(|r| (r.key.to_owned(), r.effective_from))
                .collect(),
        }
    }
}

kefu_core::string_enum! {
    #[derive(ToSchema)]
    pub enum ChangeKind {
        /// The ledger has no such line yet.
        Added = "added",
        /// The ledger's open line differs (amount, status, due month or inputs).
        Changed = "changed",
        /// The ledger's open line is no longer given by the facts.
        Removed = "removed",
    }
}

/// A difference between the month computed now and the ledger (the last close).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct LineChange {
    /// Whether the line is added, changed or removed.
    pub change: ChangeKind,
    /// The ledger line; `null` for an added one.
    pub line_id: Option<String>,
    /// Who earns the line (a user id).
    pub person_id: String,
    /// The line's kind.
    pub kind: String,
    /// The id of the record it comes from.
    pub source_id: String,
    /// The ledger's amount in fen; `null` for an added line.
    pub before_fen: Option<i64>,
    /// The amount computed now in fen; `null` for a removed line.
    pub after_fen: Option<i64>,
    /// The ledger's status; `null` for an added line.
    pub before_status: Option<String>,
    /// The status computed now; `null` for a removed line.
    pub after_status: Option<String>,
}

impl LineChange {
    pub fn added(l: &Line) -> Self {
        LineChange {
            change: ChangeKind::Added,
            line_id: None,
            person_id: l.person_id.clone(),
            kind: l.kind.as_str().to_owned(),
            source_id: l.source_id.clone(),
            before_fen: None,
            after_fen: Some(l.amount.fen()),
            before_status: None,
            after_status: Some(l.status.as_str().to_owned()),
        }
    }

    pub fn changed(r: &LineRow, l: &Line) -> Self {
        LineChange {
            change: ChangeKind::Changed,
            line_id: Some(r.id.clone()),
            before_fen: Some(r.amount_fen),
            before_status: Some(r.status.clone()),
            ..LineChange::added(l)
        }
    }

    pub fn removed(r: &LineRow) -> Self {
        LineChange {
            change: ChangeKind::Removed,
            line_id: Some(r.id.clone()),
            person_id: r.person_id.clone(),
            kind: r.kind.clone(),
            source_id: r.source_id.clone(),
            before_fen: Some(r.amount_fen),
            after_fen: None,
            before_status: Some(r.status.clone()),
            after_status: None,
        }
    }
}

/// Totals of a month's lines by kind, in fen.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct KindTotal {
    /// The line kind summed.
    pub kind: LineKind,
    /// How many lines of that kind.
    pub lines: i64,
    /// Their sum, in fen.
    pub amount_fen: i64,
}

/// BIL-9 … BIL-12: a month's commissioning lines, computed now.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct MonthOut {
    /// The month, `YYYY-MM`.
    #[schema(example = "2026-03", pattern = r"^\d{4}-\d{2}$")]
    pub month: String,
    /// `true` when this answer closed the month (the lines are in the ledger).
    pub closed: bool,
    /// Every line of the month.
    pub lines: Vec<PreviewLine>,
    /// The lines summed by kind.
    pub totals: Vec<KindTotal>,
    /// What differs from the ledger as it was before this request (the last close).
    pub changes: Vec<LineChange>,
}

impl MonthOut {
    pub fn new(
        month: YearMonth,
        closed: bool,
        lines: Vec<PreviewLine>,
        changes: Vec<LineChange>,
    ) -> Self {
        let mut totals: BTreeMap<&str, KindTotal> = BTreeMap::new();
        for l in &lines {
            let t = totals.entry(l.kind.as_str()).or_insert(KindTotal {
                kind: l.kind,
                lines: 0,
                amount_fen: 0,
            });
            t.lines += 1;
            t.amount_fen += l.amount_fen;
        }
        MonthOut {
            month: month.to_string(),
            closed,
            lines,
            totals: totals.into_values().collect(),
            changes,
        }
    }
}
