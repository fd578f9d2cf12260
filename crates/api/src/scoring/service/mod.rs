pub mod attendance;
pub mod complaint_fines;
pub mod fines;
pub mod lateness_fines;
pub mod leave;
pub mod privacy;
pub mod score_events;
pub mod scorecards;
