//! ORG-5: each SQL visibility predicate and its Rust twin accept the same rows. Random scopes
//! (see-all, or random lists of user, team and customer ids, empty ones and ids no row carries
//! included) against random tickets, customers and employee records (owners, takers, logins,
//! teams and customers drawn from small pools, NULLs included), on SQLite and, when
//! `KEFU_TEST_PG_URL` is set, PostgreSQL.
//!
//! Complaints have their own scope type ([`ComplaintScope`], not an ORG-5 `Visible`) with its
//! predicate and twin in `kefu_store::complaints`; they are checked the same way.
//!
//! Users and teams are inserted once per database; each case inserts its customers, tickets and
//! employees in a transaction that is rolled back, so the cases share one migrated database.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use chrono::NaiveDateTime;
use common::{TestDb, fresh_databases};
use diesel::prelude::*;
use diesel::result::Error as DieselError;
use kefu_store::complaints::{self, ComplaintFilter, ComplaintRow, ComplaintScope};
use kefu_store::customers::{self, CustomerRow};
use kefu_store::delta::ListMode;
use kefu_store::employees::{self, EmployeeFilter, EmployeeRow};
use kefu_store::schema::{
    complaints as complaints_t, customers as customers_t, employees as employees_t, teams, tickets,
    users,
};
use kefu_store::teams::TeamRow;
use kefu_store::tickets::TicketRow;
use kefu_store::users::UserRow;
use kefu_store::visibility::{self, Visible};
use kefu_store::{DbConnection, equipment};
use kefu_tickets::channel::Channel;
use kefu_tickets::complaints::ComplaintStatus;
use kefu_tickets::kinds::{Priority, TicketType};
use kefu_tickets::lifecycle::Status;
use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestRunner};
use std::collections::BTreeSet;
use std::time::Instant;

/// Small pools, so that random scopes and rows meet often. `U0` differs from `u0` only in case:
/// a case-insensitive comparison on either side would make them disagree.
const USERS: &[&str] = &["u0", "u1", "u2", "U0"];
const TEAMS: &[&str] = &["t0", "t1", "t2"];
const CUSTOMERS: &[&str] = &["c0", "c1", "c2", "c3"];
/// An id a scope may name that no row carries (a user without records, a deleted team).
const GHOST: &str = "ghost";

const CASES: u32 = 64;

#[derive(Debug, Clone)]
struct TicketSpec {
    assignee: Option<&'static str>,
    taken_by: &'static str,
    team: Option<&'static str>,
    customer: &'static str,
}

#[derive(Debug, Clone)]
struct CustomerSpec {
    owner: Option<&'static str>,
    team: Option<&'static str>,
}

/// Employee `i` is linked to the login `USERS[i]` or to none (a login links one record at most).
#[derive(Debug, Clone)]
struct EmployeeSpec {
    linked: bool,
    team: Option<&'static str>,
}

#[derive(Debug, Clone)]
struct Case {
    scope: Visible,
    /// One per entry of [`CUSTOMERS`], in order.
    customers: Vec<CustomerSpec>,
    tickets: Vec<TicketSpec>,
    /// One per entry of [`USERS`], in order.
    employees: Vec<EmployeeSpec>,
}

fn pick(pool: &'static [&'static str]) -> impl Strategy<Value = &'static str> {
    prop::sample::select(pool)
}

/// A scope's id list: empty, duplicates and an id nobody carries all possible.
fn scope_ids(pool: &'static [&'static str]) -> impl Strategy<Value = Vec<String>> {
    prop::collection::vec(prop_oneof![4 => pick(pool), 1 => Just(GHOST)], 0..4)
        .prop_map(|ids| ids.into_iter().map(str::to_owned).collect())
}

fn scope() -> impl Strategy<Value = Visible> {
    (
        prop::bool::weighted(0.1),
        scope_ids(USERS),
        scope_ids(TEAMS),
        scope_ids(CUSTOMERS),
    )
        .prop_map(|(all, user_ids, team_ids, customer_ids)| Visible {
            all,
            user_ids,
            team_ids,
            customer_ids,
        })
}

