//! ORG-5: which records an actor may see. Engineers see what is assigned to them or their
//! team; supervisors what is assigned to the teams they supervise or to those teams' members;
//! managers, the office roles that serve every customer, and admins see everything; a
//! customer contact sees only their own customer. Every read and write of a customer record
//! (and of what hangs off it: sites, contacts, equipment) goes through [`visible`], and a record
//! outside it reads as 404.

use super::roles::{CALLBACKS_SEE_ALL, COMPLAINTS_SEE_ALL, EMPLOYEES_SEE_ALL, SEE_ALL};
use crate::kernel::error::ApiError;
use kefu_core::{Actor, Role};
use kefu_store::DbConnection;
use kefu_store::complaints::ComplaintScope;
use kefu_store::visibility::{self as facts, Visible};

/// ORG-5 for customer records (customers, sites, contacts, equipment).
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

/// ORG-5 for employee records: [`EMPLOYEES_SEE_ALL`] see every one (salaries included); a
/// supervisor the members of the teams they supervise; everyone their own record (the one
/// linked to their login).
pub fn employees(conn: &mut DbConnection, actor: &Actor) -> Result<Visible, ApiError> {
    if actor.has_any_role(EMPLOYEES_SEE_ALL) {
        return Ok(Visible::everything());
    }
    let mut scope = Visible {
        user_ids: vec![actor.user_id.clone()],
        ..Visible::default()
    };
    if actor.has_role(Role::Supervisor) {
        scope.team_ids = facts::teams_supervised_by(conn, &actor.user_id)?;
    }
    Ok(scope)
}

/// ORG-5 for tickets: an engineer sees the tickets assigned to them or that they took (not
/// their whole team's); a supervisor also those of the teams they supervise and of those
/// teams' members; managers and the office see all; a customer contact their customer's.
pub fn tickets(conn: &mut DbConnection, actor: &Actor) -> Result<Visible, ApiError> {
    if actor.has_any_role(SEE_ALL) {
        return Ok(Visible::everything());
    }
    let mut scope = Visible::default();
    if actor.has_any_role(&[Role::Engineer, Role::Supervisor]) {
        scope.user_ids.push(actor.user_id.clone());
    }
    if actor.has_role(Role::Supervisor) {
        let teams = facts::teams_supervised_by(conn, &actor.user_id)?;
        scope.user_ids.extend(facts::member_user_ids(conn, &teams)?);
        scope.team_ids.extend(teams);
    }
    if actor.has_role(Role::CustomerContact) {
        scope
            .customer_ids
            .extend(facts::customers_of_contact_user(conn, &actor.user_id)?);
    }
    Ok(scope)
}

/// ORG-5 for callbacks: the desk and the roles above see all; everyone else the callbacks of
/// the tickets they see (engineers their own tickets', supervisors their teams'); a
/// customer contact none (the call is about them, not for them).
pub fn callbacks(conn: &mut DbConnection, actor: &Actor) -> Result<Visible, ApiError> {
    if actor.has_any_role(CALLBACKS_SEE_ALL) {
        return Ok(Visible::everything());
    }
    let mut scope = tickets(conn, actor)?;
    scope.customer_ids.clear();
    Ok(scope)
}

/// ORG-5 for complaints: [`COMPLAINTS_SEE_ALL`] see every one; everyone the complaints they
/// recorded and, once judged, those about themselves; a supervisor those about their teams'
/// members; a customer contact their customer's.
pub fn complaints(conn: &mut DbConnection, actor: &Actor) -> Result<ComplaintScope, ApiError> {
    if actor.has_any_role(COMPLAINTS_SEE_ALL) {
        return Ok(ComplaintScope {
            all: true,
            ..ComplaintScope::default()
        });
    }
    let mut scope = ComplaintScope {
        judged_employee_ids: vec![actor.user_id.clone()],
        recorded_by: vec![actor.user_id.clone()],
        ..ComplaintScope::default()
    };
    if actor.has_role(Role::Supervisor) {
        let teams = facts::teams_supervised_by(conn, &actor.user_id)?;
        scope.employee_ids = facts::member_user_ids(conn, &teams)?;
    }
    if actor.has_role(Role::CustomerContact) {
        scope.customer_ids = facts::customers_of_contact_user(conn, &actor.user_id)?;
    }
    Ok(scope)
}
