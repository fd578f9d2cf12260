//! HR scoring (HR-*): attendance so far, with the decisions in `kefu_scoring`.

pub mod dto;
pub mod routes;
pub mod service;
