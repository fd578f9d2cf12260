//! The commission engine (BIL-9 … BIL-12c): plain facts in, commission lines out. Each line
//! carries its rule id, the inputs that produced it and the rule-table versions it used, so
//! every figure can be explained line by line and recomputed identically.
//!
//! Rounding: every line is rounded once, half away from zero to the fen
//! (`Money::apply_rate`); a part that completes a whole (the engineer's share after the
//! clerk's, the 20% after the 80%) is the whole less the rounded part, so the lines always add
//! up to what they split.

pub mod commissioning;
pub mod maintenance;
pub mod repair;
pub mod year_end;

use chrono::NaiveDate;
use kefu_core::rules::RuleVersion;
use kefu_core::{Money, YearMonth};
use serde::Serialize;
use utoipa::ToSchema;

kefu_core::string_enum! {
    /// What a commission line pays (or, for the base-salary cut, takes). Named
    /// `CommissionLineKind` in the spec: an expense claim's lines have a `LineKind` of their own.
    #[derive(ToSchema)]
    #[schema(as = CommissionLineKind)]
    pub enum LineKind {
        /// BIL-11: the 80% of a job's commission, due the month after documents + callback.
        CommissioningFirst = "commissioning_first",
        /// BIL-11: the 20% held to year end or to the month of acceptance.
        CommissioningHeld = "commissioning_held",
        /// BIL-12: the clerk's 5% of the engineers' monthly commissioning commission.
        ClerkShare = "clerk_share",
        /// BIL-10: the base-salary cut below the month's minimum points (a negative amount).
        BaseSalaryCut = "base_salary_cut",
        /// BIL-12a: the signer's 15% of the maintenance fees received.
        MaintenanceSigner = "maintenance_signer",
        /// BIL-12a: the executors' 10% once the cycle's planned tests are confirmed.
        MaintenanceExecutor = "maintenance_executor",
        /// BIL-12b: a paid repair's labour share, due once the manager and the executive approve.
        RepairLabour = "repair_labour",
        /// BIL-12c: a year-end bonus.
        YearEndBonus = "year_end_bonus",
    }
}

kefu_core::string_enum! {
    /// The record a line comes from.
    #[derive(ToSchema)]
    pub enum SourceKind {
        CommissioningJob = "commissioning_job",
        /// The month's computation itself (clerk's share, base-salary cut), id `YYYY-MM`.
        CommissionMonth = "commission_month",
        Contract = "contract",
        /// A repair quote paid in full (BIL-12b).
        RepairQuote = "repair_quote",
        /// A person's year (year-end bonuses), id `YYYY:<what>`.
        CommissionYear = "commission_year",
    }
}

kefu_core::string_enum! {
    /// Where a line stands. The engine decides `pending`, `due` and `withheld` from the
    /// facts; `paid` is payroll's (BIL-13), `forfeited` and `transferred` are final.
    #[derive(ToSchema)]
    pub enum LineStatus {
        /// Its condition is not met yet.
        Pending = "pending",
        /// Payable with the salary of `due_month`.
        Due = "due",
        /// Paid on a payroll statement; never changes again.
        Paid = "paid",
        /// Held back: the job's documents are late (BIL-11, HR-F4); back to `due` once in.
        Withheld = "withheld",
        /// Its person left the company before it was paid (BIL-11).
        Forfeited = "forfeited",
        /// A handed-over job's unpaid part, moved to the taker's line (BIL-11).
        Transferred = "transferred",
    }
}

impl LineStatus {
    /// Whether a recomputation may still change the line: everything not paid nor final.
    pub fn is_open(self) -> bool {
        matches!(
            self,
            LineStatus::Pending | LineStatus::Due | LineStatus::Withheld
        )
    }
}

/// One rule table a line was computed with: its key and the version (effective day) in force.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RuleRef {
    pub key: &'static str,
    pub effective_from: NaiveDate,
}

impl RuleRef {
    pub fn of<T: kefu_core::rules::RuleSet>(v: &RuleVersion<T>) -> Self {
        RuleRef {
            key: T::KEY,
            effective_from: v.effective_from,
        }
    }
}

/// One computed commission line. `(source_kind, source_id, kind, person_id, earned_month)` is
/// its identity: recomputing gives the same key, so the ledger upserts instead of duplicating.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Line {
    pub person_id: String,
    pub kind: LineKind,
    pub source_kind: SourceKind,
    pub source_id: String,
    pub earned_month: YearMonth,
    /// The payroll month it is (or will be) paid with; `None` while its condition is unmet.
    pub due_month: Option<YearMonth>,
    pub status: LineStatus,
    pub amount: Money,
    pub rule: &'static str,
    pub inputs: Inputs,
    pub rule_versions: Vec<RuleRef>,
}

/// What a line was computed from, by rule.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Inputs {
    Job(commissioning::JobInputs),
    Clerk(commissioning::ClerkInputs),
    BaseCut(commissioning::BaseCutInputs),
    Maintenance(maintenance::MaintenanceInputs),
    Repair(repair::RepairInputs),
    YearEnd(year_end::YearEndInputs),
}

