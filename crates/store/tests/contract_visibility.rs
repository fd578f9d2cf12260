//! ORG-5 for contracts: the SQL predicate of `contracts::list` and its Rust twin
//! `ContractScope::admits` agree on random scopes and contracts (signers, executors,
//! customers; empty lists, duplicates and ids nobody carries), on both databases — as
//! `visibility_agreement.rs` proves for the other owning tables.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use chrono::{NaiveDate, NaiveDateTime};
use common::{TestDb, fresh_databases};
use diesel::prelude::*;
use diesel::result::Error as DieselError;
use kefu_contracts::contract::{ContractKind, ContractStatus, RenewalMode};
use kefu_store::DbConnection;
use kefu_store::contracts::{self, ContractFilter, ContractItems, ContractRow, ContractScope};
use kefu_store::customers::{self, CustomerRow};
use kefu_store::delta::ListMode;
use kefu_store::schema::users;
use kefu_store::users::UserRow;
use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestRunner};
use std::collections::BTreeSet;

/// `U0` differs from `u0` only in case: a case-insensitive comparison would disagree.
const USERS: &[&str] = &["u0", "u1", "u2", "U0"];
const CUSTOMERS: &[&str] = &["c0", "c1", "c2"];
const GHOST: &str = "ghost";
const CASES: u32 = 64;

#[derive(Debug, Clone)]
struct Spec {
    signer: &'static str,
    executors: Vec<&'static str>,
    customer: &'static str,
}

fn pick(pool: &'static [&'static str]) -> impl Strategy<Value = &'static str> {
    prop::sample::select(pool)
}

fn ids(pool: &'static [&'static str]) -> impl Strategy<Value = Vec<String>> {
    prop::collection::vec(prop_oneof![4 => pick(pool), 1 => Just(GHOST)], 0..4)
        .prop_map(|ids| ids.into_iter().map(str::to_owned).collect())
}

fn case() -> impl Strategy<Value = (ContractScope, Vec<Spec>)> {
    let scope = (prop::bool::weighted(0.1), ids(USERS), ids(CUSTOMERS)).prop_map(
        |(all, user_ids, customer_ids)| ContractScope {
            all,
            user_ids,
            customer_ids,
        },
    );
    let spec = (
        pick(USERS),
        prop::sample::subsequence(USERS.to_vec(), 0..3),
        pick(CUSTOMERS),
    )
        .prop_map(|(signer, executors, customer)| Spec {
            signer,
            executors,
            customer,
        });
    (scope, prop::collection::vec(spec, 0..10))
}

fn t0() -> NaiveDateTime {
    NaiveDate::from_ymd_opt(2026, 1, 5)
        .unwrap()
        .and_hms_opt(9, 0, 0)
        .unwrap()
}

fn seed(conn: &mut DbConnection) {
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
    for id in CUSTOMERS {
        let customer = CustomerRow {
            id: (*id).to_owned(),
            name: (*id).to_owned(),
            phone: None,
            key_account: false,
            dealer_name: None,
            dealer_consent: false,
            owner_user_id: None,
            team_id: None,
            note: None,
            created_at: t0(),
            updated_at: t0(),
            version: 1,
            deleted_at: None,
        };
        customers::insert(conn, &customer).unwrap();
    }
}

fn row(n: usize, spec: &Spec) -> ContractRow {
    let day = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
    ContractRow {
        id: format!("k{n:02}"),
        title: String::new(),
        customer_id: spec.customer.to_owned(),
        predecessor_id: None,
        renewal_mode: RenewalMode::Express,
        notice_days: 0,
        renewal_cancelled: false,
        period_start: day,
        period_end: day,
        amount_fen: 0,
        paid_fen: 0,
        signer_id: spec.signer.to_owned(),
        status: ContractStatus::Draft,
        signed_on: None,
        payment_due_on: None,
        overdue_noticed_on: None,
        termination_reason: None,
        created_by: spec.signer.to_owned(),
        created_at: t0(),
        updated_at: t0(),
        version: 1,
        deleted_at: None,
        kind: ContractKind::Service,
    }
}

fn check(db: &TestDb, scope: &ContractScope, specs: &[Spec]) -> Result<(), TestCaseError> {
    let mut conn = db.conn();
    let mut observed = None;
    let outcome = conn.transaction::<(), DieselError, _>(|c| {
        for (n, spec) in specs.iter().enumerate() {
            let items = ContractItems {
                executor_ids: spec.executors.iter().map(|e| (*e).to_owned()).collect(),
                ..ContractItems::default()
            };
            contracts::insert(c, &row(n, spec), &items).unwrap();
        }
        let ids: Vec<String> = (0..specs.len()).map(|n| format!("k{n:02}")).collect();
        let items = contracts::items_of(c, &ids).unwrap();
        let twin: BTreeSet<String> = specs
            .iter()
            .enumerate()
            .zip(items)
            .filter(|((n, spec), items)| scope.admits(&row(*n, spec), items))
            .map(|((n, _), _)| format!("k{n:02}"))
            .collect();
        let listed = contracts::list(
            c,
            scope,
            &ContractFilter::default(),
            &ListMode::Live { after_id: None },
            100,
        )
        .unwrap();
        let sql: BTreeSet<String> = listed.into_iter().map(|r| r.id).collect();
        observed = Some((sql, twin));
        Err(DieselError::RollbackTransaction)
    });
    match outcome {
        Err(DieselError::RollbackTransaction) => {}
        other => panic!("{}: the case's transaction ended with {other:?}", db.name()),
    }
    let (sql, twin) = observed.expect("observed before the rollback");
    prop_assert_eq!(sql, twin, "contracts: SQL (list) vs ContractScope::admits");
    Ok(())
}

#[test]
fn org_5_contract_scope_sql_and_twin_agree_on_random_scopes_and_rows() {
    for db in fresh_databases() {
        seed(&mut db.conn());
        let mut runner = TestRunner::new(Config {
            cases: CASES,
            failure_persistence: None,
            ..Config::default()
        });
        if let Err(failure) = runner.run(&case(), |(scope, specs)| check(&db, &scope, &specs)) {
            panic!("{}: {failure}", db.name());
        }
    }
}
