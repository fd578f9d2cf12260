//! The role × action table of the tickets domain, as the routes and services enforced it when
//! it moved here (issue 10). Reads that list no roles are open to anyone signed in: the
//! ORG-5 scope decides which records they see.

use super::{Action, Condition, Grant, Relation};
use Action::*;
use Role::*;
use kefu_core::Role;

const ANYONE: &[Role] = &Role::ALL;
/// Who opens tickets: staff who take requests, and customer contacts through the web.
const OPENERS: &[Role] = &[
    Admin,
    Manager,
    Supervisor,
    Clerk,
    Engineer,
    CallbackAgent,
    Executive,
    CustomerContact,
];
/// Who works on tickets; the record check narrows it to the assignee or a lead.
const WORKERS: &[Role] = &[Admin, Manager, Supervisor, Engineer];
/// Who manages any visible ticket, visit request or work order.
const LEADS: &[Role] = &[Admin, Manager, Supervisor];
const MANAGERS: &[Role] = &[Admin, Manager];
const ENGINEER: &[Role] = &[Engineer];
/// The office that takes forms in.
const OFFICE: &[Role] = &[Admin, Manager, Clerk];
/// Who makes callbacks.
const DESK: &[Role] = &[Admin, Manager, Clerk, CallbackAgent];
const FOLLOW_UP_READERS: &[Role] = &[Admin, Manager, QaInspector, Executive];
/// Who reads a desk agenda: the desk itself, and those who oversee it or a team.
const DESK_OVERSEERS: &[Role] = &[
    Admin,
    Manager,
    Supervisor,
    Clerk,
    CallbackAgent,
    QaInspector,
    Executive,
];
const REPORT_READERS: &[Role] = &[Admin, Manager, QaInspector, Executive, Supervisor];
const COMPLAINT_RECORDERS: &[Role] = &[
    Admin,
    Manager,
    Supervisor,
    Clerk,
    CallbackAgent,
    QaInspector,
    CustomerContact,
];
const COMPLAINT_REPLIERS: &[Role] = &[Admin, Manager, Supervisor, Clerk, CallbackAgent];
/// Change requests: engineers and the leads who act for them.
const CR_ENGINEERS: &[Role] = &[Engineer, Supervisor, Manager, Admin];
const CR_ANNOUNCERS: &[Role] = &[Engineer, Supervisor, Manager, Admin, Clerk];
/// Every staff role (no customer contact).
const STAFF: &[Role] = &[
    Admin,
    Manager,
    Supervisor,
    Clerk,
    Engineer,
    CallbackAgent,
    QaInspector,
    Finance,
    Hr,
    Executive,
];
const KB_WRITERS: &[Role] = &[Admin, Manager, Supervisor, Clerk, Engineer];
const KB_EDITORS: &[Role] = &[Admin, Manager, Supervisor, Clerk];

/// Who may run each action at all.
pub const ROLES: &[(Action, &[Role])] = &[
    (TicketCreate, OPENERS),
    // Correcting a ticket: the desk, and the engineer on it (the equipment found on site).
    (TicketUpdate, &[Admin, Manager, Supervisor, Clerk, Engineer]),
    (TicketList, ANYONE),
    (TicketListAtRisk, ANYONE),
    (TicketGet, ANYONE),
    (TicketTransitions, ANYONE),
    (TicketAssign, LEADS),
    (TicketStart, WORKERS),
    (TicketWait, WORKERS),
    (TicketResume, WORKERS),
    (TicketResolve, WORKERS),
    (TicketClose, OFFICE),
    (TicketCancel, &[Admin, Manager, Supervisor, Clerk]),
    (
        TicketReopen,
        &[Admin, Manager, Supervisor, Clerk, CallbackAgent],
    ),
    (TicketConfirmAppointment, ENGINEER),
    (TicketMissedAppointment, ENGINEER),
    (VisitRequest, WORKERS),
    (VisitList, ANYONE),
    (VisitGet, ANYONE),
    (VisitApprove, MANAGERS),
    (VisitReject, MANAGERS),
    (VisitDepart, ENGINEER),
    (VisitArrive, ENGINEER),
    (VisitFinish, ENGINEER),
    (VisitEscalate, ENGINEER),
    (
        ServiceRecordCreate,
        &[Admin, Manager, Supervisor, Clerk, Engineer],
    ),
    (ServiceRecordList, ANYONE),
    (DispatchBoard, LEADS),
    (MyAgenda, WORKERS),
    (FormCreate, ENGINEER),
    (FormList, ANYONE),
    (FormListLate, OFFICE),
    (FormGet, ANYONE),
    (FormVersions, ANYONE),
    (FormUpdate, ENGINEER),
    (FormSign, ENGINEER),
    (FormAmend, ENGINEER),
    (FormReceive, OFFICE),
    (CallbackCreate, DESK),
    (CallbackList, ANYONE),
    (CallbackGet, ANYONE),
    (CallbackAttempt, DESK),
    (CallbackComplete, DESK),
    (FollowUpList, FOLLOW_UP_READERS),
    (FollowUpGet, FOLLOW_UP_READERS),
    (FollowUpAnswer, MANAGERS),
    (DeskAgenda, DESK_OVERSEERS),
    (SatisfactionReport, REPORT_READERS),
    (ComplaintCreate, COMPLAINT_RECORDERS),
    (ComplaintList, ANYONE),
    (ComplaintGet, ANYONE),
    (ComplaintCounts, ANYONE),
    (ComplaintJudge, LEADS),
    (ComplaintReply, COMPLAINT_REPLIERS),
    (ComplaintClose, LEADS),
    (ChangeRequestCreate, WORKERS),
    (ChangeRequestList, ANYONE),
    (ChangeRequestGet, ANYONE),
    (ChangeRequestConfirmRequirements, CR_ENGINEERS),
    (ChangeRequestReview, MANAGERS),
    // There is no developer role: leads mark development started and submitted.
    (ChangeRequestStartDevelopment, LEADS),
    (ChangeRequestSubmitForTest, LEADS),
    (ChangeRequestPassTest, ENGINEER),
    (ChangeRequestDeliver, CR_ENGINEERS),
    (ChangeRequestRecordFeedback, CR_ENGINEERS),
    (ChangeRequestDelay, CR_ANNOUNCERS),
    (ChangeRequestCancel, MANAGERS),
    (WorkOrderCreate, WORKERS),
    (WorkOrderList, STAFF),
    (WorkOrderGet, STAFF),
    (WorkOrderStart, STAFF),
    (WorkOrderStartNamingAssignee, STAFF),
    (WorkOrderSolve, STAFF),
    (WorkOrderClose, STAFF),
    (WorkOrderCancel, STAFF),
    (KbCreate, KB_WRITERS),
    (KbList, ANYONE),
    (KbGet, ANYONE),
    (KbUpdate, KB_WRITERS),
    (KbEditPublished, KB_EDITORS),
    (KbVersions, STAFF),
    (KbPublish, KB_EDITORS),
    (KbArchive, KB_EDITORS),
];

