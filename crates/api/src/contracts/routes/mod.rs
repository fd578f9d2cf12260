pub mod contracts;
pub mod reminders;
