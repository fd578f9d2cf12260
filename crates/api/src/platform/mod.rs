//! What every domain uses over HTTP: attachments, offline sync, background jobs, webhooks, notifications inbox, rule sets, audit log, exports, health.

pub mod dto;
pub mod exports;
pub mod jobs;
pub mod routes;
pub mod service;
pub mod webhooks;
