//! Response shapes shared by every route: a versioned record with its `ETag`, a creation with
//! its `Location`.

use crate::kernel::extract::etag;
use actix_web::HttpResponse;
use actix_web::http::StatusCode;
use actix_web::http::header::{ETAG, LOCATION};
use serde::Serialize;

/// A JSON response for one versioned record, with its `ETag`.
pub fn versioned<T: Serialize>(status: StatusCode, version: i64, body: &T) -> HttpResponse {
    HttpResponse::build(status)
        .insert_header((ETAG, etag(version)))
        .json(body)
}

/// 201 with `Location` (and `ETag` when the record is versioned).
pub fn created<T: Serialize>(location: String, version: Option<i64>, body: &T) -> HttpResponse {
    let mut res = HttpResponse::Created();
    res.insert_header((LOCATION, location));
    if let Some(v) = version {
        res.insert_header((ETAG, etag(v)));
    }
    res.json(body)
}
