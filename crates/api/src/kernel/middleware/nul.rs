use crate::kernel::error::ApiError;
use actix_web::ResponseError;
use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;
use kefu_core::FieldError;

/// A NUL character can be neither an id nor a filter: PostgreSQL text cannot hold one, so
/// such requests are answered here — 404 for the path (no record has that id), 400 for the
/// query — before they reach a query.
pub async fn reject_nul(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let has_nul = |s: &str| s.to_ascii_lowercase().contains("%00");
    if has_nul(req.path()) {
        return Ok(req.into_response(ApiError::NotFound.error_response()));
    }
    if has_nul(req.query_string()) {
        let err = ApiError::BadRequest {
            detail: "query parameters must not contain NUL characters".to_owned(),
            errors: vec![FieldError::new(
                "query",
                "format",
                "contains a NUL character",
            )],
        };
        return Ok(req.into_response(err.error_response()));
    }
    Ok(next.call(req).await?.map_into_boxed_body())
}
