pub mod attachments;
pub mod audit;
pub mod jobs;
pub mod notifications;
pub mod ops;
pub mod rules;
pub mod sync;
pub mod webhooks;
