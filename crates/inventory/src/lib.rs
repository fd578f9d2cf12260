//! Spare parts and repair logistics (domain.md §3: INV-*): pure rules, no I/O.

pub mod access;
pub mod catalogue;
pub mod consumption;
pub mod counts;
pub mod intake;
pub mod loans;
pub mod movements;
pub mod report;
pub mod rma;
pub mod rotation;
