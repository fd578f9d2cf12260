//! The SQLite and PostgreSQL migrations must give the same schema: the same tables, columns,
//! type families and nullability, read back from each database's own catalogue.

// Helpers outside #[test] functions panic on failure too, as tests should.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{TestDb, fresh_databases, fresh_pg, fresh_sqlite};
use diesel::prelude::*;
use diesel::sql_types::{Bool, Integer, Text};
use diesel::{PgConnection, SqliteConnection};
use kefu_store::{DbConnection, pending_migrations, run_migrations};
use std::collections::{BTreeMap, BTreeSet};

const EXPECTED_TABLES: [&str; 12] = [
    "users",
    "user_roles",
    "refresh_tokens",
    "api_keys",
    "login_throttle",
    "audit_log",
    "audit_head",
    "idempotency_keys",
    "calendar_days",
    "calendar_meta",
    "jobs",
    "notifications",
];

/// (table, column, type family, nullable)
type Column = (String, String, String, bool);

#[derive(QueryableByName, Debug)]
struct SqliteColumn {
    #[diesel(sql_type = Text)]
    table_name: String,
    #[diesel(sql_type = Text)]
    column_name: String,
    #[diesel(sql_type = Text)]
    data_type: String,
    #[diesel(sql_type = Integer)]
    not_null: i32,
    /// 1-based position in the primary key, 0 when not part of it.
    #[diesel(sql_type = Integer)]
    pk: i32,
}

#[derive(QueryableByName, Debug)]
struct PgColumn {
    #[diesel(sql_type = Text)]
    table_name: String,
    #[diesel(sql_type = Text)]
    column_name: String,
    #[diesel(sql_type = Text)]
    data_type: String,
    #[diesel(sql_type = Bool)]
    nullable: bool,
}

/// Maps a declared type to the family the portable subset allows.
fn family(declared: &str) -> String {
    let t = declared.trim().to_ascii_lowercase();
    let base = t.split('(').next().unwrap_or(&t).trim();
    if base.contains("int") {
        "int".to_owned()
    } else if matches!(
        base,
        "text" | "varchar" | "character varying" | "char" | "character"
    ) {
        "text".to_owned()
    } else if matches!(base, "bool" | "boolean") {
        "bool".to_owned()
    } else if base.starts_with("timestamp") {
        "timestamp".to_owned()
    } else {
        // Unknown types keep their name, so the diff shows them.
        format!("other:{base}")
    }
}

/// The columns SQLite enforces, with their *effective* nullability: SQLite lets NULL into a
/// PRIMARY KEY column not declared NOT NULL (a documented legacy quirk), except the
/// `INTEGER PRIMARY KEY` rowid alias.
fn sqlite_columns(conn: &mut SqliteConnection) -> BTreeSet<Column> {
    let rows: Vec<SqliteColumn> = diesel::sql_query(
        "SELECT m.name AS table_name, p.name AS column_name, p.type AS data_type, \
                p.\"notnull\" AS not_null, p.pk AS pk \
         FROM sqlite_master m JOIN pragma_table_info(m.name) p \
         WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite\\_%' ESCAPE '\\' \
           AND m.name <> '__diesel_schema_migrations' \
         ORDER BY m.name, p.cid",
    )
    .load(conn)
    .expect("read SQLite's catalogue");
    let mut pk_width: BTreeMap<String, usize> = BTreeMap::new();
    for r in rows.iter().filter(|r| r.pk > 0) {
        *pk_width.entry(r.table_name.clone()).or_default() += 1;
    }
    rows.into_iter()
        .map(|r| {
            let rowid_alias = r.pk == 1
                && pk_width.get(&r.table_name) == Some(&1)
                && r.data_type.eq_ignore_ascii_case("INTEGER");
            let nullable = r.not_null == 0 && !rowid_alias;
            (r.table_name, r.column_name, family(&r.data_type), nullable)
        })
        .collect()
}

fn pg_columns(conn: &mut PgConnection) -> BTreeSet<Column> {
    let rows: Vec<PgColumn> = diesel::sql_query(
        "SELECT c.table_name::text AS table_name, c.column_name::text AS column_name, \
                c.data_type::text AS data_type, (c.is_nullable = 'YES') AS nullable \
         FROM information_schema.columns c \
         JOIN information_schema.tables t \
           ON t.table_schema = c.table_schema AND t.table_name = c.table_name \
         WHERE c.table_schema = 'public' AND t.table_type = 'BASE TABLE' \
           AND c.table_name <> '__diesel_schema_migrations' \
         ORDER BY c.table_name, c.ordinal_position",
    )
    .load(conn)
    .expect("read PostgreSQL's information_schema");
    rows.into_iter()
        .map(|r| {
            (
                r.table_name,
                r.column_name,
                family(&r.data_type),
                r.nullable,
            )
        })
        .collect()
}

