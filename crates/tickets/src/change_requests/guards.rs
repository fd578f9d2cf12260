//! TKT-12 guards that decided in the API service until issue 10.

use crate::access::{ActorFacts, Relation};
use crate::lifecycle::Status;
use kefu_core::DomainError;

/// A change request is filed on any ticket but a cancelled one (a resolved ticket may still
/// lead to a program change).
pub fn check_ticket(ticket: Status) -> Result<(), DomainError> {
    if ticket == Status::Cancelled {
        Err(DomainError::State {
            rule: "TKT-12",
            message: "a cancelled ticket cannot get change requests".to_owned(),
        })
    } else {
        Ok(())
    }
}

/// TKT-12: requirements are confirmed against the customer's stamped application: the one
/// given now (trimmed), else the one on file. Returns the reference to keep.
pub fn stamp_for_confirm(
    given: Option<&str>,
    on_file: Option<&str>,
) -> Result<String, DomainError> {
    given
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .or(on_file)
        .map(str::to_owned)
        .ok_or_else(|| DomainError::Rule {
            rule: "TKT-12",
            message:
                "a program change needs the customer's stamped application: give customer_stamp_ref"
                    .to_owned(),
        })
}

/// TKT-12: the change is tested by the engineer who requested it ([`Relation::Requester`]);
/// the refusal is the rule's (422), as [`crate::change_requests::check_tester`] answers.
pub fn check_tester_facts(actor: &ActorFacts) -> Result<(), DomainError> {
    if actor.stands(Relation::Requester) {
        Ok(())
    } else {
        Err(DomainError::Rule {
            rule: "TKT-12",
            message: "the change must be tested by the engineer who requested it".to_owned(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use kefu_core::Role;

    #[test]
    fn tkt_12_no_change_request_on_a_cancelled_ticket() {
        for status in Status::ALL {
            assert_eq!(check_ticket(status).is_ok(), status != Status::Cancelled);
        }
    }

    #[test]
    fn tkt_12_requirements_need_the_customers_stamp() {
        let cases = [
            (Some(" S-1 "), None, Ok("S-1")),
            (None, Some("S-0"), Ok("S-0")),
            (Some("S-2"), Some("S-0"), Ok("S-2")),
            (Some("  "), Some("S-0"), Ok("S-0")),
            (Some("  "), None, Err("TKT-12")),
            (None, None, Err("TKT-12")),
        ];
        for (given, on_file, expected) in cases {
            match (stamp_for_confirm(given, on_file), expected) {
                (Ok(s), Ok(e)) => assert_eq!(s, e),
                (Err(e), Err(rule)) => assert_eq!(e.rule(), Some(rule)),
                (r, e) => panic!("{given:?} {on_file:?}: {r:?} vs {e:?}"),
            }
        }
    }

    #[test]
    fn tkt_12_only_the_requesting_engineer_tests() {
        let me = ActorFacts::new("eng", vec![Role::Engineer]);
        assert_eq!(
            check_tester_facts(&me.clone().with(Relation::Requester, true)),
            Ok(())
        );
        assert_eq!(
            check_tester_facts(&me).err().and_then(|e| e.rule()),
            Some("TKT-12")
        );
    }
}
