//! Who may run which command or read of the inventory domain (ORG-1 roles), as data: [`ROLES`]
//! says which roles may run an action at all — what the routes check before loading anything,
//! so a role without it is refused (403) whether or not the record exists. Which stock an actor
//! sees (ORG-5: an engineer their own location, the store's office everything) is
//! [`sees_all_stock`] and the store's location filter: stock outside it reads as 404.

use Role::*;
use kefu_core::{DomainError, Role};

/// The guarded commands and reads of the inventory domain.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Action {
    /// Read the parts catalogue.
    PartRead,
    /// Create and change parts.
    PartEdit,
    /// Read locations, stock levels, serialised units and the ledger (within the ORG-5 scope).
    StockRead,
    /// Create stock locations.
    LocationEdit,
    /// Record a movement: receipt, issue, return, consumption, loss, damage, count adjustment.
    StockMove,
    /// INV-2: ask for a loan of parts into one's own hands.
    LoanRequest,
    /// INV-2: read loans (an engineer their own, ORG-5).
    LoanRead,
    /// INV-2: approve or reject a requested loan.
    LoanDecide,
    /// INV-2: hand the approved parts over, and take them back.
    LoanIssue,
    /// INV-2: sign for the parts issued (the loan's engineer only).
    LoanSign,
    /// INV-3: report loaned units lost or damaged (the loan's engineer, or the store's office).
    LoanReportLoss,
    /// INV-3: read the charges for lost or damaged units (an engineer their own, ORG-5).
    ChargeRead,
    /// INV-7: submit the daily opening or closing count of the fault-service centre.
    CountSubmit,
    /// INV-7: read counts, their anomalies and the minimum stock levels.
    CountRead,
    /// INV-7: set the minimum stock of a part at a location.
    MinimumEdit,
    /// INV-9: read the monthly spare-parts report.
    ReportRead,
    /// INV-6: read RMAs (within the ORG-5 stock scope: those sent from one's own hands).
    RmaRead,
    /// INV-6: send a unit to its manufacturer and record how it came back.
    RmaEdit,
    /// INV-5: read repair intakes (within the ORG-5 scope: an engineer their own intakes and
    /// their tickets' ones, a customer contact their customer's).
    IntakeRead,
    /// INV-5: register a device taken in for repair, edit it until signed, record the
    /// customer's signature and move its repair status on.
    IntakeEdit,
}

impl Action {
    pub const ALL: [Action; 20] = [
        Action::PartRead,
        Action::PartEdit,
        Action::StockRead,
        Action::LocationEdit,
        Action::StockMove,
        Action::LoanRequest,
        Action::LoanRead,
        Action::LoanDecide,
        Action::LoanIssue,
        Action::LoanSign,
        Action::LoanReportLoss,
        Action::ChargeRead,
        Action::CountSubmit,
        Action::CountRead,
        Action::MinimumEdit,
        Action::ReportRead,
        Action::RmaRead,
        Action::RmaEdit,
        Action::IntakeRead,
        Action::IntakeEdit,
    ];

    /// The rule a refusal of this action names.
    pub fn rule(self) -> &'static str {
        match self {
            Action::PartRead
            | Action::StockRead
            | Action::LoanRead
            | Action::ChargeRead
            | Action::CountRead
            | Action::ReportRead
            | Action::RmaRead
            | Action::IntakeRead => "ORG-5",
            Action::PartEdit | Action::LocationEdit | Action::StockMove => "INV-1",
            Action::LoanRequest | Action::LoanDecide | Action::LoanIssue | Action::LoanSign => {
                "INV-2"
            }
            Action::LoanReportLoss => "INV-3",
            Action::CountSubmit | Action::MinimumEdit => "INV-7",
            Action::RmaEdit => "INV-6",
            Action::IntakeEdit => "INV-5",
        }
    }
}

/// Every staff role: all but `customer_contact`, who sees nothing of inventory.
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
/// The store's office: who keeps the catalogue and records movements (the clerk keeps the
/// warehouse, managers approve).
const KEEPERS: &[Role] = &[Admin, Manager, Clerk];
/// Who reads stock: the keepers, finance (valuation, INV-9) and executives see all of it;
/// engineers and supervisors see the stock in their own hands.
const STOCK_READERS: &[Role] = &[
    Admin, Manager, Clerk, Finance, Executive, Supervisor, Engineer,
];

/// Who approves loans (INV-2: a manager).
const APPROVERS: &[Role] = &[Admin, Manager];
const ENGINEER: &[Role] = &[Engineer];
/// Who reports a loaned unit lost or damaged: its engineer, or the office on their word.
const LOSS_REPORTERS: &[Role] = &[Admin, Manager, Clerk, Engineer];
/// Who reads charges: the office, finance and HR (payroll deductions), and engineers their own.
const CHARGE_READERS: &[Role] = &[Admin, Manager, Clerk, Finance, Hr, Executive, Engineer];

/// INV-5: who reads repair intakes: every staff role (each within ORG-5), and a customer
/// contact their own customer's, read only.
const INTAKE_READERS: &[Role] = &[
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
    CustomerContact,
];
/// INV-5: who takes a device in (seed 002 §6(4): the clerk registers what engineers bring
/// back; seed 003 §37: the service centre's engineers receive walk-in customers) and moves its
/// repair on; an engineer only their own intakes (ORG-5).
const INTAKE_EDITORS: &[Role] = &[Admin, Manager, Clerk, Engineer];

/// ORG-5: the roles that see every location's stock.
pub const STOCK_SEE_ALL: &[Role] = &[Admin, Manager, Clerk, Finance, Executive];

