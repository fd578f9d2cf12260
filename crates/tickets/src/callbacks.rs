//! TKT-9 callbacks: after a received feedback form (the same day by default), after a
//! repaired device is shipped back (within a month), or entered by hand. The questionnaire's
//! answers, the due dates, and who takes a new task. Pure: calendars and counts come in.

use crate::access::{self, Action};
use chrono::{Duration, NaiveDate};
use kefu_core::Role;
use kefu_core::{CalendarError, WorkCalendar};
use kefu_core::{DomainError, FieldError};
use utoipa::ToSchema;

pub mod guards;

kefu_core::string_enum! {
    #[derive(ToSchema)]
    pub enum CallbackSource {
        /// Made when the visit's feedback form is received (TKT-7 → TKT-9).
        FeedbackForm = "feedback_form",
        /// After a repaired device is shipped back to the customer.
        RepairReturn = "repair_return",
        Manual = "manual",
    }
}

kefu_core::string_enum! {
    #[derive(ToSchema)]
    pub enum CallbackStatus {
        Open = "open",
        Done = "done",
        Cancelled = "cancelled",
    }
}

kefu_core::string_enum! {
    #[derive(ToSchema)]
    pub enum FollowUpStatus {
        Open = "open",
        Answered = "answered",
    }
}

kefu_core::string_enum! {
    /// The manager's decision on a dissatisfied customer (TKT-9): send the ticket back to work,
    /// or close it with the explanation given to the customer.
    #[derive(ToSchema)]
    pub enum FollowUpDecision {
        Reopen = "reopen",
        Close = "close",
    }
}

kefu_core::string_enum! {
    /// What was charged on site: a deposit (refundable) or a fee.
    #[derive(ToSchema)]
    pub enum FeeKind {
        Deposit = "deposit",
        Fee = "fee",
    }
}

kefu_core::string_enum! {
    /// A command of the desk on one callback, named as its endpoint
    /// `POST /callbacks/{id}/<name>`.
    #[derive(ToSchema)]
    pub enum CallbackCommand {
        Attempt = "attempt",
        Complete = "complete",
    }
}

impl CallbackCommand {
    /// The row of the access table the command is checked against.
    pub fn access(self) -> Action {
        match self {
            CallbackCommand::Attempt => Action::CallbackAttempt,
            CallbackCommand::Complete => Action::CallbackComplete,
        }
    }
}

/// Who may run `command` on a callback (ORG-1: the desk).
pub fn authorize(roles: &[Role], command: CallbackCommand) -> Result<(), DomainError> {
    access::require(command.access(), roles)
}

/// Whether the callback's state lets the desk work it (TKT-9: open callbacks only).
pub fn precondition(status: CallbackStatus) -> Result<(), DomainError> {
    guards::check_open(status)
}

/// [`authorize`], then [`precondition`].
pub fn permitted(
    status: CallbackStatus,
    roles: &[Role],
    command: CallbackCommand,
) -> Result<(), DomainError> {
    authorize(roles, command)?;
    precondition(status)
}

/// The commands a caller holding `roles` may run on a callback in `status` now, in
/// [`CallbackCommand::ALL`] order. `complete` may still be refused for its answers (TKT-9).
pub fn allowed_actions(status: CallbackStatus, roles: &[Role]) -> Vec<CallbackCommand> {
    CallbackCommand::ALL
        .into_iter()
        .filter(|c| permitted(status, roles, *c).is_ok())
        .collect()
}

/// The questionnaire of a reached callback (seeds: attitude, technical level, result; was the
/// form signed; what was charged).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answers {
    pub form_signed: bool,
    pub timeliness: i64,
    pub attitude: i64,
    pub technical: i64,
    pub result_ok: bool,
    /// The customer's overall verdict: `false` opens a manager's follow-up.
    pub satisfied: bool,
    pub fee_charged_fen: Option<i64>,
    pub fee_kind: Option<FeeKind>,
    pub fee_refunded: Option<bool>,
    pub invoice_given: Option<bool>,
}

pub const MIN_SCORE: i64 = 1;
pub const MAX_SCORE: i64 = 5;

impl Answers {
    /// TKT-9: scores 1–5; a fee needs its kind and a kind needs a fee; only a deposit is
    /// refunded. Every violation names its field.
    pub fn validate(&self) -> Result<(), DomainError> {
        let mut errors = Vec::new();
        for (field, score) in [
            ("timeliness", self.timeliness),
            ("attitude", self.attitude),
            ("technical", self.technical),
        ] {
            if !(MIN_SCORE..=MAX_SCORE).contains(&score) {
                errors.push(
                    FieldError::new(
                        field,
                        "range",
                        format!("TKT-9: a score from {MIN_SCORE} to {MAX_SCORE}"),
                    )
                    .by_rule("TKT-9"),
                );
            }
        }
        match (self.fee_charged_fen, self.fee_kind) {
            (Some(fen), _) if fen < 0 => {
                errors.push(FieldError::new(
                    "fee_charged_fen",
                    "range",
                    "must not be negative",
                ));
            }
            (Some(fen), None) if fen > 0 => errors.push(FieldError::new(
                "fee_kind",
                "required",
                "say whether the money charged was a deposit or a fee",
            )),
            (None, Some(_)) => errors.push(FieldError::new(
                "fee_charged_fen",
                "required",
                "the amount charged, in fen",
            )),
            _ => {}
        }
        if self.fee_refunded == Some(true) && self.fee_kind != Some(FeeKind::Deposit) {
            errors.push(FieldError::new(
                "fee_refunded",
                "not_allowed",
                "only a deposit is refunded",
            ));
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(DomainError::Invalid(errors))
        }
    }
}

