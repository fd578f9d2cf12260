pub mod attendance;
pub mod fines;
pub mod leave;
pub mod scorecards;
