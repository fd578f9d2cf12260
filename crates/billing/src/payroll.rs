//! BIL-13: the monthly payroll statement of one person, as pure functions over the month's
//! facts. Every line names its source record (`source_kind` + `source_id`) and the rule that
//! decided it, so each figure can be traced; amounts are signed fen (deductions negative) and
//! are taken as the source records hold them — payroll computes nothing twice differently.
//!
//! A statement is `draft` while it follows its sources and `approved` once finance approves
//! it; an approved statement never changes again (409 `BIL-13`), corrections are adjustments
//! carried into a later month.

use kefu_core::{DomainError, string_enum};
use serde::Serialize;
use std::collections::BTreeMap;
use utoipa::ToSchema;

string_enum! {
    /// What a payroll line pays or deducts.
    #[derive(ToSchema, PartialOrd, Ord)]
    pub enum PayLineKind {
        /// The employee record's monthly base salary (BIL-13).
        BaseSalary = "base_salary",
        /// The phone allowance of the employee's position (BIL-17).
        PhoneAllowance = "phone_allowance",
        /// A commission line due this month (BIL-9 … BIL-12c; `description` names its kind).
        Commission = "commission",
        /// The BIL-10 base-salary cut (a commission line of kind `base_salary_cut`).
        BaseSalaryCut = "base_salary_cut",
        /// The finalised scorecard's grade reward or deduction (HR-S4).
        GradeReward = "grade_reward",
        /// Three A grades running (HR-S4).
        StreakBonus = "streak_bonus",
        /// The star rating's reward (HR-S5).
        StarReward = "star_reward",
        /// The year's best total of a position (HR-S5), paid with December's statement.
        YearBestAward = "year_best_award",
        /// A confirmed fine (HR-F*), deducted.
        Fine = "fine",
        /// A confirmed lateness fine (HR-A2), deducted.
        LatenessFine = "lateness_fine",
        /// A lost or damaged loaned part charged at its sale price (INV-3), deducted.
        PartCharge = "part_charge",
        /// A correction carried from an earlier month (BIL-13).
        Adjustment = "adjustment",
    }
}

string_enum! {
    /// The kind of record a payroll line comes from.
    #[derive(ToSchema, PartialOrd, Ord)]
    pub enum PaySourceKind {
        Employee = "employee",
        CommissionLine = "commission_line",
        Scorecard = "scorecard",
        Fine = "fine",
        PartCharge = "part_charge",
        PayrollAdjustment = "payroll_adjustment",
        /// A year's standing of a position (HR-S5), named `YYYY:position`.
        ScoreYear = "score_year",
    }
}

string_enum! {
    /// BIL-13: a statement follows its sources while `draft`; `approved` is final.
    #[derive(ToSchema)]
    pub enum StatementStatus {
        Draft = "draft",
        Approved = "approved",
    }
}

/// A line of a statement.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PayLine {
    pub kind: PayLineKind,
    pub source_kind: PaySourceKind,
    pub source_id: String,
    /// The month of the source record (`YYYY-MM`): earlier than the statement's when carried.
    pub source_month: Option<String>,
    /// Signed fen: paid positive, deducted negative.
    pub amount_fen: i64,
    pub rule: String,
    pub description: String,
}

/// A statement line's identity: one line per source and kind.
pub type LineKey = (PaySourceKind, String, PayLineKind);

impl PayLine {
    pub fn key(&self) -> LineKey {
        (self.source_kind, self.source_id.clone(), self.kind)
    }
}

/// The employee record: base salary (`None` when the person left before the month began).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BaseFacts {
    pub employee_id: String,
    pub month: String,
    pub base_salary_fen: i64,
    /// BIL-17: the phone allowance as priced for the month.
    pub phone_allowance_fen: i64,
    pub phone_rule_from: String,
}

