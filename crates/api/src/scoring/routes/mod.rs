pub mod attendance;
pub mod fines;
pub mod leave;
pub mod score_events;
pub mod scorecards;
