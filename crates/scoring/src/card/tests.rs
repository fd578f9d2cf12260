use super::*;
use crate::scorecard::ScorecardTemplates;
use kefu_core::rules::RuleSet;

fn representative() -> ScorecardTemplate {
    ScorecardTemplates::defaults()
        .template("call_centre_representative")
        .cloned()
        .unwrap()
}

fn measures(satisfaction: i64, knowledge: i64, operation: i64) -> BTreeMap<String, i64> {
    BTreeMap::from([
        ("satisfaction".to_owned(), satisfaction),
        ("knowledge_exam".to_owned(), knowledge),
        ("operation_exam".to_owned(), operation),
    ])
}

fn event(id: &str, key: &str, points: i64) -> CardEvent {
    CardEvent {
        id: id.to_owned(),
        item_key: key.to_owned(),
        title: key.to_owned(),
        points,
        sets_measure: None,
    }
}

fn section<'a>(card: &'a CardScore, key: &str) -> &'a SectionScore {
    card.sections.iter().find(|s| s.key == key).unwrap()
}

fn part<'a>(card: &'a CardScore, key: &str) -> &'a PartScore {
    card.sections
        .iter()
        .flat_map(|s| &s.subsections)
        .find(|p| p.key == key)
        .unwrap()
}

#[test]
fn hr_s1_the_default_representative_card() {
    // QA 92, satisfaction 87, knowledge exam 75, operation exam 64, no events.
    let card = compute(&representative(), Some(920), &measures(870, 750, 640), &[]);
    // Service quality: 92 × 20% = 18.4.
    assert_eq!(section(&card, "service_quality").score_tenths, 184);
    // Satisfaction 3 below 90: −3 of efficiency's 15.
    assert_eq!(part(&card, "efficiency").lines[0].points_tenths, -30);
    assert_eq!(part(&card, "efficiency").score_tenths, 120);
    // Knowledge exam 5 below 80: −5 of 10; operation exam 6 below 70, −1 per 2: −3 of 5.
    assert_eq!(part(&card, "knowledge_exam").lines[0].points_tenths, -50);
    assert_eq!(part(&card, "operation_exam").lines[0].points_tenths, -30);
    assert_eq!(section(&card, "skills").score_tenths, 50 + 20);
    // Quality 25 + efficiency 12 + coordination 15 = 52; conduct 10.
    assert_eq!(section(&card, "work_ability").score_tenths, 520);
    assert_eq!(section(&card, "conduct").score_tenths, 100);
    // 18.4 + 52 + 7 + 10 = 87.4: grade B, no reward, no justification, no star.
    assert_eq!(card.total_tenths, 874);
    assert!(card.missing_measures.is_empty());
    assert!(card.had_errors);
    let out = outcome(
        &card,
        &GradeRules::defaults(),
        &StarRules::defaults(),
        &History {
            previous_grades: &[],
            previous_totals: &[],
            is_team_lead: false,
            complaints: 0,
            is_manager: false,
        },
    )
    .unwrap();
    assert_eq!(out.grade, "B");
    assert_eq!((out.grade_amount_fen, out.streak_bonus_fen), (0, 0));
    assert!(!out.needs_justification);
    assert_eq!(out.stars, 0);
    assert!(out.flags.is_empty());
}

#[test]
fn hr_s1_a_missing_measure_is_listed_and_deducts_nothing() {
    let card = compute(&representative(), None, &BTreeMap::new(), &[]);
    assert_eq!(
        card.missing_measures,
        [
            "qa_average",
            "satisfaction",
            "knowledge_exam",
            "operation_exam"
        ]
    );
    assert_eq!(card.total_tenths, 800);
}

#[test]
fn hr_s2_events_land_on_their_item_or_on_the_whole_card() {
    let events = [
        event("e1", "record_unclear", -5),
        event("e2", "record_unclear", -5),
        event("e3", "meeting_late_or_absent", -5),
        event("e4", "praise", 5),
    ];
    let card = compute(
        &representative(),
        Some(1000),
        &measures(900, 800, 700),
        &events,
    );
    assert_eq!(part(&card, "quality").score_tenths, 150);
    // Praise (a template adjustment) and the meeting (an HR-S2 event) are on the whole card.
    assert_eq!(card.adjustments.len(), 2, "{:?}", card.adjustments);
    // 100 − 10 (quality) − 5 (meeting) + 5 (praise).
    assert_eq!(card.total_tenths, 900);
    // A part never goes below zero; the card never above 100.
    let many: Vec<_> = (0..8)
        .map(|i| event(&format!("h{i}"), "handover_missing", -10))
        .collect();
    let card = compute(
        &representative(),
        Some(1000),
        &measures(900, 800, 700),
        &many,
    );
    assert_eq!(part(&card, "quality").score_tenths, 0);
    let card = compute(
        &representative(),
        Some(1000),
        &measures(900, 800, 700),
        &[event("p", "praise", 5)],
    );
    assert_eq!(card.total_tenths, 1000);
    assert!(!card.had_errors);
}

