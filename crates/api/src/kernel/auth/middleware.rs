use crate::kernel::auth::caller::{AuthOutcome, ScopeChangedAt};
use crate::kernel::auth::secrets::{API_KEY_PREFIX, sha256_hex};
use crate::kernel::error::ApiError;
use crate::kernel::state::AppState;
use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header;
use actix_web::middleware::Next;
use actix_web::{Error, HttpMessage, web};
use kefu_core::{Actor, ActorKind};
use kefu_store::{credentials, from_db_time, users};

/// Resolves `Authorization: Bearer <access token | API key>` into an [`AuthOutcome`] in the
/// request extensions. It never rejects by itself: endpoints that need a caller extract
/// [`crate::kernel::auth::Caller`], which turns anything but success into 401.
pub async fn authenticate(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, Error> {
    let token = req
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .map(bearer_credentials);
    let mut scope_changed_at = None;
    let outcome = match (token, req.app_data::<web::Data<AppState>>().cloned()) {
        (None, _) => AuthOutcome::Absent,
        (Some(None), _) => AuthOutcome::Rejected("missing_credentials"),
        (Some(Some(_)), None) => AuthOutcome::Unavailable("no application state".to_owned()),
        (Some(Some(token)), Some(state)) => {
            let (outcome, must_change, scope_changed) = resolve(&state, token).await;
            scope_changed_at = scope_changed;
            match (outcome, must_change) {
                (AuthOutcome::Authenticated(_), true)
                    if !TEMPORARY_PASSWORD_PATHS.contains(&req.path()) =>
                {
                    AuthOutcome::PasswordChangeRequired
                }
                (outcome, _) => outcome,
            }
        }
    };
    if let Some(at) = scope_changed_at {
        req.extensions_mut().insert(ScopeChangedAt(at));
    }
    if let AuthOutcome::Authenticated(actor) = &outcome {
        tracing::Span::current().record("actor", actor.user_id.as_str());
    }
    req.extensions_mut().insert(outcome);
    next.call(req).await
}

/// The credentials of `Bearer <credentials>`, `None` for any other scheme. The scheme name is
/// case-insensitive (RFC 9110 §11.1), so `BEARER` and `bEaReR` are the same scheme.
fn bearer_credentials(value: &str) -> Option<String> {
    let (scheme, credentials) = value.split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then(|| credentials.trim().to_owned())
}

/// What an account with a temporary password may still do: see itself and change it.
const TEMPORARY_PASSWORD_PATHS: [&str; 2] = ["/api/v1/me", "/api/v1/me/password"];

/// The outcome, whether the account must change its password before anything else, and when
/// what the account may see last shrank.
async fn resolve(
    state: &AppState,
    token: String,
) -> (AuthOutcome, bool, Option<chrono::DateTime<chrono::Utc>>) {
    let now = state.clock.now();
    let result = if token.starts_with(API_KEY_PREFIX) {
        state
            .db(move |conn| {
                let Some(key) = credentials::find_api_key_by_hash(conn, &sha256_hex(&token))?
                else {
                    return Ok(Err("invalid_api_key"));
                };
                let expired = key.expires_at.is_some_and(|t| from_db_time(t) <= now);
                if key.revoked_at.is_some() || expired {
                    return Ok(Err("invalid_api_key"));
                }
                let Some(user) = users::find(conn, &key.user_id)? else {
                    return Ok(Err("invalid_api_key"));
                };
                if user.row.disabled {
                    return Ok(Err("account_disabled"));
                }
                credentials::touch_api_key(conn, &key.id, now, chrono::Duration::minutes(1))?;
                let scope_changed_at = user.row.scope_changed_at.map(from_db_time);
                Ok(Ok((
                    Actor {
                        user_id: user.row.id,
                        username: user.row.username,
                        roles: user.roles,
                        kind: ActorKind::ApiKey { key_id: key.id },
                    },
                    false,
                    scope_changed_at,
                )))
            })
            .await
    } else {
        let Ok(claims) = state.jwt.verify(&token, now) else {
            return (AuthOutcome::Rejected("invalid_token"), false, None);
        };
        state
            .db(move |conn| {
                // Roles and the disabled flag are read fresh, so a change takes effect at once
                // rather than when the token expires.
                let Some(user) = users::find(conn, &claims.sub)? else {
                    return Ok(Err("invalid_token"));
                };
                if user.row.disabled {
                    return Ok(Err("account_disabled"));
                }
                if claims.sv != user.row.session_version {
                    return Ok(Err("session_ended"));
                }
                let must_change = user.row.must_change_password;
                let scope_changed_at = user.row.scope_changed_at.map(from_db_time);
                Ok(Ok((
                    Actor {
                        user_id: user.row.id,
                        username: user.row.username,
                        roles: user.roles,
                        kind: ActorKind::Session,
                    },
                    must_change,
                    scope_changed_at,
                )))
            })
            .await
    };
    match result {
        Ok(Ok((actor, must_change, scope_changed_at))) => (
            AuthOutcome::Authenticated(actor),
            must_change,
            scope_changed_at,
        ),
        Ok(Err(reason)) => (AuthOutcome::Rejected(reason), false, None),
        Err(ApiError::Unavailable(cause)) => (AuthOutcome::Unavailable(cause), false, None),
        Err(other) => (AuthOutcome::Unavailable(other.to_string()), false, None),
    }
}

#[cfg(test)]
mod tests {
    use super::bearer_credentials;

    #[test]
    fn the_bearer_scheme_is_case_insensitive() {
        for value in [
            "Bearer abc",
            "bearer abc",
            "BEARER abc",
            "bEaReR abc",
            "Bearer  abc ",
        ] {
            assert_eq!(bearer_credentials(value).as_deref(), Some("abc"), "{value}");
        }
        for value in ["Basic abc", "Bearerabc", "Bearer", "Token abc"] {
            assert_eq!(bearer_credentials(value), None, "{value}");
        }
    }
}
