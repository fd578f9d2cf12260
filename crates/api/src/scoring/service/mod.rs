pub mod attendance;
pub mod privacy;
pub mod score_events;
pub mod scorecards;
