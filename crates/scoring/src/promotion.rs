//! HR-T3: promotion to team lead: at least `min_years` since hire, no valid complaint and no
//! penalty over the look-back, an annual score (the average of the finalised cards over the
//! look-back) of at least `min_annual_score`, and the manager's assessment of the listed
//! abilities recorded. The service computes eligibility with a reason per condition; the
//! promotion itself is a person's act.

use crate::card::TENTHS;
use crate::exams::PromotionRules;
use chrono::{Months, NaiveDate};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

kefu_core::string_enum! {
    /// HR-T3: the conditions of promotion to team lead.
    #[derive(ToSchema)]
    pub enum Condition {
        /// At least `min_years` since hire.
        Tenure = "tenure",
        /// No valid complaint (TKT-10) over the look-back.
        NoValidComplaint = "no_valid_complaint",
        /// No confirmed or deducted fine over the look-back.
        NoPenalty = "no_penalty",
        /// The average of the finalised cards over the look-back reaches `min_annual_score`.
        AnnualScore = "annual_score",
        /// The manager's assessment of the listed abilities is recorded and favourable.
        ManagerAssessment = "manager_assessment",
    }
}

/// HR-T3: one condition, met or not, and why.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Reason {
    pub condition: Condition,
    /// The condition holds.
    pub met: bool,
    /// Why it holds or not, in words.
    #[schema(max_length = 200)]
    pub detail: String,
}

/// What the service read about the person.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Facts {
    pub hired_on: Option<NaiveDate>,
    pub valid_complaints: i64,
    pub penalties: i64,
    /// The totals (tenths) of the finalised cards over the look-back.
    pub card_totals_tenths: Vec<i64>,
    /// The latest assessment over the look-back: `Some(true)` favourable.
    pub assessment: Option<bool>,
}

/// HR-T3: eligible when every condition is met; the reasons in the order of [`Condition`].
pub fn eligibility(rules: &PromotionRules, today: NaiveDate, f: &Facts) -> (bool, Vec<Reason>) {
    let years = u32::try_from(rules.min_years.max(0)).unwrap_or(0);
    let tenure_met = f.hired_on.is_some_and(|h| {
        h.checked_add_months(Months::new(years.saturating_mul(12)))
            .is_some_and(|d| d <= today)
    });
    let tenure = match f.hired_on {
        Some(h) => format!("hired on {h}; {} years needed", rules.min_years),
        None => "no employee record with a hire date".to_owned(),
    };
    let average = (!f.card_totals_tenths.is_empty())
        .then(|| f.card_totals_tenths.iter().sum::<i64>() / f.card_totals_tenths.len() as i64);
    let score_met = average.is_some_and(|a| a >= rules.min_annual_score.saturating_mul(TENTHS));
    let score = match average {
        Some(a) => format!(
            "average {}.{} over {} finalised cards; {} needed",
            a / TENTHS,
            a % TENTHS,
            f.card_totals_tenths.len(),
            rules.min_annual_score
        ),
        None => format!(
            "no finalised card in the last {} months",
            rules.lookback_months
        ),
    };
    let months = rules.lookback_months;
    let reasons = vec![
        Reason {
            condition: Condition::Tenure,
            met: tenure_met,
            detail: tenure,
        },
        Reason {
            condition: Condition::NoValidComplaint,
            met: f.valid_complaints == 0,
            detail: format!(
                "{} valid complaints in the last {months} months",
                f.valid_complaints
            ),
        },
        Reason {
            condition: Condition::NoPenalty,
            met: f.penalties == 0,
            detail: format!("{} fines in the last {months} months", f.penalties),
        },
        Reason {
            condition: Condition::AnnualScore,
            met: score_met,
            detail: score,
        },
        Reason {
            condition: Condition::ManagerAssessment,
            met: f.assessment == Some(true),
            detail: match f.assessment {
                Some(true) => "the manager assessed the abilities as met".to_owned(),
                Some(false) => "the manager assessed the abilities as not met".to_owned(),
                None => format!("no manager's assessment in the last {months} months"),
            },
        },
    ];
    (reasons.iter().all(|r| r.met), reasons)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::exams::TrainingRules;
    use kefu_core::rules::RuleSet;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn good() -> Facts {
        Facts {
            hired_on: Some(d("2024-03-01")),
            valid_complaints: 0,
            penalties: 0,
            card_totals_tenths: vec![920, 900, 950],
            assessment: Some(true),
        }
    }

    fn unmet(f: &Facts) -> Vec<Condition> {
        let rules = TrainingRules::defaults().promotion;
        eligibility(&rules, d("2026-03-01"), f)
            .1
            .into_iter()
            .filter(|r| !r.met)
            .map(|r| r.condition)
            .collect()
    }

    #[test]
    fn hr_t3_two_years_no_complaint_no_penalty_90_and_the_assessment_is_eligible() {
        let rules = TrainingRules::defaults().promotion;
        let (eligible, reasons) = eligibility(&rules, d("2026-03-01"), &good());
        assert!(eligible);
        assert_eq!(reasons.len(), 5);
    }

    #[test]
    fn hr_t3_each_condition_is_a_reason() {
        let f = Facts {
            hired_on: Some(d("2024-03-02")),
            ..good()
        };
        assert_eq!(unmet(&f), [Condition::Tenure], "a day short of two years");
        let f = Facts {
            valid_complaints: 1,
            ..good()
        };
        assert_eq!(unmet(&f), [Condition::NoValidComplaint]);
        let f = Facts {
            penalties: 1,
            ..good()
        };
        assert_eq!(unmet(&f), [Condition::NoPenalty]);
        let f = Facts {
            card_totals_tenths: vec![900, 899],
            ..good()
        };
        assert_eq!(unmet(&f), [Condition::AnnualScore], "89.9 on average");
        let f = Facts {
            card_totals_tenths: vec![],
            assessment: Some(false),
            ..good()
        };
        assert_eq!(
            unmet(&f),
            [Condition::AnnualScore, Condition::ManagerAssessment]
        );
        let f = Facts {
            hired_on: None,
            assessment: None,
            ..good()
        };
        assert_eq!(unmet(&f), [Condition::Tenure, Condition::ManagerAssessment]);
    }
}
