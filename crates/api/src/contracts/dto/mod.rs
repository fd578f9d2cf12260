pub mod commissioning;
pub mod contracts;
pub mod maintenance;
pub mod reminders;
pub mod warranty;