/// A commission line due with this month's salary (status `due`, due month ≤ this month).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommissionDue {
    pub id: String,
    /// The commission line's kind (`commissioning_first`, …, `base_salary_cut`).
    pub kind: String,
    pub earned_month: String,
    pub source_id: String,
    pub amount_fen: i64,
    pub rule: String,
}

/// A finalised scorecard's outcome (HR-S4/HR-S5).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CardReward {
    pub id: String,
    pub month: String,
    pub grade: String,
    pub grade_amount_fen: i64,
    pub streak_bonus_fen: i64,
    pub stars: i64,
    pub star_reward_fen: i64,
}

/// HR-S5: the year's best total of a position, not paid yet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct YearBest {
    pub year: i32,
    pub position: String,
    pub total_tenths: i64,
    pub award_fen: i64,
}

impl YearBest {
    /// The standing a line names: the year and the position.
    pub fn source_id(&self) -> String {
        format!("{}:{}", self.year, self.position)
    }
}

/// A confirmed fine not yet deducted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FineDue {
    pub id: String,
    pub rule: String,
    pub month: String,
    pub amount_fen: i64,
    pub lateness: bool,
    pub evidence: String,
}

/// An INV-3 charge not yet deducted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChargeDue {
    pub id: String,
    pub month: String,
    pub amount_fen: i64,
    pub what: String,
}

/// An open adjustment for this month or an earlier one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AdjustmentDue {
    pub id: String,
    pub month: String,
    pub amount_fen: i64,
    pub reason: String,
}

/// Everything one person's statement of a month is made of.
#[derive(Debug, Clone, Default)]
pub struct PersonFacts {
    pub base: Option<BaseFacts>,
    pub commissions: Vec<CommissionDue>,
    pub cards: Vec<CardReward>,
    pub year_best: Vec<YearBest>,
    pub fines: Vec<FineDue>,
    pub charges: Vec<ChargeDue>,
    pub adjustments: Vec<AdjustmentDue>,
}

fn line(
    kind: PayLineKind,
    source_kind: PaySourceKind,
    source_id: &str,
    source_month: &str,
    amount_fen: i64,
    rule: &str,
    description: String,
) -> PayLine {
    PayLine {
        kind,
        source_kind,
        source_id: source_id.to_owned(),
        source_month: Some(source_month.to_owned()),
        amount_fen,
        rule: rule.to_owned(),
        description,
    }
}

