use crate::kernel::auth::caller::RequestId;
use crate::kernel::auth::password;
use crate::kernel::command::Ctx;
use crate::kernel::error::{ApiError, Problem};
use crate::kernel::extract::ValidJson;
use crate::kernel::state::AppState;
use crate::org::dto::auth::{LoginRequest, RefreshRequest, TokenPair};
use crate::org::service::auth::{self as svc, Refreshed};
use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, post, web};
use kefu_store::throttle::ThrottlePolicy;
use kefu_store::users;
use utoipa_actix_web::service_config::ServiceConfig;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(login).service(refresh).service(logout);
}

fn duration(d: std::time::Duration) -> chrono::Duration {
    chrono::Duration::from_std(d).unwrap_or(chrono::Duration::MAX)
}

/// Log in with username and password.
///
/// Returns a short-lived access token and a refresh token. Repeated failures lock the account and
/// the client address out for a while (429 with `Retry-After`).
///
/// Public: no credentials. A wrong username or password, a service account or a disabled account is
/// 401, all with the same answer. Every attempt is counted before its password is checked, so
/// parallel attempts cannot exceed the limits. Password checks run a few at a time; one that
/// cannot start within `KEFU_PASSWORD_HASH_WAIT_SECS` is 503 with `Retry-After`. The tokens are
/// sent with `Cache-Control: no-store`. Triggers the audit entry `auth.login`, or on failure `auth.login_failed` against an
/// existing account (`auth.locked_out` when it caused a lock-out). While the account's password is
/// a generated or reset one, its token is accepted only by `GET /me` and `POST /me/password` (403
/// elsewhere) until it is changed.
#[utoipa::path(
    tag = "auth",
    operation_id = "login",
    request_body = LoginRequest,
    responses(
        (status = 200, description = "Logged in", body = TokenPair,
            headers(("Cache-Control" = String, description = "`no-store`"), ("Pragma" = String, description = "`no-cache`"))),
        (status = 401, description = "Wrong username or password, or account disabled", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many failed logins", body = Problem, content_type = "application/problem+json",
            headers(("Retry-After" = u64, description = "Seconds to wait"))),
        (status = 503, description = "Password checking busy (`overloaded`), or the database unavailable", body = Problem, content_type = "application/problem+json",
            headers(("Retry-After" = u64, description = "Seconds to wait"))),
    ),
    security(())
)]
#[post("/auth/login")]
async fn login(
    state: web::Data<AppState>,
    req: HttpRequest,
    request_id: RequestId,
    ValidJson(input): ValidJson<LoginRequest>,
) -> Result<HttpResponse, ApiError> {
    let now = state.clock.now();
    let config = &state.config;
    let window = duration(config.login_failure_window);
    let lockout = duration(config.login_lockout);
    let keys = vec![
        (
            svc::account_key(&input.username),
            ThrottlePolicy {
                max_failures: config.login_max_failures_per_account,
                window,
                lockout,
            },
        ),
        (
            svc::ip_key(&crate::kernel::auth::client_ip(
                &req,
                config.trust_forwarded_for,
            )),
            ThrottlePolicy {
                max_failures: config.login_max_failures_per_ip,
                window,
                lockout,
            },
        ),
    ];
    let username = input.username.trim().to_ascii_lowercase();
    // Counted before the password is checked, so parallel guesses cannot all pass the limit.
    let reserve_keys = keys.clone();
    let (user, locks) = state
        .tx(move |conn| {
            let locks = svc::reserve_attempt(conn, &reserve_keys, now)?;
            Ok((users::find_by_username(conn, &username)?, locks))
        })
        .await?;
    let stored = user
        .as_ref()
        .filter(|u| u.row.kind == "human")
        .and_then(|u| u.row.password_hash.clone());
    let verified = match state
        .password_hashing
        .run(move || password::verify(&input.password, stored.as_deref()))
        .await
    {
        Ok(verified) => verified,
        Err(e) => {
            // Never checked: give the slots back, then answer with why (503 when busy).
            let release_keys = keys;
            if let Err(release) = state
                .tx(move |conn| svc::release_attempt(conn, &release_keys))
                .await
            {
                tracing::warn!(error = %release, "could not release a login attempt's slots");
            }
            return Err(e);
        }
    };
    let ctx = Ctx::anonymous(&request_id.0, now);
    match user {
        Some(user) if verified && !user.row.disabled => {
            let jwt = state.jwt.clone();
            let ttl = duration(config.refresh_token_ttl);
            let ctx = Ctx {
                actor_id: Some(user.row.id.clone()),
                ..ctx
            };
            let pair = state
                .tx(move |conn| svc::login_succeeded(conn, &ctx, &jwt, ttl, &user, &keys))
                .await?;
            Ok(token_response(&pair))
        }
        // A disabled account is answered exactly as a wrong password (and counted as one):
        // saying "disabled" would confirm the password to whoever guessed it.
        user => {
            state
                .tx(move |conn| svc::record_failure(conn, &ctx, locks, user.as_ref()))
                .await?;
            Err(ApiError::Unauthenticated("invalid_credentials"))
        }
    }
}

