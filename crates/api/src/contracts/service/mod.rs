pub mod commissioning;
pub mod contracts;
pub mod controller_data;
pub mod licences;
pub mod maintenance;
pub mod overdue_steps;
pub mod reminders;
pub mod warranty;
