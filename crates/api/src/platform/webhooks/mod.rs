pub mod deliver;
pub mod job;
pub mod signing;
