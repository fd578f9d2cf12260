//! Transaction hygiene of the pool: a connection must never go back to the pool still inside
//! a transaction, whatever ended the work done on it.

// Helpers outside #[test] functions panic on failure too, as tests should.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use chrono::Utc;
use common::{TestDb, fresh_databases};
use diesel::prelude::*;
use kefu_store::audit::{self, NewAuditEntry};
use kefu_store::schema::audit_log;
use kefu_store::{DbConnection, StoreError, write_tx};

fn append(conn: &mut DbConnection, entity_id: &str) -> Result<i64, StoreError> {
    audit::append(
        conn,
        NewAuditEntry {
            actor_id: None,
            action: "test.appended",
            entity_type: "thing",
            entity_id,
            before: None,
            after: None,
            request_id: None,
        },
        Utc::now(),
    )
    .map(|row| row.seq)
}

/// Entity ids of the committed audit entries, read on a connection outside the pool.
fn committed(db: &TestDb) -> Vec<String> {
    audit_log::table
        .order(audit_log::seq.asc())
        .select(audit_log::entity_id)
        .load(&mut db.independent_conn())
        .expect("read the audit log")
}

#[test]
fn failed_write_tx_leaves_a_clean_connection() {
    for db in fresh_databases() {
        let name = db.name();
        let mut conn = db.conn();
        let failed: Result<i64, StoreError> = write_tx(&mut conn, |conn| {
            append(conn, "rolled-back")?;
            Err(StoreError::Corrupt("the command failed".to_owned()))
        });
        assert!(failed.is_err(), "{name}");
        // The same connection starts and commits the next transaction.
        let seq = write_tx(&mut conn, |conn| append(conn, "committed")).expect("next tx");
        assert_eq!(seq, 1, "{name}");
        assert_eq!(committed(&db), vec!["committed"], "{name}");
    }
}

#[test]
fn panic_inside_write_tx_does_not_poison_the_pool() {
    // A bug that panics in a service function unwinds through write_tx; the pooled connection
    // it held is dropped mid-transaction. The pool must not hand that transaction out again.
    let mut problems = Vec::new();
    for db in fresh_databases() {
        let name = db.name();
        let pool = db.pool().clone();
        let panicked = std::thread::spawn(move || {
            let mut conn = pool.get().expect("check out a connection");
            let _: Result<(), StoreError> = write_tx(&mut conn, |conn| {
                append(conn, "half-done")?;
                panic!("a bug in a service function (expected by this test)");
            });
        })
        .join();
        assert!(panicked.is_err(), "{name}: the closure panicked");
        assert!(committed(&db).is_empty(), "{name}: nothing committed");

        let mut conn = db.conn();
        let next = write_tx(&mut conn, |conn| append(conn, "next request"));
        drop(conn);
        let stored = committed(&db);
        if next.is_err() || stored != ["next request"] {
            problems.push(format!(
                "{name}: after a panic inside write_tx, the next write transaction on the \
                 pool returned {next:?} and the committed entries are {stored:?} \
                 (expected [\"next request\"])"
            ));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
