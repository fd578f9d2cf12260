pub mod attendance;
pub mod fines;
