//! Product models and installed equipment, with its warranty reminders (EQP-*).

pub mod dto;
pub mod jobs;
pub mod routes;
pub mod service;
