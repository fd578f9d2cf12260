pub mod attendance;
pub mod complaint_fines;
pub mod fines;
pub mod lateness_fines;
pub mod leave;
