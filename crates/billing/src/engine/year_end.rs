//! BIL-12c year-end bonuses of one person's year: by commissioning points, by approved feedback
//! forms, a share of the new maintenance revenue (net of rebates) or by new maintenance
//! customers (whichever tier gives more), and per confirmed product defect report.

use super::{Inputs, Line, LineKind, LineStatus, RuleRef, SourceKind, overflow};
use crate::shares::YearEndBonuses;
use kefu_core::rules::{RuleVersion, tier_for};
use kefu_core::{BasisPoints, DomainError, Money, YearMonth};
use serde::Serialize;

/// A person's year, as counted from the records.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct YearFacts {
    pub person_id: String,
    pub year: i32,
    pub commissioning_points: i64,
    pub approved_feedback_forms: i64,
    pub new_maintenance_revenue_fen: i64,
    pub new_maintenance_customers: i64,
    pub confirmed_defect_reports: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct YearEndInputs {
    /// Which bonus: `points`, `forms`, `maintenance` or `defects`.
    pub bonus: &'static str,
    pub facts: YearFacts,
    pub rate_bp: Option<i64>,
}

/// BIL-12c: the year's bonus lines, earned and due in December; a bonus of nothing is no line.
pub fn compute(
    f: &YearFacts,
    table: &RuleVersion<YearEndBonuses>,
) -> Result<Vec<Line>, DomainError> {
    let t = &table.value;
    let december = YearMonth::new(f.year, 12)
        .ok_or_else(|| DomainError::invalid("year", "range", "not a year"))?;
    let points = tier_for(&t.points, f.commissioning_points).map_or(0, |x| x.bonus_fen);
    let forms = if f.approved_feedback_forms >= t.forms_needed {
        t.forms_bonus_fen
    } else {
        0
    };
    // The better of the two maintenance tiers: revenue or customer count (seed 002 §5: 或).
    let rate = tier_for(&t.maintenance_revenue, f.new_maintenance_revenue_fen)
        .map_or(0, |x| x.rate_bp)
        .max(
            tier_for(&t.maintenance_customers, f.new_maintenance_customers)
                .map_or(0, |x| x.rate_bp),
        );
    let maintenance = Money(f.new_maintenance_revenue_fen)
        .apply_rate(BasisPoints(rate))
        .ok_or_else(|| overflow("new_maintenance_revenue_fen"))?
        .fen();
    let defects = t
        .defect_report_fen
        .checked_mul(f.confirmed_defect_reports)
        .ok_or_else(|| overflow("confirmed_defect_reports"))?;
    Ok([
        ("points", points, None),
        ("forms", forms, None),
        ("maintenance", maintenance, Some(rate)),
        ("defects", defects, None),
    ]
    .into_iter()
    .filter(|(_, fen, _)| *fen != 0)
    .map(|(bonus, fen, rate_bp)| Line {
        person_id: f.person_id.clone(),
        kind: LineKind::YearEndBonus,
        source_kind: SourceKind::CommissionYear,
        source_id: format!("{}:{bonus}", f.year),
        earned_month: december,
        due_month: Some(december),
        status: LineStatus::Due,
        amount: Money(fen),
        rule: "BIL-12c",
        inputs: Inputs::YearEnd(YearEndInputs {
            bonus,
            facts: f.clone(),
            rate_bp,
        }),
        rule_versions: vec![RuleRef::of(table)],
    })
    .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use kefu_core::rules::RuleSet;

    fn year(points: i64, forms: i64, revenue_yuan: i64) -> YearFacts {
        YearFacts {
            person_id: "eng".into(),
            year: 2026,
            commissioning_points: points,
            approved_feedback_forms: forms,
            new_maintenance_revenue_fen: revenue_yuan * 100,
            new_maintenance_customers: 0,
            confirmed_defect_reports: 0,
        }
    }

    fn amounts(f: &YearFacts) -> Vec<(String, i64)> {
        let table = RuleVersion {
            effective_from: "2026-01-01".parse().unwrap(),
            value: YearEndBonuses::defaults(),
        };
        compute(f, &table)
            .unwrap()
            .into_iter()
            .map(|l| (l.source_id, l.amount.fen()))
            .collect()
    }

    #[test]
    fn bil_12c_the_issue_examples() {
        assert_eq!(
            amounts(&year(32_000, 0, 0)),
            [("2026:points".into(), 50_000)]
        );
        assert_eq!(
            amounts(&year(50_000, 0, 0)),
            [("2026:points".into(), 100_000)]
        );
        assert_eq!(amounts(&year(0, 200, 0)), [("2026:forms".into(), 50_000)]);
        assert_eq!(amounts(&year(0, 199, 0)), []);
        assert_eq!(
            amounts(&year(0, 0, 60_000)),
            [("2026:maintenance".into(), 120_000)]
        );
    }

    #[test]
    fn bil_12c_new_customers_raise_the_share_and_defect_reports_pay_each() {
        let mut f = year(0, 0, 60_000);
        f.new_maintenance_customers = 10;
        f.confirmed_defect_reports = 2;
        assert_eq!(
            amounts(&f),
            [
                ("2026:maintenance".into(), 300_000),
                ("2026:defects".into(), 10_000)
            ]
        );
    }
}
