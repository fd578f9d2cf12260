//! Who may run which command or read of the tickets domain (ORG-1 roles, ORG-5 record facts),
//! as data: [`ROLES`] says which roles may run an action at all (what the routes check before
//! loading anything, so a stranger is refused before learning whether a record exists), and
//! [`RECORD`] adds what must hold between the actor and the loaded record (the ticket's
//! assignee, the work order's raiser, "not about yourself"). Facts that need the database —
//! whether the actor supervises the complained-about employee's team — come in as
//! [`ActorFacts`]; this module only decides.
//!
//! Which *records* an actor sees at all (the ORG-5 scope of list and get) is the store's
//! visibility predicate, not this table: a record outside the scope reads as 404.

mod table;
#[cfg(test)]
mod tests;

use kefu_core::{Actor, DomainError, Role, UserId};

pub use table::{RECORD, ROLES};

/// Every command and read of the tickets domain that a role list guards.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Action {
    // Tickets (TKT-1..4)
    TicketCreate,
    TicketUpdate,
    TicketList,
    TicketListAtRisk,
    TicketGet,
    TicketTransitions,
    TicketAssign,
    TicketStart,
    TicketWait,
    TicketResume,
    TicketResolve,
    TicketClose,
    TicketCancel,
    TicketReopen,
    TicketConfirmAppointment,
    TicketMissedAppointment,
    // Visits and service records (TKT-5, TKT-6, TKT-8)
    VisitRequest,
    VisitList,
    VisitGet,
    VisitApprove,
    VisitReject,
    VisitDepart,
    VisitArrive,
    VisitFinish,
    VisitEscalate,
    ServiceRecordCreate,
    ServiceRecordList,
    DispatchBoard,
    MyAgenda,
    // Feedback forms (TKT-7)
    FormCreate,
    FormList,
    FormListLate,
    FormGet,
    FormVersions,
    FormUpdate,
    FormSign,
    FormAmend,
    FormReceive,
    // Callbacks and follow-ups (TKT-9), satisfaction (TKT-13)
    CallbackCreate,
    CallbackList,
    CallbackGet,
    CallbackAttempt,
    CallbackComplete,
    FollowUpList,
    FollowUpGet,
    FollowUpAnswer,
    DeskAgenda,
    SatisfactionReport,
    // Complaints (TKT-10)
    ComplaintCreate,
    ComplaintList,
    ComplaintGet,
    ComplaintCounts,
    ComplaintJudge,
    ComplaintReply,
    ComplaintClose,
    // Change requests (TKT-12)
    ChangeRequestCreate,
    ChangeRequestList,
    ChangeRequestGet,
    ChangeRequestConfirmRequirements,
    ChangeRequestReview,
    ChangeRequestStartDevelopment,
    ChangeRequestSubmitForTest,
    ChangeRequestPassTest,
    ChangeRequestDeliver,
    ChangeRequestRecordFeedback,
    ChangeRequestDelay,
    ChangeRequestCancel,
    // Work orders (TKT-11)
    WorkOrderCreate,
    WorkOrderList,
    WorkOrderGet,
    /// Start the work order oneself (the assignee) — no assignee named.
    WorkOrderStart,
    /// Start the work order naming who works it.
    WorkOrderStartNamingAssignee,
    WorkOrderSolve,
    WorkOrderClose,
    WorkOrderCancel,
    // Knowledge base (KB-1)
    KbCreate,
    KbList,
    KbGet,
    /// Edit an article; editing one that is no longer a draft is [`Action::KbEditPublished`].
    KbUpdate,
    KbEditPublished,
    KbVersions,
    KbPublish,
    KbArchive,
}

