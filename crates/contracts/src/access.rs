//! Who may run which command or read of the contracts domain (ORG-1 roles), as data. Which
//! contracts an actor sees at all (ORG-5: signer, executor, the customers of their team, a
//! customer contact's own customer) is the API's scope and the store's predicate; a contract
//! outside it reads as 404, so the table below is checked before anything is loaded.

use Role::*;
use kefu_core::{DomainError, Role};

/// Every command and read of the contracts domain that a role list guards.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Action {
    ContractCreate,
    ContractList,
    ContractGet,
    /// Edit a draft (PATCH).
    ContractUpdate,
    ContractSign,
    ContractTerminate,
    ContractRenew,
    ContractCancelRenewal,
    ContractRecordPayment,
    /// Read the expiry reminder and the customer notice (CON-3).
    ContractReminderGet,
    /// Record the customer's answer to the notice (CON-3).
    ContractReminderAnswer,
    /// Enter a commissioning notice as a job, or a capacity addition (CON-7).
    CommissioningCreate,
    CommissioningList,
    CommissioningGet,
    /// The executive's approval of the notice (CON-7).
    CommissioningApprove,
    /// Record the work's start and end (CON-7).
    CommissioningCommission,
    /// Record the documents handed in (CON-7).
    CommissioningHandIn,
    /// The clerk's confirming callback (CON-7).
    CommissioningConfirmCallback,
    /// The manager's re-check call (CON-7).
    CommissioningRecheck,
    /// Record the acceptance date (CON-7).
    CommissioningRecordAcceptance,
    /// Ask whether a repair is a free warranty redo (CON-9).
    RepairWarrantyCheck,
    /// Record the site conditions and pre-signing inspection of a maintenance agreement (CON-5).
    MaintenanceAcceptanceRecord,
    /// Mark a programme step done (CON-6).
    MaintenanceStepComplete,
    /// Approve the test plan: the manager, then the executive (CON-6).
    MaintenanceStepApprove,
    /// Issue a licence (serial) for an installation a contract covers (CON-4).
    LicenceIssue,
    /// List and read licences (CON-4); which ones is the contracts' ORG-5 scope.
    LicenceRead,
    /// The installed software's check of a serial (CON-4): API keys only, whatever their
    /// account's roles; the route refuses every other caller.
    LicenceCheck,
    /// Record the customer's signed instruction to change controller data (CON-10).
    ControllerInstructionRecord,
    /// List and read the instructions (CON-10); which ones is the customers' ORG-5 scope.
    ControllerInstructionRead,
    /// Record a change of controller data against its instruction (CON-10).
    ControllerDataChange,
    /// The manager's confirmation of a recorded change (CON-10, the next day's follow-up).
    ControllerChangeConfirm,
}

impl Action {
    pub const ALL: [Action; 31] = [
        Action::ContractCreate,
        Action::ContractList,
        Action::ContractGet,
        Action::ContractUpdate,
        Action::ContractSign,
        Action::ContractTerminate,
        Action::ContractRenew,
        Action::ContractCancelRenewal,
        Action::ContractRecordPayment,
        Action::ContractReminderGet,
        Action::ContractReminderAnswer,
        Action::CommissioningCreate,
        Action::CommissioningList,
        Action::CommissioningGet,
        Action::CommissioningApprove,
        Action::CommissioningCommission,
        Action::CommissioningHandIn,
        Action::CommissioningConfirmCallback,
        Action::CommissioningRecheck,
        Action::CommissioningRecordAcceptance,
        Action::RepairWarrantyCheck,
        Action::MaintenanceAcceptanceRecord,
        Action::MaintenanceStepComplete,
        Action::MaintenanceStepApprove,
        Action::LicenceIssue,
        Action::LicenceRead,
        Action::LicenceCheck,
        Action::ControllerInstructionRecord,
        Action::ControllerInstructionRead,
        Action::ControllerDataChange,
        Action::ControllerChangeConfirm,
    ];

