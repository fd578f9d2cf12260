//! Access control has one home. Who may run which command is data: the role × action table
//! ([`roles::ROLES`]) for the organisation, customers, equipment, calendar and platform, and
//! `kefu_tickets::access` for the tickets domain. Which records a caller sees at all (ORG-5)
//! is [`scope`]: the scope builders, each matched by one SQL predicate per owning table in
//! `kefu_store::visibility`. A route checks the action before it loads anything, so a role
//! without the permission gets 403 whether or not the record exists; a record outside the
//! caller's scope reads as 404.

pub mod roles;
pub mod scope;

use crate::kernel::error::ApiError;
use kefu_core::{Actor, Role};

pub use roles::SEE_ALL;
pub use scope::visible;

/// The guarded commands and reads of the domains without a crate of their own.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Action {
    /// Users: list, create, read, update, disable, reset a password (ORG-1).
    UserManage,
    /// API keys of service accounts: list, create, read, revoke.
    ApiKeyManage,
    TeamRead,
    /// Create, update and delete teams.
    TeamEdit,
    /// Create and delete employee records, change any field, change employment status.
    EmployeeEdit,
    /// Change an employee's organisational fields only (team, supervisor, track, level).
    EmployeeOrganise,
    CityEdit,
    /// Create and update customers (ORG-3).
    CustomerEdit,
    CustomerDelete,
    /// Name a customer's responsible engineer or team (ORG-5).
    CustomerAssign,
    SiteEdit,
    SiteDelete,
    ContactEdit,
    ContactDelete,
    /// Give a customer contact a login of their own.
    ContactGrantLogin,
    /// Create, update and delete installed equipment (ORG-4).
    EquipmentEdit,
    ProductRead,
    ProductEdit,
    /// Replace work-calendar days (holidays, make-up working days).
    CalendarEdit,
    /// Upload attachments to visible records, and delete one's own.
    AttachmentUpload,
    /// Delete anyone's attachment.
    AttachmentDeleteAny,
    /// Read and verify the audit log.
    AuditRead,
    /// List, read and re-run background jobs.
    JobOperate,
    /// Add and delete rule-set versions.
    RuleSetEdit,
    /// Webhook subscriptions and deliveries.
    WebhookManage,
}

impl Action {
    /// The roles that may run the action.
    pub fn roles(self) -> &'static [Role] {
        roles::ROLES
            .iter()
            .find(|(action, _)| *action == self)
            .map_or(&[], |(_, roles)| *roles)
    }
}

/// Whether `actor` holds a role that may run `action`.
pub fn may(actor: &Actor, action: Action) -> bool {
    actor.has_any_role(action.roles())
}

/// 403 unless `actor` holds a role that may run `action`.
pub fn require(actor: &Actor, action: Action) -> Result<(), ApiError> {
    if may(actor, action) {
        Ok(())
    } else {
        Err(ApiError::Forbidden)
    }
}

#[cfg(test)]
mod tests {
    use super::roles::ROLES;
    use super::*;
    use kefu_core::ActorKind;

    const ALL: [Action; 25] = [
        Action::UserManage,
        Action::ApiKeyManage,
        Action::TeamRead,
        Action::TeamEdit,
        Action::EmployeeEdit,
        Action::EmployeeOrganise,
        Action::CityEdit,
        Action::CustomerEdit,
        Action::CustomerDelete,
        Action::CustomerAssign,
        Action::SiteEdit,
        Action::SiteDelete,
        Action::ContactEdit,
        Action::ContactDelete,
        Action::ContactGrantLogin,
        Action::EquipmentEdit,
        Action::ProductRead,
        Action::ProductEdit,
        Action::CalendarEdit,
        Action::AttachmentUpload,
        Action::AttachmentDeleteAny,
        Action::AuditRead,
        Action::JobOperate,
        Action::RuleSetEdit,
        Action::WebhookManage,
    ];

    fn actor(roles: &[Role]) -> Actor {
        Actor {
            user_id: "u".into(),
            username: "u".into(),
            roles: roles.to_vec(),
            kind: ActorKind::Session,
        }
    }

    #[test]
    fn every_action_has_exactly_one_row() {
        for action in ALL {
            let rows = ROLES.iter().filter(|(a, _)| *a == action).count();
            assert_eq!(rows, 1, "{action:?}");
            assert!(!action.roles().is_empty(), "{action:?}");
        }
        assert_eq!(ROLES.len(), ALL.len());
    }

    #[test]
    fn org_1_security_records_are_the_admins_alone() {
        for action in [
            Action::UserManage,
            Action::ApiKeyManage,
            Action::AuditRead,
            Action::JobOperate,
            Action::RuleSetEdit,
            Action::WebhookManage,
            Action::CalendarEdit,
        ] {
            assert_eq!(action.roles(), &[Role::Admin], "{action:?}");
        }
    }

    #[test]
    fn customer_contacts_only_read() {
        let contact = actor(&[Role::CustomerContact]);
        for action in ALL {
            assert!(!may(&contact, action), "{action:?}");
        }
    }

    #[test]
    fn org_5_engineers_record_what_they_see_but_delete_nothing() {
        let engineer = actor(&[Role::Engineer]);
        for action in [
            Action::CustomerEdit,
            Action::SiteEdit,
            Action::ContactEdit,
            Action::EquipmentEdit,
            Action::AttachmentUpload,
            Action::TeamRead,
            Action::ProductRead,
        ] {
            assert!(may(&engineer, action), "{action:?}");
        }
        for action in [
            Action::CustomerDelete,
            Action::SiteDelete,
            Action::ContactDelete,
            Action::CustomerAssign,
            Action::ProductEdit,
            Action::AttachmentDeleteAny,
        ] {
            assert!(!may(&engineer, action), "{action:?}");
        }
    }

    #[test]
    fn org_5_who_assigns_a_customer_is_who_sees_every_customer_or_supervises() {
        let mut expected: Vec<Role> = roles::SEE_ALL.to_vec();
        expected.push(Role::Supervisor);
        expected.sort_by_key(|r| r.as_str());
        let mut actual = Action::CustomerAssign.roles().to_vec();
        actual.sort_by_key(|r| r.as_str());
        assert_eq!(actual, expected);
    }

    #[test]
    fn a_caller_holding_several_roles_may_what_any_of_them_may() {
        let both = actor(&[Role::Engineer, Role::Hr]);
        assert!(may(&both, Action::EmployeeEdit));
        assert!(may(&both, Action::SiteEdit));
        assert!(require(&actor(&[Role::Engineer]), Action::EmployeeEdit).is_err());
    }
}
