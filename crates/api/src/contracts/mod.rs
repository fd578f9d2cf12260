//! Contracts (domain.md §2): service contracts with their renewals and payment (CON-1, CON-2),
//! expiry reminders (CON-3), commissioning jobs (CON-7, CON-8) and the maintenance programme's
//! overdue steps (CON-6).
//! The decisions live in `kefu_contracts`; this folder is their HTTP, storage calls and jobs.

pub mod commissioning_jobs;
pub mod dto;
pub mod jobs;
pub mod programme_jobs;
pub mod routes;
pub mod service;
