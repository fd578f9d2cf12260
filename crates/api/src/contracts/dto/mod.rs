pub mod commissioning;
pub mod contracts;
pub mod reminders;
pub mod warranty;
