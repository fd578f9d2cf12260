use diesel::result::{DatabaseErrorKind, Error as DieselError};

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// No connection could be had in time: the database is down or saturated (503).
    #[error("database unavailable: {0}")]
    Unavailable(String),
    /// A unique constraint refused the write; carries the constraint's message (409).
    #[error("duplicate: {0}")]
    Duplicate(String),
    #[error("database error: {0}")]
    Database(DieselError),
    #[error("migration failed: {0}")]
    Migration(String),
    #[error("stored data is corrupt: {0}")]
    Corrupt(String),
}

impl From<DieselError> for StoreError {
    fn from(e: DieselError) -> Self {
        match e {
            DieselError::DatabaseError(DatabaseErrorKind::UniqueViolation, info) => {
                StoreError::Duplicate(info.message().to_owned())
            }
            DieselError::DatabaseError(DatabaseErrorKind::UnableToSendCommand, info)
            | DieselError::DatabaseError(DatabaseErrorKind::ClosedConnection, info) => {
                StoreError::Unavailable(info.message().to_owned())
            }
            other => StoreError::Database(other),
        }
    }
}

impl From<r2d2::Error> for StoreError {
    fn from(e: r2d2::Error) -> Self {
        StoreError::Unavailable(e.to_string())
    }
}
