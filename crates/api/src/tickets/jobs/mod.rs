pub mod callbacks;
pub mod change_requests;
pub mod sla;
