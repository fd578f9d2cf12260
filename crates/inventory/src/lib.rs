//! Spare parts and repair logistics (domain.md §3: INV-*): pure rules, no I/O.

pub mod loans;
