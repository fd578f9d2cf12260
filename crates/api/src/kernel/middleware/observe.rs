use crate::kernel::auth::caller::RequestId;
use crate::kernel::context::{self, RequestContext};
use crate::kernel::state::AppState;
use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{HeaderName, HeaderValue};
use actix_web::middleware::Next;
use actix_web::{Error, HttpMessage, web};
use std::time::Instant;
use tracing::Instrument;

pub const REQUEST_ID_HEADER: &str = "x-request-id";

/// Outermost middleware: gives the request an id (the client's `X-Request-Id` when it is a
/// sane token), runs it inside its [`RequestContext`], then logs one JSON line and records
/// metrics for it.
pub async fn observe(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, Error> {
    let started = Instant::now();
    let request_id = req
        .headers()
        .get(REQUEST_ID_HEADER)
        .and_then(|v| v.to_str().ok())
        .filter(|v| {
            (1..=64).contains(&v.len())
                && v.chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
        })
        .map_or_else(|| uuid::Uuid::now_v7().to_string(), str::to_owned);
    let lang = context::negotiate(
        req.headers()
            .get(actix_web::http::header::ACCEPT_LANGUAGE)
            .and_then(|v| v.to_str().ok()),
    );
    let method = req.method().to_string();
    let path = req.path().to_owned();
    let state = req.app_data::<web::Data<AppState>>().cloned();
    req.extensions_mut().insert(RequestId(request_id.clone()));
    let ctx = RequestContext::new(lang, request_id.clone(), path.clone());
    let db = ctx.db.clone();
    // The actor is filled in by `authenticate` once the credentials are resolved.
    let span = tracing::info_span!(
        "request",
        request_id = %request_id,
        method = %method,
        path = %path,
        actor = tracing::field::Empty,
    );
    let result = context::scope(ctx, next.call(req))
        .instrument(span.clone())
        .await;
    let latency = started.elapsed();
    let (status, route) = match &result {
        Ok(res) => (
            res.status().as_u16(),
            res.request()
                .match_pattern()
                .unwrap_or_else(|| "unmatched".to_owned()),
        ),
        Err(err) => (
            err.as_response_error().status_code().as_u16(),
            "unmatched".to_owned(),
        ),
    };
    if let Some(state) = &state {
        state.metrics.observe(&method, &route, status, latency);
        state
            .metrics
            .observe_db(&method, &route, db.statements(), db.time());
    }
    span.in_scope(|| {
        tracing::info!(
            request_id = %request_id,
            method = %method,
            route = %route,
            path = %path,
            status,
            latency_ms = latency.as_secs_f64() * 1000.0,
            db_statements = db.statements(),
            db_ms = db.time().as_secs_f64() * 1000.0,
            "request"
        )
    });
    let mut res = result?.map_into_boxed_body();
    if let Ok(value) = HeaderValue::from_str(&request_id) {
        res.headers_mut()
            .insert(HeaderName::from_static(REQUEST_ID_HEADER), value);
    }
    res.headers_mut().insert(
        actix_web::http::header::CONTENT_LANGUAGE,
        HeaderValue::from_static(lang.tag()),
    );
    Ok(res)
}
