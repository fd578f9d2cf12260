//! Organisation: logins, sessions and API keys, teams, employees (ORG-*).

pub mod dto;
pub mod routes;
pub mod service;