/// A 200 carrying tokens: never stored by a cache (RFC 6749 §5.1).
fn token_response(pair: &TokenPair) -> HttpResponse {
    HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .insert_header((header::PRAGMA, "no-cache"))
        .json(pair)
}

/// Exchange a refresh token for a new token pair.
///
/// The presented token is spent. A client whose response was lost may present the spent token
/// again within `KEFU_REFRESH_GRACE_SECS` (60 s) of spending it, once, while the new refresh token
/// is unused: it gets that same refresh token with a fresh access token (audit entry
/// `auth.refresh_retried`). Any other presentation of a spent token is treated as theft: every
/// token of that login is revoked and the client must log in again (audit entry
/// `auth.refresh_token_reused`).
///
/// Public: no credentials besides the refresh token; an invalid, expired, revoked or reused one is
/// 401.
#[utoipa::path(
    tag = "auth",
    operation_id = "refreshToken",
    request_body = RefreshRequest,
    responses(
        (status = 200, description = "New token pair", body = TokenPair,
            headers(("Cache-Control" = String, description = "`no-store`"), ("Pragma" = String, description = "`no-cache`"))),
        (status = 401, description = "Invalid, expired, revoked or reused refresh token", body = Problem, content_type = "application/problem+json"),
    ),
    security(())
)]
#[post("/auth/refresh")]
async fn refresh(
    state: web::Data<AppState>,
    request_id: RequestId,
    ValidJson(input): ValidJson<RefreshRequest>,
) -> Result<HttpResponse, ApiError> {
    let ctx = Ctx::anonymous(&request_id.0, state.clock.now());
    let jwt = state.jwt.clone();
    let ttls = (
        duration(state.config.refresh_token_ttl),
        duration(state.config.refresh_grace),
    );
    let outcome = state
        .tx(move |conn| svc::refresh(conn, &ctx, &jwt, ttls, &input.refresh_token))
        .await?;
    match outcome {
        Refreshed::Issued(pair) => Ok(token_response(&pair)),
        Refreshed::Rejected(reason) => Err(ApiError::Unauthenticated(reason)),
    }
}

/// Log out: revoke the login the refresh token belongs to.
///
/// Idempotent: an unknown or already revoked token also gives 204. The user's access tokens
/// issued so far end at once (401 `unauthenticated`), on every device: the user's other logins
/// get new ones with their refresh tokens.
///
/// Public: no credentials besides the refresh token. Triggers the audit entry `auth.logout` when a
/// login was revoked.
#[utoipa::path(
    tag = "auth",
    operation_id = "logout",
    request_body = RefreshRequest,
    responses((status = 204, description = "Logged out")),
    security(())
)]
#[post("/auth/logout")]
async fn logout(
    state: web::Data<AppState>,
    request_id: RequestId,
    ValidJson(input): ValidJson<RefreshRequest>,
) -> Result<HttpResponse, ApiError> {
    let ctx = Ctx::anonymous(&request_id.0, state.clock.now());
    state
        .tx(move |conn| svc::logout(conn, &ctx, &input.refresh_token))
        .await?;
    Ok(HttpResponse::NoContent().finish())
}
