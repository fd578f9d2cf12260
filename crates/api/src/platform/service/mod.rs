pub mod attachments;
pub mod bootstrap;
pub mod jobs;
pub mod notifications;
pub mod rules;
pub mod webhooks;
