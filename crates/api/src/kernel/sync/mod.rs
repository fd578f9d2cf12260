//! The offline sync batch: the mobile app's queue of commands, applied in order, each as its
//! own endpoint would apply it — the same DTO and validation, role check, service function,
//! audit entry, `Idempotency-Key` and `If-Match` semantics — in its own transaction.
//!
//! Resources register their commands in a [`Registry`] (see `routes::sync`); a command is
//! looked up by its op name, its body parsed with the endpoint's DTO, and the service called.

pub mod dto;

use crate::kernel::access::{self, Action};
use crate::kernel::command::Ctx;
use crate::kernel::error::ApiError;
use crate::kernel::extract::parse_value;
use crate::kernel::middleware::idempotency::seconds_until;
use crate::kernel::sync::dto::{SyncCommand, SyncOutcome, SyncResult, if_match_version};
use actix_web::ResponseError;
use actix_web::http::StatusCode;
use chrono::NaiveDate;
use kefu_core::{Actor, Clock, FieldError};
use kefu_store::idempotency::{self, Claim, KeyUse, StoredResponse, Terms};
use kefu_store::{DbConnection, StoreError, savepoint, write_tx};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::sync::Arc;
use validator::Validate;

/// What a command wrote, as its endpoint would have answered it.
#[derive(Debug, Clone)]
pub struct Written {
    pub status: StatusCode,
    pub record: Value,
    pub version: Option<i64>,
}

impl Written {
    pub fn new<T: Serialize>(status: StatusCode, version: i64, out: &T) -> Result<Self, ApiError> {
        Ok(Written {
            status,
            record: serde_json::to_value(out).map_err(ApiError::internal)?,
            version: Some(version),
        })
    }

    pub fn ok<T: Serialize>(version: i64, out: &T) -> Result<Self, ApiError> {
        Written::new(StatusCode::OK, version, out)
    }
}

/// Who runs the batch and the facts its commands may need.
pub struct OpEnv {
    pub actor: Actor,
    pub request_id: String,
    pub clock: Arc<dyn Clock>,
    pub timezone: chrono_tz::Tz,
}

/// One command's view of [`OpEnv`]: its audit context and "today", taken as it starts.
pub struct Cmd<'a> {
    pub ctx: Ctx,
    pub actor: &'a Actor,
    pub today: NaiveDate,
}

struct Input {
    id: Option<String>,
    version: Option<i64>,
    body: Option<Map<String, Value>>,
}

type Run = Box<dyn Fn(&mut DbConnection, &Cmd, Input) -> Result<Written, ApiError> + Send + Sync>;
type Read = Box<dyn Fn(&mut DbConnection, &Cmd, &str) -> Result<Written, ApiError> + Send + Sync>;

/// Op name (`customers.update`) → command; resource (`customers`) → how to read its current
/// record for a `conflict`.
#[derive(Default)]
pub struct Registry {
    ops: BTreeMap<&'static str, Run>,
    readers: BTreeMap<&'static str, Read>,
}

fn invalid(field: &str, code: &'static str, message: &str) -> ApiError {
    ApiError::Invalid(vec![FieldError::new(field, code, message)])
}

fn require(cmd: &Cmd, action: Action) -> Result<(), ApiError> {
    access::require(cmd.actor, action)
}

fn target(input: &Input) -> Result<(String, i64), ApiError> {
    // In the order the endpoints' extractors check them: If-Match, then the path's record.
    let version = input.version.ok_or(ApiError::PreconditionRequired)?;
    let id = input
        .id
        .clone()
        .ok_or_else(|| invalid("id", "required", "updates and deletes name their record"))?;
    Ok((id, version))
}

