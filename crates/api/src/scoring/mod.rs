//! HR scoring (HR-*): attendance so far, with the decisions in `kefu_scoring`.

pub mod dto;
pub mod jobs;
pub mod routes;
pub mod service;
