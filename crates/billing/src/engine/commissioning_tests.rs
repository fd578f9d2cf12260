use super::*;
use kefu_core::rules::RuleSet;
use proptest::prelude::*;

fn d(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

fn ym(s: &str) -> YearMonth {
    s.parse().unwrap()
}

fn v<T: RuleSet>() -> RuleVersion<T> {
    RuleVersion {
        effective_from: d("2026-01-01"),
        value: T::defaults(),
    }
}

fn job(id: &str, class: RateClass, points: i64) -> Job {
    Job {
        job_id: id.to_owned(),
        engineer_id: "eng".to_owned(),
        kind: JobKind::Commissioning,
        rate_class: class,
        billable_points: points,
        done: true,
        documents_due_on: Some(d("2026-03-20")),
        documents_in_on: Some(d("2026-03-18")),
        callback_confirmed_on: Some(d("2026-03-19")),
        acceptance_on: None,
        rebate_fen: 0,
    }
}

fn run(jobs: &[Job], engineers: &[String], today: &str) -> MonthOutcome {
    let (r, m, s) = (v(), v(), v());
    compute_month(&MonthFacts {
        month: ym("2026-03"),
        today: d(today),
        jobs,
        engineers,
        clerk_id: Some("clerk"),
        rates: &r,
        multiplier: &m,
        shares: &s,
    })
    .unwrap()
}

fn line<'a>(out: &'a MonthOutcome, source: &str, kind: LineKind) -> &'a Line {
    out.lines
        .iter()
        .find(|l| l.source_id == source && l.kind == kind)
        .unwrap_or_else(|| panic!("no {kind:?} line for {source}: {:?}", out.lines))
}

#[test]
fn bil_9_10_11_12_the_march_example() {
    let jobs = [
        job("A", RateClass::Local, 400),
        job("B", RateClass::Remote, 2_100),
    ];
    let out = run(&jobs, &["eng".to_owned()], "2026-03-31");
    let a = line(&out, "A", LineKind::CommissioningFirst);
    let Inputs::Job(i) = &a.inputs else {
        panic!("{a:?}")
    };
    // 400 × 0.20 = 80.00; × 80% (2500 points) = 64.00; less the clerk's 5% = 60.80.
    assert_eq!(
        (
            i.commission_fen,
            i.month_points,
            i.multiplier_bp,
            i.after_multiplier_fen,
            i.engineer_fen
        ),
        (8_000, 2_500, 8_000, 6_400, 6_080)
    );
    let Inputs::Job(b) = &line(&out, "B", LineKind::CommissioningFirst).inputs else {
        panic!()
    };
    assert_eq!(
        (b.commission_fen, b.after_multiplier_fen, b.engineer_fen),
        (94_500, 75_600, 71_820)
    );
    assert_eq!(a.amount, Money(4_864));
    assert_eq!(a.rule, "BIL-11");
    assert_eq!(
        (a.status, a.due_month),
        (LineStatus::Due, Some(ym("2026-04")))
    );
    assert_eq!(
        line(&out, "A", LineKind::CommissioningHeld).amount,
        Money(1_216)
    );
    assert_eq!(
        line(&out, "B", LineKind::CommissioningFirst).amount,
        Money(57_456)
    );
    let held = line(&out, "B", LineKind::CommissioningHeld);
    assert_eq!(
        (held.amount, held.status),
        (Money(14_364), LineStatus::Pending)
    );
    let clerk = line(&out, "2026-03", LineKind::ClerkShare);
    assert_eq!(
        (clerk.person_id.as_str(), clerk.amount),
        ("clerk", Money(4_100))
    );
    assert_eq!(clerk.rule, "BIL-12");
    assert_eq!(
        a.rule_versions.iter().map(|r| r.key).collect::<Vec<_>>(),
        [
            "commissioning-rates",
            "commissioning-monthly-multiplier",
            "commission-shares"
        ]
    );
    assert!(out.late_documents.is_empty());
    assert!(!out.lines.iter().any(|l| l.kind == LineKind::BaseSalaryCut));
}

#[test]
fn bil_9_a_pure_alarm_controller_counts_its_127_points_and_repairs_earn_nothing() {
    let mut repair = job("R", RateClass::Local, 400);
    repair.kind = JobKind::WarrantyRepair;
    let mut reprogram = job("P", RateClass::Local, 400);
    reprogram.kind = JobKind::Reprogramming;
    let out = run(
        &[job("C", RateClass::Local, 127), repair, reprogram],
        &[],
        "2026-03-31",
    );
    let Inputs::Job(i) = &line(&out, "C", LineKind::CommissioningFirst).inputs else {
        panic!()
    };
    // 127 × 0.20 = 25.40; 127 points alone: × 50%.
    assert_eq!(
        (i.points, i.commission_fen, i.month_points),
        (127, 2_540, 127)
    );
    assert!(
        out.lines
            .iter()
            .all(|l| l.source_id != "R" && l.source_id != "P")
    );
}

#[test]
fn bil_11_late_documents_withhold_both_lines_until_they_are_in_hr_f4() {
    let mut b = job("B", RateClass::Remote, 2_100);
    b.documents_in_on = None;
    b.callback_confirmed_on = None;
    let out = run(&[b.clone()], &[], "2026-03-24");
    assert_eq!(
        line(&out, "B", LineKind::CommissioningFirst).status,
        LineStatus::Withheld
    );
    assert_eq!(
        line(&out, "B", LineKind::CommissioningHeld).status,
        LineStatus::Withheld
    );
    assert_eq!(
        out.late_documents,
        [LateDocuments {
            job_id: "B".into(),
            engineer_id: "eng".into(),
            due_on: d("2026-03-20"),
            days_late: 4
        }]
    );
    // Handed in 4 days late, callback the same day: due the month after, the fine still owed.
    b.documents_in_on = Some(d("2026-03-24"));
    b.callback_confirmed_on = Some(d("2026-04-01"));
    let out = run(&[b], &[], "2026-04-02");
    let first = line(&out, "B", LineKind::CommissioningFirst);
    assert_eq!(
        (first.status, first.due_month),
        (LineStatus::Due, Some(ym("2026-05")))
    );
    assert_eq!(out.late_documents[0].days_late, 4);
}

