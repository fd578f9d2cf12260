//! Contracts, licences, commissioning and maintenance (domain.md §2: CON-*): pure rules, no I/O.

pub mod deadlines;
pub mod reminders;
