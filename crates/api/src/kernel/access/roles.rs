//! The role × action table of the domains that have no crate of their own (organisation,
//! customers, equipment, calendar, platform), and the role sets other rules are written with.
//! The tickets domain keeps its table beside its decisions, in `kefu_tickets::access`.

use super::Action;
use kefu_core::Role;

const ADMIN: &[Role] = &[Role::Admin];
const ADMIN_MANAGER: &[Role] = &[Role::Admin, Role::Manager];
const ADMIN_HR: &[Role] = &[Role::Admin, Role::Hr];

/// Every staff role: all but `customer_contact`.
pub const STAFF: &[Role] = &[
    Role::Admin,
    Role::Manager,
    Role::Supervisor,
    Role::Clerk,
    Role::Engineer,
    Role::CallbackAgent,
    Role::QaInspector,
    Role::Finance,
    Role::Hr,
    Role::Executive,
];

/// Who records customers, sites, contacts and equipment (each only within their ORG-5 scope).
pub const FIELD_EDITORS: &[Role] = &[
    Role::Admin,
    Role::Manager,
    Role::Supervisor,
    Role::Clerk,
    Role::Engineer,
];

const FIELD_DELETERS: &[Role] = &[Role::Admin, Role::Manager, Role::Supervisor, Role::Clerk];

/// ORG-5: roles that work with every customer: managers and above, and the office that takes
/// every customer's calls, callbacks and invoices.
pub const SEE_ALL: &[Role] = &[
    Role::Admin,
    Role::Manager,
    Role::Executive,
    Role::Finance,
    Role::Hr,
    Role::Clerk,
    Role::CallbackAgent,
    Role::QaInspector,
];

/// ORG-5: roles that see every employee record, salaries included.
pub const EMPLOYEES_SEE_ALL: &[Role] = &[
    Role::Admin,
    Role::Hr,
    Role::Manager,
    Role::Executive,
    Role::Finance,
];

/// The callback desk and those above it, who see every callback: the desk works the whole
/// queue, not only the calls assigned to it.
pub const CALLBACKS_SEE_ALL: &[Role] = &[
    Role::Admin,
    Role::Manager,
    Role::QaInspector,
    Role::Executive,
    Role::Clerk,
    Role::CallbackAgent,
];

/// ORG-5: roles that see every complaint.
pub const COMPLAINTS_SEE_ALL: &[Role] = &[
    Role::Admin,
    Role::Manager,
    Role::Executive,
    Role::Hr,
    Role::QaInspector,
];

/// TKT-9: who takes a new callback (seed 002: the desk that received the form calls).
pub const CALLBACK_CALLERS: &[Role] = &[Role::CallbackAgent, Role::Clerk];

/// Who hears of every visit request, missed deadline and dissatisfied customer, and answers
/// follow-ups.
pub const MANAGERS: &[Role] = &[Role::Manager];

/// Who a ticket can be assigned to.
pub const ASSIGNEES: &[Role] = &[Role::Engineer];

/// Roles a team's (or an employee's) supervisor must hold.
pub const SUPERVISOR_ROLES: &[Role] = &[Role::Supervisor, Role::Manager];

/// Told about every customer's warranty endings (they see every customer, ORG-5).
pub const WARRANTY_ALWAYS_TOLD: &[Role] = ADMIN_MANAGER;

/// The stored names of `roles`, for queries over users' role lists.
pub fn role_names(roles: &[Role]) -> Vec<&'static str> {
    roles.iter().map(|r| r.as_str()).collect()
}

/// Who may run each action. Every [`Action`] has exactly one row (a test checks it).
pub const ROLES: &[(Action, &[Role])] = &[
    (Action::UserManage, ADMIN),
    (Action::ApiKeyManage, ADMIN),
    (Action::TeamRead, STAFF),
    (Action::TeamEdit, &[Role::Admin, Role::Manager, Role::Hr]),
    (Action::EmployeeEdit, ADMIN_HR),
    (
        Action::EmployeeOrganise,
        &[Role::Admin, Role::Hr, Role::Manager],
    ),
    (Action::CityEdit, ADMIN_MANAGER),
    (Action::CustomerEdit, FIELD_EDITORS),
    (Action::CustomerDelete, ADMIN_MANAGER),
    (
        Action::CustomerAssign,
        &[
            Role::Admin,
            Role::Manager,
            Role::Executive,
            Role::Finance,
            Role::Hr,
            Role::Clerk,
            Role::CallbackAgent,
            Role::QaInspector,
            Role::Supervisor,
        ],
    ),
    (Action::SiteEdit, FIELD_EDITORS),
    (Action::SiteDelete, FIELD_DELETERS),
    (Action::ContactEdit, FIELD_EDITORS),
    (Action::ContactDelete, FIELD_DELETERS),
    (
        Action::ContactGrantLogin,
        &[Role::Admin, Role::Manager, Role::Clerk],
    ),
    (Action::EquipmentEdit, FIELD_EDITORS),
    (Action::ProductRead, STAFF),
    (Action::ProductEdit, ADMIN_MANAGER),
    (Action::CalendarEdit, ADMIN),
    (Action::AttachmentUpload, STAFF),
    (Action::AttachmentDeleteAny, ADMIN_MANAGER),
    (Action::AuditRead, ADMIN),
    (Action::JobOperate, ADMIN),
    (Action::RuleSetEdit, ADMIN),
    (Action::WebhookManage, ADMIN),
];
