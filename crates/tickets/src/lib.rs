//! Tickets and field service (domain.md §1: TKT-*, KB-*): pure rules, no I/O.

pub mod access;
pub mod callbacks;
pub mod change_requests;
pub mod channel;
pub mod clock;
pub mod complaints;
pub mod deadlines;
pub mod decide;
pub mod forms;
pub mod kb;
pub mod kinds;
pub mod lifecycle;
pub mod satisfaction;
pub mod service;
pub mod sla;
pub mod visits;
pub mod work_orders;
