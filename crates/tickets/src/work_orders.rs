//! TKT-11 internal work orders: a ticket raises a work order to the technical service centre
//! or the web-operations centre (seed 003, 第十二/十三条); once it is solved the support
//! specialist writes the customer-facing wording into the knowledge base (KB-1), and only then
//! may the work order close and the ticket resolve.

use crate::access::{self, Action, ActorFacts, Relation};
use kefu_core::DomainError;
use utoipa::ToSchema;

pub mod guards;

kefu_core::string_enum! {
    /// The department a work order goes to.
    #[derive(ToSchema)]
    pub enum WorkOrderTarget {
        /// 技术服务中心: technical problems.
        Technical = "technical",
        /// 网站运营服务中心: website problems.
        WebOperations = "web_operations",
    }
}

kefu_core::string_enum! {
    #[derive(ToSchema)]
    pub enum WorkOrderStatus {
        Open = "open",
        InProgress = "in_progress",
        Solved = "solved",
        Closed = "closed",
        Cancelled = "cancelled",
    }
}

impl WorkOrderStatus {
    /// TKT-11: a work order in this state keeps its ticket from resolving. Only a closed one
    /// (solved, with its knowledge-base wording) or a cancelled one lets it go.
    pub fn blocks_resolution(self) -> bool {
        !matches!(self, WorkOrderStatus::Closed | WorkOrderStatus::Cancelled)
    }

    /// The states the ticket-resolution check looks for.
    pub fn blocking() -> Vec<&'static str> {
        WorkOrderStatus::ALL
            .into_iter()
            .filter(|s| s.blocks_resolution())
            .map(WorkOrderStatus::as_str)
            .collect()
    }
}

kefu_core::string_enum! {
    /// A command on one work order, named as its endpoint `POST /work-orders/{id}/<name>`.
    #[derive(ToSchema)]
    pub enum WorkOrderCommand {
        Start = "start",
        Solve = "solve",
        Close = "close",
        Cancel = "cancel",
    }
}

/// TKT-11: the state `command` takes a work order in `from` to. Closing a solved work order
/// without its knowledge-base article breaks TKT-11 (422); any command out of turn is a
/// conflict (409).
pub fn work_order_transition(
    from: WorkOrderStatus,
    command: WorkOrderCommand,
    has_kb_article: bool,
) -> Result<WorkOrderStatus, DomainError> {
    use WorkOrderCommand as C;
    use WorkOrderStatus as S;
    let next = match (from, command) {
        (S::Open, C::Start) => Some(S::InProgress),
        (S::Open | S::InProgress, C::Solve) => Some(S::Solved),
        (S::Solved, C::Close) if has_kb_article => Some(S::Closed),
        (S::Solved, C::Close) => {
            return Err(kb_missing());
        }
        (S::Open | S::InProgress, C::Cancel) => Some(S::Cancelled),
        _ => None,
    };
    next.ok_or_else(|| DomainError::State {
        rule: "TKT-11",
        message: format!(
            "cannot {} a work order that is {}",
            command.as_str(),
            from.as_str()
        ),
    })
}

impl WorkOrderCommand {
    /// The row of the access table the command is checked against; a start that names who
    /// works the order is checked against [`Action::WorkOrderStartNamingAssignee`] instead.
    pub fn access(self) -> Action {
        match self {
            WorkOrderCommand::Start => Action::WorkOrderStart,
            WorkOrderCommand::Solve => Action::WorkOrderSolve,
            WorkOrderCommand::Close => Action::WorkOrderClose,
            WorkOrderCommand::Cancel => Action::WorkOrderCancel,
        }
    }
}

/// What the rules read of a work order to say who may run a command on it now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WorkOrder<'a> {
    pub status: WorkOrderStatus,
    pub assignee_id: Option<&'a str>,
    pub raised_by: &'a str,
}

impl WorkOrder<'_> {
    /// The actor's facts with their relation to this work order.
    pub fn facts_of(&self, actor: &ActorFacts) -> ActorFacts {
        let me = actor.user_id.as_str();
        actor
            .clone()
            .with(Relation::Assignee, self.assignee_id == Some(me))
            .with(Relation::Raiser, self.raised_by == me)
    }
}

/// Who may run `action` on `order` (ORG-1 roles; TKT-11: its assignee or a lead works it,
/// the raiser, a clerk or a lead closes it).
pub fn authorize(
    order: &WorkOrder<'_>,
    actor: &ActorFacts,
    action: Action,
) -> Result<(), DomainError> {
    access::require_on_record(action, &order.facts_of(actor))
}

/// The commands `actor` may run on `order` now, in [`WorkOrderCommand::ALL`] order: both
/// [`authorize`] and the TKT-11 table of [`work_order_transition`] pass, closing with its
/// knowledge-base article (a close without `kb_article_id` is still refused, 422).
pub fn allowed_actions(order: &WorkOrder<'_>, actor: &ActorFacts) -> Vec<WorkOrderCommand> {
    WorkOrderCommand::ALL
        .into_iter()
        .filter(|c| {
            authorize(order, actor, c.access()).is_ok()
                && work_order_transition(order.status, *c, true).is_ok()
        })
        .collect()
}

fn kb_missing() -> DomainError {
    DomainError::Rule {
        rule: "TKT-11",
        message:
            "a solved work order closes only with the knowledge-base article (KB-1) that holds \
                  the customer-facing wording: send kb_article_id"
                .to_owned(),
    }
}

