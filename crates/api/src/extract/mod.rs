//! Request extractors that enforce the API conventions before a handler runs.

mod if_match;
mod json;
mod query;

pub use if_match::{IfMatch, etag};
pub use json::ValidJson;
pub use query::StrictQuery;
