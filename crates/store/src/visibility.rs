//! ORG-5 visibility in the store: the facts a scope is built from (who supervises which team,
//! who belongs to which team, which customer a customer contact's login belongs to), and, per
//! owning table, the one SQL predicate that filters by a scope with its Rust twin next to it.
//!
//! Who gets which scope is the API's decision (`kefu_api::visibility`): an engineer gets their
//! own login (and, for customer records, their team), a supervisor also the teams they supervise
//! and those teams' members, a customer contact their customer, and the see-all roles
//! [`Visible::everything`]. The store only applies a scope; the predicates below are that
//! application, written once. `tests/visibility_agreement.rs` proves each SQL predicate and its
//! twin agree on random scopes and rows, on both databases.
//!
//! The predicates are built with `#[dsl::auto_type]`, so each is one concrete, unboxed diesel
//! type that any query can embed, as a filter or as an `IN (subquery)`. A boxed subquery would
//! not do: `#[derive(MultiConnection)]` renders an `IN` by handing it to the PostgreSQL or
//! SQLite implementation, which needs the subquery to be a fragment of *that* backend, and a
//! `BoxedSelectStatement<.., MultiBackend>` is a fragment of `MultiBackend` only (checked with
//! diesel 2.3: `into_boxed()` as `eq_any`'s argument fails to compile for both backends).
//!
//! `Visible::all` is `None` rather than a bound `$1 OR ...`, so a see-all caller's SQL carries
//! no filter at all, exactly as before, and the planner has no condition to carry. An empty
//! id list never becomes `IN ()`: diesel renders it as `1=0` on SQLite and as `= ANY($1)` with
//! an empty array bound on PostgreSQL; both match nothing.

use crate::customers::CustomerRow;
use crate::employees::EmployeeRow;
use crate::equipment::SiteOwner;
use crate::schema::{contacts, customers, employees, teams, tickets};
use crate::tickets::TicketRow;
use crate::{DbConnection, StoreError};
use diesel::dsl;
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

    /// The Rust twin of [`ticket_visible`]: the same ORG-5 rule for a ticket already loaded
    /// (a single-record read or write decides with it instead of a second query).
    pub fn sees_ticket(&self, row: &TicketRow) -> bool {
        let among = |ids: &[String], id: Option<&String>| id.is_some_and(|id| ids.contains(id));
        self.all
            || among(&self.user_ids, row.assignee_id.as_ref())
            || among(&self.user_ids, Some(&row.taken_by))
            || among(&self.team_ids, row.team_id.as_ref())
            || among(&self.customer_ids, Some(&row.customer_id))
    }

    /// The Rust twin of [`customer_visible`]: the same ORG-5 rule for a customer (or for a
    /// record that hangs off one: a site, its contacts, its equipment) already loaded.
    pub fn sees_customer<'a>(&self, customer: impl Into<CustomerOwnership<'a>>) -> bool {
        let c = customer.into();
        let among =
            |ids: &[String], id: Option<&str>| id.is_some_and(|id| ids.iter().any(|i| i == id));
        self.all
            || among(&self.user_ids, c.owner_user_id)
            || among(&self.team_ids, c.team_id)
            || among(&self.customer_ids, Some(c.customer_id))
    }

    /// The Rust twin of [`employee_visible`]: the same ORG-5 rule for an employee record
    /// already loaded.
    pub fn sees_employee(&self, row: &EmployeeRow) -> bool {
        let among = |ids: &[String], id: Option<&String>| id.is_some_and(|id| ids.contains(id));
        self.all
            || among(&self.user_ids, row.user_id.as_ref())
            || among(&self.team_ids, row.team_id.as_ref())
    }
}

/// What ORG-5 decides a customer's visibility from, borrowed from whichever row carries it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CustomerOwnership<'a> {
    pub customer_id: &'a str,
    pub owner_user_id: Option<&'a str>,
    pub team_id: Option<&'a str>,
}

