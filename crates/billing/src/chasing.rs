//! BIL-8 chasing notes (催缴记录): who called the customer about a document in arrears, when,
//! how, what came of it and, for a promise, the day the customer promised to pay. Notes are
//! append-only: a later call is a new note, which supersedes the earlier one's promise.

use chrono::NaiveDate;
use kefu_core::{DomainError, FieldError};
use utoipa::ToSchema;

kefu_core::string_enum! {
    /// BIL-8: how the customer was reached.
    #[derive(ToSchema)]
    pub enum ChasingChannel {
        Phone = "phone",
        Visit = "visit",
        Message = "message",
        Email = "email",
        Letter = "letter",
    }
}

kefu_core::string_enum! {
    /// BIL-8: what came of a chasing call.
    #[derive(ToSchema)]
    pub enum ChasingOutcome {
        /// The customer promised to pay by `promised_on`.
        Promised = "promised",
        Refused = "refused",
        /// The customer disputes the amount (a case for a credit note or a statement).
        Disputed = "disputed",
        NoAnswer = "no_answer",
        /// The customer says they paid: check the payments.
        PaidAlready = "paid_already",
        Other = "other",
    }
}

fn invalid(field: &str, code: &'static str, message: &str) -> DomainError {
    DomainError::Invalid(vec![FieldError::new(field, code, message).by_rule("BIL-8")])
}

/// BIL-8: a note's own consistency: a call is not in the future (422 `called_at`); a promise
/// names its day (422 `promised_on`), not before the call; only a promise names one.
pub fn check_note(
    outcome: ChasingOutcome,
    called_on: NaiveDate,
    promised_on: Option<NaiveDate>,
    today: NaiveDate,
) -> Result<(), DomainError> {
    if called_on > today {
        return Err(invalid(
            "called_at",
            "future",
            "a call is recorded once it was made",
        ));
    }
    match (outcome, promised_on) {
        (ChasingOutcome::Promised, None) => Err(invalid(
            "promised_on",
            "required",
            "a promise names the day the customer will pay",
        )),
        (ChasingOutcome::Promised, Some(day)) if day < called_on => Err(invalid(
            "promised_on",
            "range",
            "the promised day is not before the call",
        )),
        (ChasingOutcome::Promised, Some(_)) | (_, None) => Ok(()),
        (_, Some(_)) => Err(invalid(
            "promised_on",
            "not_allowed",
            "only a promise (`outcome: promised`) names a day",
        )),
    }
}

/// BIL-8: whether a promise to pay by `promised_on` has lapsed on `today`: the day has passed,
/// no later call superseded it and the document still owes money.
pub fn promise_lapsed(
    promised_on: NaiveDate,
    today: NaiveDate,
    superseded: bool,
    outstanding_fen: i64,
) -> bool {
    today > promised_on && !superseded && outstanding_fen > 0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        s.parse().unwrap_or_default()
    }

    fn field(r: Result<(), DomainError>) -> String {
        match r {
            Err(DomainError::Invalid(e)) => e[0].field.clone(),
            other => format!("{other:?}"),
        }
    }

    #[test]
    fn bil_8_a_note_names_the_field_it_gets_wrong() {
        let (call, today) = (day("2026-03-09"), day("2026-03-09"));
        assert!(check_note(ChasingOutcome::Promised, call, Some(call), today).is_ok());
        assert!(check_note(ChasingOutcome::NoAnswer, call, None, today).is_ok());
        assert_eq!(
            field(check_note(ChasingOutcome::Promised, call, None, today)),
            "promised_on"
        );
        let before = day("2026-03-08");
        assert_eq!(
            field(check_note(
                ChasingOutcome::Promised,
                call,
                Some(before),
                today
            )),
            "promised_on"
        );
        assert_eq!(
            field(check_note(ChasingOutcome::Refused, call, Some(call), today)),
            "promised_on"
        );
        assert_eq!(
            field(check_note(
                ChasingOutcome::Refused,
                day("2026-03-10"),
                None,
                today
            )),
            "called_at"
        );
    }

    #[test]
    fn bil_8_a_promise_lapses_the_day_after_unless_paid_or_superseded() {
        let promised = day("2026-03-10");
        assert!(!promise_lapsed(promised, promised, false, 100));
        assert!(promise_lapsed(
            day("2026-03-11"),
            day("2026-03-12"),
            false,
            100
        ));
        assert!(promise_lapsed(promised, day("2026-03-11"), false, 100));
        assert!(!promise_lapsed(promised, day("2026-03-11"), true, 100));
        assert!(!promise_lapsed(promised, day("2026-03-11"), false, 0));
    }
}
