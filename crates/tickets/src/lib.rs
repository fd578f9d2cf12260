//! Tickets and field service (domain.md §1: TKT-*, KB-*): pure rules, no I/O.
//! Filled by the tickets issue; the crate exists now so the dependency boundary is enforced
//! from the first commit.