    /// The rule a refusal of this action names.
    pub fn rule(self) -> &'static str {
        match self {
            Action::ContractList
            | Action::ContractGet
            | Action::CommissioningList
            | Action::CommissioningGet => "ORG-5",
            Action::ContractRecordPayment => "CON-2",
            Action::ContractReminderGet | Action::ContractReminderAnswer => "CON-3",
            Action::CommissioningCreate
            | Action::CommissioningApprove
            | Action::CommissioningCommission
            | Action::CommissioningHandIn
            | Action::CommissioningConfirmCallback
            | Action::CommissioningRecheck
            | Action::CommissioningRecordAcceptance => "CON-7",
            Action::RepairWarrantyCheck => "CON-9",
            Action::MaintenanceAcceptanceRecord => "CON-5",
            Action::MaintenanceStepComplete | Action::MaintenanceStepApprove => "CON-6",
            Action::LicenceIssue | Action::LicenceCheck => "CON-4",
            Action::LicenceRead | Action::ControllerInstructionRead => "ORG-5",
            Action::ControllerInstructionRecord
            | Action::ControllerDataChange
            | Action::ControllerChangeConfirm => "CON-10",
            _ => "CON-1",
        }
    }
}

const ANYONE: &[Role] = &Role::ALL;
/// The seeds: the service engineer (服务专员) signs service contracts; the office and the leads
/// draw them up with them.
const DRAFTERS: &[Role] = &[Admin, Manager, Supervisor, Clerk, Engineer];
const MANAGERS: &[Role] = &[Admin, Manager];
/// Who books money received against a contract.
const CASHIERS: &[Role] = &[Admin, Manager, Finance, Clerk];

/// Every staff role: commissioning jobs are internal settlement records (points, the basis of
/// the engineers' commission), so customer contacts see none.
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
/// The seeds: the marketing office's clerk fills in the commissioning notice (工程调试通知及
/// 结算单), which the sales vice-president (the executive) approves.
const NOTICE_CLERKS: &[Role] = &[Admin, Manager, Clerk];
const APPROVERS: &[Role] = &[Admin, Executive];
/// Who does the work (the assigned engineer; their lead and the manager for them).
const COMMISSIONERS: &[Role] = &[Admin, Manager, Supervisor, Engineer];
/// The office clerk (客服内勤) receives the documents and makes the confirming callback.
const OFFICE: &[Role] = &[Admin, Manager, Clerk];
/// The acceptance (检测验收) is reported by whoever attends it.
const ACCEPTANCE: &[Role] = &[Admin, Manager, Supervisor, Clerk, Engineer];

/// Who may run each action at all.
pub const ROLES: &[(Action, &[Role])] = &[
    (Action::ContractCreate, DRAFTERS),
    (Action::ContractList, ANYONE),
    (Action::ContractGet, ANYONE),
    (Action::ContractUpdate, DRAFTERS),
    (Action::ContractSign, DRAFTERS),
    (Action::ContractTerminate, MANAGERS),
    (Action::ContractRenew, DRAFTERS),
    (Action::ContractCancelRenewal, DRAFTERS),
    (Action::ContractRecordPayment, CASHIERS),
    (Action::ContractReminderGet, ANYONE),
    (Action::ContractReminderAnswer, DRAFTERS),
    (Action::CommissioningCreate, NOTICE_CLERKS),
    (Action::CommissioningList, STAFF),
    (Action::CommissioningGet, STAFF),
    (Action::CommissioningApprove, APPROVERS),
    (Action::CommissioningCommission, COMMISSIONERS),
    (Action::CommissioningHandIn, OFFICE),
    (Action::CommissioningConfirmCallback, OFFICE),
    (Action::CommissioningRecheck, MANAGERS),
    (Action::CommissioningRecordAcceptance, ACCEPTANCE),
    (Action::RepairWarrantyCheck, STAFF),
    // The seeds: the service engineer inspects the site before the agreement is signed; those
    // who draw up and sign contracts record it.
    (Action::MaintenanceAcceptanceRecord, DRAFTERS),
    (Action::MaintenanceStepComplete, COMMISSIONERS),
    // CON-6: the manager approves the test plan, then the executive.
    (Action::MaintenanceStepApprove, &[Admin, Manager, Executive]),
    // CON-4: the company hands out serials (程序安装后由公司提供使用序列号); the office issues
    // them, the engineers install them.
    (Action::LicenceIssue, OFFICE),
    (Action::LicenceRead, ANYONE),
    (Action::LicenceCheck, ANYONE),
    // CON-10: the service staff on site receive the customer's signed instruction and make the
    // change; the office and the leads record for them.
    (Action::ControllerInstructionRecord, DRAFTERS),
    (Action::ControllerInstructionRead, ANYONE),
    (Action::ControllerDataChange, COMMISSIONERS),
    // CON-10: the record is handed to the customer-service manager, who confirms it personally
    // (客服经理亲自确认).
    (Action::ControllerChangeConfirm, MANAGERS),
];

