//! The kefu HTTP API: actix-web routes over the `store` crate, the shared API conventions
//! (problem+json, pagination, ETags, idempotency, audit), authentication, and the OpenAPI
//! document. The `kefu` binary (`src/main.rs`) is a thin CLI over [`server`].

pub mod app;
pub mod attachments;
pub mod auth;
pub mod clock;
pub mod config;
pub mod context;
pub mod dto;
pub mod error;
pub mod export;
pub mod extract;
pub mod jobs;
pub mod metrics;
pub mod middleware;
pub mod openapi;
pub mod page;
pub mod routes;
pub mod rules;
pub mod server;
pub mod services;
pub mod state;
pub mod visibility;
pub mod webhooks;