/// BIL-13: the statement's lines, in a fixed order (pay, then deductions, then
/// adjustments); lines of zero are left out.
pub fn statement_lines(facts: &PersonFacts) -> Vec<PayLine> {
    use PayLineKind as K;
    use PaySourceKind as S;
    let mut out = Vec::new();
    if let Some(b) = &facts.base {
        let base = "月基本工资".to_owned();
        out.push(line(
            K::BaseSalary,
            S::Employee,
            &b.employee_id,
            &b.month,
            b.base_salary_fen,
            "BIL-13",
            base,
        ));
        let phone = format!("话费补贴（标准自 {} 起）", b.phone_rule_from);
        out.push(line(
            K::PhoneAllowance,
            S::Employee,
            &b.employee_id,
            &b.month,
            b.phone_allowance_fen,
            "BIL-17",
            phone,
        ));
    }
    for c in &facts.commissions {
        let (kind, text) = if c.kind == "base_salary_cut" {
            (
                K::BaseSalaryCut,
                format!("{} 工作量不足，扣基本工资", c.earned_month),
            )
        } else {
            (K::Commission, format!("{} 提成（{}）", c.kind, c.source_id))
        };
        out.push(line(
            kind,
            S::CommissionLine,
            &c.id,
            &c.earned_month,
            c.amount_fen,
            &c.rule,
            text,
        ));
    }
    for c in &facts.cards {
        let parts = [
            (
                K::GradeReward,
                c.grade_amount_fen,
                "HR-S4",
                format!("{} 考核 {} 级", c.month, c.grade),
            ),
            (
                K::StreakBonus,
                c.streak_bonus_fen,
                "HR-S4",
                format!("{} 连续三个月 A 级", c.month),
            ),
            (
                K::StarReward,
                c.star_reward_fen,
                "HR-S5",
                format!("{} 星级 {} 星", c.month, c.stars),
            ),
        ];
        for (kind, amount, rule, text) in parts {
            out.push(line(
                kind,
                S::Scorecard,
                &c.id,
                &c.month,
                amount,
                rule,
                text,
            ));
        }
    }
    for y in &facts.year_best {
        let text = format!(
            "{} 年度考核总分第一（{}，合计 {}.{} 分）",
            y.year,
            y.position,
            y.total_tenths / 10,
            y.total_tenths % 10
        );
        out.push(line(
            K::YearBestAward,
            S::ScoreYear,
            &y.source_id(),
            &format!("{}-12", y.year),
            y.award_fen,
            "HR-S5",
            text,
        ));
    }
    for f in &facts.fines {
        let kind = if f.lateness { K::LatenessFine } else { K::Fine };
        let text = format!("{} 罚款：{}", f.month, f.evidence);
        out.push(line(
            kind,
            S::Fine,
            &f.id,
            &f.month,
            -f.amount_fen,
            &f.rule,
            text,
        ));
    }
    for c in &facts.charges {
        let text = format!("借用备件丢失/损坏赔偿：{}", c.what);
        out.push(line(
            K::PartCharge,
            S::PartCharge,
            &c.id,
            &c.month,
            -c.amount_fen,
            "INV-3",
            text,
        ));
    }
    for a in &facts.adjustments {
        let text = format!("调整（{}）：{}", a.month, a.reason);
        out.push(line(
            K::Adjustment,
            S::PayrollAdjustment,
            &a.id,
            &a.month,
            a.amount_fen,
            "BIL-13",
            text,
        ));
    }
    out.retain(|l| l.amount_fen != 0);
    out
}

/// A statement's totals, in fen: what it pays, what it deducts (as a positive figure) and
/// the net (pay less deductions).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct Totals {
    pub earnings_fen: i64,
    pub deductions_fen: i64,
    pub net_fen: i64,
    pub lines: i64,
}

pub fn totals<'a>(amounts: impl IntoIterator<Item = &'a i64>) -> Totals {
    let mut t = Totals::default();
    for &a in amounts {
        if a >= 0 {
            t.earnings_fen += a;
        } else {
            t.deductions_fen -= a;
        }
        t.lines += 1;
    }
    t.net_fen = t.earnings_fen - t.deductions_fen;
    t
}

/// How a line differs between two computations of a statement.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    Added,
    Changed,
    Removed,
}

/// The differences from `before` to `after`, by line key, with the amounts before and after.
pub fn diff<'a>(
    before: &'a [PayLine],
    after: &'a [PayLine],
) -> Vec<(Change, &'a PayLine, Option<i64>, Option<i64>)> {
    let old: BTreeMap<LineKey, &PayLine> = before.iter().map(|l| (l.key(), l)).collect();
    let new: BTreeMap<LineKey, &PayLine> = after.iter().map(|l| (l.key(), l)).collect();
    let mut out = Vec::new();
    for l in after {
        match old.get(&l.key()) {
            None => out.push((Change::Added, l, None, Some(l.amount_fen))),
            Some(o) if *o != l => {
                out.push((Change::Changed, l, Some(o.amount_fen), Some(l.amount_fen)));
            }
            Some(_) => {}
        }
    }
    for l in before {
        if !new.contains_key(&l.key()) {
            out.push((Change::Removed, l, Some(l.amount_fen), None));
        }
    }
    out
}

/// What approving a statement does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Approval {
    /// A draft: approve it now.
    Approve,
    /// Approved already: answer as before, write nothing (idempotent).
    AlreadyApproved,
}

/// BIL-13: approving a draft approves it; approving again changes nothing.
pub fn approve(status: StatementStatus) -> Approval {
    match status {
        StatementStatus::Draft => Approval::Approve,
        StatementStatus::Approved => Approval::AlreadyApproved,
    }
}

