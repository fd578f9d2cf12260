//! The work calendar: holidays, make-up days and working-time arithmetic.

pub mod dto;
pub mod routes;
pub mod service;