fn case() -> impl Strategy<Value = Case> {
    let customer = (prop::option::of(pick(USERS)), prop::option::of(pick(TEAMS)))
        .prop_map(|(owner, team)| CustomerSpec { owner, team });
    let ticket = (
        prop::option::of(pick(USERS)),
        pick(USERS),
        prop::option::of(pick(TEAMS)),
        pick(CUSTOMERS),
    )
        .prop_map(|(assignee, taken_by, team, customer)| TicketSpec {
            assignee,
            taken_by,
            team,
            customer,
        });
    let employee = (any::<bool>(), prop::option::of(pick(TEAMS)))
        .prop_map(|(linked, team)| EmployeeSpec { linked, team });
    (
        scope(),
        prop::collection::vec(customer, CUSTOMERS.len()),
        prop::collection::vec(ticket, 0..12),
        prop::collection::vec(employee, USERS.len()),
    )
        .prop_map(|(scope, customers, tickets, employees)| Case {
            scope,
            customers,
            tickets,
            employees,
        })
}

fn t0() -> NaiveDateTime {
    chrono::NaiveDate::from_ymd_opt(2026, 1, 5)
        .unwrap()
        .and_hms_opt(9, 0, 0)
        .unwrap()
}

fn seed_users_and_teams(conn: &mut DbConnection) {
    for id in USERS {
        let user = UserRow {
            id: (*id).to_owned(),
            username: (*id).to_owned(),
            display_name: (*id).to_owned(),
            email: None,
            phone: None,
            kind: "human".to_owned(),
            password_hash: None,
            disabled: false,
            must_change_password: false,
            created_at: t0(),
            updated_at: t0(),
            version: 1,
            session_version: 0,
            scope_changed_at: None,
        };
        diesel::insert_into(users::table)
            .values(&user)
            .execute(conn)
            .unwrap();
    }
    for id in TEAMS {
        let team = TeamRow {
            id: (*id).to_owned(),
            name: (*id).to_owned(),
            supervisor_user_id: None,
            station_city: None,
            created_at: t0(),
            updated_at: t0(),
            version: 1,
            deleted_at: None,
        };
        diesel::insert_into(teams::table)
            .values(&team)
            .execute(conn)
            .unwrap();
    }
}

fn customer_row(id: &str, spec: &CustomerSpec) -> CustomerRow {
    CustomerRow {
        id: id.to_owned(),
        name: id.to_owned(),
        phone: None,
        key_account: false,
        dealer_name: None,
        dealer_consent: false,
        owner_user_id: spec.owner.map(str::to_owned),
        team_id: spec.team.map(str::to_owned),
        note: None,
        created_at: t0(),
        updated_at: t0(),
        version: 1,
        deleted_at: None,
    }
}

fn ticket_row(n: usize, spec: &TicketSpec) -> TicketRow {
    TicketRow {
        id: format!("k{n:02}"),
        number: format!("T20260105-{n:04}"),
        channel: Channel::Phone,
        ticket_type: TicketType::Fault,
        priority: Priority::Normal,
        status: Status::New,
        customer_id: spec.customer.to_owned(),
        site_id: None,
        contact_id: None,
        equipment_id: None,
        description: String::new(),
        taken_by: spec.taken_by.to_owned(),
        assignee_id: spec.assignee.map(str::to_owned),
        team_id: spec.team.map(str::to_owned),
        planned_start: None,
        planned_end: None,
        appointment_confirmed_at: None,
        appointment_confirmed_with: None,
        escalated_at: None,
        escalation_reason: None,
        response_due_at: t0(),
        resolution_due_at: t0(),
        responded_at: None,
        waiting_since: None,
        resolved_at: None,
        resolution_summary: None,
        closed_at: None,
        cancelled_at: None,
        created_at: t0(),
        updated_at: t0(),
        version: 1,
        deleted_at: None,
    }
}

fn employee_row(n: usize, spec: &EmployeeSpec) -> EmployeeRow {
    EmployeeRow {
        id: format!("e{n}"),
        user_id: spec.linked.then(|| USERS[n].to_owned()),
        name: format!("e{n}"),
        phone: None,
        team_id: spec.team.map(str::to_owned),
        supervisor_user_id: None,
        track: None,
        level: None,
        station_city: None,
        employment_status: "training".to_owned(),
        status_since: t0().date(),
        base_salary_fen: 100,
        phone_allowance_class: None,
        created_at: t0(),
        updated_at: t0(),
        version: 1,
        deleted_at: None,
    }
}