impl<'a> From<&'a CustomerRow> for CustomerOwnership<'a> {
    fn from(row: &'a CustomerRow) -> Self {
        CustomerOwnership {
            customer_id: &row.id,
            owner_user_id: row.owner_user_id.as_deref(),
            team_id: row.team_id.as_deref(),
        }
    }
}

impl<'a> From<&'a SiteOwner> for CustomerOwnership<'a> {
    fn from(owner: &'a SiteOwner) -> Self {
        CustomerOwnership {
            customer_id: &owner.customer_id,
            owner_user_id: owner.owner_user_id.as_deref(),
            team_id: owner.team_id.as_deref(),
        }
    }
}

// The id lists are passed as separate slices rather than `&Visible` because `auto_type` infers
// a type only from a function's parameters, not from a field access such as `scope.user_ids`.
//
// `assume_not_null` keeps the predicate's SQL type `Bool` (so it can be ANDed with any other
// filter): a NULL assignee or team makes its `IN` NULL, which a WHERE or an `IN (subquery)`
// treats as not visible, like the twin does. Do not wrap a predicate in `NOT`: under SQL's
// three-valued logic NOT of that NULL is NULL, not true.

/// ORG-5 for tickets, in SQL: a ticket is visible when it is assigned to or was taken by one of
/// `user_ids` (an engineer: their own tickets, not their whole team's; a supervisor: also their
/// members'), when its team is one of `team_ids` (a supervisor's teams), or when it belongs to
/// one of `customer_ids` (a customer contact's customer).
#[dsl::auto_type(type_name = TicketInScope)]
fn ticket_in_scope<'a>(
    user_ids: &'a [String],
    team_ids: &'a [String],
    customer_ids: &'a [String],
) -> _ {
    tickets::assignee_id
        .assume_not_null()
        .eq_any(user_ids)
        .or(tickets::taken_by.eq_any(user_ids))
        .or(tickets::team_id.assume_not_null().eq_any(team_ids))
        .or(tickets::customer_id.eq_any(customer_ids))
}

/// The ids of the tickets [`ticket_in_scope`] accepts, to embed as `IN (subquery)`.
#[dsl::auto_type(type_name = TicketIdsInScope)]
fn ticket_ids_in_scope<'a>(
    user_ids: &'a [String],
    team_ids: &'a [String],
    customer_ids: &'a [String],
) -> _ {
    let visible: TicketInScope<'a> = ticket_in_scope(user_ids, team_ids, customer_ids);
    tickets::table.select(tickets::id).filter(visible)
}

/// ORG-5 for a query on `tickets` (the rule is `ticket_in_scope`'s): the filter to apply,
/// `None` when `scope` sees every ticket. [`Visible::sees_ticket`] is its Rust twin.
pub fn ticket_visible(scope: &Visible) -> Option<TicketInScope<'_>> {
    (!scope.all).then(|| ticket_in_scope(&scope.user_ids, &scope.team_ids, &scope.customer_ids))
}

/// ORG-5 for the records that hang off a ticket (visits, feedback forms, callbacks, change
/// requests, work orders): the ids of the tickets visible in `scope`, as a subquery for
/// `ticket_id.eq_any(..)`; `None` when `scope` sees every ticket. Deleted tickets are not
/// excluded here: whether a tombstone shows is the caller's list mode, not visibility.
pub fn visible_ticket_ids(scope: &Visible) -> Option<TicketIdsInScope<'_>> {
    (!scope.all).then(|| ticket_ids_in_scope(&scope.user_ids, &scope.team_ids, &scope.customer_ids))
}

/// ORG-5 for customers, in SQL: a customer is visible when its owner is one of `user_ids`,
/// its team one of `team_ids` (an engineer's own team, a supervisor's teams), or it is one of
/// `customer_ids` (a customer contact's own customer).
#[dsl::auto_type(type_name = CustomerInScope)]
fn customer_in_scope<'a>(
    user_ids: &'a [String],
    team_ids: &'a [String],
    customer_ids: &'a [String],
) -> _ {
    customers::owner_user_id
        .assume_not_null()
        .eq_any(user_ids)
        .or(customers::team_id.assume_not_null().eq_any(team_ids))
        .or(customers::id.eq_any(customer_ids))
}

