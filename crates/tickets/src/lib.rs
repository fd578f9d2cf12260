//! Tickets and field service (domain.md §1: TKT-*, KB-*): pure rules, no I/O.
//!
//! The shape every command follows: [`access`] holds who may run what (roles × actions as
//! data, plus the actor's relation to the record); a `decide` function takes the typed
//! record, the actor's facts, the command, the facts only the database knows and `now`, and
//! returns the changes, log entries and notices, or a `DomainError` naming its rule (see
//! [`decide::decide`] for tickets). The state machines live in their modules; the guards
//! that moved out of the API services live in each module's `guards`.

pub mod access;
pub mod board;
pub mod callbacks;
pub mod change_requests;
pub mod channel;
pub mod clock;
pub mod complaints;
pub mod deadlines;
pub mod decide;
pub mod edit;
pub mod forms;
pub mod kb;
pub mod kinds;
pub mod lifecycle;
pub mod satisfaction;
pub mod service;
pub mod sla;
pub mod visits;
pub mod work_orders;
