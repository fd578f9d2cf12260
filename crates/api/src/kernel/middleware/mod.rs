//! Cross-cutting request handling: request ids, language, access log and metrics
//! ([`observe`]), and replay of idempotent POSTs ([`idempotency`]).

pub mod idempotency;
mod nul;
mod observe;
mod query_names;
pub mod rate_limit;
mod spool;

pub use idempotency::idempotency;
pub use nul::reject_nul;
pub use observe::observe;
pub use query_names::{QueryNames, reject_unknown_query};
pub use rate_limit::rate_limit;
