//! The deadlines of the field-service paperwork that follows a visit: the feedback form
//! (TKT-7), the callbacks it triggers and their follow-ups (TKT-9), and the notice of a
//! change request's delay (TKT-12). Working days are days of the work calendar (CAL-1).

use kefu_core::DomainError;
use kefu_core::rules::{RuleSet, check_non_negative};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ServiceDeadlines {
    /// TKT-7: a visit's feedback form is due this many working days after the visit finished
    /// (by the end of that working day).
    pub feedback_form_working_days: i64,
    /// TKT-9: the callback after a received feedback form is due this many working days after
    /// the day of receipt (0: the same day).
    pub callback_after_form_working_days: i64,
    /// TKT-9: the callback after a repaired device is shipped back is due within this many
    /// calendar days of shipping.
    pub callback_after_repair_days: i64,
    /// TKT-9: the manager answers a dissatisfied customer within this many working days.
    pub follow_up_working_days: i64,
    /// TKT-12: a change request not delivered this many working days before its promised
    /// date needs its delay announced to the customer.
    pub change_request_delay_notice_working_days: i64,
}

/// The longest deadline accepted: a year.
const MAX_DAYS: i64 = 366;

impl RuleSet for ServiceDeadlines {
    const KEY: &'static str = "service-deadlines";
    const TITLE: &'static str =
        "TKT-7 feedback form, TKT-9 callback and follow-up, TKT-12 delay notice deadlines";

    fn defaults() -> Self {
        ServiceDeadlines {
            feedback_form_working_days: 1,
            callback_after_form_working_days: 0,
            callback_after_repair_days: 30,
            follow_up_working_days: 3,
            change_request_delay_notice_working_days: 1,
        }
    }

    fn validate(&self) -> Result<(), DomainError> {
        for (field, days) in [
            (
                "feedback_form_working_days",
                self.feedback_form_working_days,
            ),
            (
                "callback_after_form_working_days",
                self.callback_after_form_working_days,
            ),
            (
                "callback_after_repair_days",
                self.callback_after_repair_days,
            ),
            ("follow_up_working_days", self.follow_up_working_days),
            (
                "change_request_delay_notice_working_days",
                self.change_request_delay_notice_working_days,
            ),
        ] {
            check_non_negative(field, days)?;
            if days > MAX_DAYS {
                return Err(DomainError::invalid(
                    field,
                    "range",
                    format!("must be at most {MAX_DAYS}"),
                ));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_defaults_are_the_seeds_deadlines() {
        let d = ServiceDeadlines::defaults();
        assert!(d.validate().is_ok());
        // TKT-7 next working day; TKT-9 same day, within a month, 3 working days.
        assert_eq!(d.feedback_form_working_days, 1);
        assert_eq!(d.callback_after_form_working_days, 0);
        assert_eq!(d.callback_after_repair_days, 30);
        assert_eq!(d.follow_up_working_days, 3);
    }

    #[test]
    fn negative_or_huge_deadlines_name_their_field() {
        let mut d = ServiceDeadlines::defaults();
        d.follow_up_working_days = -1;
        let err = format!("{:?}", d.validate().unwrap_err());
        assert!(err.contains("follow_up_working_days"), "{err}");
        let mut d = ServiceDeadlines::defaults();
        d.callback_after_repair_days = MAX_DAYS + 1;
        let err = format!("{:?}", d.validate().unwrap_err());
        assert!(err.contains("callback_after_repair_days"), "{err}");
    }
}