/// The ids of the customers [`customer_in_scope`] accepts, to embed as `IN (subquery)`.
#[dsl::auto_type(type_name = CustomerIdsInScope)]
fn customer_ids_in_scope<'a>(
    user_ids: &'a [String],
    team_ids: &'a [String],
    customer_ids: &'a [String],
) -> _ {
    let visible: CustomerInScope<'a> = customer_in_scope(user_ids, team_ids, customer_ids);
    customers::table.select(customers::id).filter(visible)
}

/// ORG-5 for a query on `customers` (the rule is `customer_in_scope`'s): the filter to
/// apply, `None` when `scope` sees every customer. [`Visible::sees_customer`] is its Rust twin.
pub fn customer_visible(scope: &Visible) -> Option<CustomerInScope<'_>> {
    (!scope.all).then(|| customer_in_scope(&scope.user_ids, &scope.team_ids, &scope.customer_ids))
}

/// ORG-5 for the records that hang off a customer (equipment, through its site): the ids of the
/// customers visible in `scope`, as a subquery for `customer_id.eq_any(..)`; `None` when
/// `scope` sees every customer. Deleted customers are not excluded here (see
/// [`visible_ticket_ids`]).
pub fn visible_customer_ids(scope: &Visible) -> Option<CustomerIdsInScope<'_>> {
    (!scope.all)
        .then(|| customer_ids_in_scope(&scope.user_ids, &scope.team_ids, &scope.customer_ids))
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

/// ORG-5 for employee records, in SQL: a record is visible when it is the login of one of
/// `user_ids` (everyone sees their own record) or a member of one of `team_ids` (a supervisor
/// sees the members of the teams they supervise).
#[dsl::auto_type(type_name = EmployeeInScope)]
fn employee_in_scope<'a>(user_ids: &'a [String], team_ids: &'a [String]) -> _ {
    employees::user_id
        .assume_not_null()
        .eq_any(user_ids)
        .or(employees::team_id.assume_not_null().eq_any(team_ids))
}

/// ORG-5 for a query on `employees` (the rule is `employee_in_scope`'s): the filter to
/// apply, `None` when `scope` sees every record. [`Visible::sees_employee`] is its Rust twin.
pub fn employee_visible(scope: &Visible) -> Option<EmployeeInScope<'_>> {
    (!scope.all).then(|| employee_in_scope(&scope.user_ids, &scope.team_ids))
}

#[cfg(test)]
mod tests {
    use super::*;
    use diesel::pg::Pg;
    use diesel::sqlite::Sqlite;

    /// A scope with every list empty must still render valid SQL (no `IN ()`) on both
    /// backends; that it matches nothing is proven against real databases in
    /// `tests/visibility_agreement.rs`.
    #[test]
    fn empty_lists_render_no_empty_in() {
        let nothing = Visible::default();
        let (Some(tickets), Some(customers)) =
            (visible_ticket_ids(&nothing), visible_customer_ids(&nothing))
        else {
            panic!("a scope that is not `all` filters");
        };
        let sqlite = [
            diesel::debug_query::<Sqlite, _>(&tickets).to_string(),
            diesel::debug_query::<Sqlite, _>(&customers).to_string(),
        ];
        let pg = [
            diesel::debug_query::<Pg, _>(&tickets).to_string(),
            diesel::debug_query::<Pg, _>(&customers).to_string(),
        ];
        for sql in sqlite.iter().chain(&pg) {
            assert!(!sql.contains("IN ()"), "{sql}");
        }
        for sql in &sqlite {
            assert!(sql.contains("1=0"), "{sql}");
        }
        for sql in &pg {
            assert!(sql.contains("= ANY("), "{sql}");
        }
    }

    #[test]
    fn see_all_is_no_filter() {
        let all = Visible::everything();
        assert!(ticket_visible(&all).is_none());
        assert!(visible_ticket_ids(&all).is_none());
        assert!(customer_visible(&all).is_none());
        assert!(visible_customer_ids(&all).is_none());
        assert!(employee_visible(&all).is_none());
    }
}
