//! HR scoring: attendance, scorecards, grades, complaints and fines (domain.md §4: HR-*):
//! pure rules, no I/O.

pub mod access;
pub mod attendance;
pub mod card;
pub mod clock_import;
pub mod complaint_flags;
pub mod exams;
pub mod fine_records;
pub mod fines;
pub mod grades;
pub mod lateness;
pub mod leave;
pub mod probation;
pub mod promotion;
pub mod scorecard;
pub mod standings;
