//! TKT-5 on-site visits: a request approved by a manager before departure, then the field
//! app's reports of departure, arrival and finish. TKT-8: a visit that finished unresolved
//! must have been escalated from the site.

use crate::access::{self, Action, ActorFacts, Relation};
use crate::lifecycle::Status;
use kefu_core::DomainError;
use utoipa::ToSchema;

pub mod guards;

kefu_core::string_enum! {
    #[derive(ToSchema)]
    pub enum VisitStatus {
        Requested = "requested",
        Approved = "approved",
        Rejected = "rejected",
        Departed = "departed",
        Arrived = "arrived",
        Finished = "finished",
    }
}

kefu_core::string_enum! {
    /// A command on one visit, named as its endpoint `POST /visits/{id}/<name>`.
    #[derive(ToSchema)]
    pub enum VisitCommand {
        Approve = "approve",
        Reject = "reject",
        Depart = "depart",
        Arrive = "arrive",
        Finish = "finish",
        /// TKT-8: from the site (on the way, there, or right after finishing).
        Escalate = "escalate",
    }
}

/// TKT-5: the state `command` takes a visit in `from` to. Departing without an approved
/// request breaks TKT-5 (422); any other command out of turn is a conflict (409).
pub fn visit_transition(
    from: VisitStatus,
    command: VisitCommand,
) -> Result<VisitStatus, DomainError> {
    use VisitCommand as C;
    use VisitStatus as S;
    let next = match (from, command) {
        (S::Requested, C::Approve) => Some(S::Approved),
        (S::Requested, C::Reject) => Some(S::Rejected),
        (S::Approved, C::Depart) => Some(S::Departed),
        (S::Requested | S::Rejected, C::Depart) => {
            return Err(DomainError::Rule {
                rule: "TKT-5",
                message: format!(
                    "an on-site visit needs a visit request approved by a manager before departure; this one is {}",
                    from.as_str()
                ),
            });
        }
        (S::Departed, C::Arrive) => Some(S::Arrived),
        (S::Departed | S::Arrived, C::Finish) => Some(S::Finished),
        (S::Departed | S::Arrived | S::Finished, C::Escalate) => Some(from),
        _ => None,
    };
    next.ok_or_else(|| DomainError::State {
        rule: "TKT-5",
        message: format!(
            "cannot {} a visit that is {}",
            command.as_str(),
            from.as_str()
        ),
    })
}

impl VisitCommand {
    /// The row of the access table the command is checked against.
    pub fn access(self) -> Action {
        match self {
            VisitCommand::Approve => Action::VisitApprove,
            VisitCommand::Reject => Action::VisitReject,
            VisitCommand::Depart => Action::VisitDepart,
            VisitCommand::Arrive => Action::VisitArrive,
            VisitCommand::Finish => Action::VisitFinish,
            VisitCommand::Escalate => Action::VisitEscalate,
        }
    }
}

/// What the rules read of a visit to say who may run a command on it now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Visit<'a> {
    pub status: VisitStatus,
    /// The engineer who makes the visit: the only one who reports from the field.
    pub engineer_id: &'a str,
    pub escalated: bool,
    /// The state of the visit's ticket: nobody departs for a ticket no longer worked on.
    pub ticket: Status,
}

/// Who may run `command` on `visit` (ORG-1 roles; TKT-5: only the visit's engineer reports
/// from the field).
pub fn authorize(
    visit: &Visit<'_>,
    actor: &ActorFacts,
    command: VisitCommand,
) -> Result<(), DomainError> {
    let facts = actor.clone().with(
        Relation::Assignee,
        actor.user_id.as_str() == visit.engineer_id,
    );
    access::require_on_record(command.access(), &facts)
}

/// The state `command` takes `visit` to, or why its state refuses it: the TKT-5 table, a
/// ticket still worked on for a departure, one escalation (TKT-8).
pub fn precondition(visit: &Visit<'_>, command: VisitCommand) -> Result<VisitStatus, DomainError> {
    let to = visit_transition(visit.status, command)?;
    match command {
        VisitCommand::Depart => guards::check_workable(visit.ticket, "visits")?,
        VisitCommand::Escalate => guards::check_escalate(visit.escalated)?,
        _ => {}
    }
    Ok(to)
}

/// The commands `actor` may run on `visit` now, in [`VisitCommand::ALL`] order: both
/// [`authorize`] and [`precondition`] pass. A listed one may still be refused for its body (a
/// report time out of bounds).
pub fn allowed_actions(visit: &Visit<'_>, actor: &ActorFacts) -> Vec<VisitCommand> {
    VisitCommand::ALL
        .into_iter()
        .filter(|c| authorize(visit, actor, *c).is_ok() && precondition(visit, *c).is_ok())
        .collect()
}

