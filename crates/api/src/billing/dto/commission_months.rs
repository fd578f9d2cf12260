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
    pub person_id: String,
    pub kind: LineKind,
    pub source_kind: SourceKind,
    pub source_id: String,
    #[schema(example = "2026-03", pattern = r"^\d{4}-\d{2}$")]
    pub earned_month: String,
    /// The payroll month it is paid with; `null` while its condition is unmet.
    #[schema(example = "2026-04", pattern = r"^\d{4}-\d{2}$")]
    pub due_month: Option<String>,
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
    pub change: ChangeKind,
    pub line_id: Option<String>,
    pub person_id: String,
    pub kind: String,
    pub source_id: String,
    pub before_fen: Option<i64>,
    pub after_fen: Option<i64>,
    pub before_status: Option<String>,
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
    pub kind: LineKind,
    pub lines: i64,
    pub amount_fen: i64,
}

/// BIL-9 … BIL-12: a month's commissioning lines, computed now.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct MonthOut {
    #[schema(example = "2026-03", pattern = r"^\d{4}-\d{2}$")]
    pub month: String,
    /// `true` when this answer closed the month (the lines are in the ledger).
    pub closed: bool,
    pub lines: Vec<PreviewLine>,
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
