//! Rate limits per caller (access token's user or API key) and per client address, in memory
//! per server instance: with N instances behind a balancer a caller gets up to N times the
//! limit. (The login lock-out, which must hold across instances, lives in the database.)
//!
//! Each limit is a GCRA bucket of `per_minute` requests refilling continuously: a caller may
//! burst the whole minute's allowance at once, then one request every `60 s / per_minute`.

use crate::kernel::auth::caller::AuthOutcome;
use crate::kernel::error::ApiError;
use crate::kernel::state::AppState;
use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{HeaderName, HeaderValue};
use actix_web::middleware::Next;
use actix_web::{Error, HttpMessage, ResponseError, web};
use kefu_core::ActorKind;
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};
use utoipa::openapi::RefOr;

pub const LIMIT: &str = "ratelimit-limit";
pub const REMAINING: &str = "ratelimit-remaining";
pub const RESET: &str = "ratelimit-reset";

/// Buckets kept before the full (idle) ones are dropped.
const PRUNE_ABOVE: usize = 10_000;

/// Where a request stands against one limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Standing {
    pub limit: u32,
    pub remaining: u32,
    /// Seconds until the bucket is full again.
    pub reset_secs: u64,
    /// Refused: retry after this many seconds.
    pub retry_after_secs: Option<u64>,
}

pub struct RateLimiter {
    per_token: u32,
    per_ip: u32,
    /// Bucket key → theoretical arrival time of the next request (GCRA).
    buckets: Mutex<HashMap<String, Instant>>,
}

fn ceil_secs(d: Duration) -> u64 {
    d.as_secs() + u64::from(d.subsec_nanos() > 0)
}

impl RateLimiter {
    /// Requests per minute per caller and per address; 0 switches that limit off.
    pub fn new(per_token: u32, per_ip: u32) -> Self {
        RateLimiter {
            per_token,
            per_ip,
            buckets: Mutex::new(HashMap::new()),
        }
    }

    /// Counts a request against bucket `key` of `per_minute` requests.
    pub fn check(&self, key: &str, per_minute: u32, now: Instant) -> Standing {
        let window = Duration::from_secs(60);
        let interval = window / per_minute.max(1);
        let mut buckets = self
            .buckets
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if buckets.len() > PRUNE_ABOVE {
            buckets.retain(|_, tat| *tat > now);
        }
        let tat = buckets
            .get(key)
            .copied()
            .filter(|t| *t > now)
            .unwrap_or(now);
        let next = tat + interval;
        let ahead = next - now;
        if ahead > window {
            let used = tat - now;
            return Standing {
                limit: per_minute,
                remaining: 0,
                reset_secs: ceil_secs(used),
                retry_after_secs: Some(ceil_secs(ahead - window).max(1)),
            };
        }
        buckets.insert(key.to_owned(), next);
        let left = window - ahead;
        Standing {
            limit: per_minute,
            remaining: u32::try_from(left.as_nanos() / interval.as_nanos().max(1))
                .unwrap_or(u32::MAX),
            reset_secs: ceil_secs(ahead),
            retry_after_secs: None,
        }
    }
}

/// The caller's bucket: one per API key, one per user for access tokens.
fn token_key(outcome: Option<&AuthOutcome>) -> Option<String> {
    match outcome? {
        AuthOutcome::Authenticated(actor) => Some(match &actor.kind {
            ActorKind::ApiKey { key_id } => format!("key:{key_id}"),
            ActorKind::Session => format!("user:{}", actor.user_id),
        }),
        _ => None,
    }
}

/// Counts the request against its caller's and its address's limits; over either, 429 with
/// `Retry-After`. Every answer carries the `RateLimit-*` headers of the tighter limit.
pub async fn rate_limit(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, Error> {
    let Some(state) = req.app_data::<web::Data<AppState>>().cloned() else {
        return Ok(next.call(req).await?.map_into_boxed_body());
    };
    let limiter = &state.rate_limiter;
    let now = Instant::now();
    let mut standings = Vec::new();
    if limiter.per_ip > 0 {
        let ip = crate::kernel::auth::client_ip(req.request(), state.config.trust_forwarded_for);
        standings.push(limiter.check(&format!("ip:{ip}"), limiter.per_ip, now));
    }
    if limiter.per_token > 0
        && let Some(key) = token_key(req.extensions().get::<AuthOutcome>())
    {
        standings.push(limiter.check(&key, limiter.per_token, now));
    }
    let refused = standings
        .iter()
        .filter_map(|s| s.retry_after_secs.map(|r| (r, *s)))
        .max_by_key(|(r, _)| *r);
    let shown = refused
        .map(|(_, s)| s)
        .or_else(|| standings.iter().copied().min_by_key(|s| s.remaining));
    let mut res = match refused {
        Some((retry_after_secs, _)) => {
            let err = ApiError::TooManyRequests { retry_after_secs };
            req.into_response(err.error_response())
        }
        None => next.call(req).await?.map_into_boxed_body(),
    };
    // An operation with a limit of its own (the licence check, CON-4) shows that one.
    if let Some(s) = shown.filter(|_| !res.headers().contains_key(LIMIT)) {
        let headers = res.headers_mut();
        for (name, value) in [
            (LIMIT, u64::from(s.limit)),
            (REMAINING, u64::from(s.remaining)),
            (RESET, s.reset_secs),
        ] {
            headers.insert(HeaderName::from_static(name), HeaderValue::from(value));
        }
    }
    Ok(res)
}

/// The 429 as the OpenAPI document states it, with the headers a client backs off by.
pub fn documented() -> RefOr<utoipa::openapi::Response> {
    let mut response = crate::kernel::openapi::problem(
        "Too many requests from this caller or address (limits per server instance); \
         retry after `Retry-After` seconds",
    );
    if let RefOr::T(response) = &mut response {
        let retry = crate::kernel::openapi::headers::count("Seconds to wait before retrying");
        response
            .headers
            .insert("Retry-After".to_owned(), RefOr::T(retry));
        response.headers.extend(
            crate::kernel::openapi::headers::rate_limit_headers().map(|(n, h)| (n.to_owned(), h)),
        );
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_full_bucket_allows_the_limit_then_refuses_until_it_refills() {
        let limiter = RateLimiter::new(6, 0);
        let t0 = Instant::now();
        for left in (0..6).rev() {
            let s = limiter.check("a", 6, t0);
            assert_eq!((s.remaining, s.retry_after_secs), (left, None));
        }
        let refused = limiter.check("a", 6, t0);
        assert_eq!(refused.retry_after_secs, Some(10));
        assert_eq!(refused.reset_secs, 60);
        // Another bucket is not affected.
        assert_eq!(limiter.check("b", 6, t0).remaining, 5);
        // One request's worth (10 s) later, one more goes through.
        let later = limiter.check("a", 6, t0 + Duration::from_secs(10));
        assert_eq!((later.remaining, later.retry_after_secs), (0, None));
    }

    #[test]
    fn idle_buckets_are_pruned() {
        let limiter = RateLimiter::new(1, 1);
        let t0 = Instant::now();
        for i in 0..=PRUNE_ABOVE {
            limiter.check(&i.to_string(), 1, t0);
        }
        limiter.check("late", 1, t0 + Duration::from_secs(61));
        assert_eq!(limiter.buckets.lock().unwrap().len(), 1);
    }
}
