//! HR-T1/HR-T2 and the exam items of HR-S2/HR-S4: exam sessions (new-hire, annual, the re-test
//! of a D grade, the monthly knowledge or operation exam the card counts) and their results.
//! Pass marks, retakes and the top places come from the `training-rules` rule table; the
//! scores that cheating and an excused absence count as come from `scorecard-templates`
//! (HR-S2), so neither is defined twice. Every flag is a recommendation for a person to act
//! on, never an automatic act.

use kefu_core::DomainError;
use kefu_core::rules::{RuleSet, check_non_negative};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use utoipa::ToSchema;

kefu_core::string_enum! {
    /// What an exam session is for.
    #[derive(ToSchema)]
    pub enum ExamKind {
        /// HR-T1: the exam after a new hire's training.
        NewHire = "new_hire",
        /// HR-T2: the annual exam after the Spring Festival.
        Annual = "annual",
        /// HR-S4: the re-test of a month graded D.
        Retest = "retest",
        /// HR-S1/HR-S2: the monthly knowledge or operation exam the month's card counts.
        Monthly = "monthly",
    }
}

kefu_core::string_enum! {
    /// The parts of an exam, 0–100 each (HR-T1).
    #[derive(ToSchema, PartialOrd, Ord)]
    pub enum ExamPart {
        Knowledge = "knowledge",
        Operation = "operation",
    }
}

kefu_core::string_enum! {
    /// How a person took part in an exam.
    #[derive(ToSchema)]
    pub enum Presence {
        /// Sat the exam: every part of the session has a score.
        Sat = "sat",
        /// Caught cheating: every part counts as the HR-S2 cheating score (0); a fail.
        Cheated = "cheated",
        /// Absent with a reason: a monthly exam counts the HR-S2 excused score (70); any other
        /// exam is a fail, to be retaken.
        AbsentExcused = "absent_excused",
        /// Absent without a reason: a fail (HR-S2: −10 on the month's card).
        AbsentUnexcused = "absent_unexcused",
    }
}

kefu_core::string_enum! {
    /// A recommendation a result raises for a person to act on.
    #[derive(ToSchema)]
    pub enum ExamFlag {
        /// A first attempt failed: one retake is due (HR-T1/HR-T2/HR-S4).
        Retake = "retake",
        /// The retake of an annual exam or of an HR-S4 re-test failed (HR-T2/HR-S4).
        Dismissal = "dismissal",
        /// The retake of the new-hire exam failed: not to be hired (HR-T1, seed 003).
        NotHired = "not_hired",
    }
}

impl ExamPart {
    /// The measured item of the scorecard template this part scores (HR-S1).
    pub fn measure_key(self) -> &'static str {
        match self {
            ExamPart::Knowledge => "knowledge_exam",
            ExamPart::Operation => "operation_exam",
        }
    }
}

impl ExamKind {
    /// The rule id a refusal about an exam of this kind names.
    pub fn rule(self) -> &'static str {
        match self {
            ExamKind::NewHire => "HR-T1",
            ExamKind::Annual => "HR-T2",
            ExamKind::Retest => "HR-S4",
            ExamKind::Monthly => "HR-S2",
        }
    }
}

/// HR-T1: how long probation lasts: calendar months or working days (work calendar).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProbationLength {
    /// Calendar months from the first day (seed 003: 2).
    pub months: Option<i64>,
    /// Working days of the work calendar from the first day (seed 002: 50).
    pub working_days: Option<i64>,
}

/// HR-T1: a department whose numbers differ from the defaults.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DepartmentRules {
    /// The key sessions and probations name, e.g. `technical_service`.
    #[schema(pattern = r"^[a-z0-9_]+$")]
    pub key: String,
    pub title: String,
    /// The new-hire exam's pass mark there (seed 002: 70).
    pub new_hire_pass_mark: Option<i64>,
    /// Probation there (seed 002: 50 working days).
    pub probation: Option<ProbationLength>,
}

/// HR-T3: what promotion to team lead requires.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PromotionRules {
    /// Years since hire (seed 002: 2).
    pub min_years: i64,
    /// The average of the finalised cards over the look-back (HR-T3: 90).
    pub min_annual_score: i64,
    /// Complaints, penalties and cards are read over this many months before the day asked.
    pub lookback_months: i64,
}

