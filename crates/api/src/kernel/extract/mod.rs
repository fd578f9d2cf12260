//! Request extractors that enforce the API conventions before a handler runs.

mod if_match;
pub(crate) mod json;
mod query;

pub use if_match::{IfMatch, etag, parse_etag};
pub use json::{CsvText, JsonValue, ValidJson, document_csv_bodies, parse_value};
pub use query::{StrictQuery, strict_query};

/// An optional text parameter as a filter: surrounding blanks dropped, and a blank one is no
/// filter at all.
pub fn trimmed(s: Option<String>) -> Option<String> {
    s.map(|s| s.trim().to_owned()).filter(|s| !s.is_empty())
}
