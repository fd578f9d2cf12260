//! Fees, payments, commissions, expenses and payroll (domain.md §5: BIL-*): pure rules, no I/O.

pub mod access;
pub mod chasing;
pub mod commissioning;
pub mod engine;
pub mod expenses;
pub mod fees;
pub mod invoices;
pub mod payments;
pub mod payroll;
pub mod quotes;
pub mod rebates;
pub mod receivables;
pub mod repair;
pub mod shares;
pub mod travel;
