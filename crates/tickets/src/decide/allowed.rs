//! What a caller may run on a ticket now (issue 17): the commands [`super::decide`] would not
//! refuse for who the caller is and what state the ticket is in. One predicate,
//! [`permitted`], serves both the command path and the `allowed_actions` a read carries, so a
//! client never re-implements the state machine or the role rules.

use super::{Ticket, check_appointment, facts_on};
use crate::access::{self, Action, ActorFacts};
use crate::lifecycle::{self, Command};
use crate::work_orders::{WorkOrderStatus, check_ticket_resolvable};
use kefu_core::DomainError;
use utoipa::ToSchema;

kefu_core::string_enum! {
    /// A command on one ticket, named as its endpoint `POST /tickets/{id}/<name>` (with `-` for
    /// `_`).
    #[derive(ToSchema)]
    pub enum TicketAction {
        Assign = "assign",
        Start = "start",
        Wait = "wait",
        Resume = "resume",
        Resolve = "resolve",
        Close = "close",
        Cancel = "cancel",
        Reopen = "reopen",
        ConfirmAppointment = "confirm_appointment",
        MissedAppointment = "missed_appointment",
    }
}

impl TicketAction {
    /// The row of the access table the command is checked against.
    pub fn access(self) -> Action {
        match self {
            TicketAction::Assign => Action::TicketAssign,
            TicketAction::Start => Action::TicketStart,
            TicketAction::Wait => Action::TicketWait,
            TicketAction::Resume => Action::TicketResume,
            TicketAction::Resolve => Action::TicketResolve,
            TicketAction::Close => Action::TicketClose,
            TicketAction::Cancel => Action::TicketCancel,
            TicketAction::Reopen => Action::TicketReopen,
            TicketAction::ConfirmAppointment => Action::TicketConfirmAppointment,
            TicketAction::MissedAppointment => Action::TicketMissedAppointment,
        }
    }

    /// The lifecycle move the command makes, if it moves the ticket (TKT-3).
    pub fn command(self) -> Option<Command> {
        Some(match self {
            TicketAction::Assign => Command::Assign,
            TicketAction::Start => Command::Start,
            TicketAction::Wait => Command::Wait,
            TicketAction::Resume => Command::Resume,
            TicketAction::Resolve => Command::Resolve,
            TicketAction::Close => Command::Close,
            TicketAction::Cancel => Command::Cancel,
            TicketAction::Reopen => Command::Reopen,
            TicketAction::ConfirmAppointment | TicketAction::MissedAppointment => return None,
        })
    }
}

/// Who may run `action` on `ticket`: the roles, then the actor's relation to the ticket
/// (ORG-1, TKT-3/TKT-4: the assignee works their own ticket, leads any).
pub fn authorize(
    ticket: &Ticket,
    actor: &ActorFacts,
    action: TicketAction,
) -> Result<(), DomainError> {
    access::require_on_record(action.access(), &facts_on(ticket, actor))
}

/// Whether the ticket's state lets `action` run: the TKT-3 transition table, for `resolve`
/// no unfinished work order (TKT-11; `work_orders` are the states of the ticket's live ones),
/// and for the appointment commands an assigned ticket with a planned window (TKT-4).
pub fn precondition(
    ticket: &Ticket,
    action: TicketAction,
    work_orders: &[WorkOrderStatus],
) -> Result<(), DomainError> {
    match (action.command(), action) {
        (Some(command), _) => {
            lifecycle::transition(ticket.status, command)?;
            if action == TicketAction::Resolve {
                check_ticket_resolvable(work_orders)?;
            }
            Ok(())
        }
        (None, TicketAction::ConfirmAppointment) => {
            check_appointment(ticket, "has an appointment to confirm")
        }
        (None, _) => check_appointment(ticket, "can miss its appointment"),
    }
}

/// [`authorize`], then [`precondition`]: what the command path refuses before it looks at the
/// request body or at other records.
pub fn permitted(
    ticket: &Ticket,
    actor: &ActorFacts,
    action: TicketAction,
    work_orders: &[WorkOrderStatus],
) -> Result<(), DomainError> {
    authorize(ticket, actor, action)?;
    precondition(ticket, action, work_orders)
}