/// HR-T1..T3 and the exam items of HR-S2 (seeds 002 and 003).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TrainingRules {
    /// Every part of an exam passes at this score (seed 003: 80; seed 002 annual: 80).
    pub pass_mark: i64,
    /// Retakes after a failed exam (seeds 002 and 003: one).
    pub retakes: i64,
    /// HR-S2: the best this many of a monthly exam get the `exam_top_three` bonus (3).
    pub top_places: i64,
    /// HR-T1: probation by default (seed 003: 2 months).
    pub probation: ProbationLength,
    pub departments: Vec<DepartmentRules>,
    pub promotion: PromotionRules,
}

impl RuleSet for TrainingRules {
    const KEY: &'static str = "training-rules";
    const TITLE: &'static str =
        "HR-T1..T3 exam pass marks, retakes, probation and promotion; HR-S2 exam top places";

    fn defaults() -> Self {
        TrainingRules {
            pass_mark: 80,
            retakes: 1,
            top_places: 3,
            probation: ProbationLength {
                months: Some(2),
                working_days: None,
            },
            departments: vec![DepartmentRules {
                key: "technical_service".to_owned(),
                title: "技术服务部".to_owned(),
                new_hire_pass_mark: Some(70),
                probation: Some(ProbationLength {
                    months: None,
                    working_days: Some(50),
                }),
            }],
            promotion: PromotionRules {
                min_years: 2,
                min_annual_score: 90,
                lookback_months: 12,
            },
        }
    }

    fn validate(&self) -> Result<(), DomainError> {
        check_mark("pass_mark", self.pass_mark)?;
        check_non_negative("retakes", self.retakes)?;
        check_non_negative("top_places", self.top_places)?;
        check_length("probation", &self.probation)?;
        let mut seen = Vec::new();
        for (i, d) in self.departments.iter().enumerate() {
            let valid_key = !d.key.is_empty()
                && d.key.len() <= 64
                && d.key
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
            if !valid_key || seen.contains(&d.key) {
                return Err(DomainError::invalid(
                    format!("departments[{i}].key"),
                    "format",
                    "a unique key of a-z, 0-9 and _",
                ));
            }
            seen.push(d.key.clone());
            if let Some(mark) = d.new_hire_pass_mark {
                check_mark(&format!("departments[{i}].new_hire_pass_mark"), mark)?;
            }
            if let Some(p) = &d.probation {
                check_length(&format!("departments[{i}].probation"), p)?;
            }
        }
        check_non_negative("promotion.min_years", self.promotion.min_years)?;
        check_mark(
            "promotion.min_annual_score",
            self.promotion.min_annual_score,
        )?;
        if !(1..=60).contains(&self.promotion.lookback_months) {
            return Err(DomainError::invalid(
                "promotion.lookback_months",
                "range",
                "1 to 60 months",
            ));
        }
        Ok(())
    }
}

fn check_mark(field: &str, mark: i64) -> Result<(), DomainError> {
    if (0..=100).contains(&mark) {
        Ok(())
    } else {
        Err(DomainError::invalid(field, "range", "0 to 100"))
    }
}

fn check_length(field: &str, p: &ProbationLength) -> Result<(), DomainError> {
    let ok = match (p.months, p.working_days) {
        (Some(m), None) => (1..=12).contains(&m),
        (None, Some(d)) => (1..=260).contains(&d),
        _ => false,
    };
    if ok {
        Ok(())
    } else {
        Err(DomainError::invalid(
            field,
            "range",
            "exactly one of months (1-12) and working_days (1-260)",
        ))
    }
}

impl TrainingRules {
    pub fn department(&self, key: &str) -> Option<&DepartmentRules> {
        self.departments.iter().find(|d| d.key == key)
    }

    /// HR-T1/HR-T2: the pass mark of an exam of `kind` in `department`: the department's
    /// new-hire mark for a new-hire exam where it has one, else the default.
    pub fn pass_mark(&self, kind: ExamKind, department: Option<&str>) -> i64 {
        let own = department
            .and_then(|d| self.department(d))
            .and_then(|d| d.new_hire_pass_mark);
        match (kind, own) {
            (ExamKind::NewHire, Some(mark)) => mark,
            _ => self.pass_mark,
        }
    }

    /// HR-T1: probation in `department`.
    pub fn probation_in(&self, department: Option<&str>) -> &ProbationLength {
        department
            .and_then(|d| self.department(d))
            .and_then(|d| d.probation.as_ref())
            .unwrap_or(&self.probation)
    }
}

/// The scores HR-S2 gives cheating and an excused absence (from `scorecard-templates`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Substitutes {
    pub cheating: i64,
    pub excused: Option<i64>,
}

