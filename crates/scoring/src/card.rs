//! HR-S1/HR-S2: a month's card computed from the position's template, the month's measured
//! scores and its score events. HR-S4/HR-S5: its grade, rewards, stars and flags.
//!
//! Scores are fixed-point **tenths of a point** (`_tenths`, an `i64`): the QA average of 92
//! scores 92 × 20% = 18.4 points, held as 184. Measured scores (QA average, satisfaction,
//! exams) are entered in tenths too. Rule tables speak whole points; bands are compared with the
//! card's whole points (tenths dropped: 89.9 is a B, 95.5 one star).

use crate::grades::{GradeRules, StarRules};
use crate::scorecard::{Counting, ItemKind, ScoreItem, ScorecardTemplate};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use utoipa::ToSchema;

/// Tenths in a point.
pub const TENTHS: i64 = 10;

/// A live score event as the card counts it.
#[derive(Debug, Clone, PartialEq)]
pub struct CardEvent {
    pub id: String,
    pub item_key: String,
    pub title: String,
    /// Whole points, signed (deductions negative), fixed when the event was issued.
    pub points: i64,
    /// The measured item whose score this event replaces (cheating: 0, excused absence: 70).
    pub sets_measure: Option<(String, i64)>,
}

/// One line of a card: an event, or a measured score's deduction.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct CardLine {
    /// The item of the `scorecard-templates` rule set the line counts (HR-S1).
    pub item_key: String,
    /// The item's title.
    pub title: String,
    /// The score event behind the line; `null` for a measured score.
    pub event_id: Option<String>,
    /// The measured score (tenths) a `points_below` line was counted from.
    pub measured_tenths: Option<i64>,
    /// Signed: deductions are negative.
    pub points_tenths: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct PartScore {
    /// The subsection's key in the template.
    pub key: String,
    /// The subsection's title.
    pub title: String,
    /// The subsection's weight in whole points (HR-S1).
    pub points: i64,
    /// The part's points plus its lines, kept within 0 and its points.
    pub score_tenths: i64,
    /// The lines counted in the subsection.
    pub lines: Vec<CardLine>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct SectionScore {
    /// The section's key in the template.
    pub key: String,
    /// The section's title.
    pub title: String,
    /// The section's weight in whole points (HR-S1).
    pub points: i64,
    /// Kept within 0 and the section's points.
    pub score_tenths: i64,
    /// Its subsections, each scored.
    pub subsections: Vec<PartScore>,
    /// The lines counted on the section itself.
    pub lines: Vec<CardLine>,
}

/// The computed card: sections, the lines outside them and the total.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct CardScore {
    /// The template's position the card is scored by.
    pub position: String,
    /// The template's title.
    pub title: String,
    /// The template's sections, each scored.
    pub sections: Vec<SectionScore>,
    /// Bonuses and deductions on the whole card: the template's adjustments and HR-S2 events.
    pub adjustments: Vec<CardLine>,
    /// The card's total, 0 to 100 points (1000 tenths).
    pub total_tenths: i64,
    /// Whether any line deducts points (HR-S5: three stars need a month without errors).
    pub had_errors: bool,
    /// Measured scores the template needs and the month does not have yet: they count as no
    /// deduction (the QA section as 0) until entered; a card is finalised only without them.
    pub missing_measures: Vec<String>,
}

/// The effect of a `points_below` item on a measured score in tenths: full steps only.
pub fn measured_points_tenths(item: &ScoreItem, measured_tenths: i64) -> i64 {
    if item.per != Counting::PointsBelow {
        return 0;
    }
    let below = item.below.unwrap_or(0).saturating_mul(TENTHS);
    let step = item.step.unwrap_or(1).max(1).saturating_mul(TENTHS);
    let steps = below.saturating_sub(measured_tenths).max(0) / step;
    let per_step = match item.kind {
        ItemKind::Deduction => -item.points,
        ItemKind::Bonus => item.points,
    };
    per_step.saturating_mul(steps).saturating_mul(TENTHS)
}

fn clamp(score: i64, points: i64) -> i64 {
    score.clamp(0, points.saturating_mul(TENTHS))
}