/// TKT-11: a ticket resolves only when none of its work orders is still open, in progress or
/// solved without its knowledge-base wording. `statuses` are its live work orders' states.
pub fn check_ticket_resolvable(statuses: &[WorkOrderStatus]) -> Result<(), DomainError> {
    let pending = statuses.iter().filter(|s| s.blocks_resolution()).count();
    if pending == 0 {
        return Ok(());
    }
    Err(DomainError::Rule {
        rule: "TKT-11",
        message: format!(
            "the ticket has {pending} work order(s) not closed: each must be solved and closed with \
             its knowledge-base wording, or cancelled, before the ticket resolves"
        ),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn rule_of(r: Result<WorkOrderStatus, DomainError>) -> &'static str {
        match r {
            Err(DomainError::Rule { rule, .. }) => rule,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn tkt_11_the_work_order_lifecycle() {
        use WorkOrderCommand as C;
        use WorkOrderStatus as S;
        assert_eq!(
            work_order_transition(S::Open, C::Start, false),
            Ok(S::InProgress)
        );
        assert_eq!(
            work_order_transition(S::InProgress, C::Solve, false),
            Ok(S::Solved)
        );
        assert_eq!(
            work_order_transition(S::Open, C::Solve, false),
            Ok(S::Solved)
        );
        assert_eq!(
            work_order_transition(S::Solved, C::Close, true),
            Ok(S::Closed)
        );
        assert_eq!(
            work_order_transition(S::Open, C::Cancel, false),
            Ok(S::Cancelled)
        );
        for (from, cmd) in [
            (S::Closed, C::Start),
            (S::Solved, C::Solve),
            (S::Open, C::Close),
            (S::Solved, C::Cancel),
            (S::Cancelled, C::Start),
        ] {
            assert!(
                matches!(
                    work_order_transition(from, cmd, true),
                    Err(DomainError::State { rule: "TKT-11", .. })
                ),
                "{from:?} {cmd:?}"
            );
        }
    }

    #[test]
    fn tkt_11_closing_needs_the_kb_wording() {
        assert_eq!(
            rule_of(work_order_transition(
                WorkOrderStatus::Solved,
                WorkOrderCommand::Close,
                false
            )),
            "TKT-11"
        );
    }

    #[test]
    fn tkt_11_unfinished_work_orders_block_resolution() {
        use WorkOrderStatus as S;
        assert_eq!(check_ticket_resolvable(&[]), Ok(()));
        assert_eq!(check_ticket_resolvable(&[S::Closed, S::Cancelled]), Ok(()));
        for pending in [S::Open, S::InProgress, S::Solved] {
            match check_ticket_resolvable(&[S::Closed, pending]) {
                Err(DomainError::Rule { rule, .. }) => assert_eq!(rule, "TKT-11"),
                other => panic!("{other:?}"),
            }
        }
        assert_eq!(
            WorkOrderStatus::blocking(),
            vec!["open", "in_progress", "solved"]
        );
    }

    proptest! {
        #[test]
        fn tkt_11_no_work_order_closes_without_its_article(
            commands in proptest::collection::vec((0usize..4, any::<bool>()), 0..20)
        ) {
            let all = [WorkOrderCommand::Start, WorkOrderCommand::Solve,
                WorkOrderCommand::Close, WorkOrderCommand::Cancel];
            let mut state = WorkOrderStatus::Open;
            for (i, kb) in commands {
                if let Ok(next) = work_order_transition(state, all[i], kb) {
                    if next == WorkOrderStatus::Closed {
                        prop_assert!(kb);
                        prop_assert_eq!(state, WorkOrderStatus::Solved);
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
    use WorkOrderCommand::*;
    use kefu_core::Role;

    fn order(status: WorkOrderStatus) -> WorkOrder<'static> {
        WorkOrder {
            status,
            assignee_id: Some("tech"),
            raised_by: "eng",
        }
    }

    #[test]
    fn tkt_11_who_works_and_who_closes() {
        let tech = ActorFacts::new("tech", vec![Role::Engineer]);
        let raiser = ActorFacts::new("eng", vec![Role::Engineer]);
        let other = ActorFacts::new("eng2", vec![Role::Engineer]);
        let lead = ActorFacts::new("sup", vec![Role::Supervisor]);
        let clerk = ActorFacts::new("desk", vec![Role::Clerk]);
        let open = order(WorkOrderStatus::Open);
        assert_eq!(allowed_actions(&open, &tech), vec![Start, Solve]);
        assert_eq!(allowed_actions(&open, &raiser), vec![Cancel]);
        assert_eq!(allowed_actions(&open, &other), vec![]);
        assert_eq!(allowed_actions(&open, &lead), vec![Start, Solve, Cancel]);
        let solved = order(WorkOrderStatus::Solved);
        assert_eq!(allowed_actions(&solved, &raiser), vec![Close]);
        assert_eq!(allowed_actions(&solved, &clerk), vec![Close]);
        assert_eq!(allowed_actions(&solved, &tech), vec![]);
        for done in [WorkOrderStatus::Closed, WorkOrderStatus::Cancelled] {
            assert_eq!(allowed_actions(&order(done), &lead), vec![]);
        }
    }
}