/// The roles that may run `action` (none when the table misses it: deny by default).
pub fn roles_for(action: Action) -> &'static [Role] {
    kefu_core::access::roles_for(ROLES, action)
}

pub fn may(action: Action, roles: &[Role]) -> bool {
    kefu_core::access::may(ROLES, action, roles)
}

/// [`may`] as a result: the refusal the API answers with 403, naming the action's rule.
pub fn require(action: Action, roles: &[Role]) -> Result<(), DomainError> {
    kefu_core::access::require(ROLES, action, action.rule(), roles)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_action_has_roles() {
        for a in Action::ALL {
            assert!(!roles_for(a).is_empty(), "{a:?}");
        }
    }

    #[test]
    fn con_1_engineers_draft_and_sign_but_only_managers_terminate() {
        assert!(may(Action::ContractSign, &[Engineer]));
        assert!(!may(Action::ContractTerminate, &[Engineer]));
        assert!(may(Action::ContractTerminate, &[Manager]));
        assert!(require(Action::ContractCreate, &[CustomerContact]).is_err());
        assert!(may(Action::ContractGet, &[CustomerContact]));
    }

    #[test]
    fn con_7_the_executive_approves_the_clerk_confirms_contacts_see_nothing() {
        assert!(may(Action::CommissioningApprove, &[Executive]));
        assert!(!may(Action::CommissioningApprove, &[Manager]));
        assert!(may(Action::CommissioningConfirmCallback, &[Clerk]));
        assert!(!may(Action::CommissioningConfirmCallback, &[Engineer]));
        assert!(may(Action::CommissioningCommission, &[Engineer]));
        assert!(!may(Action::CommissioningGet, &[CustomerContact]));
    }

    #[test]
    fn con_4_the_office_issues_licences_everyone_reads_their_own() {
        assert!(may(Action::LicenceIssue, &[Clerk]));
        assert!(may(Action::LicenceIssue, &[Manager]));
        assert!(!may(Action::LicenceIssue, &[Engineer]));
        assert!(matches!(
            require(Action::LicenceIssue, &[CustomerContact]),
            Err(DomainError::Forbidden { rule: "CON-4", .. })
        ));
        assert!(may(Action::LicenceRead, &[CustomerContact]));
    }

    #[test]
    fn con_10_staff_on_site_record_instructions_and_changes_contacts_read_them() {
        assert!(may(Action::ControllerInstructionRecord, &[Engineer]));
        assert!(may(Action::ControllerDataChange, &[Engineer]));
        assert!(!may(Action::ControllerDataChange, &[Clerk]));
        assert!(!may(
            Action::ControllerInstructionRecord,
            &[CustomerContact]
        ));
        assert!(may(Action::ControllerInstructionRead, &[CustomerContact]));
        assert!(may(Action::ControllerChangeConfirm, &[Manager]));
        assert!(!may(Action::ControllerChangeConfirm, &[Engineer]));
        assert!(matches!(
            require(Action::ControllerChangeConfirm, &[Supervisor]),
            Err(DomainError::Forbidden { rule: "CON-10", .. })
        ));
    }

    #[test]
    fn con_2_finance_books_payments_engineers_do_not() {
        assert!(may(Action::ContractRecordPayment, &[Finance]));
        assert!(matches!(
            require(Action::ContractRecordPayment, &[Engineer]),
            Err(DomainError::Forbidden { rule: "CON-2", .. })
        ));
    }
}
