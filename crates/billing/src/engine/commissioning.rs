//! A month of commissioning commission (BIL-9, BIL-10, BIL-11, BIL-12): for each job assigned
//! in the month, points × tier rate → × the multiplier of the engineer's month → less the
//! clerk's 5% → split 80% / 20%; the clerk's line is the sum of the 5%s; an engineer below the
//! month's minimum loses the base-salary cut unless the month's work could not give everyone
//! the minimum. Late documents withhold the job's lines and call for the HR-F4 fine.

use super::{Inputs, Line, LineKind, LineStatus, RuleRef, SourceKind, overflow};
use crate::commissioning::{CommissioningRates, MonthlyMultiplier, RateClass};
use crate::shares::CommissionShares;
use chrono::{Datelike, NaiveDate};
use kefu_core::rules::RuleVersion;
use kefu_core::{BasisPoints, DomainError, Money, YearMonth};
use serde::Serialize;
use std::collections::BTreeMap;

kefu_core::string_enum! {
    /// What a job is, for BIL-9: only commissioning earns.
    pub enum JobKind {
        Commissioning = "commissioning",
        /// Re-programming earns nothing (BIL-9).
        Reprogramming = "reprogramming",
        /// A warranty repair earns nothing (BIL-9, CON-9).
        WarrantyRepair = "warranty_repair",
    }
}

/// The facts of one job assigned in the month.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Job {
    pub job_id: String,
    pub engineer_id: String,
    pub kind: JobKind,
    pub rate_class: RateClass,
    /// CON-8 billable points: 127 for a pure alarm controller; a capacity addition only its
    /// added points.
    pub billable_points: i64,
    /// The work is done (commissioned): only then does the job earn.
    pub done: bool,
    pub documents_due_on: Option<NaiveDate>,
    /// The day the last of the three documents came in, once all are in.
    pub documents_in_on: Option<NaiveDate>,
    pub callback_confirmed_on: Option<NaiveDate>,
    pub acceptance_on: Option<NaiveDate>,
    /// BIL-7: what was returned to the customer on the job, borne by its engineer.
    pub rebate_fen: i64,
}

impl Job {
    fn earns(&self) -> bool {
        self.kind == JobKind::Commissioning
    }

    /// HR-F4: days the documents came (or are) late on `today`; `None` when on time.
    pub fn documents_late_days(&self, today: NaiveDate) -> Option<i64> {
        let due = self.documents_due_on?;
        let until = self.documents_in_on.unwrap_or(today);
        let days = (until - due).num_days();
        (days > 0).then_some(days)
    }

    /// Late and still not in: the job's lines are withheld (BIL-11).
    fn withheld(&self, today: NaiveDate) -> bool {
        self.documents_in_on.is_none() && self.documents_late_days(today).is_some()
    }
}

/// Everything the month's computation needs; the rule tables as in force on the month's end.
#[derive(Debug, Clone)]
pub struct MonthFacts<'a> {
    pub month: YearMonth,
    pub today: NaiveDate,
    /// The jobs assigned (approved to the engineer) in the month.
    pub jobs: &'a [Job],
    /// The engineers employed in the month: each is owed the minimum workload (BIL-10).
    pub engineers: &'a [String],
    /// The department's clerk (内勤), who earns BIL-12's share; `None`: nobody to pay, so
    /// nothing is taken from the engineers.
    pub clerk_id: Option<&'a str>,
    pub rates: &'a RuleVersion<CommissioningRates>,
    pub multiplier: &'a RuleVersion<MonthlyMultiplier>,
    pub shares: &'a RuleVersion<CommissionShares>,
}

/// What one job line was computed from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct JobInputs {
    pub points: i64,
    pub rate_class: RateClass,
    pub fen_per_point: i64,
    /// BIL-10: the engineer's assigned points in the month, and the multiplier they give.
    pub month_points: i64,
    pub multiplier_bp: i64,
    pub clerk_share_bp: i64,
    pub part_bp: i64,
    /// points × rate; × multiplier; the clerk's 5% of it; what is left to the engineer.
    pub commission_fen: i64,
    pub after_multiplier_fen: i64,
    pub clerk_fen: i64,
    /// BIL-7: the customer's rebates on the job, taken from the engineer's part.
    pub rebate_fen: i64,
    pub engineer_fen: i64,
    pub documents_late_days: Option<i64>,
}

