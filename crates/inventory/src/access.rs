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
}

impl Action {
    pub const ALL: [Action; 5] = [
        Action::PartRead,
        Action::PartEdit,
        Action::StockRead,
        Action::LocationEdit,
        Action::StockMove,
    ];
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

/// ORG-5: the roles that see every location's stock.
pub const STOCK_SEE_ALL: &[Role] = &[Admin, Manager, Clerk, Finance, Executive];

/// Who may run each action. Every [`Action`] has exactly one row (a test checks it).
pub const ROLES: &[(Action, &[Role])] = &[
    (Action::PartRead, STAFF),
    (Action::PartEdit, KEEPERS),
    (Action::StockRead, STOCK_READERS),
    (Action::LocationEdit, KEEPERS),
    (Action::StockMove, KEEPERS),
];

/// The roles that may run `action` (none when the table misses it: deny by default).
pub fn roles_for(action: Action) -> &'static [Role] {
    ROLES
        .iter()
        .find(|(a, _)| *a == action)
        .map_or(&[], |(_, roles)| roles)
}

/// Whether any of `roles` may run `action`.
pub fn may(action: Action, roles: &[Role]) -> bool {
    let allowed = roles_for(action);
    roles.iter().any(|r| allowed.contains(r))
}

/// [`may`] as a result: the refusal the API answers with 403, naming ORG-5.
pub fn require(action: Action, roles: &[Role]) -> Result<(), DomainError> {
    if may(action, roles) {
        Ok(())
    } else {
        Err(DomainError::Forbidden {
            rule: "ORG-5",
            message: format!("not allowed to run {action:?}"),
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
    fn org_5_customer_contacts_see_nothing_of_inventory() {
        for action in Action::ALL {
            assert!(!may(action, &[CustomerContact]), "{action:?}");
            assert_eq!(
                require(action, &[CustomerContact]).unwrap_err().rule(),
                Some("ORG-5")
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
    fn inv_1_the_keepers_move_stock_and_see_all_of_it() {
        for role in [Admin, Manager, Clerk] {
            assert!(may(Action::StockMove, &[role]));
            assert!(sees_all_stock(&[role]));
        }
        assert!(!may(Action::StockMove, &[Finance]));
        assert!(sees_all_stock(&[Finance]));
    }
}
