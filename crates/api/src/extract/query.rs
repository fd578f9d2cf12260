use crate::error::ApiError;
use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpRequest, web};
use kefu_core::FieldError;
use serde::de::DeserializeOwned;
use std::future::{Ready, ready};

/// Query parameters deserialised strictly: query DTOs use `deny_unknown_fields`, so a
/// misspelt filter is a 400 instead of a silently unfiltered list.
pub struct StrictQuery<T>(pub T);

impl<T: DeserializeOwned> FromRequest for StrictQuery<T> {
    type Error = ApiError;
    type Future = Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(
            web::Query::<T>::from_query(req.query_string())
                .map(|q| StrictQuery(q.into_inner()))
                .map_err(|e| {
                    let message = e.to_string();
                    let field = message
                        .split('`')
                        .nth(1)
                        .map(|f| format!("query.{f}"))
                        .unwrap_or_else(|| "query".to_owned());
                    let code = if message.contains("unknown field") {
                        "unknown_field"
                    } else if message.contains("missing field") {
                        "required"
                    } else {
                        "invalid_type"
                    };
                    ApiError::BadRequest {
                        detail: message.clone(),
                        errors: vec![FieldError::new(field, code, message)],
                    }
                }),
        )
    }
}
