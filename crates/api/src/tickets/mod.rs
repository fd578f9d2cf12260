//! Tickets and field service: visits, service records, feedback forms, callbacks, complaints, work orders, the knowledge base and change requests (TKT-*, KB-*).

pub mod dto;
pub mod jobs;
pub mod routes;
pub mod service;
