use crate::kernel::access::{self, Action};
use crate::kernel::error::ApiError;
use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpMessage, HttpRequest};
use kefu_core::Actor;
use std::future::{Ready, ready};

/// What the authentication middleware concluded about the request's credentials.
#[derive(Debug, Clone)]
pub enum AuthOutcome {
    Absent,
    Authenticated(Actor),
    /// Carries the reason code shown to the client.
    Rejected(&'static str),
    /// Valid credentials of an account that must replace its temporary password first.
    PasswordChangeRequired,
    /// The credential could not be checked (database down).
    Unavailable(String),
}

/// When what the authenticated account may see last shrank (`users.scope_changed_at`).
#[derive(Debug, Clone, Copy)]
pub struct ScopeChangedAt(pub chrono::DateTime<chrono::Utc>);

/// The request id given to (or generated for) the request.
#[derive(Debug, Clone)]
pub struct RequestId(pub String);

/// The authenticated caller of an operation, with the request id for its audit entries.
/// Extracting it is what makes an endpoint require authentication (401 otherwise).
#[derive(Debug, Clone)]
pub struct Caller {
    pub actor: Actor,
    pub request_id: String,
}

impl Caller {
    /// 403 unless the caller holds a role that may run `action` (the access table).
    pub fn require(&self, action: Action) -> Result<(), ApiError> {
        access::require(&self.actor, action)
    }

    pub fn user_id(&self) -> &str {
        &self.actor.user_id
    }
}

impl FromRequest for Caller {
    type Error = ApiError;
    type Future = Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let extensions = req.extensions();
        let request_id = extensions
            .get::<RequestId>()
            .map(|r| r.0.clone())
            .unwrap_or_default();
        ready(match extensions.get::<AuthOutcome>() {
            Some(AuthOutcome::Authenticated(actor)) => {
                match stale_delta(req, extensions.get::<ScopeChangedAt>()) {
                    Some(reset) => Err(reset),
                    None => Ok(Caller {
                        actor: actor.clone(),
                        request_id,
                    }),
                }
            }
            Some(AuthOutcome::Rejected(reason)) => Err(ApiError::Unauthenticated(reason)),
            Some(AuthOutcome::PasswordChangeRequired) => Err(ApiError::PasswordChangeRequired),
            Some(AuthOutcome::Unavailable(cause)) => Err(ApiError::Unavailable(cause.clone())),
            Some(AuthOutcome::Absent) | None => {
                Err(ApiError::Unauthenticated("missing_credentials"))
            }
        })
    }
}

/// A delta sync (`GET` with `updated_since`) from before the caller's view last shrank cannot
/// carry tombstones for what they lost, so it is refused with 410 and the instant to resume
/// from once the list has been read again in full. Every delta list extracts [`Caller`], so
/// this one check covers them all.
fn stale_delta(req: &HttpRequest, changed: Option<&ScopeChangedAt>) -> Option<ApiError> {
    let changed = changed?.0;
    if req.method() != actix_web::http::Method::GET {
        return None;
    }
    let since = form_urlencoded::parse(req.query_string().as_bytes())
        .find(|(k, _)| k == "updated_since")
        .and_then(|(_, v)| crate::kernel::page::parse_updated_since(&v).ok())?;
    (since < changed).then(|| {
        let state = req.app_data::<actix_web::web::Data<crate::kernel::state::AppState>>();
        let now = state.map_or(changed, |s| s.clock.now().max(changed));
        ApiError::SyncReset { resync_since: now }
    })
}

/// The request id alone, for endpoints that need no authentication.
impl FromRequest for RequestId {
    type Error = ApiError;
    type Future = Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(Ok(req
            .extensions()
            .get::<RequestId>()
            .cloned()
            .unwrap_or_else(|| RequestId(String::new()))))
    }
}
