//! TKT-9 guards that decided in the API service until issue 10: which tickets get a
//! callback, a hand-made callback's due day, which tasks the desk may still work, and what a
//! completed callback does to its ticket.

use crate::callbacks::{
    CallbackSource, CallbackStatus, FollowUpDecision, FollowUpStatus, due_after_repair,
};
use crate::decide::TicketCommand;
use crate::lifecycle::{Command, Status};
use chrono::NaiveDate;
use kefu_core::{DomainError, FieldError};

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
/// [`crate::decide::decide_for_rule`]: a satisfied customer closes a resolved ticket. A
/// dissatisfied one leaves it as it is: the clerk passes it to the manager's follow-up, whose
/// answer decides ([`follow_up_command`]).
pub fn ticket_command(satisfied: bool, ticket: Status) -> Option<TicketCommand> {
    (satisfied && ticket == Status::Resolved).then(|| TicketCommand::Lifecycle {
        command: Command::Close,
        reason: Some("TKT-9: the customer is satisfied on the callback".to_owned()),
    })
}

/// The manager's decision on a dissatisfied customer, as the API receives it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    /// Reopen the ticket for more work, with the reason, to `assignee` when one is chosen.
    Reopen {
        reason: String,
        assignee: Option<String>,
    },
    /// Close the ticket: the answer given to the customer settles it.
    Close,
}

impl Decision {
    /// The decision from the request's fields: `reopen` needs a reason; the reason and the
    /// assignee belong to `reopen` only.
    pub fn parse(
        decision: FollowUpDecision,
        reason: Option<String>,
        assignee: Option<String>,
    ) -> Result<Decision, DomainError> {
        let reason = reason
            .map(|r| r.trim().to_owned())
            .filter(|r| !r.is_empty());
        match decision {
            FollowUpDecision::Reopen => Ok(Decision::Reopen {
                reason: reason.ok_or_else(|| {
                    tkt_9_field(
                        "reopen_reason",
                        "required",
                        "reopening the ticket needs the reason, for the engineer and the log",
                    )
                })?,
                assignee,
            }),
            FollowUpDecision::Close => {
                let stray = if reason.is_some() {
                    Some("reopen_reason")
                } else if assignee.is_some() {
                    Some("assignee_id")
                } else {
                    None
                };
                match stray {
                    Some(field) => Err(tkt_9_field(
                        field,
                        "not_allowed",
                        "only a reopen decision has a reason and an assignee",
                    )),
                    None => Ok(Decision::Close),
                }
            }
        }
    }

    pub fn kind(&self) -> FollowUpDecision {
        match self {
            Decision::Reopen { .. } => FollowUpDecision::Reopen,
            Decision::Close => FollowUpDecision::Close,
        }
    }
}

fn tkt_9_field(field: &str, code: &'static str, message: &str) -> DomainError {
    DomainError::Invalid(vec![FieldError::new(field, code, message).by_rule("TKT-9")])
}

/// TKT-9: what the manager's answer does to the ticket, which stayed resolved (or was closed)
/// while the follow-up was open. Reopen: a resolved or closed ticket goes back to work. Close:
/// a resolved ticket is closed, a closed one stays so. A ticket someone reopened or cancelled
/// meanwhile is not the manager's to settle here (409).
pub fn follow_up_command(
    decision: &Decision,
    ticket: Status,
) -> Result<Option<TicketCommand>, DomainError> {
    let lifecycle = |command, reason: String| {
        Ok(Some(TicketCommand::Lifecycle {
            command,
            reason: Some(reason),
        }))
    };
    match (decision, ticket) {
        (Decision::Reopen { reason, .. }, Status::Resolved | Status::Closed) => lifecycle(
            Command::Reopen,
            format!("TKT-9: the manager reopens it after the customer's complaint: {reason}"),
        ),
        (Decision::Close, Status::Resolved) => lifecycle(
            Command::Close,
            "TKT-9: the manager answered the dissatisfied customer".to_owned(),
        ),
        (Decision::Close, Status::Closed) => Ok(None),
        (_, status) => Err(DomainError::State {
            rule: "TKT-9",
            message: format!(
                "the ticket is {} now: the follow-up can neither reopen nor close it",
                status.as_str()
            ),
        }),
    }
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

    fn lifecycle_of(command: Option<TicketCommand>) -> Option<Command> {
        match command {
            Some(TicketCommand::Lifecycle { command, .. }) => Some(command),
            _ => None,
        }
    }

    #[test]
    fn tkt_9_a_satisfied_callback_closes_its_ticket_and_a_dissatisfied_one_leaves_it() {
        for status in Status::ALL {
            let closes = status == Status::Resolved;
            assert_eq!(
                lifecycle_of(ticket_command(true, status)),
                closes.then_some(Command::Close)
            );
            assert_eq!(lifecycle_of(ticket_command(false, status)), None);
        }
    }

    #[test]
    fn tkt_9_a_reopen_decision_needs_its_reason_and_a_close_takes_none() {
        let reopen = Decision::parse(FollowUpDecision::Reopen, Some(" 复查 ".into()), None);
        assert_eq!(
            reopen,
            Ok(Decision::Reopen {
                reason: "复查".into(),
                assignee: None
            })
        );
        let field = |r: Result<Decision, DomainError>| match r {
            Err(DomainError::Invalid(errors)) => Some(errors[0].field.clone()),
            _ => None,
        };
        assert_eq!(
            field(Decision::parse(
                FollowUpDecision::Reopen,
                Some("  ".into()),
                None
            )),
            Some("reopen_reason".into())
        );
        assert_eq!(
            field(Decision::parse(
                FollowUpDecision::Close,
                Some("x".into()),
                None
            )),
            Some("reopen_reason".into())
        );
        assert_eq!(
            field(Decision::parse(
                FollowUpDecision::Close,
                None,
                Some("u".into())
            )),
            Some("assignee_id".into())
        );
        assert_eq!(
            Decision::parse(FollowUpDecision::Close, None, None),
            Ok(Decision::Close)
        );
    }

    #[test]
    fn tkt_9_the_managers_answer_reopens_or_closes_the_ticket() {
        let reopen = Decision::Reopen {
            reason: "复查".into(),
            assignee: None,
        };
        for status in Status::ALL {
            let reopened = follow_up_command(&reopen, status);
            let closed = follow_up_command(&Decision::Close, status);
            match status {
                Status::Resolved => {
                    assert_eq!(lifecycle_of(reopened.unwrap()), Some(Command::Reopen));
                    assert_eq!(lifecycle_of(closed.unwrap()), Some(Command::Close));
                }
                Status::Closed => {
                    assert_eq!(lifecycle_of(reopened.unwrap()), Some(Command::Reopen));
                    assert_eq!(closed, Ok(None));
                }
                _ => {
                    assert_eq!(reopened.err().and_then(|e| e.rule()), Some("TKT-9"));
                    assert_eq!(closed.err().and_then(|e| e.rule()), Some("TKT-9"));
                }
            }
        }
    }
}
