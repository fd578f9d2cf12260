pub mod attendance;
pub mod scorecards;