impl Action {
    /// Every action, for tests that the table covers them all.
    pub const ALL: [Action; 83] = [
        Action::TicketCreate,
        Action::TicketUpdate,
        Action::TicketList,
        Action::TicketListAtRisk,
        Action::TicketGet,
        Action::TicketTransitions,
        Action::TicketAssign,
        Action::TicketStart,
        Action::TicketWait,
        Action::TicketResume,
        Action::TicketResolve,
        Action::TicketClose,
        Action::TicketCancel,
        Action::TicketReopen,
        Action::TicketConfirmAppointment,
        Action::TicketMissedAppointment,
        Action::VisitRequest,
        Action::VisitList,
        Action::VisitGet,
        Action::VisitApprove,
        Action::VisitReject,
        Action::VisitDepart,
        Action::VisitArrive,
        Action::VisitFinish,
        Action::VisitEscalate,
        Action::ServiceRecordCreate,
        Action::ServiceRecordList,
        Action::DispatchBoard,
        Action::MyAgenda,
        Action::FormCreate,
        Action::FormList,
        Action::FormListLate,
        Action::FormGet,
        Action::FormVersions,
        Action::FormUpdate,
        Action::FormSign,
        Action::FormAmend,
        Action::FormReceive,
        Action::CallbackCreate,
        Action::CallbackList,
        Action::CallbackGet,
        Action::CallbackAttempt,
        Action::CallbackComplete,
        Action::FollowUpList,
        Action::FollowUpGet,
        Action::FollowUpAnswer,
        Action::DeskAgenda,
        Action::SatisfactionReport,
        Action::ComplaintCreate,
        Action::ComplaintList,
        Action::ComplaintGet,
        Action::ComplaintCounts,
        Action::ComplaintJudge,
        Action::ComplaintReply,
        Action::ComplaintClose,
        Action::ChangeRequestCreate,
        Action::ChangeRequestList,
        Action::ChangeRequestGet,
        Action::ChangeRequestConfirmRequirements,
        Action::ChangeRequestReview,
        Action::ChangeRequestStartDevelopment,
        Action::ChangeRequestSubmitForTest,
        Action::ChangeRequestPassTest,
        Action::ChangeRequestDeliver,
        Action::ChangeRequestRecordFeedback,
        Action::ChangeRequestDelay,
        Action::ChangeRequestCancel,
        Action::WorkOrderCreate,
        Action::WorkOrderList,
        Action::WorkOrderGet,
        Action::WorkOrderStart,
        Action::WorkOrderStartNamingAssignee,
        Action::WorkOrderSolve,
        Action::WorkOrderClose,
        Action::WorkOrderCancel,
        Action::KbCreate,
        Action::KbList,
        Action::KbGet,
        Action::KbUpdate,
        Action::KbEditPublished,
        Action::KbVersions,
        Action::KbPublish,
        Action::KbArchive,
    ];

    /// The rule a refusal of this action names.
    pub fn rule(self) -> &'static str {
        use Action::*;
        match self {
            TicketCreate | TicketList | TicketListAtRisk | TicketGet | TicketTransitions => "ORG-5",
            TicketUpdate => "TKT-1",
            TicketAssign | TicketConfirmAppointment | TicketMissedAppointment => "TKT-4",
            TicketStart | TicketWait | TicketResume | TicketResolve | TicketClose
            | TicketCancel | TicketReopen => "TKT-3",
            VisitRequest | VisitList | VisitGet | VisitApprove | VisitReject | VisitDepart
            | VisitArrive | VisitFinish | DispatchBoard | MyAgenda => "TKT-5",
            VisitEscalate => "TKT-8",
            ServiceRecordCreate | ServiceRecordList => "TKT-6",
            FormCreate | FormList | FormListLate | FormGet | FormVersions | FormUpdate
            | FormSign | FormAmend | FormReceive => "TKT-7",
            CallbackCreate | CallbackList | CallbackGet | CallbackAttempt | CallbackComplete
            | FollowUpList | FollowUpGet | FollowUpAnswer | DeskAgenda => "TKT-9",
            SatisfactionReport => "TKT-13",
            ComplaintCreate | ComplaintList | ComplaintGet | ComplaintCounts | ComplaintJudge
            | ComplaintReply | ComplaintClose => "TKT-10",
            WorkOrderCreate
            | WorkOrderList
            | WorkOrderGet
            | WorkOrderStart
            | WorkOrderStartNamingAssignee
            | WorkOrderSolve
            | WorkOrderClose
            | WorkOrderCancel => "TKT-11",
            ChangeRequestCreate
            | ChangeRequestList
            | ChangeRequestGet
            | ChangeRequestConfirmRequirements
            | ChangeRequestReview
            | ChangeRequestStartDevelopment
            | ChangeRequestSubmitForTest
            | ChangeRequestPassTest
            | ChangeRequestDeliver
            | ChangeRequestRecordFeedback
            | ChangeRequestDelay
            | ChangeRequestCancel => "TKT-12",
            KbCreate | KbList | KbGet | KbUpdate | KbEditPublished | KbVersions | KbPublish
            | KbArchive => "KB-1",
        }
    }
}

/// How the actor stands to the record the action is about — facts, not roles.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Relation {
    /// The record's engineer: the ticket's or work order's assignee, the visit's or
    /// feedback form's engineer. For a work order's creation: the ticket's assignee.
    Assignee,
    /// Raised the work order.
    Raiser,
    /// Requested the change request (TKT-12: the requesting engineer tests).
    Requester,
    /// The complaint is about them (TKT-10: nobody handles a complaint about themselves).
    Subject,
    /// Supervises a team the complained-about employee belongs to.
    SupervisesSubject,
}

/// The actor and the facts about them the rules need. Relations default to "none": a caller
/// that forgets to load one is refused, never let through.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActorFacts {
    pub user_id: UserId,
    pub roles: Vec<Role>,
    pub relations: Vec<Relation>,
}

