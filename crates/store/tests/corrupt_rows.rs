//! A row whose enum column holds a name the enum does not know (written behind the store's
//! back: the CHECK constraints keep the store itself from doing it) reads as
//! `StoreError::Corrupt` naming the value, never as a panic or a made-up variant; on SQLite
//! and, when `KEFU_TEST_PG_URL` is set, PostgreSQL.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{TestDb, fresh_databases};
use diesel::RunQueryDsl;
use kefu_store::{Backend, StoreError, tickets};

/// A ticket `k1` whose status is `bogus`, with a transition whose `from_status` is `limbo`.
fn write_corrupt_rows(db: &TestDb) {
    let mut conn = db.conn();
    let conn = &mut *conn;
    let run = |conn: &mut kefu_store::DbConnection, sql: &str| {
        diesel::sql_query(sql)
            .execute(conn)
            .unwrap_or_else(|e| panic!("{}: {sql}: {e}", db.name()));
    };
    let at = "'2026-01-05 08:00:00'";
    run(
        conn,
        &format!(
            "INSERT INTO users (id, username, display_name, kind, created_at, updated_at, version) \
             VALUES ('u1', 'u1', 'u1', 'human', {at}, {at}, 1)"
        ),
    );
    run(
        conn,
        &format!(
            "INSERT INTO customers (id, name, created_at, updated_at, version) \
             VALUES ('c1', 'c1', {at}, {at}, 1)"
        ),
    );
    // The CHECK on `tickets.status` is what normally stops this row.
    match db.backend {
        Backend::Sqlite => run(conn, "PRAGMA ignore_check_constraints = ON"),
        Backend::Postgres => run(
            conn,
            "ALTER TABLE tickets DROP CONSTRAINT tickets_status_check",
        ),
    }
    run(
        conn,
        &format!(
            "INSERT INTO tickets (id, number, channel, ticket_type, priority, status, customer_id, \
             description, taken_by, response_due_at, resolution_due_at, created_at, updated_at, \
             version) VALUES ('k1', 'T20260105-0001', 'phone', 'fault', 'normal', 'bogus', 'c1', \
             '', 'u1', {at}, {at}, {at}, {at}, 1)"
        ),
    );
    if db.backend == Backend::Sqlite {
        // The connection goes back to the pool: later users get the constraints again.
        run(conn, "PRAGMA ignore_check_constraints = OFF");
    }
    run(
        conn,
        &format!(
            "INSERT INTO ticket_transitions (id, ticket_id, action, from_status, to_status, at) \
             VALUES ('x1', 'k1', 'start', 'limbo', 'in_progress', {at})"
        ),
    );
}

fn assert_corrupt_naming<T: std::fmt::Debug>(
    db: &TestDb,
    read: Result<T, StoreError>,
    value: &str,
) {
    match read {
        Err(StoreError::Corrupt(message)) => assert!(
            message.contains(&format!("`{value}`")),
            "{}: the error should name `{value}`: {message}",
            db.name()
        ),
        other => panic!(
            "{}: expected Corrupt naming `{value}`, got {other:?}",
            db.name()
        ),
    }
}

#[test]
fn an_unknown_enum_name_in_a_row_reads_as_corrupt_naming_it() {
    for db in fresh_databases() {
        write_corrupt_rows(&db);
        let mut conn = db.conn();
        assert_corrupt_naming(&db, tickets::find(&mut conn, "k1"), "bogus");
        // A nullable column goes through its own conversion; it refuses the same way.
        assert_corrupt_naming(&db, tickets::transitions(&mut conn, "k1"), "limbo");
    }
}
