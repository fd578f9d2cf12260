pub mod attendance;
pub mod score_events;
pub mod scorecards;
