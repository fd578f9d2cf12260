//! The offline sync batch: a queue of commands the mobile app recorded without a network.

use crate::kernel::openapi::WS;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa::openapi::schema::SchemaType;
use utoipa::openapi::{ObjectBuilder, Type};
use validator::Validate;

/// Commands per batch unless `KEFU_SYNC_MAX_COMMANDS` says otherwise.
pub const DEFAULT_MAX_COMMANDS: usize = 100;

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"commands": [
    {"idempotency_key": "app-7f3a-0001", "op": "customers.create",
     "id": "0195a0c4-7a0e-7cc3-9a43-5f0d8c1e2b11",
     "body": {"name": "杭州某某消防设备有限公司", "phone": "0571-8888 6666"}},
    {"idempotency_key": "app-7f3a-0002", "op": "customers.update",
     "id": "0195a0c4-7a0e-7cc3-9a43-5f0d8c1e2b11", "if_match": "\"1\"",
     "body": {"note": "门卫处登记后进入"}}
]}))]
pub struct SyncBatch {
    /// Applied in this order, each on its own; at most `KEFU_SYNC_MAX_COMMANDS` (default 100).
    #[validate(nested)]
    #[schema(min_items = 1, max_items = 100)]
    pub commands: Vec<SyncCommand>,
}

#[derive(Debug, Clone, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SyncCommand {
    /// The command's own `Idempotency-Key`: a command sent again with the same key is not
    /// applied again (`duplicate`); the same key with another command is an `error` (422).
    #[validate(custom(function = "key_ok"))]
    #[schema(schema_with = key_schema)]
    pub idempotency_key: String,
    /// What to do, as `<resource>.<command>`.
    #[schema(schema_with = op_schema)]
    pub op: String,
    /// The record to change or delete; for a create, an id the app chose (where the resource
    /// takes one), making the create idempotent on it.
    #[validate(custom(function = "crate::kernel::fields::client_id_ok"))]
    pub id: Option<String>,
    /// The version the app last saw (its `ETag`, e.g. `"3"`, or the bare `version`); required
    /// by updates and deletes.
    #[validate(custom(function = "if_match_ok"))]
    #[schema(schema_with = if_match_schema)]
    pub if_match: Option<String>,
    /// The request body the command's own endpoint takes.
    #[schema(value_type = Option<Object>)]
    pub body: Option<serde_json::Map<String, serde_json::Value>>,
}

kefu_core::string_enum! {
    /// How one command of a batch went.
    #[derive(ToSchema)]
    pub enum SyncOutcome {
        /// Done now: `record` is the record as written.
        Applied = "applied",
        /// The key was seen before: the first result is returned (see `first_outcome`) and
        /// nothing was done again.
        Duplicate = "duplicate",
        /// The record changed on the server since the app read it (412): `record` and `version`
        /// are the server's current ones, to merge and send again with a new key.
        Conflict = "conflict",
        /// Refused: `problem` says why, as the command's own endpoint would have (404, 409,
        /// 422, ...).
        Error = "error",
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct SyncResult {
    /// The command's `idempotency_key`, as sent.
    pub idempotency_key: String,
    /// The command's `op`, as sent.
    pub op: String,
    /// How the command went.
    pub outcome: SyncOutcome,
    /// The status the command's own endpoint would have answered.
    pub status: u16,
    /// `applied`: the record written; `conflict`: the server's current record.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Object>)]
    pub record: Option<serde_json::Value>,
    /// The version of `record` (its `ETag` without quotes).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version: Option<i64>,
    /// `error` and `conflict`: the problem details the endpoint would have answered.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<crate::kernel::error::Problem>)]
    pub problem: Option<serde_json::Value>,
    /// `duplicate`: how the command went the first time.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub first_outcome: Option<SyncOutcome>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SyncBatchOut {
    /// One per command, in the order sent.
    pub results: Vec<SyncResult>,
}

fn key_ok(key: &str) -> Result<(), validator::ValidationError> {
    if (1..=255).contains(&key.len()) && key.bytes().all(|b| b.is_ascii_graphic()) {
        Ok(())
    } else {
        let mut e = validator::ValidationError::new("format");
        e.message = Some("must be 1 to 255 visible ASCII characters".into());
        Err(e)
    }
}

/// The version of an `if_match`: a strong ETag of this API or a bare version number. A weak tag
/// is refused as for the `If-Match` header (strong comparison, RFC 9110 §13.1.1).
pub fn if_match_version(raw: &str) -> Option<i64> {
    crate::kernel::extract::parse_etag(raw).or_else(|| {
        (raw.len() <= 18 && !raw.is_empty() && raw.bytes().all(|b| b.is_ascii_digit()))
            .then(|| raw.parse().ok())
            .flatten()
    })
}

fn if_match_ok(raw: &str) -> Result<(), validator::ValidationError> {
    match if_match_version(raw) {
        Some(_) => Ok(()),
        None => {
            let mut e = validator::ValidationError::new("format");
            e.message = Some("must be a strong ETag of this API, e.g. \"3\", or a version".into());
            Err(e)
        }
    }
}

// The schemas state the rules above over the untrimmed text: every string of a body is
// trimmed before it is checked.

fn key_schema() -> ObjectBuilder {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .description(Some(
            "The command's own `Idempotency-Key`: a command sent again with the same key is \
             not applied again (`duplicate`); the same key with another command is an `error`.",
        ))
        .max_length(Some(255))
        .pattern(Some(format!("^[{WS}]*[!-~]{{1,255}}[{WS}]*$")))
        .examples([serde_json::json!("app-7f3a-0001")])
}

fn if_match_schema() -> ObjectBuilder {
    ObjectBuilder::new()
        .schema_type(SchemaType::from_iter([Type::String, Type::Null]))
        .description(Some(
            "The version the app last saw (its `ETag`, e.g. `\"3\"`, or the bare `version`); \
             required by updates and deletes.",
        ))
        // A quoted version of 18 digits.
        .max_length(Some(20))
        .pattern(Some(format!(
            r#"^[{WS}]*(?:"[0-9]{{1,18}}"|[0-9]{{1,18}})[{WS}]*$"#
        )))
        .examples([serde_json::json!("\"3\"")])
}

/// The op names are the registered ones: the app fills the enum in (`platform::routes::sync::document`).
fn op_schema() -> ObjectBuilder {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .description(Some("What to do, as `<resource>.<command>`."))
}