/// A computation that overflowed i64 fen: refused rather than wrapped.
pub(crate) fn overflow(field: &str) -> kefu_core::DomainError {
    kefu_core::DomainError::invalid(field, "range", "the amount is too large to compute")
}

/// BIL-11: someone who left the company forfeits what is unpaid — every open line of theirs
/// that pays something (a base-salary cut is not a payment to forfeit).
pub fn forfeit_for_leavers(lines: &mut [Line], left: &std::collections::BTreeSet<String>) {
    for line in lines.iter_mut() {
        if line.status.is_open() && line.amount.fen() > 0 && left.contains(&line.person_id) {
            line.status = LineStatus::Forfeited;
        }
    }
}

/// BIL-11: a handed-over job's unpaid 20% line, moved from one engineer to the taker.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Transfer {
    pub source_id: String,
    pub from_person: String,
    pub to_person: String,
}

/// BIL-11: only the unpaid 20% (`commissioning_held`, still open) of a job is handed over, once
/// (409 `BIL-11` otherwise).
pub fn check_transfer(kind: LineKind, status: LineStatus) -> Result<(), kefu_core::DomainError> {
    let refuse = |message: &str| {
        Err(kefu_core::DomainError::State {
            rule: "BIL-11",
            message: message.to_owned(),
        })
    };
    if kind != LineKind::CommissioningHeld {
        return refuse("only a job's 20% held line goes to the engineer taking the job over");
    }
    if !status.is_open() {
        return refuse("the line is paid, forfeited or transferred already");
    }
    Ok(())
}

/// BIL-11: a recomputation keeps each handed-over 20% line with its taker: for every transfer,
/// the line computed for the job's former engineer is computed for the taker too (the former
/// one's row, `transferred`, no longer changes).
pub fn carry_transfers(lines: &mut Vec<Line>, transfers: &[Transfer]) {
    let mut carried = Vec::new();
    for t in transfers {
        for l in lines.iter() {
            if l.kind == LineKind::CommissioningHeld
                && l.source_kind == SourceKind::CommissioningJob
                && l.source_id == t.source_id
                && l.person_id == t.from_person
            {
                carried.push(Line {
                    person_id: t.to_person.clone(),
                    ..l.clone()
                });
            }
        }
    }
    lines.extend(carried);
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A 20% line of job `J`, earned in March 2026.
    fn line(person: &str, status: LineStatus, fen: i64) -> Line {
        Line {
            person_id: person.into(),
            kind: LineKind::CommissioningHeld,
            source_kind: SourceKind::CommissioningJob,
            source_id: "J".into(),
            earned_month: YearMonth::new(2026, 3).unwrap(),
            due_month: None,
            status,
            amount: Money(fen),
            rule: "BIL-11",
            inputs: Inputs::BaseCut(commissioning::BaseCutInputs {
                month_points: 0,
                minimum_points: 0,
                all_points: 0,
                engineers: 0,
            }),
            rule_versions: Vec::new(),
        }
    }

    #[test]
    fn bil_11_a_handed_over_20_percent_is_carried_to_the_taker_and_transferred_once() {
        let held = line("a", LineStatus::Pending, 1_216);
        let first = Line {
            kind: LineKind::CommissioningFirst,
            ..held.clone()
        };
        let mut lines = vec![first.clone(), held.clone()];
        carry_transfers(
            &mut lines,
            &[Transfer {
                source_id: "J".into(),
                from_person: "a".into(),
                to_person: "b".into(),
            }],
        );
        assert_eq!(lines.len(), 3);
        assert_eq!(
            (lines[2].person_id.as_str(), lines[2].kind, lines[2].amount),
            ("b", LineKind::CommissioningHeld, Money(1_216))
        );
        assert!(check_transfer(LineKind::CommissioningHeld, LineStatus::Pending).is_ok());
        for (kind, status) in [
            (LineKind::CommissioningFirst, LineStatus::Due),
            (LineKind::CommissioningHeld, LineStatus::Transferred),
            (LineKind::CommissioningHeld, LineStatus::Paid),
        ] {
            assert!(matches!(
                check_transfer(kind, status),
                Err(kefu_core::DomainError::State { rule: "BIL-11", .. })
            ));
        }
    }

    #[test]
    fn bil_11_who_left_forfeits_the_open_lines_that_pay() {
        let mut lines = vec![
            line("gone", LineStatus::Pending, 100),
            line("gone", LineStatus::Due, 100),
            line("gone", LineStatus::Due, -30_000),
            line("stays", LineStatus::Pending, 100),
        ];
        forfeit_for_leavers(&mut lines, &["gone".to_owned()].into());
        let statuses: Vec<LineStatus> = lines.iter().map(|l| l.status).collect();
        assert_eq!(
            statuses,
            [
                LineStatus::Forfeited,
                LineStatus::Forfeited,
                LineStatus::Due,
                LineStatus::Pending
            ]
        );
    }
}