/// What one case read from the database, each as a set of ids.
#[derive(Debug, Default)]
struct Observed {
    /// Accepted by the Rust twin, over every row of the table.
    twin_tickets: BTreeSet<String>,
    /// Through [`visibility::ticket_visible`], as a filter on `tickets`.
    filter_tickets: BTreeSet<String>,
    /// [`visibility::visible_ticket_ids`] run on its own: the statement the modules that hang off
    /// a ticket embed as `IN (subquery)` (diesel refuses it inside a query on `tickets` itself,
    /// as a possibly correlated subquery, so it is read directly; all ids when it is `None`).
    subquery_tickets: BTreeSet<String>,
    twin_customers: BTreeSet<String>,
    filter_customers: BTreeSet<String>,
    subquery_customers: BTreeSet<String>,
    /// `customers::visible_ids`, the public reader built on the customer predicate (`None`: all).
    store_customers: Option<BTreeSet<String>>,
    twin_employees: BTreeSet<String>,
    filter_employees: BTreeSet<String>,
    /// `employees::list`, the public reader built on the employee predicate.
    store_employees: BTreeSet<String>,
}

fn observe(c: &mut DbConnection, case: &Case) -> Result<Observed, DieselError> {
    let scope = &case.scope;
    for (id, spec) in CUSTOMERS.iter().zip(&case.customers) {
        customers::insert(c, &customer_row(id, spec)).unwrap();
    }
    for (n, spec) in case.tickets.iter().enumerate() {
        kefu_store::tickets::insert(c, &ticket_row(n, spec)).unwrap();
    }
    for (n, spec) in case.employees.iter().enumerate() {
        employees::insert(c, &employee_row(n, spec)).unwrap();
    }

    let mut o = Observed::default();
    let all_tickets: Vec<TicketRow> = tickets::table.select(TicketRow::as_select()).load(c)?;
    o.twin_tickets = all_tickets
        .iter()
        .filter(|row| scope.sees_ticket(row))
        .map(|row| row.id.clone())
        .collect();
    let mut filtered = tickets::table.select(tickets::id).into_boxed();
    if let Some(p) = visibility::ticket_visible(scope) {
        filtered = filtered.filter(p);
    }
    o.filter_tickets = filtered.load::<String>(c)?.into_iter().collect();
    if let Some(ids) = visibility::visible_ticket_ids(scope) {
        o.subquery_tickets = ids.load::<String>(c)?.into_iter().collect();
    } else {
        o.subquery_tickets = all_tickets.iter().map(|row| row.id.clone()).collect();
    }

    let all_customers: Vec<CustomerRow> = customers_t::table
        .select(CustomerRow::as_select())
        .load(c)?;
    o.twin_customers = all_customers
        .iter()
        .filter(|row| scope.sees_customer(*row))
        .map(|row| row.id.clone())
        .collect();
    let mut filtered = customers_t::table.select(customers_t::id).into_boxed();
    if let Some(p) = visibility::customer_visible(scope) {
        filtered = filtered.filter(p);
    }
    o.filter_customers = filtered.load::<String>(c)?.into_iter().collect();
    if let Some(ids) = visibility::visible_customer_ids(scope) {
        o.subquery_customers = ids.load::<String>(c)?.into_iter().collect();
    } else {
        o.subquery_customers = all_customers.iter().map(|row| row.id.clone()).collect();
    }
    o.store_customers = customers::visible_ids(c, scope)
        .unwrap()
        .map(|ids| ids.into_iter().collect());

    let all_employees: Vec<EmployeeRow> = employees_t::table
        .select(EmployeeRow::as_select())
        .load(c)?;
    o.twin_employees = all_employees
        .iter()
        .filter(|row| scope.sees_employee(row))
        .map(|row| row.id.clone())
        .collect();
    let mut filtered = employees_t::table.select(employees_t::id).into_boxed();
    if let Some(p) = visibility::employee_visible(scope) {
        filtered = filtered.filter(p);
    }
    o.filter_employees = filtered.load::<String>(c)?.into_iter().collect();
    let listed = employees::list(
        c,
        &EmployeeFilter {
            visible: scope.clone(),
            ..EmployeeFilter::default()
        },
        &ListMode::Live { after_id: None },
        100,
    )
    .unwrap();
    o.store_employees = listed.into_iter().map(|row| row.id).collect();
    Ok(o)
}