/// A result as counted: each part's score (`None`: not counted, an absence) and whether it
/// passed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Counted {
    pub scores: BTreeMap<ExamPart, i64>,
    pub passed: bool,
}

fn refuse(rule: &'static str, field: &str, message: &str) -> DomainError {
    DomainError::Invalid(vec![
        kefu_core::FieldError::new(field, "rule", message).by_rule(rule),
    ])
}

/// HR-T1/HR-T2/HR-S2: a result of an exam of `kind` testing `parts` with `pass_mark`: the
/// written scores count when the person sat it (every part needs one, 0–100); cheating counts
/// every part as the cheating score and fails; an excused absence counts the excused score on
/// a monthly exam and fails any other; an unexcused absence counts nothing and fails.
pub fn count(
    kind: ExamKind,
    parts: &[ExamPart],
    pass_mark: i64,
    presence: Presence,
    written: &BTreeMap<ExamPart, i64>,
    substitutes: Substitutes,
) -> Result<Counted, DomainError> {
    let rule = kind.rule();
    if presence != Presence::Sat && !written.is_empty() {
        return Err(refuse(
            rule,
            "scores",
            "only a person who sat the exam has written scores",
        ));
    }
    for part in written.keys() {
        if !parts.contains(part) {
            return Err(refuse(
                rule,
                &format!("scores.{}", part.as_str()),
                "not a part of this exam",
            ));
        }
    }
    let every = |score: i64| parts.iter().map(|p| (*p, score)).collect();
    let scores: BTreeMap<ExamPart, i64> = match presence {
        Presence::Sat => {
            for part in parts {
                match written.get(part) {
                    Some(s) if (0..=100).contains(s) => {}
                    Some(_) => {
                        return Err(DomainError::invalid(
                            format!("scores.{}", part.as_str()),
                            "range",
                            "0 to 100",
                        ));
                    }
                    None => {
                        return Err(refuse(
                            rule,
                            &format!("scores.{}", part.as_str()),
                            "every part of the exam needs a score",
                        ));
                    }
                }
            }
            written.clone()
        }
        Presence::Cheated => every(substitutes.cheating),
        Presence::AbsentExcused if kind == ExamKind::Monthly => {
            substitutes.excused.map(every).unwrap_or_default()
        }
        Presence::AbsentExcused | Presence::AbsentUnexcused => BTreeMap::new(),
    };
    let passed = matches!(presence, Presence::Sat | Presence::AbsentExcused)
        && scores.len() == parts.len()
        && scores.values().all(|s| *s >= pass_mark);
    Ok(Counted { scores, passed })
}

/// HR-T1/HR-T2/HR-S4: what a result raises: a failed first attempt a retake; a failed retake
/// of an annual exam or a re-test a dismissal flag, of a new-hire exam not hiring. A monthly
/// exam has no retake and raises nothing (its card counts it).
pub fn flags(kind: ExamKind, attempt: i64, retakes: i64, passed: bool) -> Vec<ExamFlag> {
    if passed || kind == ExamKind::Monthly {
        return Vec::new();
    }
    if attempt <= retakes {
        return vec![ExamFlag::Retake];
    }
    match kind {
        ExamKind::Annual | ExamKind::Retest => vec![ExamFlag::Dismissal],
        ExamKind::NewHire => vec![ExamFlag::NotHired],
        ExamKind::Monthly => Vec::new(),
    }
}

/// HR-T1/HR-T2: whether a retake may follow a session that is itself attempt `attempt`.
pub fn may_retake(kind: ExamKind, attempt: i64, retakes: i64) -> Result<(), DomainError> {
    if kind == ExamKind::Monthly {
        return Err(DomainError::Rule {
            rule: "HR-S2",
            message: "a monthly exam has no retake: the card counts its score".to_owned(),
        });
    }
    if attempt > retakes {
        return Err(DomainError::State {
            rule: kind.rule(),
            message: format!("{retakes} retake(s) only: this session is a retake already"),
        });
    }
    Ok(())
}

/// HR-S2: who of `totals` (person, total of the counted parts) is among the best `places`;
/// ties at the last place all are.
pub fn top_places(totals: &[(String, i64)], places: i64) -> Vec<String> {
    let places = usize::try_from(places).unwrap_or(0);
    totals
        .iter()
        .filter(|(_, t)| totals.iter().filter(|(_, o)| o > t).count() < places)
        .map(|(u, _)| u.clone())
        .collect()
}

#[cfg(test)]
mod tests;
