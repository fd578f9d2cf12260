//! Commands: each runs inside one transaction handed in by the route, loads through `store`,
//! decides (with the domain crates' rules), writes, and records its audit entry.

use crate::kernel::auth::Caller;
use crate::kernel::context;
use crate::kernel::error::ApiError;
use crate::kernel::respond::versioned;
use crate::kernel::state::AppState;
use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use chrono::{DateTime, Utc};
use kefu_core::Actor;
use kefu_store::DbConnection;
use kefu_store::audit::{self, NewAuditEntry};

/// Who runs a command, when, and under which request id — what its audit entry records.
#[derive(Debug, Clone)]
pub struct Ctx {
    pub actor_id: Option<String>,
    pub request_id: Option<String>,
    pub now: DateTime<Utc>,
}

impl Ctx {
    pub fn of(caller: &Caller, now: DateTime<Utc>) -> Ctx {
        Ctx {
            actor_id: Some(caller.actor.user_id.clone()),
            request_id: Some(caller.request_id.clone()),
            now,
        }
    }

    pub fn anonymous(request_id: &str, now: DateTime<Utc>) -> Ctx {
        Ctx {
            actor_id: None,
            request_id: Some(request_id.to_owned()),
            now,
        }
    }

    /// Commands run from the `kefu` command line.
    pub fn system(now: DateTime<Utc>) -> Ctx {
        Ctx {
            actor_id: None,
            request_id: None,
            now,
        }
    }

    pub fn audit(
        &self,
        conn: &mut DbConnection,
        action: &str,
        entity: (&str, &str),
        before: Option<serde_json::Value>,
        after: Option<serde_json::Value>,
    ) -> Result<(), ApiError> {
        // The request's first audited record is what its idempotency claim names when
        // marked committed (see `AppState::tx`).
        if context::recall::<AuditedRecord>().is_none() {
            context::remember(AuditedRecord {
                entity_type: entity.0.to_owned(),
                entity_id: entity.1.to_owned(),
            });
        }
        let span = tracing::Span::current();
        span.record("action", action);
        span.record("entity", entity.0);
        span.record("record_id", entity.1);
        // The change's event goes out through the same transaction as its audit entry.
        crate::kernel::outbox::publish(
            conn,
            self,
            action,
            entity,
            after.as_ref().or(before.as_ref()),
        )?;
        audit::append(
            conn,
            NewAuditEntry {
                actor_id: self.actor_id.as_deref(),
                action,
                entity_type: entity.0,
                entity_id: entity.1,
                before,
                after,
                request_id: self.request_id.as_deref(),
            },
            self.now,
        )?;
        Ok(())
    }
}

/// The first record a request's commands audited.
#[derive(Debug, Clone)]
pub struct AuditedRecord {
    pub entity_type: String,
    pub entity_id: String,
}

/// A versioned write's outcome as the API answers it: 404 when the record is gone, 412 with
/// the current version when someone changed it first.
pub fn written(outcome: kefu_store::VersionedWrite) -> Result<(), ApiError> {
    match outcome {
        kefu_store::VersionedWrite::Written => Ok(()),
        kefu_store::VersionedWrite::NotFound => Err(ApiError::NotFound),
        kefu_store::VersionedWrite::Stale(current) => Err(ApiError::PreconditionFailed { current }),
    }
}

/// The public representation of a record as its audit snapshot, without what the reader
/// may do with it (`allowed_actions`, issue 17): that belongs to the caller, not the record,
/// and would make the audit trail and its webhook events differ by who happened to read it.
pub fn snapshot<T: serde::Serialize>(value: &T) -> Option<serde_json::Value> {
    let mut value = serde_json::to_value(value).ok()?;
    without_allowed_actions(&mut value);
    Some(value)
}

fn without_allowed_actions(value: &mut serde_json::Value) {
    match value {
        serde_json::Value::Object(map) => {
            map.remove("allowed_actions");
            map.values_mut().for_each(without_allowed_actions);
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(without_allowed_actions),
        _ => {}
    }
}

/// A record's representation that carries the version its `ETag` names.
pub trait Versioned {
    fn version(&self) -> i64;
}

/// The one handler of a command on a versioned record (`POST /<records>/{id}/<command>` with
/// `If-Match`): the caller's command context, one write transaction around `run` on the
/// blocking pool, and 200 with the record and its `ETag`. The route checks the caller's roles
/// before calling it, so a stranger learns nothing of the record; `run` loads, decides and
/// saves, answering 404, 403 and 412 itself.
pub async fn run_command<T, F>(
    state: web::Data<AppState>,
    caller: Caller,
    id: String,
    version: i64,
    run: F,
) -> Result<HttpResponse, ApiError>
where
    T: serde::Serialize + Versioned + Send + 'static,
    F: FnOnce(&mut DbConnection, &Ctx, &Actor, &str, i64) -> Result<T, ApiError> + Send + 'static,
{
    let ctx = Ctx::of(&caller, state.clock.now());
    let actor = caller.actor;
    let out = state
        .tx(move |conn| run(conn, &ctx, &actor, &id, version))
        .await?;
    Ok(versioned(StatusCode::OK, out.version(), &out))
}
