use crate::kernel::auth::caller::AuthOutcome;
use crate::kernel::context;
use crate::kernel::error::ApiError;
use crate::kernel::files::{UPLOAD_PATH, max_upload_body};
use crate::kernel::middleware::spool::{BodyHash, Spool};
use crate::kernel::state::AppState;
use actix_web::body::{BoxBody, MessageBody, to_bytes};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderName, HeaderValue};
use actix_web::http::{Method, StatusCode};
use actix_web::middleware::Next;
use actix_web::mime;
use actix_web::{Error, HttpMessage, HttpResponse, ResponseError, web};
use chrono::{DateTime, Utc};
use futures_util::StreamExt;
use kefu_store::idempotency::{self, Claim, KeyUse, StoredResponse};

pub const IDEMPOTENCY_KEY: &str = "idempotency-key";

/// The key this request claimed, for the command's transaction to mark as committed.
#[derive(Debug, Clone)]
pub struct ClaimedKey {
    pub actor_id: String,
    pub key: String,
}
pub const REPLAYED: &str = "idempotent-replayed";
/// Secrets a response shows once (generated passwords, new API keys) are never written to the
/// idempotency store: a replay returns the response without them.
const SHOWN_ONCE: [&str; 2] = ["generated_password", "key"];
const REPLAYED_HEADERS: [header::HeaderName; 3] =
    [header::CONTENT_TYPE, header::ETAG, header::LOCATION];