impl ActorFacts {
    pub fn new(user_id: impl Into<UserId>, roles: impl Into<Vec<Role>>) -> Self {
        ActorFacts {
            user_id: user_id.into(),
            roles: roles.into(),
            relations: Vec::new(),
        }
    }

    /// The facts of an authenticated actor, with no relation to any record yet.
    pub fn of(actor: &Actor) -> Self {
        ActorFacts::new(actor.user_id.clone(), actor.roles.clone())
    }

    /// These facts with `relation` added when `holds`.
    #[must_use]
    pub fn with(mut self, relation: Relation, holds: bool) -> Self {
        if holds && !self.relations.contains(&relation) {
            self.relations.push(relation);
        }
        self
    }

    pub fn has_any_role(&self, roles: &[Role]) -> bool {
        self.roles.iter().any(|r| roles.contains(r))
    }

    pub fn stands(&self, relation: Relation) -> bool {
        self.relations.contains(&relation)
    }
}

/// One way to be let through a record-level check.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Grant {
    /// Holding any of these roles.
    AnyRole(&'static [Role]),
    /// Standing in this relation to the record.
    Is(Relation),
    /// Holding the role *and* standing in the relation (a supervisor of the employee's team).
    RoleAnd(Role, Relation),
}

impl Grant {
    fn holds(self, actor: &ActorFacts) -> bool {
        match self {
            Grant::AnyRole(roles) => actor.has_any_role(roles),
            Grant::Is(relation) => actor.stands(relation),
            Grant::RoleAnd(role, relation) => actor.roles.contains(&role) && actor.stands(relation),
        }
    }
}

/// What must hold between the actor and the loaded record, beyond [`ROLES`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Condition {
    /// At least one of these grants.
    pub any_of: &'static [Grant],
    /// Refused when the actor stands in this relation, whatever else they hold.
    pub never: Option<Relation>,
}

impl Condition {
    pub fn holds(&self, actor: &ActorFacts) -> bool {
        self.never.is_none_or(|r| !actor.stands(r)) && self.any_of.iter().any(|g| g.holds(actor))
    }
}

/// The roles that may run `action` at all (none when the table misses it: deny by default).
pub fn roles_for(action: Action) -> &'static [Role] {
    ROLES
        .iter()
        .find(|(a, _)| *a == action)
        .map_or(&[], |(_, roles)| roles)
}

/// The record-level condition of `action`, if it has one.
pub fn condition_for(action: Action) -> Option<&'static Condition> {
    RECORD.iter().find(|(a, _)| *a == action).map(|(_, c)| c)
}

/// The role check made before the record is loaded: whether any of `roles` may run `action`.
pub fn may(action: Action, roles: &[Role]) -> bool {
    let allowed = roles_for(action);
    roles.iter().any(|r| allowed.contains(r))
}

/// The whole check once the record is loaded: the roles, then the record-level condition.
pub fn may_on_record(action: Action, actor: &ActorFacts) -> bool {
    may(action, &actor.roles) && condition_for(action).is_none_or(|c| c.holds(actor))
}

fn refusal(action: Action) -> DomainError {
    DomainError::Forbidden {
        rule: action.rule(),
        message: format!("not allowed to run {action:?}"),
    }
}

/// [`may`] as a result: the refusal the API answers with 403.
pub fn require(action: Action, roles: &[Role]) -> Result<(), DomainError> {
    if may(action, roles) {
        Ok(())
    } else {
        Err(refusal(action))
    }
}

/// [`may_on_record`] as a result: the refusal the API answers with 403.
pub fn require_on_record(action: Action, actor: &ActorFacts) -> Result<(), DomainError> {
    if may_on_record(action, actor) {
        Ok(())
    } else {
        Err(refusal(action))
    }
}

/// KB-1: a caller without a staff role (a customer contact) reads published articles only.
pub fn kb_published_only(roles: &[Role]) -> bool {
    !may(Action::KbVersions, roles)
}

/// TKT-13: whose satisfaction a report reader sees.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReportScope {
    /// Every team.
    All,
    /// The teams the reader supervises.
    SupervisedTeams,
}

/// TKT-13: managers, QA, executives and admins see every team; a supervisor the teams they
/// supervise; anyone else is refused.
pub fn satisfaction_scope(roles: &[Role]) -> Result<ReportScope, DomainError> {
    const SEE_ALL: &[Role] = &[
        Role::Admin,
        Role::Manager,
        Role::QaInspector,
        Role::Executive,
    ];
    if roles.iter().any(|r| SEE_ALL.contains(r)) {
        Ok(ReportScope::All)
    } else if roles.contains(&Role::Supervisor) {
        Ok(ReportScope::SupervisedTeams)
    } else {
        Err(refusal(Action::SatisfactionReport))
    }
}
