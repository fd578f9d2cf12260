//! HR-S5 standings: the month's ranking with first places running, and the year's best total.
//! Facts from the finalised cards (immutable once finalised), rules from `star-ratings` in
//! force on the month's (or year's last) day; team leads are who supervises a team now.

use crate::kernel::error::ApiError;
use crate::scoring::dto::standings::{MonthStandingsOut, YearStandingsOut};
use crate::scoring::service::score_events::{begun_month, rules_on};
use chrono::NaiveDate;
use kefu_core::{FieldError, YearMonth};
use kefu_scoring::grades::StarRules;
use kefu_scoring::standings::{MonthCard, YearTotal, month_standings, year_totals};
use kefu_store::DbConnection;
use kefu_store::scorecards::{finalised_in, supervised_teams};
use std::collections::BTreeSet;

/// The months before `month` that can matter to a run of first places: as many as the rule
/// asks for, less this one.
fn months_before(month: YearMonth, needed: i64) -> Vec<String> {
    let mut out = Vec::new();
    let mut m = month;
    for _ in 1..needed.max(1) {
        m = m.previous();
        out.push(m.to_string());
    }
    out
}

fn leads(conn: &mut DbConnection) -> Result<BTreeSet<String>, ApiError> {
    Ok(supervised_teams(conn)?
        .into_iter()
        .map(|(_, s)| s)
        .collect())
}

/// HR-S5: the standings of `raw` (a month that has begun).
pub fn month(
    conn: &mut DbConnection,
    today: NaiveDate,
    raw: &str,
) -> Result<MonthStandingsOut, ApiError> {
    let month = begun_month(raw, today)?;
    let first = month.first_day().ok_or(ApiError::NotFound)?;
    let needed = rules_on::<StarRules>(conn, first)?.first_place_months;
    let before = months_before(month, needed);
    let mut wanted = before.clone();
    wanted.push(month.to_string());
    let leads = leads(conn)?;
    let rows = finalised_in(conn, &wanted)?;
    let cards_of = |m: &str| -> Vec<MonthCard> {
        rows.iter()
            .filter(|(rm, ..)| rm == m)
            .map(|(_, user, position, total)| MonthCard {
                user_id: user.clone(),
                position: position.clone(),
                total_tenths: *total,
                team_lead: leads.contains(user),
            })
            .collect()
    };
    let history: Vec<Vec<MonthCard>> = before.iter().map(|m| cards_of(m)).collect();
    let items = month_standings(&cards_of(&month.to_string()), &history, needed)
        .into_iter()
        .map(Into::into)
        .collect();
    Ok(MonthStandingsOut {
        month: month.to_string(),
        items,
    })
}

/// HR-S5: the standings of `year` so far (final once it has ended).
pub fn year(
    conn: &mut DbConnection,
    today: NaiveDate,
    year: i32,
) -> Result<YearStandingsOut, ApiError> {
    let out_of_range = || {
        ApiError::Invalid(vec![FieldError::new(
            "year",
            "range",
            "a year that has begun",
        )])
    };
    let january = NaiveDate::from_ymd_opt(year, 1, 1).ok_or_else(out_of_range)?;
    if january > today {
        return Err(out_of_range());
    }
    let december = NaiveDate::from_ymd_opt(year, 12, 31).ok_or_else(out_of_range)?;
    Ok(YearStandingsOut {
        year,
        complete: today > december,
        items: totals_of(conn, year, december.min(today))?
            .into_iter()
            .map(Into::into)
            .collect(),
    })
}

/// HR-S5: every person's year from the year's finalised cards, with the year-best award of
/// the `star-ratings` rule set in force on `rules_day`.
pub fn totals_of(
    conn: &mut DbConnection,
    year: i32,
    rules_day: NaiveDate,
) -> Result<Vec<YearTotal>, ApiError> {
    let stars = rules_on::<StarRules>(conn, rules_day)?;
    let months: Vec<String> = (1..=12)
        .filter_map(|m| NaiveDate::from_ymd_opt(year, m, 1))
        .map(|d| YearMonth::of(d).to_string())
        .collect();
    let cards: Vec<(String, String, i64)> = finalised_in(conn, &months)?
        .into_iter()
        .map(|(_, user, position, total)| (user, position, total))
        .collect();
    Ok(year_totals(&cards, stars.year_best_fen))
}
