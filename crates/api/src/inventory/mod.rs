//! Spare parts (INV-*): the parts catalogue, stock locations, stock levels, serialised units
//! and the movement ledger, with the decisions in `kefu_inventory`.

pub mod dto;
pub mod jobs;
pub mod routes;
pub mod service;
