use crate::error::ApiError;
use actix_web::dev::Payload;
use actix_web::http::header;
use actix_web::{FromRequest, HttpRequest};
use std::future::{Ready, ready};

/// The version a client read (from `If-Match: "<version>"`). Required on every change to an
/// existing record: without it the change is refused with 428, never applied blindly.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IfMatch(pub i64);

/// The ETag of a record version.
pub fn etag(version: i64) -> String {
    format!("\"{version}\"")
}

impl FromRequest for IfMatch {
    type Error = ApiError;
    type Future = Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let Some(raw) = req.headers().get(header::IF_MATCH) else {
            return ready(Err(ApiError::PreconditionRequired));
        };
        let parsed = raw
            .to_str()
            .ok()
            .map(|v| v.trim().trim_start_matches("W/"))
            .and_then(|v| v.strip_prefix('"').and_then(|v| v.strip_suffix('"')))
            .and_then(|v| v.parse::<i64>().ok());
        ready(parsed.map(IfMatch).ok_or_else(|| {
            ApiError::bad_request("If-Match must be an ETag returned by this API, e.g. \"3\"")
        }))
    }
}
