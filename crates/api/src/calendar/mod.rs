//! The work calendar: holidays, make-up days and working-time arithmetic.

pub mod dto;
pub mod jobs;
pub mod routes;
pub mod schedules;
pub mod service;
