//! TKT-9 guards that decided in the API service until issue 10: which tickets get a
//! callback, a hand-made callback's due day, which tasks the desk may still work, and what a
//! completed callback does to its ticket.

use crate::callbacks::{CallbackSource, CallbackStatus, FollowUpStatus, due_after_repair};
use crate::decide::TicketCommand;
use crate::lifecycle::{Command, Status};
use chrono::NaiveDate;
use kefu_core::DomainError;

/// A cancelled ticket gets no callback (there is no service to ask about).
pub fn check_ticket(ticket: Status) -> Result<(), DomainError> {
    if ticket == Status::Cancelled {
        Err(DomainError::State {
            rule: "TKT-9",
            message: "a cancelled ticket gets no callback".to_owned(),
        })
    } else {
        Ok(())
    }
}

/// A callback made by hand (`POST /callbacks`): its due day and shipping day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DueDay {
    pub due_date: NaiveDate,
    pub shipped_on: Option<NaiveDate>,
}

/// TKT-9: the due day of a callback made by hand. A repair return is due
/// `repair_within_days` calendar days after shipping (an earlier `due_date` wins) and needs a
/// shipping day not after `today`; a manual one is due `due_date`, else today. Callbacks
/// after a feedback form are made when the form is received, never by hand.
pub fn hand_made_due(
    source: CallbackSource,
    shipped_on: Option<NaiveDate>,
    due_date: Option<NaiveDate>,
    today: NaiveDate,
    repair_within_days: i64,
) -> Result<DueDay, DomainError> {
    match source {
        CallbackSource::FeedbackForm => Err(DomainError::invalid(
            "source",
            "not_allowed",
            "feedback_form callbacks are made when the form is received",
        )),
        CallbackSource::RepairReturn => {
            let Some(shipped) = shipped_on else {
                return Err(DomainError::invalid(
                    "shipped_on",
                    "required",
                    "the day the repaired device was shipped back",
                ));
            };
            if shipped > today {
                return Err(DomainError::invalid(
                    "shipped_on",
                    "range",
                    "the device cannot have been shipped after today",
                ));
            }
            let due = due_after_repair(shipped, repair_within_days)
                .ok_or_else(|| DomainError::invalid("shipped_on", "range", "out of range"))?;
            Ok(DueDay {
                due_date: due_date.map_or(due, |d| d.min(due)),
                shipped_on: Some(shipped),
            })
        }
        CallbackSource::Manual => {
            if shipped_on.is_some() {
                return Err(DomainError::invalid(
                    "shipped_on",
                    "not_allowed",
                    "only a repair_return callback has a shipping day",
                ));
            }
            Ok(DueDay {
                due_date: due_date.unwrap_or(today),
                shipped_on: None,
            })
        }
    }
}

/// TKT-9: the desk works open callbacks only.
pub fn check_open(status: CallbackStatus) -> Result<(), DomainError> {
    if status == CallbackStatus::Open {
        Ok(())
    } else {
        Err(DomainError::State {
            rule: "TKT-9",
            message: format!("the callback is {}", status.as_str()),
        })
    }
}

/// TKT-9: a follow-up is answered once.
pub fn check_follow_up_open(status: FollowUpStatus) -> Result<(), DomainError> {
    if status == FollowUpStatus::Open {
        Ok(())
    } else {
        Err(DomainError::State {
            rule: "TKT-9",
            message: "the follow-up is answered already".to_owned(),
        })
    }
}

/// TKT-9: what a completed callback does to its ticket, run with
/// [`crate::decide::decide_for_rule`]: a satisfied customer closes a resolved ticket; a
/// dissatisfied one reopens a resolved or closed ticket (beside the manager's follow-up).
pub fn ticket_command(satisfied: bool, ticket: Status) -> Option<TicketCommand> {
    let (command, reason) = match (satisfied, ticket) {
        (true, Status::Resolved) => (
            Command::Close,
            "TKT-9: the customer is satisfied on the callback",
        ),
        (false, Status::Resolved | Status::Closed) => (
            Command::Reopen,
            "TKT-9: the customer is dissatisfied on the callback",
        ),
        _ => return None,
    };
    Some(TicketCommand::Lifecycle {
        command,
        reason: Some(reason.to_owned()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 3, d).unwrap()
    }

    #[test]
    fn tkt_9_a_cancelled_ticket_gets_no_callback() {
        for status in Status::ALL {
            assert_eq!(check_ticket(status).is_ok(), status != Status::Cancelled);
        }
    }

    #[test]
    fn tkt_9_the_due_day_of_a_hand_made_callback() {
        use CallbackSource::*;
        type Case = (
            CallbackSource,
            Option<u32>,
            Option<u32>,
            Result<(u32, Option<u32>), (&'static str, &'static str)>,
        );
        let cases: &[Case] = &[
            (Manual, None, None, Ok((10, None))),
            (Manual, None, Some(20), Ok((20, None))),
            (Manual, Some(1), None, Err(("shipped_on", "not_allowed"))),
            (RepairReturn, Some(1), None, Ok((31, Some(1)))),
            (RepairReturn, Some(1), Some(5), Ok((5, Some(1)))),
            (RepairReturn, None, None, Err(("shipped_on", "required"))),
            (RepairReturn, Some(11), None, Err(("shipped_on", "range"))),
            (FeedbackForm, None, None, Err(("source", "not_allowed"))),
        ];
        for (source, shipped, due, expected) in cases {
            let r = hand_made_due(*source, shipped.map(day), due.map(day), day(10), 30);
            match (r, expected) {
                (Ok(d), Ok((due, shipped))) => {
                    assert_eq!(d.due_date, day(*due));
                    assert_eq!(d.shipped_on, shipped.map(day));
                }
                (Err(DomainError::Invalid(f)), Err((field, code))) => {
                    assert_eq!((f[0].field.as_str(), f[0].code), (*field, *code))
                }
                (r, e) => panic!("{source:?}: {r:?} vs {e:?}"),
            }
        }
    }

    #[test]
    fn tkt_9_only_open_tasks_are_worked() {
        assert_eq!(check_open(CallbackStatus::Open), Ok(()));
        for status in CallbackStatus::ALL {
            if status != CallbackStatus::Open {
                assert_eq!(
                    check_open(status).err().and_then(|e| e.rule()),
                    Some("TKT-9")
                );
            }
        }
        assert_eq!(check_follow_up_open(FollowUpStatus::Open), Ok(()));
        assert!(check_follow_up_open(FollowUpStatus::Answered).is_err());
    }

    #[test]
    fn tkt_9_the_callback_closes_or_reopens_its_ticket() {
        let command = |s, t| match ticket_command(s, t) {
            Some(TicketCommand::Lifecycle { command, .. }) => Some(command),
            _ => None,
        };
        for status in Status::ALL {
            let closes = status == Status::Resolved;
            let reopens = matches!(status, Status::Resolved | Status::Closed);
            assert_eq!(command(true, status), closes.then_some(Command::Close));
            assert_eq!(command(false, status), reopens.then_some(Command::Reopen));
        }
    }
}