#[test]
fn hr_s2_cheating_sets_the_exam_score_to_zero() {
    let cheat = CardEvent {
        sets_measure: Some(("knowledge_exam".to_owned(), 0)),
        ..event("c", "exam_cheating", 0)
    };
    let card = compute(
        &representative(),
        Some(1000),
        &measures(900, 950, 700),
        &[cheat],
    );
    // 80 below 80: −80 clamps the 10-point part to 0.
    assert_eq!(part(&card, "knowledge_exam").score_tenths, 0);
    assert_eq!(
        part(&card, "knowledge_exam").lines[0].measured_tenths,
        Some(0)
    );
}

fn graded(total_tenths: i64, previous: &[&str], complaints: i64, manager: bool) -> Outcome {
    let card = CardScore {
        position: "p".to_owned(),
        title: "t".to_owned(),
        sections: Vec::new(),
        adjustments: Vec::new(),
        total_tenths,
        had_errors: true,
        missing_measures: Vec::new(),
    };
    let previous: Vec<String> = previous.iter().map(|g| (*g).to_owned()).collect();
    outcome(
        &card,
        &GradeRules::defaults(),
        &StarRules::defaults(),
        &History {
            previous_grades: &previous,
            previous_totals: &[],
            is_team_lead: false,
            complaints,
            is_manager: manager,
        },
    )
    .unwrap()
}

#[test]
fn hr_s4_three_a_grades_running_pay_500_in_the_third_month() {
    let first = graded(950, &[], 0, false);
    assert_eq!(
        (first.grade.as_str(), first.grade_amount_fen),
        ("A", 20_000)
    );
    assert!(first.needs_justification);
    assert_eq!(graded(950, &["A"], 0, false).streak_bonus_fen, 0);
    assert_eq!(graded(950, &["A", "A"], 0, false).streak_bonus_fen, 50_000);
    assert_eq!(graded(950, &["A", "B", "A"], 0, false).streak_bonus_fen, 0);
    // 89.9 is a B: bands compare whole points.
    assert_eq!(graded(899, &["A", "A"], 0, false).grade, "B");
}

#[test]
fn hr_s4_three_c_grades_running_raise_the_dismissal_flag_d_a_retest() {
    let c = graded(650, &["C"], 0, false);
    assert_eq!((c.grade.as_str(), c.grade_amount_fen), ("C", -10_000));
    assert!(c.flags.is_empty());
    assert_eq!(graded(650, &["C", "C"], 0, false).flags, [Flag::Dismissal]);
    let d = graded(500, &[], 0, false);
    assert_eq!(d.flags, [Flag::Retest]);
    assert!(d.needs_justification);
}

#[test]
fn hr_s5_two_complaints_and_96_earn_two_stars_three_complaints_none() {
    let two = graded(960, &[], 2, false);
    assert_eq!((two.stars, two.star_reward_fen), (2, 30_000));
    let three = graded(960, &[], 3, false);
    assert_eq!((three.stars, three.star_reward_fen), (0, 0));
    assert_eq!(graded(930, &[], 0, false).star_reward_fen, 10_000);
    assert_eq!(graded(930, &[], 0, true).star_reward_fen, 20_000);
    // 99 with a deduction on the card: two stars, not three.
    assert_eq!(graded(990, &[], 0, false).stars, 2);
}

fn team_lead(total_tenths: i64, previous_totals: &[i64], is_team_lead: bool) -> Outcome {
    let card = CardScore {
        position: "p".to_owned(),
        title: "t".to_owned(),
        sections: Vec::new(),
        adjustments: Vec::new(),
        total_tenths,
        had_errors: false,
        missing_measures: Vec::new(),
    };
    let grades: Vec<String> = previous_totals.iter().map(|_| "B".to_owned()).collect();
    outcome(
        &card,
        &GradeRules::defaults(),
        &StarRules::defaults(),
        &History {
            previous_grades: &grades,
            previous_totals,
            is_team_lead,
            complaints: 0,
            is_manager: false,
        },
    )
    .unwrap()
}

#[test]
fn hr_s5_a_team_lead_under_90_three_months_running_is_recommended_for_return() {
    let flagged = |o: &Outcome| o.flags.contains(&Flag::ReturnToRepresentative);
    // 89.9 this month after 85 and 88: three months under 90.
    assert!(flagged(&team_lead(899, &[85, 88], true)));
    // Only two months under, or a 90 in between: no flag.
    assert!(!flagged(&team_lead(899, &[85], true)));
    assert!(!flagged(&team_lead(899, &[85, 90, 70], true)));
    // 90 this month clears it; a representative is never returned.
    assert!(!flagged(&team_lead(900, &[85, 88], true)));
    assert!(!flagged(&team_lead(800, &[85, 88], false)));
    // The floor and the months are the rule table's.
    let mut stars = StarRules::defaults();
    stars.team_lead_floor_months = 2;
    let card = CardScore {
        position: "p".to_owned(),
        title: "t".to_owned(),
        sections: Vec::new(),
        adjustments: Vec::new(),
        total_tenths: 899,
        had_errors: false,
        missing_measures: Vec::new(),
    };
    let two = outcome(
        &card,
        &GradeRules::defaults(),
        &stars,
        &History {
            previous_grades: &["B".to_owned()],
            previous_totals: &[85],
            is_team_lead: true,
            complaints: 0,
            is_manager: false,
        },
    )
    .unwrap();
    assert!(flagged(&two));
}
