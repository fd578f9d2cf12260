use crate::kernel::error::ApiError;
use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpRequest};
use kefu_core::FieldError;
use serde::de::DeserializeOwned;
use std::future::{Ready, ready};

/// Query parameters deserialised strictly: query DTOs use `deny_unknown_fields`, so a
/// misspelt filter is a 400 instead of a silently unfiltered list. The error names the
/// parameter (`query.<name>`), also when its value is what is wrong.
pub struct StrictQuery<T>(pub T);

impl<T: DeserializeOwned> FromRequest for StrictQuery<T> {
    type Error = ApiError;
    type Future = Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(strict_query(req.query_string()).map(StrictQuery))
    }
}

/// A query string as `T`, strictly (see [`StrictQuery`]).
pub fn strict_query<T: DeserializeOwned>(query: &str) -> Result<T, ApiError> {
    let deserializer =
        serde_urlencoded::Deserializer::new(form_urlencoded::parse(query.as_bytes()));
    serde_path_to_error::deserialize(deserializer).map_err(|e| {
        let path = e.path().to_string();
        let message = format!("Query deserialize error: {}", e.into_inner());
        let code = if message.contains("unknown field") {
            "unknown_field"
        } else if message.contains("missing field") {
            "required"
        } else if message.contains("invalid length") {
            // A text parameter past its `maxLength` (see `fields::search_text`).
            "length"
        } else {
            "invalid_type"
        };
        // Unknown and missing fields are named by the message; a bad value by
        // the path to it.
        let named = message.split('`').nth(1);
        let name = match code {
            "invalid_type" | "length" if !path.is_empty() && path != "." => Some(path.as_str()),
            "invalid_type" | "length" => None,
            _ => named,
        };
        let field = name
            .map(|f| format!("query.{f}"))
            .unwrap_or_else(|| "query".to_owned());
        ApiError::BadRequest {
            detail: message.clone(),
            errors: vec![FieldError::new(field, code, message)],
        }
    })
}
