//! ORG-5: which records an actor may see. Engineers see what is assigned to them or their
//! team; supervisors what is assigned to the teams they supervise or to those teams' members;
//! managers, the office roles that serve every customer, and admins see everything; a
//! customer contact sees only their own customer. Every read and write of a customer record
//! (and of what hangs off it: sites, contacts, equipment) goes through [`visible`], and a record
//! outside it reads as 404.
//!
//! What the builders need to know about the caller beyond their roles — their team, the teams
//! they supervise and those teams' members, the customers they are a contact of — is their
//! [`Place`]: read from the database at most once per request (memoised in the request
//! context), whichever and however many scopes the request then builds.

use super::roles::{CALLBACKS_SEE_ALL, COMPLAINTS_SEE_ALL, EMPLOYEES_SEE_ALL, SEE_ALL};
use crate::kernel::context;
use crate::kernel::error::ApiError;
use kefu_core::{Actor, Role};
use kefu_store::DbConnection;
use kefu_store::commissioning::JobScope;
use kefu_store::complaints::ComplaintScope;
use kefu_store::contracts::ContractScope;
use kefu_store::inventory::StockScope;
use kefu_store::visibility::{self as facts, Visible};
use std::sync::Arc;

/// Where an actor sits in the organisation, as far as ORG-5 cares. Only what the actor's
/// roles make relevant is read: an engineer's team, a supervisor's teams and members, a
/// customer contact's customers.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Place {
    user_id: String,
    team_id: Option<String>,
    supervised_team_ids: Vec<String>,
    supervised_member_ids: Vec<String>,
    customer_ids: Vec<String>,
}

/// The caller's [`Place`], read once per request.
pub fn place(conn: &mut DbConnection, actor: &Actor) -> Result<Arc<Place>, ApiError> {
    context::memoised(
        |place: &Place| place.user_id == actor.user_id,
        || read_place(conn, actor),
    )
}

fn read_place(conn: &mut DbConnection, actor: &Actor) -> Result<Place, ApiError> {
    let mut place = Place {
        user_id: actor.user_id.clone(),
        ..Place::default()
    };
    if actor.has_any_role(&[Role::Engineer, Role::Supervisor]) {
        place.team_id = facts::team_of_user(conn, &actor.user_id)?;
    }
    if actor.has_role(Role::Supervisor) {
        place.supervised_team_ids = facts::teams_supervised_by(conn, &actor.user_id)?;
        place.supervised_member_ids = facts::member_user_ids(conn, &place.supervised_team_ids)?;
    }
    if actor.has_role(Role::CustomerContact) {
        place.customer_ids = facts::customers_of_contact_user(conn, &actor.user_id)?;
    }
    Ok(place)
}

/// ORG-5 for customer records (customers, sites, contacts, equipment).
pub fn visible(conn: &mut DbConnection, actor: &Actor) -> Result<Visible, ApiError> {
    if actor.has_any_role(SEE_ALL) {
        return Ok(Visible::everything());
    }
    Ok(customers_seen_from(actor, &*place(conn, actor)?))
}

/// ORG-5 for employee records: [`EMPLOYEES_SEE_ALL`] see every one (salaries included); a
/// supervisor the members of the teams they supervise; everyone their own record (the one
/// linked to their login).
pub fn employees(conn: &mut DbConnection, actor: &Actor) -> Result<Visible, ApiError> {
    if actor.has_any_role(EMPLOYEES_SEE_ALL) {
        return Ok(Visible::everything());
    }
    Ok(employees_seen_from(actor, &*place(conn, actor)?))
}

/// ORG-5 for tickets: an engineer sees the tickets assigned to them or that they took (not
/// their whole team's); a supervisor also those of the teams they supervise and of those
/// teams' members; managers and the office see all; a customer contact their customer's.
pub fn tickets(conn: &mut DbConnection, actor: &Actor) -> Result<Visible, ApiError> {
    if actor.has_any_role(SEE_ALL) {
        return Ok(Visible::everything());
    }
    Ok(tickets_seen_from(actor, &*place(conn, actor)?))
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
    Ok(complaints_seen_from(actor, &*place(conn, actor)?))
}

