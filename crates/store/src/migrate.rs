use crate::{DbConnection, StoreError};
use diesel_migrations::{EmbeddedMigrations, MigrationHarness, embed_migrations};

const POSTGRES: EmbeddedMigrations = embed_migrations!("../../migrations/postgres");
const SQLITE: EmbeddedMigrations = embed_migrations!("../../migrations/sqlite");

/// Applies every pending migration of the connection's backend; returns their names.
pub fn run_migrations(conn: &mut DbConnection) -> Result<Vec<String>, StoreError> {
    let applied = match conn {
        DbConnection::Pg(c) => c.run_pending_migrations(POSTGRES),
        DbConnection::Sqlite(c) => c.run_pending_migrations(SQLITE),
    }
    .map_err(|e| StoreError::Migration(e.to_string()))?;
    Ok(applied.into_iter().map(|v| v.to_string()).collect())
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