/// The commands `actor` may run on `ticket` now, in [`TicketAction::ALL`] order;
/// `work_orders` are the states of the ticket's live work orders (only an `in_progress` ticket
/// needs them: nothing else resolves). A listed one may still be refused for its body (a
/// missing reason, an unknown engineer).
pub fn allowed_actions(
    ticket: &Ticket,
    actor: &ActorFacts,
    work_orders: &[WorkOrderStatus],
) -> Vec<TicketAction> {
    TicketAction::ALL
        .into_iter()
        .filter(|a| permitted(ticket, actor, *a, work_orders).is_ok())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::decide::{AssigneeFacts, TicketCommand, TicketFacts, decide};
    use crate::lifecycle::Status;
    use chrono::{DateTime, TimeZone, Utc};
    use kefu_core::{CustomerId, Role, TeamId, TicketId, UserId};

    fn at(h: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 3, 9, h, 0, 0).unwrap()
    }

    fn ticket(status: Status, window: bool) -> Ticket {
        Ticket {
            id: TicketId::new("t-1"),
            status,
            customer_id: CustomerId::new("c-1"),
            assignee_id: (status != Status::New).then(|| UserId::new("eng")),
            team_id: None,
            planned_start: window.then(|| at(14)),
            planned_end: window.then(|| at(16)),
            responded_at: None,
            waiting_since: None,
            response_due_at: at(10),
            resolution_due_at: at(18),
        }
    }

    /// The command with a body no rule refuses.
    fn command(action: TicketAction) -> TicketCommand {
        match action {
            TicketAction::Assign => TicketCommand::Assign {
                assignee_id: UserId::new("eng2"),
                planned_start: None,
                planned_end: None,
                reason: None,
            },
            TicketAction::Resolve => TicketCommand::Resolve {
                summary: "fixed".into(),
            },
            TicketAction::ConfirmAppointment => TicketCommand::ConfirmAppointment {
                confirmed_with: "Ms Li".into(),
            },
            TicketAction::MissedAppointment => TicketCommand::MissedAppointment {
                reason: "traffic".into(),
                customer_consented: true,
            },
            other => TicketCommand::Lifecycle {
                command: other.command().unwrap(),
                reason: Some("why".into()),
            },
        }
    }

    #[test]
    fn listed_exactly_when_the_decision_accepts_a_valid_body() {
        let actors = [
            ActorFacts::new("eng", vec![Role::Engineer]),
            ActorFacts::new("eng2", vec![Role::Engineer]),
            ActorFacts::new("boss", vec![Role::Manager]),
            ActorFacts::new("desk", vec![Role::Clerk]),
            ActorFacts::new("caller", vec![Role::CallbackAgent]),
            ActorFacts::new("cust", vec![Role::CustomerContact]),
        ];
        let facts = TicketFacts {
            assignee: Some(AssigneeFacts {
                enabled_engineer: true,
                team_id: Some(TeamId::new("team-a")),
            }),
            ..TicketFacts::default()
        };
        for status in Status::ALL {
            for window in [false, true] {
                let t = ticket(status, window);
                for actor in &actors {
                    let listed = allowed_actions(&t, actor, &[]);
                    for action in TicketAction::ALL {
                        let accepted = decide(&t, actor, &command(action), &facts, at(12)).is_ok();
                        assert_eq!(
                            listed.contains(&action),
                            accepted,
                            "{status:?} window={window} {:?} {action:?}",
                            actor.user_id
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn what_each_caller_sees_on_an_assigned_ticket() {
        use TicketAction::*;
        let t = ticket(Status::Assigned, true);
        let of = |id: &str, role| allowed_actions(&t, &ActorFacts::new(id, vec![role]), &[]);
        assert_eq!(
            of("eng", Role::Engineer),
            vec![Start, ConfirmAppointment, MissedAppointment]
        );
        assert_eq!(of("eng2", Role::Engineer), vec![]);
        assert_eq!(of("boss", Role::Manager), vec![Assign, Start, Cancel]);
        assert_eq!(of("desk", Role::Clerk), vec![Cancel]);
        let done = ticket(Status::Resolved, false);
        assert_eq!(
            allowed_actions(&done, &ActorFacts::new("desk", vec![Role::Clerk]), &[]),
            vec![Close, Reopen]
        );
    }

    #[test]
    fn tkt_11_resolve_is_not_offered_while_a_work_order_is_unfinished() {
        use TicketAction::*;
        let t = ticket(Status::InProgress, false);
        let eng = ActorFacts::new("eng", vec![Role::Engineer]);
        assert_eq!(allowed_actions(&t, &eng, &[]), vec![Wait, Resolve]);
        for pending in [WorkOrderStatus::Open, WorkOrderStatus::Solved] {
            assert_eq!(allowed_actions(&t, &eng, &[pending]), vec![Wait]);
            let facts = TicketFacts {
                work_orders: vec![pending],
                ..TicketFacts::default()
            };
            assert!(decide(&t, &eng, &command(Resolve), &facts, at(12)).is_err());
        }
        let done = [WorkOrderStatus::Closed, WorkOrderStatus::Cancelled];
        assert_eq!(allowed_actions(&t, &eng, &done), vec![Wait, Resolve]);
    }
}
