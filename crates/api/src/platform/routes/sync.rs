//! `POST /api/v1/sync/batch`: the mobile app's offline command queue. Each resource lists
//! its commands in its own `sync_ops`; one line here makes them available.

use crate::customers::routes::{contacts, customers, sites};
use crate::equipment::routes::equipment;
use crate::kernel::auth::Caller;
use crate::kernel::error::ApiError;
use crate::kernel::extract::{JsonValue, parse_value};
use crate::kernel::state::AppState;
use crate::kernel::sync::dto::{SyncBatch, SyncBatchOut};
use crate::kernel::sync::{OpEnv, Registry};
use actix_web::{HttpResponse, post, web};
use kefu_core::FieldError;
use serde_json::Value;
use std::sync::LazyLock;
use utoipa_actix_web::service_config::ServiceConfig;

static REGISTRY: LazyLock<Registry> = LazyLock::new(|| {
    let mut ops = Registry::default();
    customers::sync_ops(&mut ops);
    sites::sync_ops(&mut ops);
    contacts::sync_ops(&mut ops);
    equipment::sync_ops(&mut ops);
    ops
});

/// States the op names a batch accepts as the enum of `SyncCommand.op`.
pub fn document(doc: &mut utoipa::openapi::OpenApi) {
    use utoipa::openapi::{RefOr, Schema};
    let op = doc
        .components
        .as_mut()
        .and_then(|c| c.schemas.get_mut("SyncCommand"))
        .and_then(|s| match s {
            RefOr::T(Schema::Object(o)) => o.properties.get_mut("op"),
            _ => None,
        });
    if let Some(RefOr::T(Schema::Object(op))) = op {
        op.enum_values = Some(REGISTRY.names().map(serde_json::Value::from).collect());
    }
}

/// The batch with each command's `body` set aside while the rest is checked like any request
/// body: a body is checked by its command, so a bad one fails that command alone.
fn parse_batch(mut json: Value) -> Result<SyncBatch, ApiError> {
    let bodies: Vec<Option<Value>> = json
        .get_mut("commands")
        .and_then(Value::as_array_mut)
        .map(|commands| {
            commands
                .iter_mut()
                .map(|c| c.as_object_mut().and_then(|c| c.remove("body")))
                .collect()
        })
        .unwrap_or_default();
    let mut batch: SyncBatch = parse_value(json)?;
    for (i, (command, body)) in batch.commands.iter_mut().zip(bodies).enumerate() {
        command.body = match body {
            None | Some(Value::Null) => None,
            Some(Value::Object(body)) => Some(body),
            Some(_) => {
                return Err(ApiError::BadRequest {
                    detail: format!("commands[{i}].body must be an object"),
                    errors: vec![FieldError::new(
                        format!("commands[{i}].body"),
                        "invalid_type",
                        "must be an object",
                    )],
                });
            }
        };
    }
    Ok(batch)
}

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(sync_batch);
}

/// Apply offline commands
///
/// The commands run in order, each in its own transaction exactly as its own endpoint would run it
/// (same body rules, roles, ORG-5 visibility, `If-Match`, audit entry, notifications and webhook
/// events), each with its own `idempotency_key`. One result per command: `applied`, `duplicate`
/// (its key was seen: the first result, nothing done again), `conflict` (the record changed on the
/// server: its current version to merge) or `error` (the problem details of the refusal). A
/// command's failure does not stop the others; the batch itself answers 200.
///
/// Any signed-in user; each command checks its own roles.
#[utoipa::path(
    tag = "sync",
    operation_id = "syncBatch",
    request_body = SyncBatch,
    responses((status = 200, description = "One result per command, in order", body = SyncBatchOut))
)]
#[post("/sync/batch")]
async fn sync_batch(
    state: web::Data<AppState>,
    caller: Caller,
    JsonValue(json): JsonValue,
) -> Result<HttpResponse, ApiError> {
    let batch = parse_batch(json)?;
    let max = state.config.sync_max_commands;
    let mut errors = Vec::new();
    if batch.commands.is_empty() || batch.commands.len() > max {
        errors.push(FieldError::new(
            "commands",
            "length",
            format!("1 to {max} commands per batch"),
        ));
    }
    for (i, command) in batch.commands.iter().enumerate() {
        if !REGISTRY.knows(&command.op) {
            errors.push(FieldError::new(
                format!("commands[{i}].op"),
                "not_allowed",
                "no such command",
            ));
        }
    }
    if !errors.is_empty() {
        return Err(ApiError::Invalid(errors));
    }
    let env = OpEnv {
        actor: caller.actor.clone(),
        request_id: caller.request_id.clone(),
        clock: state.clock.clone(),
        timezone: state.config.timezone,
    };
    let terms = state.config.idempotency_terms();
    let results = state
        .db(move |conn| Ok(REGISTRY.run(conn, &env, terms, batch.commands)))
        .await?;
    Ok(HttpResponse::Ok().json(SyncBatchOut { results }))
}