const ASSIGNEE_OR_LEAD: Condition = Condition {
    any_of: &[Grant::Is(Relation::Assignee), Grant::AnyRole(LEADS)],
    never: None,
};
const ASSIGNEE_ONLY: Condition = Condition {
    any_of: &[Grant::Is(Relation::Assignee)],
    never: None,
};
/// TKT-10: an admin or manager, or the supervisor of the employee's team — never the
/// employee complained about.
const LEADS_THE_SUBJECT: Condition = Condition {
    any_of: &[
        Grant::AnyRole(MANAGERS),
        Grant::RoleAnd(Supervisor, Relation::SupervisesSubject),
    ],
    never: Some(Relation::Subject),
};

/// What must hold between the actor and the loaded record. An action missing here needs
/// only its roles.
pub const RECORD: &[(Action, Condition)] = &[
    (TicketStart, ASSIGNEE_OR_LEAD),
    (TicketWait, ASSIGNEE_OR_LEAD),
    (TicketResume, ASSIGNEE_OR_LEAD),
    (TicketResolve, ASSIGNEE_OR_LEAD),
    (TicketConfirmAppointment, ASSIGNEE_ONLY),
    (TicketMissedAppointment, ASSIGNEE_ONLY),
    // The ticket's assignee requests the visit, or a lead for them.
    (VisitRequest, ASSIGNEE_OR_LEAD),
    // Only the visit's engineer reports from the field.
    (VisitDepart, ASSIGNEE_ONLY),
    (VisitArrive, ASSIGNEE_ONLY),
    (VisitFinish, ASSIGNEE_ONLY),
    (VisitEscalate, ASSIGNEE_ONLY),
    // Only the engineer of the visit writes, signs and amends its form.
    (FormCreate, ASSIGNEE_ONLY),
    (FormUpdate, ASSIGNEE_ONLY),
    (FormSign, ASSIGNEE_ONLY),
    (FormAmend, ASSIGNEE_ONLY),
    (ComplaintJudge, LEADS_THE_SUBJECT),
    (ComplaintClose, LEADS_THE_SUBJECT),
    (
        ComplaintReply,
        Condition {
            any_of: &[
                Grant::AnyRole(&[Clerk, CallbackAgent]),
                Grant::AnyRole(MANAGERS),
                Grant::RoleAnd(Supervisor, Relation::SupervisesSubject),
            ],
            never: Some(Relation::Subject),
        },
    ),
    // The ticket's engineer or a lead raises a work order.
    (WorkOrderCreate, ASSIGNEE_OR_LEAD),
    (WorkOrderStart, ASSIGNEE_OR_LEAD),
    // Only a lead names who works it.
    (
        WorkOrderStartNamingAssignee,
        Condition {
            any_of: &[Grant::AnyRole(LEADS)],
            never: None,
        },
    ),
    (WorkOrderSolve, ASSIGNEE_OR_LEAD),
    // The support specialist (clerk) closes it with the KB wording; the raiser may too.
    (
        WorkOrderClose,
        Condition {
            any_of: &[
                Grant::AnyRole(LEADS),
                Grant::Is(Relation::Raiser),
                Grant::AnyRole(&[Clerk]),
            ],
            never: None,
        },
    ),
    (
        WorkOrderCancel,
        Condition {
            any_of: &[Grant::AnyRole(LEADS), Grant::Is(Relation::Raiser)],
            never: None,
        },
    ),
];