/// The lines of `items`: measured scores first, then the events on them.
fn lines(
    items: &[ScoreItem],
    measures: &BTreeMap<String, i64>,
    events: &[CardEvent],
    missing: &mut Vec<String>,
) -> Vec<CardLine> {
    let mut out = Vec::new();
    for item in items {
        if item.per == Counting::PointsBelow {
            let overridden = events
                .iter()
                .rev()
                .find_map(|e| e.sets_measure.as_ref().filter(|(k, _)| *k == item.key))
                .map(|(_, score)| score.saturating_mul(TENTHS));
            match overridden.or_else(|| measures.get(&item.key).copied()) {
                Some(measured) => out.push(CardLine {
                    item_key: item.key.clone(),
                    title: item.title.clone(),
                    event_id: None,
                    measured_tenths: Some(measured),
                    points_tenths: measured_points_tenths(item, measured),
                }),
                None => missing.push(item.key.clone()),
            }
        }
        for e in events.iter().filter(|e| e.item_key == item.key) {
            out.push(event_line(e));
        }
    }
    out
}

fn event_line(e: &CardEvent) -> CardLine {
    CardLine {
        item_key: e.item_key.clone(),
        title: e.title.clone(),
        event_id: Some(e.id.clone()),
        measured_tenths: None,
        points_tenths: e.points.saturating_mul(TENTHS),
    }
}

fn sum(lines: &[CardLine]) -> i64 {
    lines.iter().map(|l| l.points_tenths).sum()
}

/// HR-S1: the card of `template` for a month with the QA average `qa_average_tenths`, the
/// measured scores `measures` (by `points_below` item key, tenths) and the live `events`.
pub fn compute(
    template: &ScorecardTemplate,
    qa_average_tenths: Option<i64>,
    measures: &BTreeMap<String, i64>,
    events: &[CardEvent],
) -> CardScore {
    let mut missing = Vec::new();
    let mut sections = Vec::new();
    for s in &template.sections {
        let mut subsections = Vec::new();
        for p in &s.subsections {
            let lines = lines(&p.items, measures, events, &mut missing);
            subsections.push(PartScore {
                key: p.key.clone(),
                title: p.title.clone(),
                points: p.points,
                score_tenths: clamp(p.points * TENTHS + sum(&lines), p.points),
                lines,
            });
        }
        let lines = lines(&s.items, measures, events, &mut missing);
        let base = match s.qa_average_share_bp {
            Some(bp) => match qa_average_tenths {
                Some(avg) => avg.saturating_mul(bp) / 10_000,
                None => {
                    missing.push("qa_average".to_owned());
                    0
                }
            },
            None if !subsections.is_empty() => subsections.iter().map(|p| p.score_tenths).sum(),
            None => s.points * TENTHS,
        };
        sections.push(SectionScore {
            key: s.key.clone(),
            title: s.title.clone(),
            points: s.points,
            score_tenths: clamp(base + sum(&lines), s.points),
            subsections,
            lines,
        });
    }
    let mut adjustments = lines(&template.adjustments, measures, events, &mut missing);
    // HR-S2 events are on no template item: they adjust the whole card.
    for e in events {
        if template.item(&e.item_key).is_none() {
            adjustments.push(event_line(e));
        }
    }
    let all_lines = sections
        .iter()
        .flat_map(|s| {
            s.lines
                .iter()
                .chain(s.subsections.iter().flat_map(|p| &p.lines))
        })
        .chain(&adjustments);
    let had_errors = all_lines.clone().any(|l| l.points_tenths < 0);
    let total: i64 = sections.iter().map(|s| s.score_tenths).sum::<i64>() + sum(&adjustments);
    CardScore {
        position: template.position.clone(),
        title: template.title.clone(),
        sections,
        adjustments,
        total_tenths: clamp(total, crate::scorecard::CARD_POINTS),
        had_errors,
        missing_measures: missing,
    }
}

kefu_core::string_enum! {
    /// A recommendation for a person to act on, never an automatic act: `dismissal` (HR-S4:
    /// consecutive C grades), `retest` (HR-S4: grade D), `return_to_representative` (HR-S5: a
    /// team lead under the floor score for the rule's number of months running).
    #[derive(ToSchema)]
    pub enum Flag {
        Dismissal = "dismissal",
        Retest = "retest",
        ReturnToRepresentative = "return_to_representative",
    }
}