impl Registry {
    /// `POST /<resource>`: the body is the create DTO; the command's `id`, if any, becomes
    /// the body's client-chosen `id` (refused by resources that take none, as their endpoint
    /// refuses it).
    pub fn create<B, F>(&mut self, name: &'static str, action: Action, f: F)
    where
        B: DeserializeOwned + Validate,
        F: Fn(&mut DbConnection, &Cmd, B) -> Result<Written, ApiError> + Send + Sync + 'static,
    {
        self.ops.insert(
            name,
            Box::new(move |conn, cmd, input| {
                if input.version.is_some() {
                    return Err(invalid(
                        "if_match",
                        "not_allowed",
                        "a create has no version to match",
                    ));
                }
                let mut body = input.body.unwrap_or_default();
                if let Some(id) = input.id {
                    match body.get("id") {
                        Some(Value::String(given)) if given.trim() != id => {
                            return Err(invalid("id", "not_allowed", "differs from body.id"));
                        }
                        _ => {
                            body.insert("id".to_owned(), Value::String(id));
                        }
                    }
                }
                let dto = parse_value::<B>(Value::Object(body))?;
                require(cmd, action)?;
                f(conn, cmd, dto)
            }),
        );
    }

    /// `PATCH /<resource>/{id}` with `If-Match`.
    pub fn update<B, F>(&mut self, name: &'static str, action: Action, f: F)
    where
        B: DeserializeOwned + Validate,
        F: Fn(&mut DbConnection, &Cmd, &str, i64, B) -> Result<Written, ApiError>
            + Send
            + Sync
            + 'static,
    {
        self.ops.insert(
            name,
            Box::new(move |conn, cmd, input| {
                let (id, version) = target(&input)?;
                let dto = parse_value::<B>(Value::Object(input.body.unwrap_or_default()))?;
                require(cmd, action)?;
                f(conn, cmd, &id, version, dto)
            }),
        );
    }

    /// `DELETE /<resource>/{id}` with `If-Match`; no body.
    pub fn delete<F>(&mut self, name: &'static str, action: Action, f: F)
    where
        F: Fn(&mut DbConnection, &Cmd, &str, i64) -> Result<Written, ApiError>
            + Send
            + Sync
            + 'static,
    {
        self.ops.insert(
            name,
            Box::new(move |conn, cmd, input| {
                let (id, version) = target(&input)?;
                if input.body.is_some_and(|b| !b.is_empty()) {
                    return Err(invalid("body", "not_allowed", "a delete takes no body"));
                }
                require(cmd, action)?;
                f(conn, cmd, &id, version)
            }),
        );
    }

    /// `GET /<resource>/{id}`: the record a `conflict` shows.
    pub fn reader<F>(&mut self, resource: &'static str, f: F)
    where
        F: Fn(&mut DbConnection, &Cmd, &str) -> Result<Written, ApiError> + Send + Sync + 'static,
    {
        self.readers.insert(resource, Box::new(f));
    }

    pub fn names(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.ops.keys().copied()
    }

    pub fn knows(&self, op: &str) -> bool {
        self.ops.contains_key(op)
    }

    /// Applies the commands in order; one's failure does not stop the next.
    pub fn run(
        &self,
        conn: &mut DbConnection,
        env: &OpEnv,
        terms: Terms,
        commands: Vec<SyncCommand>,
    ) -> Vec<SyncResult> {
        commands
            .into_iter()
            .map(|command| self.run_one(conn, env, terms, command))
            .collect()
    }

    fn run_one(
        &self,
        conn: &mut DbConnection,
        env: &OpEnv,
        terms: Terms,
        command: SyncCommand,
    ) -> SyncResult {
        let now = env.clock.now();
        let cmd = Cmd {
            ctx: Ctx {
                actor_id: Some(env.actor.user_id.clone()),
                request_id: Some(env.request_id.clone()),
                now,
            },
            actor: &env.actor,
            today: now.with_timezone(&env.timezone).date_naive(),
        };
        let fingerprint = fingerprint(&command);
        let path = format!("sync:{}", command.op);
        let key = KeyUse {
            actor_id: &env.actor.user_id,
            key: &command.idempotency_key,
            method: "POST",
            path: &path,
            request_hash: &fingerprint,
        };
        // One transaction per command: the claim of its key, the command (in a savepoint, so
        // that a refusal keeps the claim) and its stored result commit together. A server
        // error rolls everything back, the claim included: a retry runs the command again.
        let step = write_tx(conn, |conn| -> Result<SyncResult, Abort> {
            match idempotency::claim_within(conn, &key, now, terms) {
                Ok(Claim::Fresh) => {}
                Ok(Claim::Replay(stored)) => return Ok(duplicate(&command, &stored)),
                Ok(Claim::Mismatch) => {
                    return Ok(failed(&command, &ApiError::IdempotencyKeyReused));
                }
                // Claims made here commit with their result; a lost outcome can only be
                // that of a plain HTTP request that used the same key.
                Ok(Claim::Committed { entity }) => {
                    let lost = ApiError::IdempotencyOutcomeLost { entity };
                    return Ok(failed(&command, &lost));
                }
                Ok(Claim::InProgress { until }) => {
                    let retry_after_secs = seconds_until(now, until);
                    let busy = ApiError::IdempotencyInProgress { retry_after_secs };
                    return Ok(failed(&command, &busy));
                }
                Err(StoreError::Duplicate(_)) => return Err(Abort::KeyRace),
                Err(e) => return Err(Abort::Failed(ApiError::from(e))),
            }
            let result = self.apply(conn, &cmd, &command);
            if result.status >= 500 {
                return Err(Abort::Failed(ApiError::internal("the command failed")));
            }
            let stored = StoredResponse {
                status: result.status,
                body: serde_json::to_string(&result).map_err(ApiError::internal)?,
                headers: "{}".to_owned(),
            };
            idempotency::complete(conn, &env.actor.user_id, &command.idempotency_key, &stored)
                .map_err(ApiError::from)?;
            Ok(result)
        });
        match step {
            Ok(result) => result,
            // The racing request with the same key is running right now.
            Err(Abort::KeyRace) => failed(
                &command,
                &ApiError::IdempotencyInProgress {
                    retry_after_secs: 1,
                },
            ),
            Err(Abort::Failed(err)) => failed(&command, &err),
        }
    }

    /// Runs the command in a savepoint of the command's transaction.
    fn apply(&self, conn: &mut DbConnection, cmd: &Cmd, command: &SyncCommand) -> SyncResult {
        let Some(run) = self.ops.get(command.op.as_str()) else {
            return failed(command, &invalid("op", "not_allowed", "no such command"));
        };
        let input = Input {
            id: command.id.clone(),
            version: command.if_match.as_deref().and_then(if_match_version),
            body: command.body.clone(),
        };
        match savepoint(conn, |conn| run(conn, cmd, input)) {
            Ok(written) => result(command, SyncOutcome::Applied, &written, None),
            Err(err @ ApiError::PreconditionFailed { .. }) => {
                let resource = command.op.split('.').next().unwrap_or_default();
                let current = match (self.readers.get(resource), command.id.as_deref()) {
                    (Some(read), Some(id)) => read(conn, cmd, id).ok(),
                    _ => None,
                };
                match current {
                    Some(current) => {
                        let err = ApiError::PreconditionFailed {
                            current: current.version.unwrap_or_default(),
                        };
                        let problem = serde_json::to_value(err.problem()).ok();
                        result(command, SyncOutcome::Conflict, &current, problem)
                            .with_status(err.status_code())
                    }
                    None => failed(command, &err),
                }
            }
            Err(err) => failed(command, &err),
        }
    }
}

/// Why a command's transaction was rolled back.
enum Abort {
    /// Another request claimed the same key at the same moment.
    KeyRace,
    /// A server error: nothing of the command is kept.
    Failed(ApiError),
}

impl From<ApiError> for Abort {
    fn from(e: ApiError) -> Self {
        Abort::Failed(e)
    }
}

impl From<kefu_store::DieselError> for Abort {
    fn from(e: kefu_store::DieselError) -> Self {
        Abort::Failed(ApiError::from(e))
    }
}

impl SyncResult {
    fn with_status(mut self, status: StatusCode) -> Self {
        self.status = status.as_u16();
        self
    }
}

/// The command as the key's request: what a replay must match.
fn fingerprint(command: &SyncCommand) -> String {
    let canonical = serde_json::json!({
        "op": command.op,
        "id": command.id,
        "if_match": command.if_match,
        "body": command.body,
    });
    hex::encode(Sha256::digest(canonical.to_string().as_bytes()))
}

fn result(
    command: &SyncCommand,
    outcome: SyncOutcome,
    written: &Written,
    problem: Option<Value>,
) -> SyncResult {
    SyncResult {
        idempotency_key: command.idempotency_key.clone(),
        op: command.op.clone(),
        outcome,
        status: written.status.as_u16(),
        record: Some(written.record.clone()),
        version: written.version,
        problem,
        first_outcome: None,
    }
}

fn failed(command: &SyncCommand, err: &ApiError) -> SyncResult {
    if matches!(err, ApiError::Internal(_) | ApiError::Unavailable(_)) {
        tracing::error!(error = %err, op = command.op, "sync command failed");
    }
    SyncResult {
        idempotency_key: command.idempotency_key.clone(),
        op: command.op.clone(),
        outcome: SyncOutcome::Error,
        status: err.status_code().as_u16(),
        record: None,
        version: None,
        problem: serde_json::to_value(err.problem()).ok(),
        first_outcome: None,
    }
}

fn duplicate(command: &SyncCommand, stored: &StoredResponse) -> SyncResult {
    match serde_json::from_str::<SyncResult>(&stored.body) {
        Ok(first) => SyncResult {
            outcome: SyncOutcome::Duplicate,
            first_outcome: Some(first.outcome),
            ..first
        },
        Err(e) => failed(
            command,
            &ApiError::internal(format!("stored sync result unreadable: {e}")),
        ),
    }
}