#[test]
fn bil_11_the_20_percent_is_due_at_year_end_or_in_a_later_years_acceptance_month() {
    let mut a = job("A", RateClass::Local, 400);
    a.acceptance_on = Some(d("2026-06-10"));
    let out = run(&[a.clone()], &[], "2026-06-10");
    let held = line(&out, "A", LineKind::CommissioningHeld);
    assert_eq!(
        (held.status, held.due_month),
        (LineStatus::Due, Some(ym("2026-12")))
    );
    a.acceptance_on = Some(d("2027-02-03"));
    let out = run(&[a], &[], "2027-02-03");
    assert_eq!(
        line(&out, "A", LineKind::CommissioningHeld).due_month,
        Some(ym("2027-02"))
    );
}

#[test]
fn bil_10_480_points_with_enough_work_for_everyone_cut_300_yuan() {
    let mut other = job("O", RateClass::Local, 2_000);
    other.engineer_id = "eng2".to_owned();
    let engineers = ["eng".to_owned(), "eng2".to_owned()];
    let out = run(
        &[job("A", RateClass::Local, 480), other.clone()],
        &engineers,
        "2026-03-31",
    );
    let cuts: Vec<&Line> = out
        .lines
        .iter()
        .filter(|l| l.kind == LineKind::BaseSalaryCut)
        .collect();
    assert_eq!(cuts.len(), 1, "{cuts:?}");
    assert_eq!(
        (cuts[0].person_id.as_str(), cuts[0].amount, cuts[0].rule),
        ("eng", Money(-30_000), "BIL-10")
    );
    assert_eq!(cuts[0].due_month, Some(ym("2026-03")));
    // Not enough work for everyone: 480 + 500 < 2 × 510, so nobody is cut.
    other.billable_points = 500;
    let out = run(
        &[job("A", RateClass::Local, 480), other],
        &engineers,
        "2026-03-31",
    );
    assert!(!out.lines.iter().any(|l| l.kind == LineKind::BaseSalaryCut));
}

#[test]
fn bil_10_a_job_not_done_yet_counts_for_the_multiplier_but_earns_nothing_yet() {
    let mut b = job("B", RateClass::Remote, 2_100);
    b.done = false;
    let out = run(&[job("A", RateClass::Local, 400), b], &[], "2026-03-31");
    let Inputs::Job(i) = &line(&out, "A", LineKind::CommissioningFirst).inputs else {
        panic!()
    };
    assert_eq!((i.month_points, i.multiplier_bp), (2_500, 8_000));
    assert!(out.lines.iter().all(|l| l.source_id != "B"));
}

proptest! {
    #[test]
    fn bil_11_12_lines_conserve_the_job_total(
        sizes in proptest::collection::vec((0usize..4, 1i64..9_000), 1..8)
    ) {
        let classes = [RateClass::Local, RateClass::County, RateClass::Remote, RateClass::Partner];
        let jobs: Vec<Job> = sizes
            .iter()
            .enumerate()
            .map(|(i, (c, p))| job(&format!("J{i}"), classes[*c], *p))
            .collect();
        let out = run(&jobs, &[], "2026-03-31");
        let mut clerk_total = 0;
        for j in &jobs {
            let first = line(&out, &j.job_id, LineKind::CommissioningFirst);
            let held = line(&out, &j.job_id, LineKind::CommissioningHeld);
            let Inputs::Job(i) = &first.inputs else { panic!() };
            prop_assert_eq!(first.amount.fen() + held.amount.fen(), i.engineer_fen);
            prop_assert_eq!(i.engineer_fen + i.clerk_fen, i.after_multiplier_fen);
            clerk_total += i.clerk_fen;
        }
        let clerk = out.lines.iter().find(|l| l.kind == LineKind::ClerkShare);
        prop_assert_eq!(clerk.map_or(0, |l| l.amount.fen()), clerk_total);
    }
}

#[test]
fn bil_7_a_jobs_rebate_is_taken_from_the_engineers_part_before_the_split() {
    // Job A alone: 400 × 0.20 = 80.00, × 50% = 40.00, clerk 2.00, engineer 38.00; a 10.00
    // rebate leaves 28.00: 22.40 now, 5.60 held; the clerk's 2.00 is untouched.
    let mut a = job("A", RateClass::Local, 400);
    a.rebate_fen = 1_000;
    let out = run(&[a], &["eng".to_owned()], "2026-03-25");
    let first = line(&out, "A", LineKind::CommissioningFirst);
    let held = line(&out, "A", LineKind::CommissioningHeld);
    assert_eq!((first.amount, held.amount), (Money(2_240), Money(560)));
    match &first.inputs {
        Inputs::Job(i) => assert_eq!(
            (i.clerk_fen, i.rebate_fen, i.engineer_fen),
            (200, 1_000, 2_800)
        ),
        other => panic!("{other:?}"),
    }
    assert_eq!(
        line(&out, "2026-03", LineKind::ClerkShare).amount,
        Money(200)
    );
}