/// ORG-5 for stock (locations' levels, units, the ledger): the store's office and those above
/// it see every location (`kefu_inventory::access::STOCK_SEE_ALL`); everyone else the stock in
/// their own hands — an engineer's location — and the shared locations' records, not their stock.
pub fn stock(conn: &mut DbConnection, actor: &Actor) -> Result<StockScope, ApiError> {
    if kefu_inventory::access::sees_all_stock(&actor.roles) {
        return Ok(StockScope::everything());
    }
    Ok(StockScope {
        all: false,
        location_ids: kefu_store::inventory::catalogue::locations_of_engineer(
            conn,
            &actor.user_id,
        )?,
    })
}

/// ORG-5 for contracts (CON-1): [`SEE_ALL`] see every one; an engineer those they sign or
/// carry out, as with tickets, and those of the customers they see (their team's); a
/// supervisor also their members' and their teams' customers'; a customer contact their own
/// customer's.
pub fn contracts(conn: &mut DbConnection, actor: &Actor) -> Result<ContractScope, ApiError> {
    if actor.has_any_role(SEE_ALL) {
        return Ok(ContractScope {
            all: true,
            ..ContractScope::default()
        });
    }
    let place = place(conn, actor)?;
    let (user_ids, customers) = contracts_seen_from(actor, &place);
    Ok(ContractScope {
        all: false,
        user_ids,
        customer_ids: kefu_store::contracts::visible_customer_ids(conn, &customers)?,
    })
}

/// ORG-5 for commissioning jobs (CON-7): [`SEE_ALL`] see every one; an engineer only the jobs
/// assigned to them; a supervisor also their members'. Customer contacts are refused by the
/// role table before (`kefu_contracts::access`: the jobs are internal settlement records), and
/// would see none here.
pub fn commissioning(conn: &mut DbConnection, actor: &Actor) -> Result<JobScope, ApiError> {
    if actor.has_any_role(SEE_ALL) {
        return Ok(JobScope {
            all: true,
            ..JobScope::default()
        });
    }
    let place = place(conn, actor)?;
    let mut engineer_ids = Vec::new();
    if actor.has_any_role(&[Role::Engineer, Role::Supervisor]) {
        engineer_ids.push(actor.user_id.clone());
    }
    engineer_ids.extend_from_slice(&place.supervised_member_ids);
    Ok(JobScope {
        all: false,
        engineer_ids,
    })
}

/// The signers and executors whose contracts an actor sees, and the customer scope whose
/// contracts they see too.
fn contracts_seen_from(actor: &Actor, place: &Place) -> (Vec<String>, Visible) {
    (
        tickets_seen_from(actor, place).user_ids,
        customers_seen_from(actor, place),
    )
}

/// Whose desk agenda an actor may read (ORG-5): their own; the desk and the roles above it
/// ([`CALLBACKS_SEE_ALL`]) anyone's and any team's; a supervisor their teams' and those teams'
/// members'. Anything else reads as absent (404).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DeskSubject {
    Person(String),
    Team(String),
}

pub fn sees_desk_of(
    conn: &mut DbConnection,
    actor: &Actor,
    subject: &DeskSubject,
) -> Result<bool, ApiError> {
    if *subject == DeskSubject::Person(actor.user_id.clone())
        || actor.has_any_role(CALLBACKS_SEE_ALL)
    {
        return Ok(true);
    }
    let place = place(conn, actor)?;
    Ok(match subject {
        DeskSubject::Person(user) => place.supervised_member_ids.contains(user),
        DeskSubject::Team(team) => place.supervised_team_ids.contains(team),
    })
}

/// What an actor sees of tickets, plus (for field staff) everything of their own team's:
/// customer records are shared by a team, tickets are not.
fn customers_seen_from(actor: &Actor, place: &Place) -> Visible {
    let mut scope = tickets_seen_from(actor, place);
    if actor.has_any_role(&[Role::Engineer, Role::Supervisor]) {
        scope.team_ids.extend(place.team_id.clone());
    }
    scope.user_ids.sort();
    scope.user_ids.dedup();
    scope.team_ids.sort();
    scope.team_ids.dedup();
    scope
}

fn employees_seen_from(actor: &Actor, place: &Place) -> Visible {
    Visible {
        user_ids: vec![actor.user_id.clone()],
        team_ids: place.supervised_team_ids.clone(),
        ..Visible::default()
    }
}

fn tickets_seen_from(actor: &Actor, place: &Place) -> Visible {
    let mut scope = Visible::default();
    if actor.has_any_role(&[Role::Engineer, Role::Supervisor]) {
        scope.user_ids.push(actor.user_id.clone());
    }
    scope
        .user_ids
        .extend_from_slice(&place.supervised_member_ids);
    scope.team_ids.extend_from_slice(&place.supervised_team_ids);
    scope.customer_ids.extend_from_slice(&place.customer_ids);
    scope
}

