//! HR-C1: valid complaints (TKT-10) counted per employee: more than a number in a calendar
//! year raises a dismissal flag, a number within any rolling half-year a demotion flag. Both
//! are recommendations for a person to act on, never automatic acts. The fine itself is the
//! `HR-C1` entry of the fine catalogue.

use chrono::{Datelike, Months, NaiveDate};
use kefu_core::DomainError;
use kefu_core::rules::{RuleSet, check_non_negative};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// HR-C1's thresholds (seed 000).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ComplaintThresholds {
    /// More valid complaints than this in a calendar year raise a dismissal flag.
    pub dismissal_above_per_year: i64,
    /// This many valid complaints within `demotion_window_months` raise a demotion flag.
    pub demotion_count: i64,
    pub demotion_window_months: i64,
}

impl RuleSet for ComplaintThresholds {
    const KEY: &'static str = "complaint-flags";
    const TITLE: &'static str = "HR-C1 complaint thresholds for dismissal and demotion flags";

    fn defaults() -> Self {
        ComplaintThresholds {
            dismissal_above_per_year: 5,
            demotion_count: 3,
            demotion_window_months: 6,
        }
    }

    fn validate(&self) -> Result<(), DomainError> {
        check_non_negative("dismissal_above_per_year", self.dismissal_above_per_year)?;
        for (field, v) in [
            ("demotion_count", self.demotion_count),
            ("demotion_window_months", self.demotion_window_months),
        ] {
            if !(1..=120).contains(&v) {
                return Err(DomainError::invalid(field, "range", "must be 1–120"));
            }
        }
        Ok(())
    }
}

/// HR-C1's reading of one employee's calendar year.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct ComplaintYear {
    /// The calendar year.
    pub year: i32,
    /// Valid complaints received in the calendar year.
    pub in_year: i64,
    /// The most valid complaints within one rolling window of `demotion_window_months`
    /// ending in the year.
    pub most_in_window: i64,
    /// The first and last complaint date of that busiest window, when there is one.
    pub window_from: Option<NaiveDate>,
    /// The last complaint date of that busiest window.
    pub window_to: Option<NaiveDate>,
    /// More than `dismissal_above_per_year` in the year: a recommendation, never an act.
    pub dismissal_flag: bool,
    /// `demotion_count` or more within one window: a recommendation, never an act.
    pub demotion_flag: bool,
}

impl ComplaintThresholds {
    /// The first day a window ending on `last` may hold complaints of.
    fn window_start(&self, last: NaiveDate) -> NaiveDate {
        let months = u32::try_from(self.demotion_window_months.max(1)).unwrap_or(6);
        last.checked_sub_months(Months::new(months))
            .and_then(|d| d.succ_opt())
            .unwrap_or(NaiveDate::MIN)
    }

    /// The dates a summary of `year` needs: from this day on (the windows ending early in the
    /// year reach back into the one before).
    pub fn reach_back(&self, year: i32) -> NaiveDate {
        NaiveDate::from_ymd_opt(year, 1, 1).map_or(NaiveDate::MIN, |d| self.window_start(d))
    }

    /// HR-C1 over `dates`, the days valid complaints about one employee were received
    /// (any order; those outside `[reach_back(year), end of year]` are ignored).
    pub fn summarise(&self, year: i32, dates: &[NaiveDate]) -> ComplaintYear {
        let mut dates: Vec<NaiveDate> = dates.to_vec();
        dates.sort();
        let in_year = dates.iter().filter(|d| d.year() == year).count() as i64;
        let mut best: (i64, Option<NaiveDate>, Option<NaiveDate>) = (0, None, None);
        for last in dates.iter().filter(|d| d.year() == year) {
            let start = self.window_start(*last);
            let inside: Vec<&NaiveDate> = dates
                .iter()
                .filter(|d| **d >= start && *d <= last)
                .collect();
            let n = inside.len() as i64;
            if n > best.0 {
                best = (n, inside.first().map(|d| **d), Some(*last));
            }
        }
        ComplaintYear {
            year,
            in_year,
            most_in_window: best.0,
            window_from: best.1,
            window_to: best.2,
            dismissal_flag: in_year > self.dismissal_above_per_year,
            demotion_flag: best.0 >= self.demotion_count,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn year(dates: &[&str]) -> ComplaintYear {
        let dates: Vec<NaiveDate> = dates.iter().map(|s| d(s)).collect();
        ComplaintThresholds::defaults().summarise(2026, &dates)
    }

    #[test]
    fn hr_c1_six_valid_complaints_in_a_calendar_year_raise_the_dismissal_flag() {
        let spread = [
            "2026-01-10",
            "2026-03-10",
            "2026-05-20",
            "2026-08-01",
            "2026-10-15",
        ];
        let five = year(&spread);
        assert_eq!(five.in_year, 5);
        assert!(!five.dismissal_flag, "five is not more than five");
        let mut six = spread.to_vec();
        six.push("2026-12-30");
        let six = year(&six);
        assert_eq!(six.in_year, 6);
        assert!(six.dismissal_flag);
        // The year before does not count towards this one.
        assert!(
            !year(&[
                "2025-12-01",
                "2025-12-02",
                "2026-01-10",
                "2026-03-10",
                "2026-05-20",
                "2026-08-01",
                "2026-10-15"
            ])
            .dismissal_flag
        );
    }

    #[test]
    fn hr_c1_three_within_six_months_raise_the_demotion_flag() {
        let three = year(&["2026-02-01", "2026-04-15", "2026-07-31"]);
        assert_eq!(three.most_in_window, 3);
        assert!(three.demotion_flag);
        assert_eq!(
            (three.window_from, three.window_to),
            (Some(d("2026-02-01")), Some(d("2026-07-31")))
        );
        // Six months and a day apart: never three in one window.
        let apart = year(&["2026-02-01", "2026-04-15", "2026-08-01"]);
        assert_eq!(apart.most_in_window, 2);
        assert!(!apart.demotion_flag);
        // A window may start in the year before.
        let across = year(&["2025-11-20", "2025-12-20", "2026-02-10"]);
        assert_eq!(across.in_year, 1);
        assert!(across.demotion_flag);
    }

    #[test]
    fn hr_c1_no_complaints_no_flags_and_thresholds_are_validated() {
        let none = year(&[]);
        assert_eq!((none.in_year, none.most_in_window), (0, 0));
        assert!(!none.dismissal_flag && !none.demotion_flag);
        let t = ComplaintThresholds::defaults();
        assert!(t.validate().is_ok());
        assert_eq!(t.reach_back(2026), d("2025-07-02"));
        let bad = ComplaintThresholds {
            demotion_window_months: 0,
            ..t
        };
        assert!(bad.validate().is_err());
    }
}
