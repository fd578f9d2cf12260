use crate::kernel::error::ApiError;
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

/// `"<version>"`, the version being 1 to 18 ASCII digits: exactly what the spec's `If-Match`
/// pattern admits. A weak tag (`W/"3"`) is refused: If-Match uses the strong comparison (RFC
/// 9110 §13.1.1), under which a weak tag matches nothing, and this API only ever sends strong
/// tags, so a weak one is a client error, answered 400 before the record is looked at.
pub fn parse_etag(value: &str) -> Option<i64> {
    let digits = value.strip_prefix('"')?.strip_suffix('"')?;
    if (1..=18).contains(&digits.len()) && digits.bytes().all(|b| b.is_ascii_digit()) {
        digits.parse().ok()
    } else {
        None
    }
}

impl FromRequest for IfMatch {
    type Error = ApiError;
    type Future = Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let Some(raw) = req.headers().get(header::IF_MATCH) else {
            return ready(Err(ApiError::PreconditionRequired));
        };
        let parsed = raw.to_str().ok().and_then(parse_etag);
        ready(parsed.map(IfMatch).ok_or_else(|| {
            ApiError::bad_request(
                "If-Match must be a strong ETag returned by this API, e.g. \"3\" (not W/\"3\")",
            )
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::parse_etag;

    #[test]
    fn only_etags_of_this_api_parse() {
        assert_eq!(parse_etag("\"3\""), Some(3));
        assert_eq!(parse_etag("\"12\""), Some(12));
        for bad in [
            "*",
            "3",
            "\"\"",
            "\"+3\"",
            "\"-3\"",
            "\" 3\"",
            "W/\"3\"",
            "w/\"3\"",
            "W/W/\"3\"",
            "\"1234567890123456789\"",
        ] {
            assert_eq!(parse_etag(bad), None, "{bad}");
        }
    }
}
