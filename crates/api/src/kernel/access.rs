//! ORG-5: which records an actor may see. Engineers see what is assigned to them or their
//! team; supervisors what is assigned to the teams they supervise or to those teams' members;
//! managers, the office roles that serve every customer, and admins see everything; a
//! customer contact sees only their own customer. Every read and write of a customer record
//! (and of what hangs off it: sites, contacts, equipment) goes through [`visible`], and a record
//! outside it reads as 404.

use crate::kernel::error::ApiError;
use kefu_core::{Actor, Role};
use kefu_store::DbConnection;
use kefu_store::visibility::{self as facts, Visible};

/// Roles that work with every customer: managers and above, and the office that takes every
/// customer's calls, callbacks and invoices.
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

pub fn visible(conn: &mut DbConnection, actor: &Actor) -> Result<Visible, ApiError> {
    if actor.has_any_role(SEE_ALL) {
        return Ok(Visible::everything());
    }
    let mut scope = Visible::default();
    if actor.has_any_role(&[Role::Engineer, Role::Supervisor]) {
        scope.user_ids.push(actor.user_id.clone());
        if let Some(team) = facts::team_of_user(conn, &actor.user_id)? {
            scope.team_ids.push(team);
        }
    }
    if actor.has_role(Role::Supervisor) {
        let supervised = facts::teams_supervised_by(conn, &actor.user_id)?;
        scope
            .user_ids
            .extend(facts::member_user_ids(conn, &supervised)?);
        scope.team_ids.extend(supervised);
    }
    if actor.has_role(Role::CustomerContact) {
        scope
            .customer_ids
            .extend(facts::customers_of_contact_user(conn, &actor.user_id)?);
    }
    scope.user_ids.sort();
    scope.user_ids.dedup();
    scope.team_ids.sort();
    scope.team_ids.dedup();
    Ok(scope)
}
