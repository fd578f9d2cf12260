//! Persistence for kefu: one diesel code path over PostgreSQL and SQLite.
//!
//! Knows SQL and diesel, holds no business rule. Every function takes a connection so the
//! caller (the API's service layer) decides the transaction boundary; writes that must be
//! atomic run inside [`write_tx`].

pub mod attachments;
pub mod attendance;
pub mod audit;
pub mod calendar;
pub mod callbacks;
pub mod change_requests;
pub mod cities;
pub mod commission_lines;
pub mod commissioning;
pub mod complaints;
mod conn;
pub mod contacts;
pub mod contract_reminders;
pub mod contracts;
pub mod controller_instructions;
pub mod credentials;
pub mod customer_payments;
pub mod customers;
pub mod delta;
pub mod desk;
pub mod employees;
pub mod equipment;
mod error;
pub mod exams;
pub mod expenses;
pub mod fee_items;
pub mod feedback_forms;
pub mod fines;
pub mod idempotency;
pub mod inventory;
pub mod invoices;
pub mod jobs;
pub mod kb;
pub mod leave;
pub mod ledger_facts;
pub mod licences;
pub mod maintenance;
mod migrate;
pub mod notifications;
mod nullable_text;
pub mod payroll;
pub mod probations;
pub mod products;
pub mod promotion;
pub mod rebates;
pub mod receivables;
pub mod repair_labour;
pub mod repair_quotes;
pub mod rules;
pub mod schema;
pub mod scorecards;
pub mod sites;
pub mod sla_marks;
pub mod statements;
pub mod teams;
pub mod throttle;
pub mod ticket_repairs;
pub mod tickets;
mod time;
pub mod users;
pub mod visibility;
pub mod visits;
pub mod webhooks;
pub mod work_orders;

pub use conn::{
    Backend, DbConnection, DbManager, DbPool, PoolConfig, PooledDb, build_pool, savepoint, write_tx,
};
pub use diesel::result::Error as DieselError;
pub use error::{StoreError, UNIQUE_KEYS, UniqueKey, UniqueViolation};
pub use migrate::{pending_migrations, run_migrations};
pub use nullable_text::NullableText;
pub use time::{from_db_time, to_db_time};

/// The outcome of a versioned write on an existing record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VersionedWrite {
    Written,
    NotFound,
    /// The record exists with another version; carries the current one.
    Stale(i64),
}

/// A new record id: UUIDv7 text, so ids sort by creation time (stable keyset pagination).
pub fn new_id() -> String {
    uuid::Uuid::now_v7().to_string()
}

/// The wire names of `values`, for an `IN (...)` over a string-enum column.
pub(crate) fn wire_names<E: Copy + Into<String>>(values: &[E]) -> Vec<String> {
    values.iter().map(|&v| v.into()).collect()
}
