//! Privacy of people's money (issue 16, ORG-5): one's own commission lines, claims, advances
//! and statements; finance, HR and management everyone's (`kefu_billing::access::SEE_ALL`); a
//! supervisor also their teams' members' commission lines (never salaries); anyone else's
//! reads as 404. Customer-facing money follows the customer's visibility instead.

use crate::kernel::error::ApiError;
use kefu_billing::access;
use kefu_core::{Actor, Role};
use kefu_store::DbConnection;
use kefu_store::visibility::{member_user_ids, teams_supervised_by};

/// Which records of people a scope is asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reach {
    /// Commission lines: a supervisor also sees their teams' members'.
    WithTeams,
    /// Salaries, statements, claims and advances: one's own only (or everyone's).
    OwnOnly,
}

/// Whose records `actor` sees: `None` for everyone's, else these people's.
pub fn scope(
    conn: &mut DbConnection,
    actor: &Actor,
    reach: Reach,
) -> Result<Option<Vec<String>>, ApiError> {
    if access::sees_everyone(&actor.roles) {
        return Ok(None);
    }
    let mut people = vec![actor.user_id.clone()];
    if reach == Reach::WithTeams && actor.has_role(Role::Supervisor) {
        let teams = teams_supervised_by(conn, &actor.user_id)?;
        people.extend(member_user_ids(conn, &teams)?);
    }
    Ok(Some(people))
}

/// Whether `scope` holds `user_id`.
pub fn sees(scope: &Option<Vec<String>>, user_id: &str) -> bool {
    scope
        .as_ref()
        .is_none_or(|p| p.iter().any(|u| u == user_id))
}

/// `scope` narrowed to one person when a list asks for one (someone unseen: nobody).
pub fn narrow(scope: Option<Vec<String>>, person: Option<String>) -> Option<Vec<String>> {
    match (scope, person) {
        (None, None) => None,
        (None, Some(p)) => Some(vec![p]),
        (Some(v), None) => Some(v),
        (Some(v), Some(p)) => Some(v.into_iter().filter(|u| *u == p).collect()),
    }
}
