//! The facts ORG-5 visibility is decided from: who supervises which team, who belongs to
//! which team, which customer a customer contact's login belongs to. The decision itself is
//! the API's (`kefu_api::visibility`); queries filter with [`Visible`].

use crate::schema::{contacts, employees, teams};
use crate::{DbConnection, StoreError};
use diesel::prelude::*;

/// A record-level filter: a record is visible when it is owned by one of `user_ids`, assigned
/// to one of `team_ids`, or belongs to one of `customer_ids`; `all` lifts the filter.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Visible {
    pub all: bool,
    pub user_ids: Vec<String>,
    pub team_ids: Vec<String>,
    pub customer_ids: Vec<String>,
}

impl Visible {
    pub fn everything() -> Visible {
        Visible {
            all: true,
            ..Visible::default()
        }
    }
}

/// Teams (not deleted) whose supervisor is `user_id`.
pub fn teams_supervised_by(
    conn: &mut DbConnection,
    user_id: &str,
) -> Result<Vec<String>, StoreError> {
    Ok(teams::table
        .filter(teams::supervisor_user_id.eq(user_id))
        .filter(teams::deleted_at.is_null())
        .select(teams::id)
        .load(conn)?)
}

/// The team of the employee record linked to `user_id`, if any.
pub fn team_of_user(conn: &mut DbConnection, user_id: &str) -> Result<Option<String>, StoreError> {
    Ok(employees::table
        .filter(employees::user_id.eq(user_id))
        .filter(employees::deleted_at.is_null())
        .select(employees::team_id)
        .first::<Option<String>>(conn)
        .optional()?
        .flatten())
}

/// Logins of the employees of `team_ids`.
pub fn member_user_ids(
    conn: &mut DbConnection,
    team_ids: &[String],
) -> Result<Vec<String>, StoreError> {
    if team_ids.is_empty() {
        return Ok(Vec::new());
    }
    let ids: Vec<Option<String>> = employees::table
        .filter(employees::team_id.eq_any(team_ids))
        .filter(employees::deleted_at.is_null())
        .select(employees::user_id)
        .load(conn)?;
    Ok(ids.into_iter().flatten().collect())
}

/// The customers whose contact has the login `user_id`.
pub fn customers_of_contact_user(
    conn: &mut DbConnection,
    user_id: &str,
) -> Result<Vec<String>, StoreError> {
    Ok(contacts::table
        .filter(contacts::user_id.eq(user_id))
        .filter(contacts::deleted_at.is_null())
        .select(contacts::customer_id)
        .load(conn)?)
}

/// Whether a live team with this id exists.
pub fn team_exists(conn: &mut DbConnection, team_id: &str) -> Result<bool, StoreError> {
    Ok(teams::table
        .filter(teams::id.eq(team_id))
        .filter(teams::deleted_at.is_null())
        .count()
        .get_result::<i64>(conn)?
        > 0)
}
