//! Monthly scorecard grades (HR-S4) and star ratings (HR-S5) as configurable tables.

use kefu_core::DomainError;
use kefu_core::rules::{RuleSet, Tier, check_non_negative, check_tiers, tier_for};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct GradeBand {
    /// The lowest monthly score of the band.
    pub min_score: i64,
    #[schema(example = "A")]
    pub grade: String,
    /// Paid (positive) or deducted (negative) with the month's payroll.
    pub amount_fen: i64,
    /// The assessor must write a justification (A, C, D).
    pub needs_justification: bool,
}

impl Tier for GradeBand {
    fn lower_bound(&self) -> i64 {
        self.min_score
    }
}

/// HR-S4: grades by monthly score, and the streak rules.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct GradeRules {
    /// From the lowest score up.
    pub bands: Vec<GradeBand>,
    /// Three consecutive A grades earn this in the third month.
    pub three_a_bonus_fen: i64,
    /// This many consecutive C grades raise a dismissal flag.
    pub c_streak_dismissal_months: i64,
    /// HR-S3: a month's card is finalised on the next month's working days 1 to this (work
    /// calendar); stored sets from before the field existed read the seed's 6.
    #[serde(default = "default_finalise_working_days")]
    pub finalise_working_days: i64,
}

fn default_finalise_working_days() -> i64 {
    6
}

impl RuleSet for GradeRules {
    const KEY: &'static str = "scorecard-grades";
    const TITLE: &'static str = "HR-S4 grades by monthly score, rewards and streaks";

    fn defaults() -> Self {
        let band = |min_score, grade: &str, yuan: i64, needs_justification| GradeBand {
            min_score,
            grade: grade.to_owned(),
            amount_fen: yuan * 100,
            needs_justification,
        };
        GradeRules {
            bands: vec![
                band(0, "D", 0, true),
                band(60, "C", -100, true),
                band(70, "B", 0, false),
                band(90, "A", 200, true),
            ],
            three_a_bonus_fen: 50_000,
            c_streak_dismissal_months: 3,
            finalise_working_days: default_finalise_working_days(),
        }
    }

    fn validate(&self) -> Result<(), DomainError> {
        check_tiers("bands", &self.bands)?;
        check_non_negative("three_a_bonus_fen", self.three_a_bonus_fen)?;
        check_non_negative("c_streak_dismissal_months", self.c_streak_dismissal_months)?;
        if !(1..=23).contains(&self.finalise_working_days) {
            return Err(DomainError::invalid(
                "finalise_working_days",
                "range",
                "between 1 and 23 working days",
            ));
        }
        Ok(())
    }
}

impl GradeRules {
    /// HR-S4: the band a monthly score falls in.
    pub fn grade(&self, score: i64) -> Option<&GradeBand> {
        tier_for(&self.bands, score)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StarBand {
    /// The score must exceed this (HR-S5: "> 95"), or reach it for the lowest band ("91–95").
    pub min_score: i64,
    pub stars: i64,
    pub reward_fen: i64,
    pub manager_reward_fen: i64,
    /// The top band also needs a month without errors.
    pub requires_no_errors: bool,
}

impl Tier for StarBand {
    fn lower_bound(&self) -> i64 {
        self.min_score
    }
}

/// HR-S5: stars for representatives and team leads with few complaints.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StarRules {
    /// No stars with more valid complaints than this in the month.
    pub max_complaints: i64,
    /// From the lowest band up; a score below the first band earns no star.
    pub bands: Vec<StarBand>,
    /// The year's best total score earns this.
    pub year_best_fen: i64,
    /// HR-S5: a team lead scoring under this ...
    #[serde(default = "default_team_lead_floor_score")]
    pub team_lead_floor_score: i64,
    /// ... this many months running is recommended for return to representative; stored sets
    /// from before these fields existed read the seed's 90 and 3.
    #[serde(default = "default_team_lead_floor_months")]
    pub team_lead_floor_months: i64,
    /// HR-S5: a representative first of their position this many months running may challenge
    /// a team lead; stored sets from before this field read the seed's 3.
    #[serde(default = "default_first_place_months")]
    pub first_place_months: i64,
}

fn default_first_place_months() -> i64 {
    3
}

fn default_team_lead_floor_score() -> i64 {
    90
}

fn default_team_lead_floor_months() -> i64 {
    3
}

impl RuleSet for StarRules {
    const KEY: &'static str = "star-ratings";
    const TITLE: &'static str = "HR-S5 star ratings and their rewards";

