//! HR-S5 standings: who came first among a position's representatives, month after month
//! (first place three months running → eligible to challenge a team lead), and whose finalised
//! cards add up to the year's best total (→ the year-best reward). Both are recommendations
//! and facts for a person to act on; nothing here changes a card.

use std::collections::{BTreeMap, BTreeSet};

/// One finalised card of a month.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MonthCard {
    pub user_id: String,
    pub position: String,
    pub total_tenths: i64,
    /// Supervises a team: a team lead competes in the ranking but is the one challenged.
    pub team_lead: bool,
}

/// A card's place in its month.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Standing {
    pub user_id: String,
    pub position: String,
    pub total_tenths: i64,
    pub team_lead: bool,
    /// 1 for the highest total of the position; equal totals share a rank.
    pub rank: usize,
    /// Months running, this one included, in which the person had the position's highest
    /// total among its representatives (team leads left out). 0 when not first this month.
    pub first_place_months: i64,
    /// HR-S5: a representative first `first_place_months` months running may challenge a
    /// team lead.
    pub challenge_eligible: bool,
}

/// Who had the highest total of each position among the representatives (team leads left
/// out); ties are all first.
fn firsts(cards: &[MonthCard]) -> BTreeSet<(String, String)> {
    let mut best: BTreeMap<&str, i64> = BTreeMap::new();
    for c in cards.iter().filter(|c| !c.team_lead) {
        let top = best.entry(&c.position).or_insert(c.total_tenths);
        *top = (*top).max(c.total_tenths);
    }
    cards
        .iter()
        .filter(|c| !c.team_lead && best.get(c.position.as_str()) == Some(&c.total_tenths))
        .map(|c| (c.position.clone(), c.user_id.clone()))
        .collect()
}

/// HR-S5: the standings of `month` (its finalised cards), given the finalised cards of the
/// months before it, most recent first, stopping where the history should. `needed` is the
/// rule table's number of first places running that makes a representative eligible.
pub fn month_standings(
    month: &[MonthCard],
    before: &[Vec<MonthCard>],
    needed: i64,
) -> Vec<Standing> {
    let earlier: Vec<BTreeSet<(String, String)>> = before.iter().map(|m| firsts(m)).collect();
    let now = firsts(month);
    let mut out: Vec<Standing> = month
        .iter()
        .map(|c| {
            let key = (c.position.clone(), c.user_id.clone());
            let run = if now.contains(&key) {
                1 + earlier.iter().take_while(|f| f.contains(&key)).count() as i64
            } else {
                0
            };
            let rank = 1 + month
                .iter()
                .filter(|o| o.position == c.position && o.total_tenths > c.total_tenths)
                .count();
            Standing {
                user_id: c.user_id.clone(),
                position: c.position.clone(),
                total_tenths: c.total_tenths,
                team_lead: c.team_lead,
                rank,
                first_place_months: run,
                challenge_eligible: !c.team_lead && needed > 0 && run >= needed,
            }
        })
        .collect();
    out.sort_by(|a, b| (&a.position, a.rank, &a.user_id).cmp(&(&b.position, b.rank, &b.user_id)));
    out
}

/// A person's year: the sum of their finalised cards' totals.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct YearTotal {
    pub user_id: String,
    pub position: String,
    pub total_tenths: i64,
    pub cards: i64,
    /// 1 for the highest sum of the position; equal sums share a rank.
    pub rank: usize,
    /// HR-S5: the year's best total of the position earns `year_best_fen`; ties each earn it.
    pub award_fen: i64,
}

/// HR-S5: each person's year per position (a person who changed position has a line for
/// each), from the year's finalised cards as (user, position, total).
pub fn year_totals(cards: &[(String, String, i64)], year_best_fen: i64) -> Vec<YearTotal> {
    let mut sums: BTreeMap<(String, String), (i64, i64)> = BTreeMap::new();
    for (user, position, total) in cards {
        let e = sums
            .entry((position.clone(), user.clone()))
            .or_insert((0, 0));
        e.0 += total;
        e.1 += 1;
    }
    let mut out: Vec<YearTotal> = sums
        .iter()
        .map(|((position, user), (total, n))| {
            let rank = 1 + sums
                .iter()
                .filter(|((p, _), (t, _))| p == position && t > total)
                .count();
            YearTotal {
                user_id: user.clone(),
                position: position.clone(),
                total_tenths: *total,
                cards: *n,
                rank,
                award_fen: if rank == 1 { year_best_fen } else { 0 },
            }
        })
        .collect();
    out.sort_by(|a, b| (&a.position, a.rank, &a.user_id).cmp(&(&b.position, b.rank, &b.user_id)));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn card(user: &str, total: i64, team_lead: bool) -> MonthCard {
        MonthCard {
            user_id: user.to_owned(),
            position: "call_centre_representative".to_owned(),
            total_tenths: total,
            team_lead,
        }
    }

    fn of<'a>(s: &'a [Standing], user: &str) -> &'a Standing {
        s.iter().find(|x| x.user_id == user).unwrap()
    }

    #[test]
    fn hr_s5_first_place_three_months_running_may_challenge_a_team_lead() {
        let month = |a, b| {
            vec![
                card("a", a, false),
                card("b", b, false),
                card("lead", 1000, true),
            ]
        };
        let history = vec![month(950, 900), month(960, 940)];
        let s = month_standings(&month(970, 930), &history, 3);
        // The lead outscores everyone and ranks first, but is the one challenged: the first
        // place that counts is among the representatives.
        assert_eq!(of(&s, "lead").rank, 1);
        assert!(!of(&s, "lead").challenge_eligible);
        assert_eq!((of(&s, "a").rank, of(&s, "a").first_place_months), (2, 3));
        assert!(of(&s, "a").challenge_eligible);
        assert_eq!(of(&s, "b").first_place_months, 0);
        assert!(!of(&s, "b").challenge_eligible);
        // Two months are not enough; a break in the run starts it again.
        let two = month_standings(&month(970, 930), &history[..1], 3);
        assert!(!of(&two, "a").challenge_eligible);
        let broken = vec![month(950, 900), month(900, 940), month(950, 900)];
        let s = month_standings(&month(970, 930), &broken, 3);
        assert_eq!(of(&s, "a").first_place_months, 2);
    }

    #[test]
    fn hr_s5_a_shared_first_place_counts_for_both() {
        let s = month_standings(&[card("a", 950, false), card("b", 950, false)], &[], 1);
        assert_eq!((of(&s, "a").rank, of(&s, "b").rank), (1, 1));
        assert!(of(&s, "a").challenge_eligible && of(&s, "b").challenge_eligible);
    }

    #[test]
    fn hr_s5_the_years_best_total_earns_the_year_best_reward() {
        let p = "call_centre_representative".to_owned();
        let cards = vec![
            ("a".to_owned(), p.clone(), 950),
            ("a".to_owned(), p.clone(), 900),
            ("b".to_owned(), p.clone(), 1000),
            ("b".to_owned(), p.clone(), 800),
            ("c".to_owned(), p.clone(), 990),
        ];
        let t = year_totals(&cards, 50_000);
        let a = t.iter().find(|x| x.user_id == "a").unwrap();
        assert_eq!(
            (a.total_tenths, a.cards, a.rank, a.award_fen),
            (1850, 2, 1, 50_000)
        );
        let b = t.iter().find(|x| x.user_id == "b").unwrap();
        assert_eq!((b.rank, b.award_fen), (2, 0));
        assert_eq!(t[0].user_id, "a");
    }
}
