//! INV-6 RMA (返修): a faulty serialised unit sent to its manufacturer with the manufacturer,
//! batch, serial, fault reason and sent date, tracked until it comes back repaired (the same
//! serial), is replaced (a new serial comes back) or is written off. The seed leaves the
//! return cycle "to be decided" (固定周期(待定)), so the days a unit is expected back within
//! are a rule value ([`RmaPolicy`]).

use crate::movements::MAX_SERIAL_CHARS;
use chrono::NaiveDate;
use kefu_core::rules::{RuleSet, check_non_negative};
use kefu_core::{DomainError, FieldError};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RmaPolicy {
    /// INV-6: a unit sent to the manufacturer is expected back this many working days after
    /// its sent date; still out after that day it is overdue.
    pub expected_back_days: i64,
}

impl RuleSet for RmaPolicy {
    const KEY: &'static str = "rma-returns";
    const TITLE: &'static str = "INV-6 RMA expected return";

    fn defaults() -> Self {
        RmaPolicy {
            expected_back_days: 20,
        }
    }

    fn validate(&self) -> Result<(), DomainError> {
        check_non_negative("expected_back_days", self.expected_back_days)
    }
}

kefu_core::string_enum! {
    /// INV-6: where an RMA stands. `sent` is open; the other three are its outcome.
    #[derive(ToSchema)]
    pub enum RmaStatus {
        /// At the manufacturer.
        Sent = "sent",
        /// Repaired: the same serial came back into stock.
        Returned = "returned",
        /// Replaced: a new serial came back into stock in its place.
        Replaced = "replaced",
        /// Neither repaired nor replaced: written off.
        WrittenOff = "written_off",
    }
}

kefu_core::string_enum! {
    /// INV-6: how an RMA ends.
    #[derive(ToSchema)]
    pub enum RmaOutcome {
        Returned = "returned",
        Replaced = "replaced",
        WrittenOff = "written_off",
    }
}

impl From<RmaOutcome> for RmaStatus {
    fn from(outcome: RmaOutcome) -> Self {
        match outcome {
            RmaOutcome::Returned => RmaStatus::Returned,
            RmaOutcome::Replaced => RmaStatus::Replaced,
            RmaOutcome::WrittenOff => RmaStatus::WrittenOff,
        }
    }
}

fn field(name: &str, code: &'static str, message: impl Into<String>) -> FieldError {
    FieldError::new(name, code, message).by_rule("INV-6")
}

fn result(errors: Vec<FieldError>) -> Result<(), DomainError> {
    if errors.is_empty() {
        Ok(())
    } else {
        Err(DomainError::Invalid(errors))
    }
}

/// What sending a unit names, trimmed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SendFacts {
    /// The part is tracked by serial: only a named unit goes to the manufacturer.
    pub serialised: bool,
    pub manufacturer: String,
    pub fault_reason: String,
    pub sent_on: NaiveDate,
}

/// INV-6: a unit is sent with its manufacturer and fault reason, on a day not after today;
/// only serialised parts (a unit the manufacturer sends back by serial). 422 naming the
/// fields and `INV-6`.
pub fn check_send(facts: &SendFacts, today: NaiveDate) -> Result<(), DomainError> {
    let mut errors = Vec::new();
    if !facts.serialised {
        errors.push(field(
            "part_id",
            "not_serialised",
            "only a unit with a serial number is sent to the manufacturer",
        ));
    }
    if facts.manufacturer.is_empty() {
        errors.push(field("manufacturer", "required", "name the manufacturer"));
    }
    if facts.fault_reason.is_empty() {
        errors.push(field("fault_reason", "required", "say what is wrong"));
    }
    if facts.sent_on > today {
        errors.push(field("sent_on", "future", "a unit is recorded once sent"));
    }
    result(errors)
}

/// How an RMA is to end, trimmed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CloseCommand {
    pub outcome: RmaOutcome,
    pub returned_on: NaiveDate,
    /// Where the unit (or its replacement) goes back into stock.
    pub has_location: bool,
    pub replacement_serial: Option<String>,
}

/// What the decision knows of the RMA.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RmaFacts {
    pub status: RmaStatus,
    pub serial: String,
    pub sent_on: NaiveDate,
}

/// INV-6: only a `sent` RMA ends (409 otherwise); the return date lies between the sent date
/// and today; a unit that comes back (repaired or replaced) needs the location it goes to,
/// a written-off one none; a replacement names its new serial, different from the old one.
/// Returns the status the RMA takes.
pub fn decide_close(
    rma: &RmaFacts,
    cmd: &CloseCommand,
    today: NaiveDate,
) -> Result<RmaStatus, DomainError> {
    if rma.status != RmaStatus::Sent {
        return Err(DomainError::State {
            rule: "INV-6",
            message: format!("the RMA is {} already", rma.status),
        });
    }
    let mut errors = Vec::new();
    if cmd.returned_on < rma.sent_on {
        errors.push(field(
            "returned_on",
            "before_sent",
            format!("the unit was sent on {}", rma.sent_on),
        ));
    } else if cmd.returned_on > today {
        errors.push(field("returned_on", "future", "not after today"));
    }
    let comes_back = cmd.outcome != RmaOutcome::WrittenOff;
    if comes_back && !cmd.has_location {
        errors.push(field(
            "to_location_id",
            "required",
            "the unit comes back into stock somewhere",
        ));
    } else if !comes_back && cmd.has_location {
        errors.push(field(
            "to_location_id",
            "not_allowed",
            "a written-off unit comes back nowhere",
        ));
    }
    match (cmd.outcome, cmd.replacement_serial.as_deref()) {
        (RmaOutcome::Replaced, None) => errors.push(field(
            "replacement_serial",
            "required",
            "a replacement comes with its own serial",
        )),
        (RmaOutcome::Replaced, Some(s)) if s.is_empty() || s.chars().count() > MAX_SERIAL_CHARS => {
            errors.push(field(
                "replacement_serial",
                "length",
                format!("a serial is 1 to {MAX_SERIAL_CHARS} characters"),
            ))
        }
        (RmaOutcome::Replaced, Some(s)) if s == rma.serial => errors.push(field(
            "replacement_serial",
            "same_serial",
            "the same serial back is a repair: outcome `returned`",
        )),
        (RmaOutcome::Replaced, Some(_)) | (_, None) => {}
        (_, Some(_)) => errors.push(field(
            "replacement_serial",
            "not_allowed",
            "only a replacement has a new serial",
        )),
    }
    result(errors)?;
    Ok(cmd.outcome.into())
}

