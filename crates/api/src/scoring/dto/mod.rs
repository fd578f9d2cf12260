pub mod attendance;
pub mod exams;
pub mod fines;
pub mod leave;
pub mod probations;
pub mod promotion;
pub mod scorecards;
pub mod standings;