fn columns_of(db: &TestDb) -> BTreeSet<Column> {
    let mut conn = db.conn();
    match &mut **conn {
        DbConnection::Pg(c) => pg_columns(c),
        DbConnection::Sqlite(c) => sqlite_columns(c),
    }
}

fn tables(columns: &BTreeSet<Column>) -> BTreeSet<&str> {
    columns.iter().map(|(t, ..)| t.as_str()).collect()
}

fn show(c: &Column) -> String {
    let null = if c.3 { "NULL" } else { "NOT NULL" };
    format!("{}.{} {} {}", c.0, c.1, c.2, null)
}

fn assert_has_expected_tables(name: &str, columns: &BTreeSet<Column>) {
    let found = tables(columns);
    let missing: Vec<&str> = EXPECTED_TABLES
        .iter()
        .copied()
        .filter(|t| !found.contains(t))
        .collect();
    assert!(
        missing.is_empty(),
        "{name}: tables missing after migration: {missing:?} (found {found:?})"
    );
    assert!(
        !found.contains("__diesel_schema_migrations"),
        "diesel's bookkeeping table must be left out of the comparison"
    );
}

#[test]
fn sqlite_and_postgres_migrations_give_the_same_schema() {
    let sqlite_db = fresh_sqlite();
    let sqlite = columns_of(&sqlite_db);
    assert_has_expected_tables("sqlite", &sqlite);

    let Some(pg_db) = fresh_pg() else {
        eprintln!(
            "{} is not set: compared the SQLite schema with the expected table list only",
            common::PG_URL_VAR
        );
        return;
    };
    let pg = columns_of(&pg_db);
    assert_has_expected_tables("postgres", &pg);

    let only_sqlite: Vec<String> = sqlite.difference(&pg).map(show).collect();
    let only_pg: Vec<String> = pg.difference(&sqlite).map(show).collect();
    assert!(
        only_sqlite.is_empty() && only_pg.is_empty(),
        "the two migrations disagree ({} columns on SQLite, {} on PostgreSQL)\n\
         only on SQLite:\n  {}\nonly on PostgreSQL:\n  {}",
        sqlite.len(),
        pg.len(),
        if only_sqlite.is_empty() {
            "-".to_owned()
        } else {
            only_sqlite.join("\n  ")
        },
        if only_pg.is_empty() {
            "-".to_owned()
        } else {
            only_pg.join("\n  ")
        },
    );
}

#[test]
fn primary_keys_refuse_null() {
    // What the nullability above means in practice: no row without a key.
    let statements = [
        "INSERT INTO login_throttle (throttle_key, failures, window_started_at) \
         VALUES (NULL, 1, '2026-01-01 00:00:00')",
        "INSERT INTO users (id, username, display_name, kind, created_at, updated_at, version) \
         VALUES (NULL, 'nobody', 'Nobody', 'human', '2026-01-01 00:00:00', \
                 '2026-01-01 00:00:00', 1)",
        "INSERT INTO audit_log (seq, id, occurred_at, action, entity_type, entity_id, \
                                prev_hash, hash) \
         VALUES (NULL, 'x', '2026-01-01 00:00:00', 'a', 'e', 'i', 'p', 'h')",
        "INSERT INTO calendar_days (day, kind, updated_at) \
         VALUES (NULL, 'holiday', '2026-01-01 00:00:00')",
    ];
    for db in fresh_databases() {
        let stored: Vec<&str> = statements
            .iter()
            .copied()
            .filter(|sql| db.raw_execute(sql).is_ok())
            .collect();
        assert!(
            stored.is_empty(),
            "{}: a NULL primary key was stored by:\n  {}",
            db.name(),
            stored.join("\n  ")
        );
        let mut conn = db.conn();
        let throttles: i64 = kefu_store::schema::login_throttle::table
            .count()
            .get_result(&mut **conn)
            .expect("count throttle rows");
        assert_eq!(throttles, 0, "{}: rows stored", db.name());
        assert_eq!(kefu_store::users::count(&mut conn).expect("count users"), 0);
    }
}

#[test]
fn migrating_again_applies_nothing() {
    for db in fresh_databases() {
        let mut conn = db.conn();
        assert_eq!(conn.backend(), db.backend);
        let again = run_migrations(&mut conn).expect("migrate a migrated database");
        assert!(again.is_empty(), "{}: re-applied {again:?}", db.name());
        assert!(pending_migrations(&mut conn).expect("pending").is_empty());
        // The chain head is seeded exactly once.
        let heads: i64 = kefu_store::schema::audit_head::table
            .count()
            .get_result(&mut **conn)
            .expect("count audit heads");
        assert_eq!(heads, 1, "{}", db.name());
    }
}