/// BIL-13: an approved statement is immutable: `what` (an edit, a regeneration, an
/// adjustment into its month) is refused with 409 naming BIL-13.
pub fn check_draft(status: StatementStatus, what: &str) -> Result<(), DomainError> {
    match status {
        StatementStatus::Draft => Ok(()),
        StatementStatus::Approved => Err(DomainError::State {
            rule: "BIL-13",
            message: format!(
                "the statement is approved and immutable: {what} is refused; \
                 corrections go into a later month as adjustments"
            ),
        }),
    }
}

/// BIL-13: a draft whose sources moved on since it was generated cannot be approved as it
/// stands (409 naming BIL-13): generate it again, check it, then approve.
pub fn check_current(stored: &[PayLine], now: &[PayLine]) -> Result<(), DomainError> {
    if diff(stored, now).is_empty() {
        Ok(())
    } else {
        Err(stale())
    }
}

/// BIL-13: the refusal of a draft whose sources moved on (409 naming BIL-13).
pub fn stale() -> DomainError {
    DomainError::State {
        rule: "BIL-13",
        message: "the statement's sources changed since it was generated: generate the month \
                  again and check it before approving"
            .to_owned(),
    }
}

/// Yuan with two decimals, for descriptions and exports.
pub fn format_yuan(fen: i64) -> String {
    let sign = if fen < 0 { "-" } else { "" };
    format!("{sign}{}.{:02}", fen.abs() / 100, fen.abs() % 100)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts() -> PersonFacts {
        PersonFacts {
            base: Some(BaseFacts {
                employee_id: "e1".into(),
                month: "2026-04".into(),
                base_salary_fen: 650_000,
                phone_allowance_fen: 10_000,
                phone_rule_from: "2026-01-01".into(),
            }),
            commissions: vec![
                CommissionDue {
                    id: "c1".into(),
                    kind: "commissioning_first".into(),
                    earned_month: "2026-03".into(),
                    source_id: "job-a".into(),
                    amount_fen: 4_864,
                    rule: "BIL-11".into(),
                },
                CommissionDue {
                    id: "c2".into(),
                    kind: "base_salary_cut".into(),
                    earned_month: "2026-04".into(),
                    source_id: "2026-04".into(),
                    amount_fen: -30_000,
                    rule: "BIL-10".into(),
                },
            ],
            cards: vec![CardReward {
                id: "s1".into(),
                month: "2026-04".into(),
                grade: "A".into(),
                grade_amount_fen: 20_000,
                streak_bonus_fen: 0,
                stars: 1,
                star_reward_fen: 5_000,
            }],
            year_best: vec![],
            fines: vec![
                FineDue {
                    id: "f1".into(),
                    rule: "HR-F4".into(),
                    month: "2026-04".into(),
                    amount_fen: 2_000,
                    lateness: false,
                    evidence: "资料逾期".into(),
                },
                FineDue {
                    id: "f2".into(),
                    rule: "HR-A2".into(),
                    month: "2026-03".into(),
                    amount_fen: 5_000,
                    lateness: true,
                    evidence: "迟到".into(),
                },
            ],
            charges: vec![ChargeDue {
                id: "p1".into(),
                month: "2026-04".into(),
                amount_fen: 12_345,
                what: "主板 ×1".into(),
            }],
            adjustments: vec![AdjustmentDue {
                id: "a1".into(),
                month: "2026-04".into(),
                amount_fen: 1_000,
                reason: "3 月少发".into(),
            }],
        }
    }

    #[test]
    fn bil_13_every_source_gives_one_signed_line_naming_its_record_and_rule() {
        let lines = statement_lines(&facts());
        let got: Vec<(PayLineKind, &str, i64, &str)> = lines
            .iter()
            .map(|l| (l.kind, l.source_id.as_str(), l.amount_fen, l.rule.as_str()))
            .collect();
        use PayLineKind as K;
        assert_eq!(
            got,
            [
                (K::BaseSalary, "e1", 650_000, "BIL-13"),
                (K::PhoneAllowance, "e1", 10_000, "BIL-17"),
                (K::Commission, "c1", 4_864, "BIL-11"),
                (K::BaseSalaryCut, "c2", -30_000, "BIL-10"),
                (K::GradeReward, "s1", 20_000, "HR-S4"),
                (K::StarReward, "s1", 5_000, "HR-S5"),
                (K::Fine, "f1", -2_000, "HR-F4"),
                (K::LatenessFine, "f2", -5_000, "HR-A2"),
                (K::PartCharge, "p1", -12_345, "INV-3"),
                (K::Adjustment, "a1", 1_000, "BIL-13"),
            ]
        );
        let t = totals(lines.iter().map(|l| &l.amount_fen));
        assert_eq!(
            (t.earnings_fen, t.deductions_fen, t.net_fen, t.lines),
            (690_864, 49_345, 641_519, 10)
        );
    }

    #[test]
    fn hr_s5_the_years_best_is_one_line_naming_the_year_and_position() {
        let mut f = facts();
        f.year_best = vec![YearBest {
            year: 2026,
            position: "call_centre_representative".into(),
            total_tenths: 11_405,
            award_fen: 50_000,
        }];
        let lines = statement_lines(&f);
        let award = lines
            .iter()
            .find(|l| l.kind == PayLineKind::YearBestAward)
            .unwrap();
        assert_eq!(
            (
                award.source_kind,
                award.source_id.as_str(),
                award.source_month.as_deref(),
                award.amount_fen,
                award.rule.as_str()
            ),
            (
                PaySourceKind::ScoreYear,
                "2026:call_centre_representative",
                Some("2026-12"),
                50_000,
                "HR-S5"
            )
        );
        assert!(
            award.description.contains("1140.5"),
            "{}",
            award.description
        );
    }

    #[test]
    fn bil_13_a_person_without_an_employee_record_gets_no_base_and_zero_lines_are_dropped() {
        let mut f = facts();
        f.base = None;
        f.cards[0].grade_amount_fen = 0;
        let lines = statement_lines(&f);
        assert!(lines.iter().all(|l| l.amount_fen != 0));
        assert!(!lines.iter().any(|l| l.kind == PayLineKind::BaseSalary));
    }

    #[test]
    fn bil_13_approving_twice_is_idempotent_and_an_approved_statement_is_immutable() {
        assert_eq!(approve(StatementStatus::Draft), Approval::Approve);
        assert_eq!(
            approve(StatementStatus::Approved),
            Approval::AlreadyApproved
        );
        assert!(check_draft(StatementStatus::Draft, "an edit").is_ok());
        let e = check_draft(StatementStatus::Approved, "an edit").unwrap_err();
        assert!(matches!(e, DomainError::State { rule: "BIL-13", .. }));
    }

    #[test]
    fn bil_13_diff_names_added_changed_and_removed_lines_and_a_stale_draft_is_refused() {
        let before = statement_lines(&facts());
        let mut f = facts();
        f.fines.remove(0);
        f.commissions[0].amount_fen = 5_000;
        f.adjustments[0].id = "a2".into();
        let after = statement_lines(&f);
        let changes: Vec<(Change, &str)> = diff(&before, &after)
            .iter()
            .map(|(c, l, _, _)| (*c, l.source_id.as_str()))
            .collect();
        assert_eq!(
            changes,
            [
                (Change::Changed, "c1"),
                (Change::Added, "a2"),
                (Change::Removed, "f1"),
                (Change::Removed, "a1"),
            ]
        );
        assert!(check_current(&before, &before).is_ok());
        assert!(check_current(&before, &after).is_err());
        assert_eq!(format_yuan(-30_000), "-300.00");
        assert_eq!(format_yuan(4_864), "48.64");
    }
}
