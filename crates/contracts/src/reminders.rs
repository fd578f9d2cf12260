//! ORG-4 / CON-4: equipment whose warranty is about to end is brought to the attention of the
//! people responsible for its customer, so that a service contract can be offered in time.

use chrono::{Days, NaiveDate};
use kefu_core::DomainError;
use kefu_core::rules::{RuleSet, check_non_negative};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WarrantyReminders {
    /// A reminder is sent once the warranty ends within this many days (0: on its last day).
    pub days_before_end: i64,
}

/// The longest look-ahead accepted: ten years.
const MAX_DAYS: i64 = 3_660;

impl RuleSet for WarrantyReminders {
    const KEY: &'static str = "warranty-reminders";
    const TITLE: &'static str = "ORG-4 equipment warranty reminders: days before the warranty ends";

    fn defaults() -> Self {
        WarrantyReminders {
            days_before_end: 30,
        }
    }

    fn validate(&self) -> Result<(), DomainError> {
        check_non_negative("days_before_end", self.days_before_end)?;
        if self.days_before_end > MAX_DAYS {
            return Err(DomainError::invalid(
                "days_before_end",
                "range",
                format!("must be at most {MAX_DAYS}"),
            ));
        }
        Ok(())
    }
}

impl WarrantyReminders {
    /// The warranty ends that are due for a reminder on `today`: from today (a warranty that
    /// has already ended is past reminding) to `days_before_end` days ahead, inclusive.
    pub fn window(&self, today: NaiveDate) -> (NaiveDate, NaiveDate) {
        let days = u64::try_from(self.days_before_end.clamp(0, MAX_DAYS)).unwrap_or(0);
        let last = today.checked_add_days(Days::new(days)).unwrap_or(today);
        (today, last)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn the_window_runs_from_today_for_the_configured_days() {
        let rules = WarrantyReminders::defaults();
        assert!(rules.validate().is_ok());
        assert_eq!(
            rules.window(d("2026-03-01")),
            (d("2026-03-01"), d("2026-03-31"))
        );
        let same_day = WarrantyReminders { days_before_end: 0 };
        assert_eq!(
            same_day.window(d("2026-03-01")),
            (d("2026-03-01"), d("2026-03-01"))
        );
    }

    #[test]
    fn negative_or_huge_look_aheads_are_refused() {
        assert!(
            WarrantyReminders {
                days_before_end: -1
            }
            .validate()
            .is_err()
        );
        assert!(
            WarrantyReminders {
                days_before_end: MAX_DAYS + 1
            }
            .validate()
            .is_err()
        );
    }
}