/// Runs `case` in a transaction that is always rolled back, then compares.
fn check(db: &TestDb, case: &Case) -> Result<(), TestCaseError> {
    let mut conn = db.conn();
    let mut observed = None;
    let outcome = conn.transaction::<(), DieselError, _>(|c| {
        observed = Some(observe(c, case)?);
        Err(DieselError::RollbackTransaction)
    });
    match outcome {
        Err(DieselError::RollbackTransaction) => {}
        other => panic!("{}: the case's transaction ended with {other:?}", db.name()),
    }
    let o = observed.expect("observed before the rollback");

    prop_assert_eq!(
        &o.filter_tickets,
        &o.twin_tickets,
        "tickets: SQL filter vs twin"
    );
    prop_assert_eq!(
        &o.subquery_tickets,
        &o.twin_tickets,
        "tickets: subquery vs twin"
    );
    prop_assert_eq!(
        &o.filter_customers,
        &o.twin_customers,
        "customers: SQL filter vs twin"
    );
    prop_assert_eq!(
        &o.subquery_customers,
        &o.twin_customers,
        "customers: subquery vs twin"
    );
    match &o.store_customers {
        None => prop_assert!(case.scope.all, "customers::visible_ids said all"),
        Some(ids) => prop_assert_eq!(ids, &o.twin_customers, "customers::visible_ids vs twin"),
    }
    prop_assert_eq!(
        &o.filter_employees,
        &o.twin_employees,
        "employees: SQL filter vs twin"
    );
    prop_assert_eq!(
        &o.store_employees,
        &o.twin_employees,
        "employees::list vs twin"
    );
    // The site (and equipment) check runs through `SiteOwner`, the same twin by another door.
    for row in CUSTOMERS.iter().zip(&case.customers) {
        let (id, spec) = row;
        let owner = equipment::SiteOwner {
            site_id: "s".to_owned(),
            customer_id: (*id).to_owned(),
            owner_user_id: spec.owner.map(str::to_owned),
            team_id: spec.team.map(str::to_owned),
        };
        prop_assert_eq!(
            owner.visible_to(&case.scope),
            o.twin_customers.contains(*id),
            "SiteOwner::visible_to vs the customer twin"
        );
    }
    Ok(())
}

#[test]
fn sql_predicates_and_rust_twins_agree_on_random_scopes_and_rows() {
    for db in fresh_databases() {
        seed_users_and_teams(&mut db.conn());
        let started = Instant::now();
        // No failure persistence: the cases need a database, and a failing case is printed
        // (shrunk) in the panic message, which is what a rerun needs.
        let mut runner = TestRunner::new(Config {
            cases: CASES,
            failure_persistence: None,
            ..Config::default()
        });
        if let Err(failure) = runner.run(&case(), |case| check(&db, &case)) {
            panic!("{}: {failure}", db.name());
        }
        eprintln!(
            "{}: {CASES} cases agreed in {:?}",
            db.name(),
            started.elapsed()
        );
    }
}

/// The hand-picked edges the random cases may take a while to reach: see-all, a scope with
/// every list empty (sees nothing, and must still be valid SQL), and NULL assignee, owner,
/// login and team.
#[test]
fn edge_scopes_see_all_or_nothing() {
    let nobody = CustomerSpec {
        owner: None,
        team: None,
    };
    let unassigned = TicketSpec {
        assignee: None,
        taken_by: "u1",
        team: None,
        customer: "c0",
    };
    for db in fresh_databases() {
        seed_users_and_teams(&mut db.conn());
        for (scope, sees) in [(Visible::everything(), true), (Visible::default(), false)] {
            let case = Case {
                scope,
                customers: vec![nobody.clone(); CUSTOMERS.len()],
                tickets: vec![unassigned.clone(); 3],
                employees: vec![
                    EmployeeSpec {
                        linked: false,
                        team: None,
                    };
                    USERS.len()
                ],
            };
            check(&db, &case).unwrap_or_else(|e| panic!("{}: {e}", db.name()));
            let mut conn = db.conn();
            let mut seen = None;
            let _ = conn.transaction::<(), DieselError, _>(|c| {
                seen = Some(observe(c, &case)?);
                Err(DieselError::RollbackTransaction)
            });
            let seen = seen.unwrap();
            assert_eq!(seen.twin_tickets.len(), if sees { 3 } else { 0 });
            assert_eq!(seen.twin_customers.len(), if sees { 4 } else { 0 });
            assert_eq!(seen.twin_employees.len(), if sees { 4 } else { 0 });
        }
    }
}