/// One job's part in the clerk's line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ClerkPart {
    pub job_id: String,
    pub fen: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ClerkInputs {
    pub clerk_share_bp: i64,
    pub parts: Vec<ClerkPart>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BaseCutInputs {
    pub month_points: i64,
    pub minimum_points: i64,
    /// The month's points of all engineers, and how many engineers shared them.
    pub all_points: i64,
    pub engineers: i64,
}

/// HR-F4: a job whose documents came late, for the fine proposal (once per job).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LateDocuments {
    pub job_id: String,
    pub engineer_id: String,
    pub due_on: NaiveDate,
    pub days_late: i64,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct MonthOutcome {
    pub lines: Vec<Line>,
    pub late_documents: Vec<LateDocuments>,
}

/// BIL-9/10/11/12: the month's commissioning lines.
pub fn compute_month(f: &MonthFacts<'_>) -> Result<MonthOutcome, DomainError> {
    let shares = &f.shares.value;
    let clerk_bp = if f.clerk_id.is_some() {
        shares.clerk_share_bp
    } else {
        0
    };
    let versions = vec![
        RuleRef::of(f.rates),
        RuleRef::of(f.multiplier),
        RuleRef::of(f.shares),
    ];
    // BIL-10: every assigned, earning job counts for the month's points, done or not.
    let mut month_points: BTreeMap<&str, i64> = BTreeMap::new();
    for job in f.jobs.iter().filter(|j| j.earns()) {
        *month_points.entry(&job.engineer_id).or_default() += job.billable_points;
    }
    let mut out = MonthOutcome::default();
    let mut clerk_parts = Vec::new();
    for job in f.jobs.iter().filter(|j| j.earns() && j.done) {
        let points = month_points
            .get(job.engineer_id.as_str())
            .copied()
            .unwrap_or(0);
        let multiplier = f.multiplier.value.multiplier(points);
        let rate = f.rates.value.rate(job.rate_class, job.billable_points);
        let commission = rate
            .times(job.billable_points)
            .ok_or_else(|| overflow("billable_points"))?;
        let after = commission
            .apply_rate(multiplier)
            .ok_or_else(|| overflow("billable_points"))?;
        let clerk = after
            .apply_rate(BasisPoints(clerk_bp))
            .ok_or_else(|| overflow("billable_points"))?;
        // BIL-7: the rebate is the engineer's alone, after the clerk's share (the clerk's 5% is
        // of the commission earned, not of what the engineer keeps).
        let engineer = Money(
            after
                .fen()
                .checked_sub(clerk.fen())
                .and_then(|f| f.checked_sub(job.rebate_fen))
                .ok_or_else(|| overflow("rebate_fen"))?,
        );
        let first = engineer
            .apply_rate(shares.first_part())
            .ok_or_else(|| overflow("billable_points"))?;
        let held = Money(engineer.fen() - first.fen());
        if clerk.fen() != 0 {
            clerk_parts.push(ClerkPart {
                job_id: job.job_id.clone(),
                fen: clerk.fen(),
            });
        }
        let late = job.documents_late_days(f.today);
        if let (Some(days_late), Some(due_on)) = (late, job.documents_due_on) {
            out.late_documents.push(LateDocuments {
                job_id: job.job_id.clone(),
                engineer_id: job.engineer_id.clone(),
                due_on,
                days_late,
            });
        }
        let inputs = |part_bp| {
            Inputs::Job(JobInputs {
                points: job.billable_points,
                rate_class: job.rate_class,
                fen_per_point: rate.fen(),
                month_points: points,
                multiplier_bp: multiplier.0,
                clerk_share_bp: clerk_bp,
                part_bp,
                commission_fen: commission.fen(),
                after_multiplier_fen: after.fen(),
                clerk_fen: clerk.fen(),
                rebate_fen: job.rebate_fen,
                engineer_fen: engineer.fen(),
                documents_late_days: late,
            })
        };
        let (first_status, first_due) = first_part_due(job, f.today);
        let (held_status, held_due) = held_part_due(job, f.month, f.today);
        for (kind, amount, status, due, part_bp) in [
            (
                LineKind::CommissioningFirst,
                first,
                first_status,
                first_due,
                shares.commissioning_first_part_bp,
            ),
            (
                LineKind::CommissioningHeld,
                held,
                held_status,
                held_due,
                shares.commissioning_held_part_bp,
            ),
        ] {
            out.lines.push(Line {
                person_id: job.engineer_id.clone(),
                kind,
                source_kind: SourceKind::CommissioningJob,
                source_id: job.job_id.clone(),
                earned_month: f.month,
                due_month: due,
                status,
                amount,
                rule: "BIL-11",
                inputs: inputs(part_bp),
                rule_versions: versions.clone(),
            });
        }
    }
    if let Some(clerk_id) = f.clerk_id
        && !clerk_parts.is_empty()
    {
        let total: i64 = clerk_parts.iter().map(|p| p.fen).sum();
        out.lines.push(Line {
            person_id: clerk_id.to_owned(),
            kind: LineKind::ClerkShare,
            source_kind: SourceKind::CommissionMonth,
            source_id: f.month.to_string(),
            earned_month: f.month,
            // Paid monthly with the salary (seed 002 §5): with the month's commissions.
            due_month: Some(f.month.next()),
            status: LineStatus::Due,
            amount: Money(total),
            rule: "BIL-12",
            inputs: Inputs::Clerk(ClerkInputs {
                clerk_share_bp: clerk_bp,
                parts: clerk_parts,
            }),
            rule_versions: versions.clone(),
        });
    }
    out.lines.extend(base_cuts(f, &month_points));
    Ok(out)
}

/// BIL-11: the 80% is due the month after the documents and the callback are both in; late
/// documents not yet in withhold it.
fn first_part_due(job: &Job, today: NaiveDate) -> (LineStatus, Option<YearMonth>) {
    if job.withheld(today) {
        return (LineStatus::Withheld, None);
    }
    match (job.documents_in_on, job.callback_confirmed_on) {
        (Some(docs), Some(callback)) => (
            LineStatus::Due,
            Some(YearMonth::of(docs.max(callback)).next()),
        ),
        _ => (LineStatus::Pending, None),
    }
}

/// BIL-11: the 20% is due at the year end (December) when the acceptance happened in the
/// year the commission was earned, else in the month of the acceptance.
fn held_part_due(
    job: &Job,
    earned: YearMonth,
    today: NaiveDate,
) -> (LineStatus, Option<YearMonth>) {
    if job.withheld(today) {
        return (LineStatus::Withheld, None);
    }
    match job.acceptance_on {
        Some(day) if day.year() == earned.year() => {
            (LineStatus::Due, YearMonth::new(earned.year(), 12))
        }
        Some(day) => (LineStatus::Due, Some(YearMonth::of(day))),
        None => (LineStatus::Pending, None),
    }
}

/// BIL-10: the base-salary cut of each engineer below the minimum, unless the month's work
/// could not give every engineer the minimum.
fn base_cuts(f: &MonthFacts<'_>, month_points: &BTreeMap<&str, i64>) -> Vec<Line> {
    let m = &f.multiplier.value;
    let all_points: i64 = month_points.values().sum();
    let engineers = i64::try_from(f.engineers.len()).unwrap_or(i64::MAX);
    if m.base_salary_cut_fen == 0 || all_points < m.minimum_points.saturating_mul(engineers) {
        return Vec::new();
    }
    f.engineers
        .iter()
        .filter_map(|e| {
            let points = month_points.get(e.as_str()).copied().unwrap_or(0);
            (points < m.minimum_points).then(|| Line {
                person_id: e.clone(),
                kind: LineKind::BaseSalaryCut,
                source_kind: SourceKind::CommissionMonth,
                source_id: f.month.to_string(),
                earned_month: f.month,
                // The month's own salary loses it.
                due_month: Some(f.month),
                status: LineStatus::Due,
                amount: Money(-m.base_salary_cut_fen),
                rule: "BIL-10",
                inputs: Inputs::BaseCut(BaseCutInputs {
                    month_points: points,
                    minimum_points: m.minimum_points,
                    all_points,
                    engineers,
                }),
                rule_versions: vec![RuleRef::of(f.multiplier)],
            })
        })
        .collect()
}

#[cfg(test)]
#[path = "commissioning_tests.rs"]
mod tests;
