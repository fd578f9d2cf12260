//! Request extractors that enforce the API conventions before a handler runs.

mod if_match;
mod json;
mod query;

pub use if_match::{IfMatch, etag, parse_etag};
pub use json::{JsonValue, ValidJson, parse_value};
pub use query::{StrictQuery, strict_query};
