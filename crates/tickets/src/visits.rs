//! TKT-5 on-site visits: a request approved by a manager before departure, then the field
//! app's reports of departure, arrival and finish. TKT-8: a visit that finished unresolved
//! must have been escalated from the site.

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