/// TKT-9: the callback after a feedback form received on `received` is due `days` working
/// days later; with 0, the same day — or the next working day when the form came in on a day
/// off.
pub fn due_after_form(
    calendar: &WorkCalendar,
    received: NaiveDate,
    days: u32,
) -> Result<NaiveDate, CalendarError> {
    let start = if calendar.is_working_day(received) {
        received
    } else {
        calendar.next_working_day(received)?
    };
    calendar.add_working_days(start, days)
}

/// TKT-9: the callback after a repaired device was shipped on `shipped_on` is due within
/// `days` calendar days.
pub fn due_after_repair(shipped_on: NaiveDate, days: i64) -> Option<NaiveDate> {
    shipped_on.checked_add_signed(Duration::days(days))
}

/// TKT-9: the manager answers a dissatisfied customer within `days` working days of the
/// callback.
pub fn follow_up_due(
    calendar: &WorkCalendar,
    callback_day: NaiveDate,
    days: u32,
) -> Result<NaiveDate, CalendarError> {
    calendar.add_working_days(callback_day, days)
}

/// The candidate with the fewest open tasks, ties broken by the smaller id; `candidates` are
/// ids, `open` the counts of those that have any.
pub fn least_loaded<'a>(candidates: &'a [String], open: &[(String, i64)]) -> Option<&'a str> {
    candidates
        .iter()
        .map(|c| {
            let n = open.iter().find(|(id, _)| id == c).map_or(0, |(_, n)| *n);
            (n, c.as_str())
        })
        .min()
        .map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{Datelike, Weekday};

    fn day(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn calendar() -> WorkCalendar {
        WorkCalendar::new()
    }

    fn answers() -> Answers {
        Answers {
            form_signed: true,
            timeliness: 5,
            attitude: 4,
            technical: 3,
            result_ok: true,
            satisfied: true,
            fee_charged_fen: None,
            fee_kind: None,
            fee_refunded: None,
            invoice_given: None,
        }
    }

    #[test]
    fn tkt_9_form_received_on_a_wednesday_is_called_back_the_same_day() {
        let due = due_after_form(&calendar(), day("2026-03-11"), 0).unwrap();
        assert_eq!(due, day("2026-03-11"));
        assert_eq!(due.weekday(), Weekday::Wed);
        assert_eq!(
            due_after_form(&calendar(), day("2026-03-11"), 1).unwrap(),
            day("2026-03-12")
        );
    }

    #[test]
    fn tkt_9_form_received_on_a_saturday_is_called_back_on_monday() {
        assert_eq!(
            due_after_form(&calendar(), day("2026-03-14"), 0).unwrap(),
            day("2026-03-16")
        );
    }

    #[test]
    fn tkt_9_follow_up_from_friday_crosses_the_weekend_to_wednesday() {
        assert_eq!(
            follow_up_due(&calendar(), day("2026-03-13"), 3).unwrap(),
            day("2026-03-18")
        );
    }

    #[test]
    fn tkt_9_repair_return_is_due_within_a_month_of_shipping() {
        assert_eq!(
            due_after_repair(day("2026-03-02"), 30),
            Some(day("2026-04-01"))
        );
    }

    #[test]
    fn tkt_9_scores_outside_one_to_five_name_their_field() {
        let mut a = answers();
        a.attitude = 0;
        a.technical = 6;
        let refused = a.validate().unwrap_err();
        assert_eq!(refused.rule(), Some("TKT-9"));
        let err = format!("{refused:?}");
        assert!(
            err.contains("attitude") && err.contains("technical"),
            "{err}"
        );
        assert!(!err.contains("timeliness"), "{err}");
        assert!(answers().validate().is_ok());
    }

    #[test]
    fn tkt_9_a_fee_needs_its_kind_and_only_a_deposit_is_refunded() {
        let mut a = answers();
        a.fee_charged_fen = Some(20_000);
        assert!(format!("{:?}", a.validate().unwrap_err()).contains("fee_kind"));
        a.fee_kind = Some(FeeKind::Fee);
        a.fee_refunded = Some(true);
        assert!(format!("{:?}", a.validate().unwrap_err()).contains("fee_refunded"));
        a.fee_kind = Some(FeeKind::Deposit);
        assert!(a.validate().is_ok());
    }

    #[test]
    fn least_loaded_prefers_the_fewest_open_then_the_smaller_id() {
        let c = vec!["b".to_owned(), "a".to_owned(), "c".to_owned()];
        assert_eq!(least_loaded(&c, &[]), Some("a"));
        let open = vec![("a".to_owned(), 2), ("b".to_owned(), 1)];
        assert_eq!(least_loaded(&c, &open), Some("c"));
        assert_eq!(least_loaded(&[], &open), None);
    }
}

#[cfg(test)]
mod allowed_tests {
    use super::*;

    #[test]
    fn tkt_9_the_desk_works_open_callbacks_only() {
        let all = vec![CallbackCommand::Attempt, CallbackCommand::Complete];
        assert_eq!(
            allowed_actions(CallbackStatus::Open, &[Role::CallbackAgent]),
            all
        );
        assert_eq!(allowed_actions(CallbackStatus::Open, &[Role::Clerk]), all);
        assert_eq!(
            allowed_actions(CallbackStatus::Open, &[Role::Engineer]),
            vec![]
        );
        assert_eq!(
            allowed_actions(CallbackStatus::Open, &[Role::Supervisor]),
            vec![]
        );
        for closed in [CallbackStatus::Done, CallbackStatus::Cancelled] {
            assert_eq!(allowed_actions(closed, &[Role::Manager]), vec![]);
        }
    }
}
