//! TKT-13: the customer satisfaction report of a month or quarter, from the completed
//! callbacks (TKT-9), per team, engineer or customer. Pure aggregation: rows come in.

use chrono::NaiveDate;
use kefu_core::{DomainError, YearMonth};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use utoipa::ToSchema;

/// A reporting period: a calendar month or quarter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Period {
    Month(YearMonth),
    Quarter { year: i32, quarter: u32 },
}

impl Period {
    /// `2026-Q1`.
    pub fn parse_quarter(field: &str, raw: &str) -> Result<Period, DomainError> {
        let bad = || DomainError::invalid(field, "format", "a quarter in the form YYYY-Qn, n 1–4");
        let (y, q) = raw.split_once("-Q").ok_or_else(bad)?;
        if y.len() != 4 || q.len() != 1 {
            return Err(bad());
        }
        let year: i32 = y.parse().map_err(|_| bad())?;
        let quarter: u32 = q.parse().map_err(|_| bad())?;
        if !(1..=4).contains(&quarter) {
            return Err(bad());
        }
        Ok(Period::Quarter { year, quarter })
    }

    /// The first and last day of the period.
    pub fn days(self) -> Option<(NaiveDate, NaiveDate)> {
        let (first, months) = match self {
            Period::Month(m) => (m, 1),
            Period::Quarter { year, quarter } => (YearMonth::new(year, quarter * 3 - 2)?, 3),
        };
        let mut end = first;
        for _ in 0..months {
            end = end.next();
        }
        Some((first.first_day()?, end.first_day()?.pred_opt()?))
    }

    pub fn label(self) -> String {
        match self {
            Period::Month(m) => m.to_string(),
            Period::Quarter { year, quarter } => format!("{year:04}-Q{quarter}"),
        }
    }
}

/// One completed callback as the report counts it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scored {
    /// The group it falls in (team, engineer or customer id; `None`: none on the ticket).
    pub group: Option<String>,
    pub reached: bool,
    pub satisfied: bool,
    pub result_ok: bool,
    pub timeliness: i64,
    pub attitude: i64,
    pub technical: i64,
}

/// The figures of one group. Averages are in hundredths (4.50 → 450), rounded half up.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Figures {
    /// Callbacks completed in the period.
    pub completed: i64,
    /// Of those, the customer was reached (scores count only these).
    pub reached: i64,
    /// Of the reached, the customer was satisfied.
    pub satisfied: i64,
    /// `satisfied / reached` in basis points.
    pub satisfaction_rate_bp: i64,
    /// Of the reached, the customer said the problem was solved.
    pub result_ok: i64,
    /// Average timeliness score in hundredths (4.50 → 450).
    pub avg_timeliness_x100: i64,
    /// Average attitude score in hundredths.
    pub avg_attitude_x100: i64,
    /// Average technical score in hundredths.
    pub avg_technical_x100: i64,
    /// The mean of all three scores together, in hundredths.
    pub overall_score_x100: i64,
}

fn ratio(num: i64, den: i64, scale: i64) -> i64 {
    if den == 0 {
        0
    } else {
        (num * scale * 2 + den) / (den * 2)
    }
}

/// The figures of `items`.
pub fn figures<'a>(items: impl IntoIterator<Item = &'a Scored>) -> Figures {
    let mut f = Figures::default();
    let (mut t, mut a, mut s) = (0, 0, 0);
    for item in items {
        f.completed += 1;
        if !item.reached {
            continue;
        }
        f.reached += 1;
        f.satisfied += i64::from(item.satisfied);
        f.result_ok += i64::from(item.result_ok);
        t += item.timeliness;
        a += item.attitude;
        s += item.technical;
    }
    f.satisfaction_rate_bp = ratio(f.satisfied, f.reached, 10_000);
    f.avg_timeliness_x100 = ratio(t, f.reached, 100);
    f.avg_attitude_x100 = ratio(a, f.reached, 100);
    f.avg_technical_x100 = ratio(s, f.reached, 100);
    f.overall_score_x100 = ratio(t + a + s, f.reached * 3, 100);
    f
}

/// TKT-13: the figures per group, ordered by group (the ungrouped last).
pub fn by_group(items: &[Scored]) -> Vec<(Option<String>, Figures)> {
    let mut groups: BTreeMap<(bool, Option<String>), Vec<&Scored>> = BTreeMap::new();
    for item in items {
        groups
            .entry((item.group.is_none(), item.group.clone()))
            .or_default()
            .push(item);
    }
    groups
        .into_iter()
        .map(|((_, key), rows)| (key, figures(rows)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scored(group: Option<&str>, satisfied: bool, t: i64, a: i64, s: i64) -> Scored {
        Scored {
            group: group.map(str::to_owned),
            reached: true,
            satisfied,
            result_ok: satisfied,
            timeliness: t,
            attitude: a,
            technical: s,
        }
    }

    #[test]
    fn tkt_13_averages_and_rate_per_engineer() {
        let items = vec![
            scored(Some("e1"), true, 5, 5, 4),
            scored(Some("e1"), false, 2, 3, 3),
            scored(Some("e1"), true, 4, 4, 4),
            scored(Some("e2"), true, 5, 4, 5),
            scored(None, true, 3, 3, 3),
        ];
        let groups = by_group(&items);
        assert_eq!(groups.len(), 3);
        let (key, e1) = &groups[0];
        assert_eq!(key.as_deref(), Some("e1"));
        assert_eq!(e1.completed, 3);
        assert_eq!(e1.satisfied, 2);
        assert_eq!(e1.satisfaction_rate_bp, 6667);
        assert_eq!(e1.avg_timeliness_x100, 367); // 11 / 3 = 3.666…
        assert_eq!(e1.avg_attitude_x100, 400);
        assert_eq!(e1.avg_technical_x100, 367);
        assert_eq!(e1.overall_score_x100, 378); // 34 / 9 = 3.777…
        assert_eq!(groups[1].0.as_deref(), Some("e2"));
        assert_eq!(groups[2].0, None, "the ungrouped come last");
    }

    #[test]
    fn tkt_13_unreached_calls_count_as_completed_but_not_in_the_scores() {
        let mut off = scored(Some("e1"), false, 0, 0, 0);
        off.reached = false;
        let f = figures(&[scored(Some("e1"), true, 4, 4, 4), off]);
        assert_eq!((f.completed, f.reached, f.satisfied), (2, 1, 1));
        assert_eq!(f.satisfaction_rate_bp, 10_000);
        assert_eq!(f.avg_attitude_x100, 400);
        assert_eq!(figures(&[]), Figures::default());
    }

    #[test]
    fn tkt_13_periods_are_months_and_quarters() {
        let m = Period::Month("2026-02".parse().unwrap());
        assert_eq!(
            m.days(),
            Some(("2026-02-01".parse().unwrap(), "2026-02-28".parse().unwrap()))
        );
        let q = Period::parse_quarter("quarter", "2026-Q4").unwrap();
        assert_eq!(
            q.days(),
            Some(("2026-10-01".parse().unwrap(), "2026-12-31".parse().unwrap()))
        );
        assert_eq!(q.label(), "2026-Q4");
        for bad in ["2026-Q5", "2026Q1", "26-Q1", "2026-Q0"] {
            assert!(Period::parse_quarter("quarter", bad).is_err(), "{bad}");
        }
    }
}
