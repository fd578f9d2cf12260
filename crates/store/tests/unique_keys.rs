//! `UNIQUE_KEYS` lists every unique key the migrations create, on both databases, and a real
//! unique violation resolves to its key and field, never only to the database's text.

// Helpers outside #[test] functions panic on failure too, as tests should.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{TestDb, fresh_databases};
use diesel::prelude::*;
use diesel::sql_types::{Integer, Text};
use diesel::{PgConnection, SqliteConnection};
use kefu_store::{DbConnection, StoreError, UNIQUE_KEYS};
use std::collections::BTreeSet;

/// (name, table, columns in key order)
type Key = (String, String, Vec<String>);

#[derive(QueryableByName, Debug)]
struct PgKey {
    #[diesel(sql_type = Text)]
    name: String,
    #[diesel(sql_type = Text)]
    table_name: String,
    /// Comma-separated, in key order.
    #[diesel(sql_type = Text)]
    columns: String,
}

fn pg_keys(conn: &mut PgConnection) -> BTreeSet<Key> {
    let rows: Vec<PgKey> = diesel::sql_query(
        "SELECT i.relname::text AS name, t.relname::text AS table_name, \
                array_to_string(ARRAY( \
                    SELECT a.attname::text \
                    FROM unnest(ix.indkey::int2[]) WITH ORDINALITY AS k(attnum, ord) \
                    JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum \
                    ORDER BY k.ord), ',') AS columns \
         FROM pg_index ix \
         JOIN pg_class i ON i.oid = ix.indexrelid \
         JOIN pg_class t ON t.oid = ix.indrelid \
         JOIN pg_namespace n ON n.oid = t.relnamespace \
         WHERE ix.indisunique AND n.nspname = 'public' \
           AND t.relname <> '__diesel_schema_migrations'",
    )
    .load(conn)
    .expect("read PostgreSQL's unique indexes");
    rows.into_iter()
        .map(|r| {
            let columns = r.columns.split(',').map(str::to_owned).collect();
            (r.name, r.table_name, columns)
        })
        .collect()
}

#[derive(QueryableByName, Debug)]
struct SqliteIndex {
    #[diesel(sql_type = Text)]
    table_name: String,
    #[diesel(sql_type = Text)]
    index_name: String,
}

#[derive(QueryableByName, Debug)]
struct SqliteColumn {
    #[diesel(sql_type = Text)]
    name: String,
    #[diesel(sql_type = Integer)]
    pk: i32,
}

/// SQLite names its automatic indexes `sqlite_autoindex_*`, so keys compare by table and
/// columns; a rowid-alias primary key (`INTEGER PRIMARY KEY`) has no index and is read from
/// the table's columns.
fn sqlite_keys(conn: &mut SqliteConnection) -> BTreeSet<(String, Vec<String>)> {
    let tables: Vec<String> = diesel::sql_query(
        "SELECT name AS table_name, '' AS index_name FROM sqlite_master \
         WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' \
           AND name <> '__diesel_schema_migrations'",
    )
    .load::<SqliteIndex>(conn)
    .expect("read SQLite's tables")
    .into_iter()
    .map(|t| t.table_name)
    .collect();
    let mut keys = BTreeSet::new();
    for table in tables {
        let mut pk: Vec<SqliteColumn> =
            diesel::sql_query(format!("SELECT name, pk FROM pragma_table_info('{table}')"))
                .load(conn)
                .expect("read a table's columns");
        pk.retain(|c| c.pk > 0);
        pk.sort_by_key(|c| c.pk);
        if !pk.is_empty() {
            keys.insert((table.clone(), pk.into_iter().map(|c| c.name).collect()));
        }
        let indexes: Vec<SqliteIndex> = diesel::sql_query(format!(
            "SELECT '{table}' AS table_name, name AS index_name \
             FROM pragma_index_list('{table}') WHERE \"unique\" = 1"
        ))
        .load(conn)
        .expect("read a table's indexes");
        for index in indexes {
            let columns: Vec<SqliteColumn> = diesel::sql_query(format!(
                "SELECT name, seqno AS pk FROM pragma_index_info('{}') ORDER BY seqno",
                index.index_name
            ))
            .load(conn)
            .expect("read an index's columns");
            keys.insert((
                index.table_name,
                columns.into_iter().map(|c| c.name).collect(),
            ));
        }
    }
    keys
}

fn listed() -> BTreeSet<Key> {
    UNIQUE_KEYS
        .iter()
        .map(|k| {
            (
                k.name.to_owned(),
                k.table.to_owned(),
                k.columns.iter().map(|c| (*c).to_owned()).collect(),
            )
        })
        .collect()
}

fn assert_same<T: Ord + std::fmt::Debug>(db: &str, found: &BTreeSet<T>, listed: &BTreeSet<T>) {
    let missing: Vec<_> = found.difference(listed).collect();
    let stale: Vec<_> = listed.difference(found).collect();
    assert!(
        missing.is_empty() && stale.is_empty(),
        "{db}: UNIQUE_KEYS disagrees with the migrations\n\
         in the database, not listed: {missing:?}\nlisted, not in the database: {stale:?}"
    );
}

#[test]
fn unique_keys_lists_every_unique_key_of_the_migrations() {
    for db in fresh_databases() {
        let mut conn = db.conn();
        match &mut **conn {
            DbConnection::Pg(c) => assert_same("postgres", &pg_keys(c), &listed()),
            DbConnection::Sqlite(c) => {
                let listed = listed().into_iter().map(|(_, t, c)| (t, c)).collect();
                assert_same("sqlite", &sqlite_keys(c), &listed);
            }
        }
    }
}

fn insert_team(db: &TestDb, id: &str, name: &str) -> Result<usize, StoreError> {
    let mut conn = db.conn();
    diesel::sql_query(format!(
        "INSERT INTO teams (id, name, created_at, updated_at, version) \
         VALUES ('{id}', '{name}', '2026-03-02 08:00:00', '2026-03-02 08:00:00', 1)"
    ))
    .execute(&mut **conn)
    .map_err(StoreError::from)
}

#[test]
fn a_unique_violation_resolves_to_its_key_and_field() {
    for db in fresh_databases() {
        insert_team(&db, "t1", "华东一组").unwrap();
        for (id, name, key, field) in [
            ("t2", "华东一组", "teams_name_key", "name"),
            ("t1", "华东二组", "teams_pkey", "id"),
        ] {
            match insert_team(&db, id, name) {
                Err(StoreError::Duplicate(v)) => {
                    assert_eq!(v.key, Some(key), "{}: {v:?}", db.name());
                    assert_eq!(v.field, Some(field), "{}: {v:?}", db.name());
                }
                other => panic!("{}: {other:?}", db.name()),
            }
        }
    }
}
