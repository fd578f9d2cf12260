//! Customers, their sites and contacts, and the city list (CUS-*).

pub mod dto;
pub mod routes;
pub mod service;