/// TKT-8: a finished visit that left the problem unresolved and was never escalated (a
/// breach that feeds fine HR-F10).
pub fn unresolved_not_escalated(
    status: VisitStatus,
    resolved: Option<bool>,
    escalated: bool,
) -> bool {
    status == VisitStatus::Finished && resolved == Some(false) && !escalated
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn tkt_5_departing_needs_an_approved_request() {
        for from in [VisitStatus::Requested, VisitStatus::Rejected] {
            match visit_transition(from, VisitCommand::Depart) {
                Err(DomainError::Rule { rule, .. }) => assert_eq!(rule, "TKT-5"),
                other => panic!("{other:?}"),
            }
        }
        assert_eq!(
            visit_transition(VisitStatus::Approved, VisitCommand::Depart),
            Ok(VisitStatus::Departed)
        );
        assert!(matches!(
            visit_transition(VisitStatus::Finished, VisitCommand::Depart),
            Err(DomainError::State { rule: "TKT-5", .. })
        ));
    }

    #[test]
    fn tkt_8_an_unresolved_finish_must_be_escalated() {
        assert!(unresolved_not_escalated(
            VisitStatus::Finished,
            Some(false),
            false
        ));
        assert!(!unresolved_not_escalated(
            VisitStatus::Finished,
            Some(false),
            true
        ));
        assert!(!unresolved_not_escalated(
            VisitStatus::Finished,
            Some(true),
            false
        ));
        assert!(!unresolved_not_escalated(VisitStatus::Arrived, None, false));
        assert_eq!(
            visit_transition(VisitStatus::Finished, VisitCommand::Escalate),
            Ok(VisitStatus::Finished)
        );
    }

    proptest! {
        #[test]
        fn tkt_5_no_visit_is_ever_departed_without_approval(
            commands in proptest::collection::vec(0usize..6, 0..20)
        ) {
            let all = [VisitCommand::Approve, VisitCommand::Reject, VisitCommand::Depart,
                VisitCommand::Arrive, VisitCommand::Finish, VisitCommand::Escalate];
            let mut state = VisitStatus::Requested;
            let mut approved = false;
            for i in commands {
                if let Ok(next) = visit_transition(state, all[i]) {
                    approved |= next == VisitStatus::Approved;
                    if matches!(next, VisitStatus::Departed | VisitStatus::Arrived | VisitStatus::Finished) {
                        prop_assert!(approved);
                    }
                    state = next;
                }
            }
        }
    }
}

#[cfg(test)]
mod allowed_tests {
    use super::*;
    use VisitCommand::*;
    use kefu_core::Role;

    fn visit(status: VisitStatus, escalated: bool, ticket: Status) -> Visit<'static> {
        Visit {
            status,
            engineer_id: "eng",
            escalated,
            ticket,
        }
    }

    #[test]
    fn tkt_5_each_caller_sees_the_commands_of_their_part() {
        let eng = ActorFacts::new("eng", vec![Role::Engineer]);
        let other = ActorFacts::new("eng2", vec![Role::Engineer]);
        let boss = ActorFacts::new("boss", vec![Role::Manager]);
        let s = Status::InProgress;
        let cases = [
            (
                visit(VisitStatus::Requested, false, s),
                &boss,
                vec![Approve, Reject],
            ),
            (visit(VisitStatus::Requested, false, s), &eng, vec![]),
            (visit(VisitStatus::Approved, false, s), &eng, vec![Depart]),
            (visit(VisitStatus::Approved, false, s), &other, vec![]),
            (visit(VisitStatus::Approved, false, s), &boss, vec![]),
            // TKT-5: no departure for a ticket no longer worked on.
            (
                visit(VisitStatus::Approved, false, Status::Resolved),
                &eng,
                vec![],
            ),
            (
                visit(VisitStatus::Departed, false, s),
                &eng,
                vec![Arrive, Finish, Escalate],
            ),
            (
                visit(VisitStatus::Arrived, false, s),
                &eng,
                vec![Finish, Escalate],
            ),
            (visit(VisitStatus::Arrived, true, s), &eng, vec![Finish]),
            (visit(VisitStatus::Finished, false, s), &eng, vec![Escalate]),
            (visit(VisitStatus::Finished, true, s), &eng, vec![]),
            (visit(VisitStatus::Rejected, false, s), &boss, vec![]),
        ];
        for (v, actor, want) in cases {
            assert_eq!(
                allowed_actions(&v, actor),
                want,
                "{v:?} {:?}",
                actor.user_id
            );
        }
    }

    #[test]
    fn tkt_5_listed_exactly_when_authorised_and_the_state_allows() {
        let actors = [
            ActorFacts::new("eng", vec![Role::Engineer]),
            ActorFacts::new("boss", vec![Role::Manager]),
            ActorFacts::new("desk", vec![Role::Clerk]),
        ];
        for status in VisitStatus::ALL {
            for escalated in [false, true] {
                let v = visit(status, escalated, Status::InProgress);
                for actor in &actors {
                    let listed = allowed_actions(&v, actor);
                    for c in VisitCommand::ALL {
                        let ok = authorize(&v, actor, c).is_ok() && precondition(&v, c).is_ok();
                        assert_eq!(listed.contains(&c), ok, "{status:?} {c:?}");
                    }
                }
            }
        }
    }
}
