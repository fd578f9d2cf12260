//! Billing (BIL-*): customer-facing money, commissions and payroll, expenses, with the
//! decisions in `kefu_billing`.

pub mod dto;
pub mod jobs;
pub mod routes;
pub mod service;