    fn defaults() -> Self {
        let band = |min_score, stars, yuan: i64, manager_yuan: i64, requires_no_errors| StarBand {
            min_score,
            stars,
            reward_fen: yuan * 100,
            manager_reward_fen: manager_yuan * 100,
            requires_no_errors,
        };
        StarRules {
            max_complaints: 2,
            // 91–95 one star, > 95 (96 and up) two, > 98 (99 and up) with no errors three.
            bands: vec![
                band(0, 0, 0, 0, false),
                band(91, 1, 100, 200, false),
                band(96, 2, 300, 300, false),
                band(99, 3, 500, 500, true),
            ],
            year_best_fen: 50_000,
            team_lead_floor_score: default_team_lead_floor_score(),
            team_lead_floor_months: default_team_lead_floor_months(),
            first_place_months: default_first_place_months(),
        }
    }

    fn validate(&self) -> Result<(), DomainError> {
        check_tiers("bands", &self.bands)?;
        check_non_negative("max_complaints", self.max_complaints)?;
        check_non_negative("year_best_fen", self.year_best_fen)?;
        check_non_negative("team_lead_floor_score", self.team_lead_floor_score)?;
        check_non_negative("team_lead_floor_months", self.team_lead_floor_months)?;
        check_non_negative("first_place_months", self.first_place_months)?;
        for (i, b) in self.bands.iter().enumerate() {
            check_non_negative(&format!("bands[{i}].reward_fen"), b.reward_fen)?;
            check_non_negative(
                &format!("bands[{i}].manager_reward_fen"),
                b.manager_reward_fen,
            )?;
        }
        Ok(())
    }
}

impl StarRules {
    /// HR-S5: the stars earned with `score`, `complaints` valid complaints and whether the
    /// month had errors; a top band missed for errors falls to the band below.
    pub fn stars(&self, score: i64, complaints: i64, had_errors: bool) -> i64 {
        if complaints > self.max_complaints {
            return 0;
        }
        self.bands
            .iter()
            .filter(|b| b.min_score <= score && !(b.requires_no_errors && had_errors))
            .max_by_key(|b| b.min_score)
            .map_or(0, |b| b.stars)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hr_s4_grades_by_score() {
        let g = GradeRules::defaults();
        assert!(g.validate().is_ok());
        let cases = [
            (100, "A", 20_000),
            (90, "A", 20_000),
            (89, "B", 0),
            (70, "B", 0),
            (69, "C", -10_000),
            (60, "C", -10_000),
            (59, "D", 0),
            (0, "D", 0),
        ];
        for (score, grade, fen) in cases {
            let band = g.grade(score).unwrap();
            assert_eq!(
                (band.grade.as_str(), band.amount_fen),
                (grade, fen),
                "{score}"
            );
        }
        assert!(g.grade(70).is_some_and(|b| !b.needs_justification));
    }

    #[test]
    fn hr_s5_stars_by_score_complaints_and_errors() {
        let s = StarRules::defaults();
        assert!(s.validate().is_ok());
        assert_eq!(s.stars(90, 0, false), 0);
        assert_eq!(s.stars(91, 0, false), 1);
        assert_eq!(s.stars(95, 2, false), 1);
        assert_eq!(s.stars(96, 0, false), 2);
        assert_eq!(s.stars(98, 0, false), 2);
        assert_eq!(s.stars(99, 0, false), 3);
        assert_eq!(
            s.stars(99, 0, true),
            2,
            "three stars need a month without errors"
        );
        assert_eq!(
            s.stars(99, 3, false),
            0,
            "more than two complaints: no stars"
        );
    }
}
