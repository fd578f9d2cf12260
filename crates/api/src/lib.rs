//! The kefu HTTP API. `kernel` holds the conventions every endpoint shares (problem+json,
//! pagination, ETags, idempotency, audit, access, OpenAPI); each domain has one folder with its
//! routes, services and DTOs; `app` wires them together. The `kefu` binary (`src/main.rs`) is a
//! thin CLI over [`server`].

pub mod app;
pub mod billing;
pub mod calendar;
pub mod contracts;
pub mod customers;
pub mod equipment;
pub mod inventory;
pub mod kernel;
pub mod org;
pub mod platform;
pub mod scoring;
pub mod server;
pub mod tickets;