fn complaints_seen_from(actor: &Actor, place: &Place) -> ComplaintScope {
    ComplaintScope {
        judged_employee_ids: vec![actor.user_id.clone()],
        recorded_by: vec![actor.user_id.clone()],
        employee_ids: place.supervised_member_ids.clone(),
        customer_ids: place.customer_ids.clone(),
        ..ComplaintScope::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use kefu_core::ActorKind;

    fn actor(roles: &[Role]) -> Actor {
        Actor {
            user_id: "me".to_owned(),
            username: "me".to_owned(),
            roles: roles.to_vec(),
            kind: ActorKind::Session,
        }
    }

    fn strings(items: &[&str]) -> Vec<String> {
        items.iter().map(|s| (*s).to_owned()).collect()
    }

    /// A supervisor of teams t2 and t3 (members m1, m2, and "me" again), in team t1, who is
    /// also the contact of customer c1.
    fn place() -> Place {
        Place {
            user_id: "me".to_owned(),
            team_id: Some("t1".to_owned()),
            supervised_team_ids: strings(&["t3", "t2"]),
            supervised_member_ids: strings(&["m2", "me", "m1"]),
            customer_ids: strings(&["c1"]),
        }
    }

    #[test]
    fn org_5_an_engineer_sees_customers_of_their_team_but_tickets_of_their_own() {
        let engineer = actor(&[Role::Engineer]);
        let place = Place {
            team_id: Some("t1".to_owned()),
            ..Place::default()
        };
        let customers = customers_seen_from(&engineer, &place);
        assert_eq!(
            (customers.user_ids, customers.team_ids),
            (strings(&["me"]), strings(&["t1"]))
        );
        let tickets = tickets_seen_from(&engineer, &place);
        assert_eq!(
            (tickets.user_ids, tickets.team_ids),
            (strings(&["me"]), vec![])
        );
    }

    #[test]
    fn org_5_a_supervisor_sees_their_teams_and_their_members_once_each() {
        let supervisor = actor(&[Role::Supervisor, Role::CustomerContact]);
        let customers = customers_seen_from(&supervisor, &place());
        assert_eq!(customers.user_ids, strings(&["m1", "m2", "me"]));
        assert_eq!(customers.team_ids, strings(&["t1", "t2", "t3"]));
        assert_eq!(customers.customer_ids, strings(&["c1"]));
        let tickets = tickets_seen_from(&supervisor, &place());
        assert_eq!(tickets.team_ids, strings(&["t3", "t2"]));
        let employees = employees_seen_from(&supervisor, &place());
        assert_eq!(
            (employees.user_ids, employees.team_ids),
            (strings(&["me"]), strings(&["t3", "t2"]))
        );
        let complaints = complaints_seen_from(&supervisor, &place());
        assert_eq!(complaints.employee_ids, strings(&["m2", "me", "m1"]));
        assert_eq!(complaints.recorded_by, strings(&["me"]));
        assert!(!complaints.all);
    }

    #[test]
    fn org_5_an_engineer_sees_the_contracts_they_sign_or_execute_and_their_teams_customers() {
        let engineer = actor(&[Role::Engineer]);
        let place = Place {
            team_id: Some("t1".to_owned()),
            ..Place::default()
        };
        let (users, customers) = contracts_seen_from(&engineer, &place);
        assert_eq!(users, strings(&["me"]));
        assert_eq!(customers.team_ids, strings(&["t1"]));
        let contact = actor(&[Role::CustomerContact]);
        let place = Place {
            customer_ids: strings(&["c1"]),
            ..Place::default()
        };
        let (users, customers) = contracts_seen_from(&contact, &place);
        assert!(users.is_empty());
        assert_eq!(
            (customers.customer_ids, customers.team_ids),
            (strings(&["c1"]), vec![])
        );
    }

    #[test]
    fn org_5_a_customer_contact_sees_only_their_customers() {
        let contact = actor(&[Role::CustomerContact]);
        let place = Place {
            customer_ids: strings(&["c1", "c2"]),
            ..Place::default()
        };
        let tickets = tickets_seen_from(&contact, &place);
        assert_eq!(tickets.user_ids, Vec::<String>::new());
        assert_eq!(tickets.customer_ids, strings(&["c1", "c2"]));
        assert!(!tickets.all);
    }
}
