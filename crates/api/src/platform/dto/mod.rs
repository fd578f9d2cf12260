pub mod attachments;
pub mod audit;
pub mod jobs;
pub mod notifications;
pub mod rules;
pub mod webhooks;
