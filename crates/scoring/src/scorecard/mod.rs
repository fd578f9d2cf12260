//! HR-S1 scorecard templates per position, and the HR-S2 events that add or deduct points.

use kefu_core::DomainError;
use kefu_core::rules::RuleSet;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A full scorecard is worth this many points.
pub const CARD_POINTS: i64 = 100;

kefu_core::string_enum! {
    #[derive(ToSchema)]
    pub enum ItemKind {
        Deduction = "deduction",
        Bonus = "bonus",
    }
}

kefu_core::string_enum! {
    /// What an item's points are counted per.
    #[derive(ToSchema)]
    pub enum Counting {
        /// Each time it happens.
        Occurrence = "occurrence",
        /// Each day it lasts (a backup done late).
        Day = "day",
        /// Each full `step` points a measured score lies below `below` (satisfaction below 90:
        /// −1 per point; operation exam below 70: −1 per 2 points).
        PointsBelow = "points_below",
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ScoreItem {
    pub key: String,
    pub title: String,
    pub kind: ItemKind,
    /// Points per occurrence, day or step; never negative (`kind` gives the sign).
    pub points: i64,
    pub per: Counting,
    /// `points_below` only: the score under which points are counted, 0–100.
    pub below: Option<i64>,
    /// `points_below` only: how many points below make one step, at least 1.
    pub step: Option<i64>,
}

impl ScoreItem {
    /// The item's effect on the card (negative for deductions): `observed` is the number of
    /// occurrences or days, or for `points_below` the measured score. Only full steps count.
    pub fn points_for(&self, observed: i64) -> i64 {
        let units = match self.per {
            Counting::Occurrence | Counting::Day => observed.max(0),
            Counting::PointsBelow => {
                let below = self.below.unwrap_or(0);
                let step = self.step.unwrap_or(1).max(1);
                below.saturating_sub(observed).max(0) / step
            }
        };
        let points = self.points.saturating_mul(units);
        match self.kind {
            ItemKind::Deduction => -points,
            ItemKind::Bonus => points,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Subsection {
    pub key: String,
    pub title: String,
    pub points: i64,
    pub items: Vec<ScoreItem>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Section {
    pub key: String,
    pub title: String,
    /// The section's weight; the sections of a card add up to 100.
    pub points: i64,
    /// When set, the section scores the month's average QA score times this share instead of
    /// starting from its points (service quality: average × 20%).
    pub qa_average_share_bp: Option<i64>,
    /// When present, they split the section's points and hold its items.
    pub subsections: Vec<Subsection>,
    /// Items of a section without subsections.
    pub items: Vec<ScoreItem>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ScorecardTemplate {
    /// The position the card is for, e.g. `call_centre_representative`.
    pub position: String,
    pub title: String,
    pub sections: Vec<Section>,
    /// Bonuses and deductions on the whole card, outside any section.
    pub adjustments: Vec<ScoreItem>,
}

/// HR-S2: an event recorded on anyone's card, whatever the template.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ScoreEvent {
    pub key: String,
    pub title: String,
    pub kind: ItemKind,
    pub points: i64,
    /// `occurrence` or `day`.
    pub per: Counting,
    /// The exam counts with this score instead of the one written (cheating 0, excused
    /// absence 70); `null` when the event leaves the exam score alone.
    pub sets_exam_score: Option<i64>,
}

/// HR-S1 and HR-S2: the scorecard templates and the card events.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ScorecardTemplates {
    pub templates: Vec<ScorecardTemplate>,
    pub events: Vec<ScoreEvent>,
    /// HR-S6: an event may be appealed within this many days of being issued; stored sets
    /// from before the field existed read the seed's 7.
    #[serde(default = "default_appeal_days")]
    pub appeal_days: i64,
}

fn default_appeal_days() -> i64 {
    7
}

mod check;
mod defaults;

impl RuleSet for ScorecardTemplates {
    const KEY: &'static str = "scorecard-templates";
    const TITLE: &'static str = "HR-S1 scorecard templates per position and HR-S2 card events";

    fn defaults() -> Self {
        defaults::all()
    }

    fn validate(&self) -> Result<(), DomainError> {
        check::all(self)
    }
}

impl ScorecardTemplates {
    pub fn template(&self, position: &str) -> Option<&ScorecardTemplate> {
        self.templates.iter().find(|t| t.position == position)
    }

    pub fn event(&self, key: &str) -> Option<&ScoreEvent> {
        self.events.iter().find(|e| e.key == key)
    }
}

impl ScorecardTemplate {
    /// The item of this card with `key`, wherever it sits.
    pub fn item(&self, key: &str) -> Option<&ScoreItem> {
        self.sections
            .iter()
            .flat_map(|s| {
                s.items
                    .iter()
                    .chain(s.subsections.iter().flat_map(|p| &p.items))
            })
            .chain(&self.adjustments)
            .find(|i| i.key == key)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn field(t: &ScorecardTemplates) -> String {
        match t.validate() {
            Err(DomainError::Invalid(e)) => e[0].field.clone(),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn hr_s1_the_representatives_card_follows_seed_003() {
        let all = ScorecardTemplates::defaults();
        assert!(all.validate().is_ok());
        let card = all.template("call_centre_representative").unwrap();
        let weights: Vec<i64> = card.sections.iter().map(|s| s.points).collect();
        assert_eq!(weights, [20, 55, 15, 10]);
        let parts: Vec<i64> = card.sections[1]
            .subsections
            .iter()
            .map(|p| p.points)
            .collect();
        assert_eq!(parts, [25, 15, 15]);
        let parts: Vec<i64> = card.sections[2]
            .subsections
            .iter()
            .map(|p| p.points)
            .collect();
        assert_eq!(parts, [10, 5]);
        assert_eq!(card.sections[0].qa_average_share_bp, Some(2_000));
        let points = |key: &str, observed: i64| card.item(key).unwrap().points_for(observed);
        assert_eq!(points("record_unclear", 2), -10);
        assert_eq!(points("unhandled_complaint", 1), -10);
        assert_eq!(points("handover_missing", 1), -10);
        assert_eq!(points("conduct_breach", 3), -15);
        assert_eq!(points("praise", 1), 5);
        // Satisfaction 86 is 4 points below 90: −4; above the line, nothing.
        assert_eq!(points("satisfaction", 86), -4);
        assert_eq!(points("satisfaction", 95), 0);
        // Knowledge exam 75: −5. Operation exam 65: 5 below 70 is two full steps of 2: −2.
        assert_eq!(points("knowledge_exam", 75), -5);
        assert_eq!(points("operation_exam", 65), -2);
        assert_eq!(points("operation_exam", 64), -3);
    }

    #[test]
    fn hr_s2_events() {
        let all = ScorecardTemplates::defaults();
        let e = |key: &str| all.event(key).unwrap();
        assert_eq!(e("meeting_late_or_absent").points, 5);
        assert_eq!(e("exam_cheating").sets_exam_score, Some(0));
        assert_eq!(e("exam_absent_excused").sets_exam_score, Some(70));
        assert_eq!(e("exam_absent_unexcused").points, 10);
        assert_eq!(e("backup_late").per, Counting::Day);
    }

    #[test]
    fn hr_s1_weights_must_add_up_naming_the_field() {
        let mut t = ScorecardTemplates::defaults();
        t.templates[0].sections[3].points = 15;
        assert_eq!(field(&t), "templates[0].sections");
        let mut t = ScorecardTemplates::defaults();
        t.templates[0].sections[1].subsections[0].points = 20;
        assert_eq!(field(&t), "templates[0].sections[1].subsections");
        let mut t = ScorecardTemplates::defaults();
        t.templates[0].sections[1].subsections[1].items[0].step = None;
        assert_eq!(
            field(&t),
            "templates[0].sections[1].subsections[1].items[0].step"
        );
        let mut t = ScorecardTemplates::defaults();
        t.templates[0].sections[3].items[0].key = "praise".to_owned();
        assert_eq!(field(&t), "templates[0].adjustments[0].key");
        let mut t = ScorecardTemplates::defaults();
        t.templates.push(t.templates[0].clone());
        assert_eq!(field(&t), "templates[1].position");
        let mut t = ScorecardTemplates::defaults();
        t.events[0].per = Counting::PointsBelow;
        assert_eq!(field(&t), "events[0].per");
        let mut t = ScorecardTemplates::defaults();
        t.templates.clear();
        assert_eq!(field(&t), "templates");
    }

    proptest! {
        #[test]
        fn hr_s1_a_lower_score_never_deducts_less(a in -50i64..150, b in -50i64..150) {
            let card = defaults::representative();
            let (lo, hi) = (a.min(b), a.max(b));
            for key in ["satisfaction", "knowledge_exam", "operation_exam"] {
                let item = card.item(key).unwrap();
                prop_assert!(item.points_for(lo) <= item.points_for(hi));
                prop_assert!(item.points_for(hi) <= 0);
            }
        }
    }
}
