use chrono::{DateTime, NaiveDateTime, Utc};

/// Instants are stored as UTC `TIMESTAMP` (PostgreSQL) / ISO text (SQLite).
pub fn to_db_time(t: DateTime<Utc>) -> NaiveDateTime {
    t.naive_utc()
}

pub fn from_db_time(t: NaiveDateTime) -> DateTime<Utc> {
    t.and_utc()
}
