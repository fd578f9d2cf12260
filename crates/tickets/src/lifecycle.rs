//! TKT-3: the ticket lifecycle as a pure transition function.
//!
//! `new` → `assigned` → `in_progress` → (`waiting_customer` ⇄ `in_progress`) → `resolved` →
//! `closed`; `cancelled` from any state before `resolved`; a reopen takes a resolved or closed
//! ticket back to `in_progress`. (Re)assignment is allowed until the ticket is resolved.

use kefu_core::DomainError;
use utoipa::ToSchema;

kefu_core::string_enum! {
    #[derive(ToSchema)]
    pub enum Status {
        New = "new",
        Assigned = "assigned",
        InProgress = "in_progress",
        WaitingCustomer = "waiting_customer",
        Resolved = "resolved",
        Closed = "closed",
        Cancelled = "cancelled",
    }
}

impl Status {
    /// TKT-2: the statuses whose SLA clock runs: open, and not waiting for the customer.
    pub const CLOCK_RUNNING: [Status; 3] = [Status::New, Status::Assigned, Status::InProgress];

    /// TKT-4: an engineer holds the ticket and still works it, so its planned visit window is
    /// an appointment on their calendar.
    pub const WITH_ASSIGNEE: [Status; 3] = [
        Status::Assigned,
        Status::InProgress,
        Status::WaitingCustomer,
    ];

    /// Work is still owed on these: the dispatcher's board.
    pub const OPEN: [Status; 4] = [
        Status::New,
        Status::Assigned,
        Status::InProgress,
        Status::WaitingCustomer,
    ];

    /// Work is still owed on the ticket: its SLA clock may run.
    pub fn is_open(self) -> bool {
        !matches!(self, Status::Resolved | Status::Closed | Status::Cancelled)
    }
}

kefu_core::string_enum! {
    /// The commands that move a ticket.
    #[derive(ToSchema)]
    pub enum Command {
        Assign = "assign",
        Start = "start",
        Wait = "wait",
        Resume = "resume",
        Resolve = "resolve",
        Close = "close",
        Cancel = "cancel",
        Reopen = "reopen",
    }
}

impl Command {
    /// The state the command leads to.
    pub fn target(self) -> Status {
        match self {
            Command::Assign => Status::Assigned,
            Command::Start | Command::Resume | Command::Reopen => Status::InProgress,
            Command::Wait => Status::WaitingCustomer,
            Command::Resolve => Status::Resolved,
            Command::Close => Status::Closed,
            Command::Cancel => Status::Cancelled,
        }
    }

    /// The states the command may start from.
    pub fn sources(self) -> &'static [Status] {
        use Status::*;
        match self {
            Command::Assign | Command::Cancel => &[New, Assigned, InProgress, WaitingCustomer],
            Command::Start => &[Assigned],
            Command::Wait => &[InProgress],
            Command::Resume => &[WaitingCustomer],
            Command::Resolve => &[InProgress],
            Command::Close => &[Resolved],
            Command::Reopen => &[Resolved, Closed],
        }
    }
}

/// TKT-3: the state `command` takes a ticket in state `from` to, or a conflict (409) naming
/// both states.
pub fn transition(from: Status, command: Command) -> Result<Status, DomainError> {
    if command.sources().contains(&from) {
        Ok(command.target())
    } else {
        Err(DomainError::State {
            rule: "TKT-3",
            message: format!(
                "invalid transition {} → {} ({} is not allowed in state {})",
                from.as_str(),
                command.target().as_str(),
                command.as_str(),
                from.as_str()
            ),
        })
    }
}

#[cfg(test)]
mod tests {

    #[test]
    fn tkt_2_the_clock_runs_on_open_tickets_not_waiting_for_the_customer() {
        let running: Vec<Status> = Status::ALL
            .into_iter()
            .filter(|s| s.is_open() && *s != Status::WaitingCustomer)
            .collect();
        assert_eq!(running, Status::CLOCK_RUNNING);
    }

    #[test]
    fn tkt_4_an_assignee_holds_every_open_ticket_but_a_new_one() {
        let held: Vec<Status> = Status::ALL
            .into_iter()
            .filter(|s| s.is_open() && *s != Status::New)
            .collect();
        assert_eq!(held, Status::WITH_ASSIGNEE);
    }

    use super::*;
    use proptest::prelude::*;

    fn run(commands: &[Command]) -> Result<Status, DomainError> {
        commands
            .iter()
            .try_fold(Status::New, |s, c| transition(s, *c))
    }

    #[test]
    fn tkt_3_the_happy_path_with_a_wait() {
        use Command::*;
        assert_eq!(
            run(&[Assign, Start, Wait, Resume, Resolve, Close]),
            Ok(Status::Closed)
        );
        assert_eq!(
            run(&[Assign, Start, Resolve, Reopen]),
            Ok(Status::InProgress)
        );
        assert_eq!(
            run(&[Assign, Start, Resolve, Close, Reopen]),
            Ok(Status::InProgress)
        );
        assert_eq!(run(&[Assign, Start, Assign]), Ok(Status::Assigned));
    }

    #[test]
    fn tkt_3_resolved_to_assigned_is_a_conflict_naming_both_states() {
        match transition(Status::Resolved, Command::Assign) {
            Err(DomainError::State { rule, message }) => {
                assert_eq!(rule, "TKT-3");
                assert!(message.contains("resolved → assigned"), "{message}")
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn tkt_3_cancel_only_before_resolved() {
        for s in Status::ALL {
            let allowed = transition(s, Command::Cancel).is_ok();
            assert_eq!(allowed, s.is_open(), "{s:?}");
        }
        for c in Command::ALL {
            assert!(transition(Status::Cancelled, c).is_err(), "{c:?}");
        }
    }

    fn any_command() -> impl Strategy<Value = Command> {
        proptest::sample::select(Command::ALL.to_vec())
    }

    proptest! {
        #[test]
        fn tkt_3_only_listed_edges_are_ever_taken(
            commands in proptest::collection::vec(any_command(), 0..40)
        ) {
            let mut state = Status::New;
            for c in commands {
                match transition(state, c) {
                    Ok(next) => {
                        prop_assert!(c.sources().contains(&state));
                        prop_assert_eq!(next, c.target());
                        // Nothing leaves a cancelled ticket; nothing but a reopen leaves
                        // a closed one.
                        prop_assert!(state != Status::Cancelled);
                        if state == Status::Closed {
                            prop_assert_eq!(c, Command::Reopen);
                        }
                        state = next;
                    }
                    Err(DomainError::State { rule: "TKT-3", .. }) => {
                        prop_assert!(!c.sources().contains(&state));
                    }
                    Err(other) => prop_assert!(false, "unexpected {:?}", other),
                }
            }
        }
    }
}
