use super::*;
use ExamKind as K;
use ExamPart as P;
use Presence as A;

const SUBS: Substitutes = Substitutes {
    cheating: 0,
    excused: Some(70),
};

fn both(k: i64, o: i64) -> BTreeMap<ExamPart, i64> {
    BTreeMap::from([(P::Knowledge, k), (P::Operation, o)])
}

const PARTS: &[ExamPart] = &[P::Knowledge, P::Operation];

#[test]
fn hr_t1_pass_mark_80_by_default_70_for_the_technical_service_new_hires() {
    let r = TrainingRules::defaults();
    assert!(r.validate().is_ok());
    assert_eq!(r.pass_mark(K::NewHire, None), 80);
    assert_eq!(r.pass_mark(K::NewHire, Some("technical_service")), 70);
    // The department's annual exam passes at 80 (seed 002).
    assert_eq!(r.pass_mark(K::Annual, Some("technical_service")), 80);
    assert_eq!(r.pass_mark(K::NewHire, Some("unknown")), 80);
}

#[test]
fn hr_t1_both_parts_must_pass() {
    let c = count(K::NewHire, PARTS, 80, A::Sat, &both(85, 80), SUBS).unwrap();
    assert!(c.passed);
    let c = count(K::NewHire, PARTS, 80, A::Sat, &both(95, 79), SUBS).unwrap();
    assert!(!c.passed);
    let c = count(K::NewHire, PARTS, 70, A::Sat, &both(72, 70), SUBS).unwrap();
    assert!(c.passed, "70 in the technical service");
}

#[test]
fn hr_t1_a_sat_exam_needs_every_part_scored_0_to_100() {
    let one = BTreeMap::from([(P::Knowledge, 90)]);
    let e = count(K::NewHire, PARTS, 80, A::Sat, &one, SUBS).unwrap_err();
    assert_eq!(e.rule(), Some("HR-T1"));
    let e = count(K::NewHire, PARTS, 80, A::Sat, &both(101, 90), SUBS).unwrap_err();
    assert!(matches!(e, DomainError::Invalid(_)));
    let e = count(K::Monthly, &[P::Knowledge], 80, A::Sat, &both(90, 90), SUBS).unwrap_err();
    assert_eq!(e.rule(), Some("HR-S2"));
    let e = count(K::Annual, PARTS, 80, A::Cheated, &both(90, 90), SUBS).unwrap_err();
    assert_eq!(e.rule(), Some("HR-T2"));
}

#[test]
fn hr_s2_cheating_counts_0_and_fails() {
    let c = count(K::Monthly, PARTS, 80, A::Cheated, &BTreeMap::new(), SUBS).unwrap();
    assert_eq!(c.scores, both(0, 0));
    assert!(!c.passed);
    let c = count(K::Annual, PARTS, 80, A::Cheated, &BTreeMap::new(), SUBS).unwrap();
    assert!(!c.passed);
}

#[test]
fn hr_s2_an_excused_absence_counts_70_on_a_monthly_exam_and_fails_any_other() {
    let c = count(
        K::Monthly,
        &[P::Knowledge],
        80,
        A::AbsentExcused,
        &BTreeMap::new(),
        SUBS,
    )
    .unwrap();
    assert_eq!(c.scores, BTreeMap::from([(P::Knowledge, 70)]));
    let c = count(
        K::NewHire,
        PARTS,
        80,
        A::AbsentExcused,
        &BTreeMap::new(),
        SUBS,
    )
    .unwrap();
    assert!(c.scores.is_empty() && !c.passed);
    let c = count(
        K::Monthly,
        PARTS,
        80,
        A::AbsentUnexcused,
        &BTreeMap::new(),
        SUBS,
    )
    .unwrap();
    assert!(c.scores.is_empty() && !c.passed);
}

#[test]
fn hr_t2_failing_the_retake_of_the_annual_exam_flags_dismissal() {
    assert_eq!(flags(K::Annual, 1, 1, false), [ExamFlag::Retake]);
    assert_eq!(flags(K::Annual, 2, 1, false), [ExamFlag::Dismissal]);
    assert!(flags(K::Annual, 2, 1, true).is_empty());
}

#[test]
fn hr_s4_failing_the_retake_of_a_retest_flags_dismissal() {
    assert_eq!(flags(K::Retest, 1, 1, false), [ExamFlag::Retake]);
    assert_eq!(flags(K::Retest, 2, 1, false), [ExamFlag::Dismissal]);
}

#[test]
fn hr_t1_failing_the_new_hire_retake_means_not_hired() {
    assert_eq!(flags(K::NewHire, 2, 1, false), [ExamFlag::NotHired]);
    assert!(flags(K::Monthly, 1, 1, false).is_empty());
}

#[test]
fn hr_t1_one_retake_only_and_none_of_a_monthly_exam() {
    assert!(may_retake(K::Annual, 1, 1).is_ok());
    let e = may_retake(K::Annual, 2, 1).unwrap_err();
    assert!(matches!(e, DomainError::State { rule: "HR-T2", .. }));
    let e = may_retake(K::Monthly, 1, 1).unwrap_err();
    assert!(matches!(e, DomainError::Rule { rule: "HR-S2", .. }));
}

#[test]
fn hr_s2_top_three_with_ties_at_the_last_place() {
    let t = |v: &[(&str, i64)]| -> Vec<(String, i64)> {
        v.iter().map(|(u, s)| ((*u).to_owned(), *s)).collect()
    };
    let all = t(&[("a", 180), ("b", 170), ("c", 160), ("d", 150)]);
    assert_eq!(top_places(&all, 3), ["a", "b", "c"]);
    let tied = t(&[("a", 180), ("b", 170), ("c", 160), ("d", 160), ("e", 100)]);
    assert_eq!(top_places(&tied, 3), ["a", "b", "c", "d"]);
    assert!(top_places(&all, 0).is_empty());
}

#[test]
fn hr_t1_rule_table_is_validated_naming_the_field() {
    let field = |r: &TrainingRules| match r.validate() {
        Err(DomainError::Invalid(e)) => e[0].field.clone(),
        other => panic!("{other:?}"),
    };
    let mut r = TrainingRules::defaults();
    r.pass_mark = 101;
    assert_eq!(field(&r), "pass_mark");
    let mut r = TrainingRules::defaults();
    r.probation.working_days = Some(50);
    assert_eq!(field(&r), "probation");
    let mut r = TrainingRules::defaults();
    r.departments.push(r.departments[0].clone());
    assert_eq!(field(&r), "departments[1].key");
    let mut r = TrainingRules::defaults();
    r.promotion.lookback_months = 0;
    assert_eq!(field(&r), "promotion.lookback_months");
}

#[test]
fn hr_t1_probation_two_months_or_fifty_working_days_in_the_technical_service() {
    let r = TrainingRules::defaults();
    assert_eq!(r.probation_in(None).months, Some(2));
    assert_eq!(
        r.probation_in(Some("technical_service")).working_days,
        Some(50)
    );
}
