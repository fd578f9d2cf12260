//! The kernel every domain folder builds on: errors as problem+json, pagination, the
//! request context, extractors, transactions and the command context with its audit entry
//! and outbox, access (roles and ORG-5 scopes), jobs, file storage and the OpenAPI assembly.
//! It imports no domain folder.

pub mod access;
pub mod auth;
pub mod clock;
pub mod command;
pub mod config;
pub mod context;
pub mod error;
pub mod export;
pub mod extract;
pub mod fields;
pub mod files;
pub mod i18n;
pub mod jobs;
pub mod metrics;
pub mod middleware;
pub mod notify;
pub mod openapi;
pub mod outbox;
pub mod page;
pub mod respond;
pub mod rules;
pub mod state;
pub mod sync;
pub mod transport;
pub mod webhook_target;
