//! Contracts, licences, commissioning and maintenance (domain.md §2: CON-*): pure rules, no I/O.
//!
//! The shape of the tickets domain: [`access`] holds who may run what (roles × actions as
//! data); [`contract::decide`] takes the typed contract, the command, the rule set in force and
//! the company date, and returns the changes or a `DomainError` naming its rule.

pub mod access;
pub mod commissioning;
pub mod contract;
pub mod controller_data;
pub mod deadlines;
pub mod expiry;
pub mod licence;
pub mod maintenance;
pub mod programme;
pub mod programme_overdue;
pub mod reminders;
pub mod warranty;
