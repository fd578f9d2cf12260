//! HR-S5 standings as the API shows them.

use kefu_scoring::standings::{Standing, YearTotal};
use serde::Serialize;
use utoipa::ToSchema;

/// A finalised card's place in its month (HR-S5).
#[derive(Debug, Serialize, ToSchema)]
pub struct MonthStandingOut {
    /// The person (a user id).
    pub user_id: String,
    /// The card's position (its scorecard template).
    pub position: String,
    /// The card's total in tenths (92 is 920).
    pub total_tenths: i64,
    /// Supervises a team now: ranked, but the one a representative challenges.
    pub team_lead: bool,
    /// 1 for the position's highest total; equal totals share a rank.
    #[schema(minimum = 1)]
    pub rank: i64,
    /// Months running, this one included, first among the position's representatives (team
    /// leads left out); 0 when not first this month.
    #[schema(minimum = 0)]
    pub first_place_months: i64,
    /// HR-S5: first `star-ratings.first_place_months` months running: may challenge a team
    /// lead. A recommendation for a person to act on, never an automatic act.
    pub challenge_eligible: bool,
}

impl From<Standing> for MonthStandingOut {
    fn from(s: Standing) -> Self {
        MonthStandingOut {
            user_id: s.user_id,
            position: s.position,
            total_tenths: s.total_tenths,
            team_lead: s.team_lead,
            rank: s.rank as i64,
            first_place_months: s.first_place_months,
            challenge_eligible: s.challenge_eligible,
        }
    }
}

/// The standings of a month.
#[derive(Debug, Serialize, ToSchema)]
pub struct MonthStandingsOut {
    /// The month, `YYYY-MM`.
    #[schema(example = "2026-03")]
    pub month: String,
    /// Only finalised cards count; a card not yet finalised is not in the list.
    pub items: Vec<MonthStandingOut>,
}

/// A person's year of one position (HR-S5).
#[derive(Debug, Serialize, ToSchema)]
pub struct YearStandingOut {
    /// The person (a user id).
    pub user_id: String,
    /// The position (scorecard template) the cards were scored by.
    pub position: String,
    /// The sum of the year's finalised cards' totals.
    pub total_tenths: i64,
    /// How many finalised cards the sum has.
    #[schema(minimum = 0, maximum = 12)]
    pub cards: i64,
    /// 1 for the position's highest total; equal totals share a rank.
    #[schema(minimum = 1)]
    pub rank: i64,
    /// HR-S5: the year's best total of the position earns `star-ratings.year_best_fen`
    /// (500 yuan by default); ties each earn it; 0 for the others.
    pub award_fen: i64,
}

impl From<YearTotal> for YearStandingOut {
    fn from(t: YearTotal) -> Self {
        YearStandingOut {
            user_id: t.user_id,
            position: t.position,
            total_tenths: t.total_tenths,
            cards: t.cards,
            rank: t.rank as i64,
            award_fen: t.award_fen,
        }
    }
}

/// The standings of a year.
#[derive(Debug, Serialize, ToSchema)]
pub struct YearStandingsOut {
    /// The year.
    #[schema(example = 2026)]
    pub year: i32,
    /// The year has ended: the totals and awards are final (before, they are the year so far).
    pub complete: bool,
    /// One entry per person and position with a finalised card in the year.
    pub items: Vec<YearStandingOut>,
}
