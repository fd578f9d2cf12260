//! Privacy of the scoring domain (issue 15, ORG-5), shared by attendance, cards, events and
//! appeals: one's own records; a supervisor also their teams' members'; the office everyone's
//! (`kefu_scoring::access::SEE_ALL`); anyone else's reads as 404. Who may *assess* a person
//! (issue events, enter a month's scores, finalise a card) is narrower: HR, managers and
//! admins anyone, a supervisor their teams' members, and nobody themselves.

use crate::kernel::error::ApiError;
use kefu_core::{Actor, Role};
use kefu_scoring::access;
use kefu_store::DbConnection;
use kefu_store::visibility::{member_user_ids, teams_supervised_by};

/// The logins of the members of the teams `actor` supervises.
fn supervised(conn: &mut DbConnection, actor: &Actor) -> Result<Vec<String>, ApiError> {
    if !actor.has_role(Role::Supervisor) {
        return Ok(Vec::new());
    }
    let teams = teams_supervised_by(conn, &actor.user_id)?;
    Ok(member_user_ids(conn, &teams)?)
}

/// Whose scoring records `actor` sees: `None` for everyone's, else these people's.
pub fn scope(conn: &mut DbConnection, actor: &Actor) -> Result<Option<Vec<String>>, ApiError> {
    if access::sees_everyone(&actor.roles) {
        return Ok(None);
    }
    let mut people = vec![actor.user_id.clone()];
    people.extend(supervised(conn, actor)?);
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

/// Whether `actor` assesses `user_id` (HR-S2: the supervisor, HR or managers).
pub fn assesses(conn: &mut DbConnection, actor: &Actor, user_id: &str) -> Result<bool, ApiError> {
    if actor.user_id == user_id || !exists(conn, user_id)? {
        return Ok(false);
    }
    if access::assesses_everyone(&actor.roles) {
        return Ok(true);
    }
    Ok(supervised(conn, actor)?.iter().any(|u| u == user_id))
}

/// Whether `user_id` is a login at all (a record for nobody would point nowhere).
pub fn exists(conn: &mut DbConnection, user_id: &str) -> Result<bool, ApiError> {
    Ok(kefu_store::users::find(conn, user_id)?.is_some())
}