/// Who may run each action. Every [`Action`] has exactly one row (a test checks it).
pub const ROLES: &[(Action, &[Role])] = &[
    (Action::PartRead, STAFF),
    (Action::PartEdit, KEEPERS),
    (Action::StockRead, STOCK_READERS),
    (Action::LocationEdit, KEEPERS),
    (Action::StockMove, KEEPERS),
    (Action::LoanRequest, ENGINEER),
    (Action::LoanRead, STOCK_READERS),
    (Action::LoanDecide, APPROVERS),
    (Action::LoanIssue, KEEPERS),
    (Action::LoanSign, ENGINEER),
    (Action::LoanReportLoss, LOSS_REPORTERS),
    (Action::ChargeRead, CHARGE_READERS),
    (Action::CountSubmit, KEEPERS),
    // The counts are the whole service centre's stock: those who see all of it.
    (Action::CountRead, STOCK_SEE_ALL),
    (Action::MinimumEdit, KEEPERS),
    // INV-9: the report is for finance, over every location's stock.
    (Action::ReportRead, STOCK_SEE_ALL),
    // INV-6: the store's office sends units out and takes them back; RMAs are read like stock.
    (Action::RmaRead, STOCK_READERS),
    (Action::RmaEdit, KEEPERS),
    (Action::IntakeRead, INTAKE_READERS),
    (Action::IntakeEdit, INTAKE_EDITORS),
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

/// INV-2: a loan's engineer alone signs for it (403 naming INV-2 for anyone else).
pub fn require_own_loan(actor_id: &str, engineer_id: &str) -> Result<(), DomainError> {
    if actor_id == engineer_id {
        Ok(())
    } else {
        Err(DomainError::Forbidden {
            rule: "INV-2",
            message: "only the loan's engineer signs for it".into(),
        })
    }
}

/// ORG-5: whether `roles` see the stock of every location, not only their own.
pub fn sees_all_stock(roles: &[Role]) -> bool {
    roles.iter().any(|r| STOCK_SEE_ALL.contains(r))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_action_has_exactly_one_row() {
        for action in Action::ALL {
            assert_eq!(ROLES.iter().filter(|(a, _)| *a == action).count(), 1);
        }
        assert_eq!(ROLES.len(), Action::ALL.len());
    }

    #[test]
    fn org_5_customer_contacts_see_nothing_of_inventory_but_their_intakes() {
        assert!(may(Action::IntakeRead, &[CustomerContact]));
        for action in Action::ALL {
            if action == Action::IntakeRead {
                continue;
            }
            assert!(!may(action, &[CustomerContact]), "{action:?}");
            assert_eq!(
                require(action, &[CustomerContact]).unwrap_err().rule(),
                Some(action.rule())
            );
        }
        assert!(!sees_all_stock(&[CustomerContact]));
    }

    #[test]
    fn org_5_engineers_read_their_own_stock_and_move_none() {
        assert!(may(Action::StockRead, &[Engineer]));
        assert!(may(Action::PartRead, &[Engineer]));
        assert!(!sees_all_stock(&[Engineer]));
        assert!(!sees_all_stock(&[Supervisor]));
        for action in [Action::StockMove, Action::PartEdit, Action::LocationEdit] {
            assert!(!may(action, &[Engineer]), "{action:?}");
        }
    }

    #[test]
    fn inv_2_engineers_request_and_sign_managers_approve_the_office_issues() {
        assert!(may(Action::LoanRequest, &[Engineer]));
        assert!(!may(Action::LoanRequest, &[Clerk]));
        assert!(may(Action::LoanDecide, &[Manager]));
        assert!(!may(Action::LoanDecide, &[Clerk]));
        assert!(may(Action::LoanIssue, &[Clerk]));
        assert!(!may(Action::LoanIssue, &[Engineer]));
        assert_eq!(
            require(Action::LoanDecide, &[Engineer]).unwrap_err().rule(),
            Some("INV-2")
        );
        assert!(require_own_loan("e1", "e1").is_ok());
        assert_eq!(
            require_own_loan("e2", "e1").unwrap_err().rule(),
            Some("INV-2")
        );
    }

    #[test]
    fn inv_7_the_office_counts_and_those_who_see_all_stock_read_the_counts() {
        assert!(may(Action::CountSubmit, &[Clerk]));
        assert!(!may(Action::CountSubmit, &[Engineer]));
        assert!(may(Action::CountRead, &[Finance]));
        assert!(!may(Action::CountRead, &[Engineer]));
        assert_eq!(
            require(Action::MinimumEdit, &[Finance]).unwrap_err().rule(),
            Some("INV-7")
        );
    }

    #[test]
    fn inv_6_the_office_sends_units_to_the_manufacturer() {
        assert!(may(Action::RmaEdit, &[Clerk]));
        assert!(!may(Action::RmaEdit, &[Engineer]));
        assert!(may(Action::RmaRead, &[Engineer]));
        assert_eq!(
            require(Action::RmaEdit, &[Finance]).unwrap_err().rule(),
            Some("INV-6")
        );
    }

    #[test]
    fn inv_5_the_office_and_engineers_take_devices_in_contacts_only_read() {
        for role in [Admin, Manager, Clerk, Engineer] {
            assert!(may(Action::IntakeEdit, &[role]));
        }
        assert!(!may(Action::IntakeEdit, &[CustomerContact]));
        assert!(may(Action::IntakeRead, &[Finance]));
        assert_eq!(
            require(Action::IntakeEdit, &[Finance]).unwrap_err().rule(),
            Some("INV-5")
        );
    }

    #[test]
    fn inv_1_the_keepers_move_stock_and_see_all_of_it() {
        for role in [Admin, Manager, Clerk] {
            assert!(may(Action::StockMove, &[role]));
            assert!(sees_all_stock(&[role]));
        }
        assert!(!may(Action::StockMove, &[Finance]));
        assert!(sees_all_stock(&[Finance]));
    }
}
