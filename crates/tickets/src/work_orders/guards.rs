//! TKT-11 guards that decided in the API service until issue 10: which tickets raise work
//! orders, and who is told when one is assigned or solved.

use crate::lifecycle::Status;
use kefu_core::{DomainError, UserId};

/// TKT-11: only a ticket still being worked on raises a work order.
pub fn check_ticket(ticket: Status) -> Result<(), DomainError> {
    if ticket.is_open() {
        Ok(())
    } else {
        Err(DomainError::State {
            rule: "TKT-11",
            message: format!("a {} ticket cannot raise work orders", ticket.as_str()),
        })
    }
}

/// Who learns of a work order's change, besides the audit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WorkOrderNotice {
    /// The new assignee, unless they assigned it to themselves.
    Assigned { to: UserId },
    /// The raiser, when someone else solved it: it is their turn to write the KB wording.
    Solved { to: UserId },
}

/// The notices of a work order command: `before`/`after` are the assignee around it,
/// `solved` whether the command solved it.
pub fn notices(
    actor: &UserId,
    before: Option<&UserId>,
    after: Option<&UserId>,
    raised_by: &UserId,
    solved: bool,
) -> Vec<WorkOrderNotice> {
    let mut out = Vec::new();
    if let Some(new) = after
        && before != Some(new)
        && new != actor
    {
        out.push(WorkOrderNotice::Assigned { to: new.clone() });
    }
    if solved && raised_by != actor {
        out.push(WorkOrderNotice::Solved {
            to: raised_by.clone(),
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tkt_11_only_a_ticket_being_worked_on_raises_work_orders() {
        for status in Status::ALL {
            let r = check_ticket(status);
            assert_eq!(r.is_ok(), status.is_open(), "{status:?}");
            if let Err(e) = r {
                assert_eq!(e.rule(), Some("TKT-11"));
            }
        }
    }

    #[test]
    fn tkt_11_who_is_told_of_an_assignment_and_a_solution() {
        let (me, eng, raiser) = (UserId::new("me"), UserId::new("eng"), UserId::new("r"));
        let cases = [
            // A lead names an engineer on start: the engineer is told.
            (
                None,
                Some(&eng),
                &raiser,
                false,
                vec![WorkOrderNotice::Assigned { to: eng.clone() }],
            ),
            // Taking it oneself tells nobody.
            (None, Some(&me), &raiser, false, vec![]),
            // The same assignee again tells nobody.
            (Some(&eng), Some(&eng), &raiser, false, vec![]),
            // Solved by someone else: the raiser is told.
            (
                Some(&me),
                Some(&me),
                &raiser,
                true,
                vec![WorkOrderNotice::Solved { to: raiser.clone() }],
            ),
            // Solved by the raiser themselves: nobody.
            (Some(&me), Some(&me), &me, true, vec![]),
        ];
        for (before, after, raised_by, solved, expected) in cases {
            assert_eq!(notices(&me, before, after, raised_by, solved), expected);
        }
    }
}