/// INV-6: whether an RMA still `sent` and expected back on `expected_back_on` is overdue on
/// `today` (from the end of that day).
pub fn is_overdue(status: RmaStatus, expected_back_on: NaiveDate, today: NaiveDate) -> bool {
    status == RmaStatus::Sent && today > expected_back_on
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 3, d).unwrap()
    }

    fn codes(e: DomainError) -> Vec<(String, &'static str)> {
        assert_eq!(e.rule(), Some("INV-6"));
        match e {
            DomainError::Invalid(errors) => errors.into_iter().map(|e| (e.field, e.code)).collect(),
            other => panic!("{other:?}"),
        }
    }

    fn sent() -> RmaFacts {
        RmaFacts {
            status: RmaStatus::Sent,
            serial: "SN-1".into(),
            sent_on: day(9),
        }
    }

    fn close(outcome: RmaOutcome, serial: Option<&str>, location: bool) -> CloseCommand {
        CloseCommand {
            outcome,
            returned_on: day(20),
            has_location: location,
            replacement_serial: serial.map(str::to_owned),
        }
    }

    #[test]
    fn inv_6_a_unit_is_sent_named_with_its_manufacturer_and_fault() {
        let ok = SendFacts {
            serialised: true,
            manufacturer: "海湾安全技术".into(),
            fault_reason: "无法开机".into(),
            sent_on: day(9),
        };
        assert!(check_send(&ok, day(9)).is_ok());
        let bad = SendFacts {
            serialised: false,
            manufacturer: String::new(),
            fault_reason: String::new(),
            sent_on: day(10),
        };
        assert_eq!(
            codes(check_send(&bad, day(9)).unwrap_err()),
            vec![
                ("part_id".to_owned(), "not_serialised"),
                ("manufacturer".to_owned(), "required"),
                ("fault_reason".to_owned(), "required"),
                ("sent_on".to_owned(), "future"),
            ]
        );
    }

    #[test]
    fn inv_6_an_rma_ends_repaired_replaced_or_written_off() {
        let today = day(25);
        assert_eq!(
            decide_close(&sent(), &close(RmaOutcome::Returned, None, true), today).unwrap(),
            RmaStatus::Returned
        );
        assert_eq!(
            decide_close(
                &sent(),
                &close(RmaOutcome::Replaced, Some("SN-9"), true),
                today
            )
            .unwrap(),
            RmaStatus::Replaced
        );
        assert_eq!(
            decide_close(&sent(), &close(RmaOutcome::WrittenOff, None, false), today).unwrap(),
            RmaStatus::WrittenOff
        );
    }

    #[test]
    fn inv_6_refusals_name_the_field_and_the_rule() {
        let today = day(25);
        assert_eq!(
            codes(
                decide_close(&sent(), &close(RmaOutcome::Replaced, None, false), today)
                    .unwrap_err()
            ),
            vec![
                ("to_location_id".to_owned(), "required"),
                ("replacement_serial".to_owned(), "required"),
            ]
        );
        assert_eq!(
            codes(
                decide_close(
                    &sent(),
                    &close(RmaOutcome::Replaced, Some("SN-1"), true),
                    today
                )
                .unwrap_err()
            ),
            vec![("replacement_serial".to_owned(), "same_serial")]
        );
        let mut early = close(RmaOutcome::WrittenOff, Some("SN-2"), true);
        early.returned_on = day(8);
        assert_eq!(
            codes(decide_close(&sent(), &early, today).unwrap_err()),
            vec![
                ("returned_on".to_owned(), "before_sent"),
                ("to_location_id".to_owned(), "not_allowed"),
                ("replacement_serial".to_owned(), "not_allowed"),
            ]
        );
        let mut late = close(RmaOutcome::Returned, None, true);
        late.returned_on = day(26);
        assert_eq!(
            codes(decide_close(&sent(), &late, today).unwrap_err()),
            vec![("returned_on".to_owned(), "future")]
        );
    }

    #[test]
    fn inv_6_a_closed_rma_is_a_conflict() {
        let closed = RmaFacts {
            status: RmaStatus::Returned,
            ..sent()
        };
        let e =
            decide_close(&closed, &close(RmaOutcome::Returned, None, true), day(25)).unwrap_err();
        assert!(matches!(e, DomainError::State { rule: "INV-6", .. }));
    }

    #[test]
    fn inv_6_overdue_after_the_expected_day_while_still_sent() {
        assert!(!is_overdue(RmaStatus::Sent, day(20), day(20)));
        assert!(is_overdue(RmaStatus::Sent, day(20), day(21)));
        assert!(!is_overdue(RmaStatus::Returned, day(20), day(21)));
        assert_eq!(RmaPolicy::defaults().expected_back_days, 20);
        assert!(
            RmaPolicy {
                expected_back_days: -1
            }
            .validate()
            .is_err()
        );
    }
}
