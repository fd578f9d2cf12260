//! ORG-1's access tables, one per domain: which roles may run each guarded action. The lookup
//! is the same for every domain, so it lives here once; each domain keeps its own table and
//! the rule its refusals name.

use crate::{DomainError, Role};
use std::fmt::Debug;

/// A domain's table: each action with the roles that may run it.
pub type Table<A> = [(A, &'static [Role])];

/// The roles that may run `action` (none when the table misses it: deny by default).
pub fn roles_for<A: PartialEq>(table: &Table<A>, action: A) -> &'static [Role] {
    table
        .iter()
        .find(|(a, _)| *a == action)
        .map_or(&[], |(_, roles)| roles)
}

/// Whether any of `roles` may run `action`.
pub fn may<A: PartialEq>(table: &Table<A>, action: A, roles: &[Role]) -> bool {
    let allowed = roles_for(table, action);
    roles.iter().any(|r| allowed.contains(r))
}

/// [`may`] as a result: the refusal the API answers with 403, naming `rule`.
pub fn require<A: PartialEq + Debug + Copy>(
    table: &Table<A>,
    action: A,
    rule: &'static str,
    roles: &[Role],
) -> Result<(), DomainError> {
    if may(table, action, roles) {
        Ok(())
    } else {
        Err(DomainError::Forbidden {
            rule,
            message: format!("not allowed to run {action:?}"),
        })
    }
}