#[derive(Debug, Clone)]
struct ComplaintSpec {
    employee: &'static str,
    status: ComplaintStatus,
    customer: &'static str,
    recorded_by: &'static str,
}

fn complaint_scope() -> impl Strategy<Value = ComplaintScope> {
    (
        prop::bool::weighted(0.1),
        scope_ids(USERS),
        scope_ids(USERS),
        scope_ids(CUSTOMERS),
        scope_ids(USERS),
    )
        .prop_map(
            |(all, employee_ids, judged_employee_ids, customer_ids, recorded_by)| ComplaintScope {
                all,
                employee_ids,
                judged_employee_ids,
                customer_ids,
                recorded_by,
            },
        )
}

fn complaint_case() -> impl Strategy<Value = (ComplaintScope, Vec<ComplaintSpec>)> {
    let complaint = (
        pick(USERS),
        prop::sample::select(ComplaintStatus::ALL.to_vec()),
        pick(CUSTOMERS),
        pick(USERS),
    )
        .prop_map(|(employee, status, customer, recorded_by)| ComplaintSpec {
            employee,
            status,
            customer,
            recorded_by,
        });
    (complaint_scope(), prop::collection::vec(complaint, 0..12))
}

fn complaint_row(n: usize, spec: &ComplaintSpec) -> ComplaintRow {
    ComplaintRow {
        id: format!("p{n:02}"),
        ticket_id: None,
        customer_id: spec.customer.to_owned(),
        employee_id: spec.employee.to_owned(),
        channel: Channel::Phone,
        description: String::new(),
        received_at: t0(),
        recorded_by: spec.recorded_by.to_owned(),
        status: spec.status,
        validity: None,
        validity_reason: None,
        judged_by: None,
        judged_at: None,
        corrective_measures: None,
        reply_to_customer: None,
        replied_by: None,
        replied_at: None,
        closed_by: None,
        closed_at: None,
        created_at: t0(),
        updated_at: t0(),
        version: 1,
        deleted_at: None,
    }
}

/// `complaints::list` (the SQL predicate) against `ComplaintScope::admits` (its twin), in a
/// transaction that is rolled back.
fn check_complaints(
    db: &TestDb,
    scope: &ComplaintScope,
    specs: &[ComplaintSpec],
) -> Result<(), TestCaseError> {
    let mut conn = db.conn();
    let mut observed = None;
    let outcome = conn.transaction::<(), DieselError, _>(|c| {
        let nobody = CustomerSpec {
            owner: None,
            team: None,
        };
        for id in CUSTOMERS {
            customers::insert(c, &customer_row(id, &nobody)).unwrap();
        }
        for (n, spec) in specs.iter().enumerate() {
            complaints::insert(c, &complaint_row(n, spec)).unwrap();
        }
        let all: Vec<ComplaintRow> = complaints_t::table
            .select(ComplaintRow::as_select())
            .load(c)?;
        let twin: BTreeSet<String> = all
            .iter()
            .filter(|row| scope.admits(row))
            .map(|row| row.id.clone())
            .collect();
        let listed = complaints::list(
            c,
            scope,
            &ComplaintFilter::default(),
            &ListMode::Live { after_id: None },
            100,
        )
        .unwrap();
        let sql: BTreeSet<String> = listed.into_iter().map(|row| row.id).collect();
        observed = Some((sql, twin));
        Err(DieselError::RollbackTransaction)
    });
    match outcome {
        Err(DieselError::RollbackTransaction) => {}
        other => panic!("{}: the case's transaction ended with {other:?}", db.name()),
    }
    let (sql, twin) = observed.expect("observed before the rollback");
    prop_assert_eq!(
        sql,
        twin,
        "complaints: SQL (list) vs ComplaintScope::admits"
    );
    Ok(())
}

#[test]
fn complaint_scope_sql_and_twin_agree_on_random_scopes_and_rows() {
    for db in fresh_databases() {
        seed_users_and_teams(&mut db.conn());
        let started = Instant::now();
        let mut runner = TestRunner::new(Config {
            cases: CASES,
            failure_persistence: None,
            ..Config::default()
        });
        let outcome = runner.run(&complaint_case(), |(scope, specs)| {
            check_complaints(&db, &scope, &specs)
        });
        if let Err(failure) = outcome {
            panic!("{}: {failure}", db.name());
        }
        eprintln!(
            "{}: {CASES} complaint cases agreed in {:?}",
            db.name(),
            started.elapsed()
        );
    }
}
