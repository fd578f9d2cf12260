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
        let inner = e.into_inner().to_string();
        let code = if inner.contains("unknown field") {
            "unknown_field"
        } else if inner.contains("missing field") {
            "required"
        } else if inner.contains("invalid length") {
            // A text parameter past its `maxLength` (see `fields::search_text`).
            "length"
        } else {
            "invalid_type"
        };
        // Unknown and missing fields are named by serde's text; a bad value by the path to it.
        let named = inner.split('`').nth(1);
        let name = match code {
            "invalid_type" | "length" if !path.is_empty() && path != "." => Some(path.as_str()),
            "invalid_type" | "length" => None,
            _ => named,
        };
        let field = name
            .map(|f| format!("query.{f}"))
            .unwrap_or_else(|| "query".to_owned());
        let detail = match code {
            "unknown_field" => format!("Unknown query parameter {field}"),
            "required" => format!("Missing query parameter {field}"),
            "length" => format!("{field} is too long"),
            _ => format!("{field} has the wrong type or value"),
        };
        let mut error = FieldError::new(field, code, "");
        if let Some(max) = inner
            .split_once("expected at most ")
            .and_then(|(_, rest)| rest.split(|c: char| !c.is_ascii_digit()).next())
            .filter(|max| !max.is_empty())
        {
            error = error.with_param("max", max);
        }
        ApiError::BadRequest {
            detail,
            errors: vec![error],
        }
    })
}