/// `Idempotency-Key` on a POST: the first response (unless a 5xx) is stored per caller and
/// key for the configured time; a retry with the same request gets it back without running the
/// command again; the same key with a different request is 422.
///
/// Secrets shown once are left out of the stored copy (see [`SHOWN_ONCE`]). Auth endpoints are
/// excluded: their responses hold fresh credentials, which are never stored.
pub async fn idempotency(
    mut req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, Error> {
    let key = req
        .headers()
        .get(IDEMPOTENCY_KEY)
        .map(|v| v.to_str().map(str::to_owned));
    let actor_id = match req.extensions().get::<AuthOutcome>() {
        Some(AuthOutcome::Authenticated(actor)) => Some(actor.user_id.clone()),
        _ => None,
    };
    let state = req.app_data::<web::Data<AppState>>().cloned();
    let applies = req.method() == Method::POST && !req.path().starts_with("/api/v1/auth/");
    let (Some(key), Some(actor_id), Some(state), true) = (key, actor_id, state, applies) else {
        return Ok(next.call(req).await?.map_into_boxed_body());
    };
    let key = match key {
        Ok(k) if (1..=255).contains(&k.len()) && k.bytes().all(|b| b.is_ascii_graphic()) => k,
        _ => {
            let err =
                ApiError::bad_request("Idempotency-Key must be 1 to 255 visible ASCII characters");
            return Ok(req.into_response(err.error_response()));
        }
    };

    // Uploads are larger than JSON bodies and are kept on disk while the key is claimed.
    let upload = req.path() == UPLOAD_PATH;
    let limit = if upload {
        usize::try_from(max_upload_body(&state.config)).unwrap_or(usize::MAX)
    } else {
        state.config.json_limit_bytes
    };
    let boundary = req
        .mime_type()
        .ok()
        .flatten()
        .and_then(|m| m.get_param(mime::BOUNDARY).map(|b| b.as_str().to_owned()));
    let mut hash = BodyHash::new(boundary.as_deref());
    let mut body = if upload {
        match Spool::on_disk().await {
            Ok(spool) => spool,
            Err(e) => {
                let err = ApiError::internal(format!("cannot spool the request body: {e}"));
                return Ok(req.into_response(err.error_response()));
            }
        }
    } else {
        Spool::in_memory()
    };
    let mut received = 0usize;
    let mut payload = req.take_payload();
    while let Some(chunk) = payload.next().await {
        let chunk = match chunk {
            Ok(chunk) => chunk,
            Err(e) => {
                let err = ApiError::bad_request(e.to_string());
                return Ok(req.into_response(err.error_response()));
            }
        };
        received += chunk.len();
        if received > limit {
            let err = ApiError::PayloadTooLarge { limit };
            return Ok(req.into_response(err.error_response()));
        }
        hash.update(&chunk);
        if let Err(e) = body.push(&chunk).await {
            let err = ApiError::internal(format!("cannot spool the request body: {e}"));
            return Ok(req.into_response(err.error_response()));
        }
    }
    let method = req.method().to_string();
    let path = req
        .uri()
        .path_and_query()
        .map_or_else(|| req.path().to_owned(), |pq| pq.as_str().to_owned());
    let request_hash = hash.finish();
    let now = state.clock.now();
    let terms = state.config.idempotency_terms();

    let claim = {
        let (actor_id, key, method, path) = (actor_id.clone(), key.clone(), method, path);
        state
            .db(move |conn| {
                let request = KeyUse {
                    actor_id: &actor_id,
                    key: &key,
                    method: &method,
                    path: &path,
                    request_hash: &request_hash,
                };
                Ok(idempotency::claim(conn, &request, now, terms)?)
            })
            .await
    };
    match claim {
        Err(err) => Ok(req.into_response(err.error_response())),
        Ok(Claim::Mismatch) => {
            Ok(req.into_response(ApiError::IdempotencyKeyReused.error_response()))
        }
        Ok(Claim::InProgress { until }) => {
            let err = ApiError::IdempotencyInProgress {
                retry_after_secs: seconds_until(now, until),
            };
            Ok(req.into_response(err.error_response()))
        }
        Ok(Claim::Replay(stored)) => Ok(req.into_response(replay(&stored))),
        Ok(Claim::Committed { entity }) => {
            let err = ApiError::IdempotencyOutcomeLost { entity };
            Ok(req.into_response(err.error_response()))
        }
        Ok(Claim::Fresh) => {
            // The command's transaction marks the claim committed (see `AppState::tx`).
            context::remember(ClaimedKey {
                actor_id: actor_id.clone(),
                key: key.clone(),
            });
            match body.into_payload().await {
                Ok(payload) => req.set_payload(payload),
                Err(e) => {
                    let err = ApiError::internal(format!("cannot read the spooled body: {e}"));
                    return Ok(req.into_response(err.error_response()));
                }
            }
            let res = next.call(req).await?;
            let (req, res) = res.into_parts();
            let status = res.status();
            let kept: serde_json::Map<String, serde_json::Value> = REPLAYED_HEADERS
                .iter()
                .filter_map(|name| {
                    let value = res.headers().get(name)?.to_str().ok()?;
                    Some((name.as_str().to_owned(), value.into()))
                })
                .collect();
            let (res, body) = res.into_parts();
            let bytes = match to_bytes(body).await {
                Ok(bytes) => bytes,
                Err(_) => {
                    let err = ApiError::internal("response body could not be buffered");
                    return Ok(ServiceResponse::new(req, err.error_response()));
                }
            };
            let (actor, key) = (actor_id, key);
            let record = StoredResponse {
                status: status.as_u16(),
                body: without_secrets(&bytes),
                headers: serde_json::Value::Object(kept).to_string(),
            };
            let server_error = status.is_server_error();
            let saved = state
                .db(move |conn| {
                    if server_error {
                        idempotency::release(conn, &actor, &key)?;
                    } else {
                        idempotency::complete(conn, &actor, &key, &record)?;
                    }
                    Ok(())
                })
                .await;
            if let Err(e) = saved {
                // The command itself committed and marked the claim so: a retry is answered
                // 409 `idempotency-outcome-lost` naming the record, never run twice.
                tracing::warn!(error = %e, "idempotent response could not be stored");
            }
            Ok(ServiceResponse::new(req, res.set_body(BoxBody::new(bytes))))
        }
    }
}

/// Whole seconds from `now` to `until`, at least one: what `Retry-After` says.
pub fn seconds_until(now: DateTime<Utc>, until: DateTime<Utc>) -> u64 {
    let millis = u64::try_from((until - now).num_milliseconds()).unwrap_or(0);
    millis.div_ceil(1000).max(1)
}

fn without_secrets(body: &[u8]) -> String {
    match serde_json::from_slice::<serde_json::Value>(body) {
        Ok(serde_json::Value::Object(mut map))
            if SHOWN_ONCE.iter().any(|k| map.contains_key(*k)) =>
        {
            for k in SHOWN_ONCE {
                map.remove(k);
            }
            serde_json::Value::Object(map).to_string()
        }
        _ => String::from_utf8_lossy(body).into_owned(),
    }
}

fn replay(stored: &StoredResponse) -> HttpResponse {
    let status = StatusCode::from_u16(stored.status).unwrap_or(StatusCode::OK);
    let mut res = HttpResponse::build(status);
    if let Ok(serde_json::Value::Object(headers)) = serde_json::from_str(&stored.headers) {
        for (name, value) in headers {
            if let (Ok(name), Some(Ok(value))) = (
                HeaderName::try_from(name.as_str()),
                value.as_str().map(HeaderValue::from_str),
            ) {
                res.insert_header((name, value));
            }
        }
    }
    res.insert_header((
        HeaderName::from_static(REPLAYED),
        HeaderValue::from_static("true"),
    ));
    res.body(stored.body.clone())
}
