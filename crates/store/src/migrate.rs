use crate::{DbConnection, StoreError};
use diesel::connection::SimpleConnection;
use diesel_migrations::{EmbeddedMigrations, MigrationHarness, embed_migrations};

const POSTGRES: EmbeddedMigrations = embed_migrations!("../../migrations/postgres");
const SQLITE: EmbeddedMigrations = embed_migrations!("../../migrations/sqlite");

/// Any number of instances may start at once against one PostgreSQL: the first to take this
/// advisory lock migrates, the others wait and then find nothing pending.
const MIGRATION_LOCK: i64 = 0x6b65_6675; // "kefu"

/// Applies every pending migration of the connection's backend; returns their names.
pub fn run_migrations(conn: &mut DbConnection) -> Result<Vec<String>, StoreError> {
    let applied = match conn {
        DbConnection::Pg(c) => {
            c.batch_execute(&format!("SELECT pg_advisory_lock({MIGRATION_LOCK})"))?;
            let applied = c.run_pending_migrations(POSTGRES).map(|v| names(&v));
            c.batch_execute(&format!("SELECT pg_advisory_unlock({MIGRATION_LOCK})"))?;
            applied
        }
        // SQLite migrations run in exclusive transactions; concurrent starters queue.
        DbConnection::Sqlite(c) => c.run_pending_migrations(SQLITE).map(|v| names(&v)),
    };
    applied.map_err(|e| StoreError::Migration(e.to_string()))
}

fn names(versions: &[diesel::migration::MigrationVersion<'_>]) -> Vec<String> {
    versions.iter().map(ToString::to_string).collect()
}

/// Names of migrations not yet applied (`/readyz` is not ready while any remain).
pub fn pending_migrations(conn: &mut DbConnection) -> Result<Vec<String>, StoreError> {
    let names = match conn {
        DbConnection::Pg(c) => c
            .pending_migrations(POSTGRES)
            .map(|p| p.iter().map(|m| m.name().to_string()).collect()),
        DbConnection::Sqlite(c) => c
            .pending_migrations(SQLITE)
            .map(|p| p.iter().map(|m| m.name().to_string()).collect()),
    };
    names.map_err(|e| StoreError::Migration(e.to_string()))
}