/// HR-S4/HR-S5: what a card's total earns.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Outcome {
    /// The grade of the total (A, B, C, D by default, HR-S4).
    pub grade: String,
    /// The grade's reward (positive) or deduction (negative).
    pub grade_amount_fen: i64,
    /// HR-S4: three consecutive A grades, paid in the third month.
    pub streak_bonus_fen: i64,
    /// Stars earned (HR-S5).
    pub stars: i64,
    /// The stars' reward, in fen (HR-S5).
    pub star_reward_fen: i64,
    /// Valid complaints of the month (HR-S5).
    pub complaints: i64,
    /// Recommendations raised (dismissal, re-test, return to representative), never automatic acts.
    pub flags: Vec<Flag>,
    /// The grade needs a written justification by the assessor (A, C, D).
    pub needs_justification: bool,
}

/// The facts around a card that its outcome depends on.
#[derive(Debug, Clone, PartialEq)]
pub struct History<'a> {
    /// Grades of the finalised cards of the months before, most recent first, stopping at the
    /// first month without one.
    pub previous_grades: &'a [String],
    /// Whole-point totals of the same months, most recent first.
    pub previous_totals: &'a [i64],
    /// Supervises a team: a team lead (HR-S5).
    pub is_team_lead: bool,
    pub complaints: i64,
    /// Managers get the manager's star rewards (HR-S5).
    pub is_manager: bool,
}

/// How many grades in a row equal `grade`, this month's included.
fn streak(grade: &str, previous: &[String]) -> i64 {
    1 + previous.iter().take_while(|g| *g == grade).count() as i64
}

/// HR-S4 and HR-S5 for a card totalling `total_tenths`; `None` when the grade table has no
/// band for it.
pub fn outcome(
    card: &CardScore,
    grades: &GradeRules,
    stars: &StarRules,
    history: &History<'_>,
) -> Option<Outcome> {
    let whole = card.total_tenths / TENTHS;
    let band = grades.grade(whole)?;
    // The bands by position: the top one is A, the lowest D (re-test), the one above it C.
    let mut bands: Vec<_> = grades.bands.iter().collect();
    bands.sort_by_key(|b| b.min_score);
    let top = bands.last()?;
    let bottom = bands.first()?;
    let c_band = bands.get(1).filter(|c| c.grade != top.grade);
    let run = streak(&band.grade, history.previous_grades);
    let streak_bonus_fen = if band.grade == top.grade && run > 0 && run % 3 == 0 {
        grades.three_a_bonus_fen
    } else {
        0
    };
    let mut flags = Vec::new();
    if band.grade == bottom.grade {
        flags.push(Flag::Retest);
    }
    if c_band.is_some_and(|c| c.grade == band.grade)
        && grades.c_streak_dismissal_months > 0
        && run >= grades.c_streak_dismissal_months
    {
        flags.push(Flag::Dismissal);
    }
    let floor = stars.team_lead_floor_score;
    let under_floor = 1 + history
        .previous_totals
        .iter()
        .take_while(|t| **t < floor)
        .count() as i64;
    if history.is_team_lead
        && stars.team_lead_floor_months > 0
        && whole < floor
        && under_floor >= stars.team_lead_floor_months
    {
        flags.push(Flag::ReturnToRepresentative);
    }
    let count = stars.stars(whole, history.complaints, card.had_errors);
    let reward = stars
        .bands
        .iter()
        .find(|b| b.stars == count)
        .map_or(0, |b| {
            if history.is_manager {
                b.manager_reward_fen
            } else {
                b.reward_fen
            }
        });
    Some(Outcome {
        grade: band.grade.clone(),
        grade_amount_fen: band.amount_fen,
        streak_bonus_fen,
        stars: count,
        star_reward_fen: if count > 0 { reward } else { 0 },
        complaints: history.complaints,
        flags,
        needs_justification: band.needs_justification,
    })
}

#[cfg(test)]
mod tests;
