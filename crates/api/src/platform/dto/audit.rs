use chrono::{DateTime, Utc};
use kefu_store::audit::{AuditRow, ChainReport};
use kefu_store::from_db_time;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// A published checkpoint to verify the chain against.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct VerifyQuery {
    /// `SEQ:HASH` of an `audit.checkpoint` webhook event or log line: the chain must still
    /// hold entry `SEQ` with that SHA-256.
    #[param(
        pattern = "^[0-9]{1,18}:[0-9a-fA-F]{64}$",
        example = "42:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"
    )]
    pub checkpoint: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AuditEntryOut {
    /// Position in the chain, from 1, without gaps.
    pub seq: i64,
    /// The entry's id.
    pub id: String,
    /// When the action happened.
    pub occurred_at: DateTime<Utc>,
    /// The user who acted; `null` for anonymous (failed logins) and command-line actions.
    pub actor_id: Option<String>,
    /// What was done, `<entity>.<action>` (e.g. `ticket.assign`).
    #[schema(example = "user.update")]
    pub action: String,
    /// The kind of record acted on.
    #[schema(example = "user")]
    pub entity_type: String,
    /// The record acted on.
    pub entity_id: String,
    /// The record before the change (`null` on creation).
    pub before: Option<serde_json::Value>,
    /// The record after the change (`null` on deletion).
    pub after: Option<serde_json::Value>,
    /// The request that did it (`X-Request-Id`); `null` for command-line actions.
    pub request_id: Option<String>,
    /// The `hash` of the entry before it in the chain.
    pub prev_hash: String,
    /// SHA-256 over the entry and `prev_hash`.
    pub hash: String,
}

impl From<AuditRow> for AuditEntryOut {
    fn from(r: AuditRow) -> Self {
        let parse = |s: Option<String>| s.and_then(|s| serde_json::from_str(&s).ok());
        AuditEntryOut {
            seq: r.seq,
            id: r.id,
            occurred_at: from_db_time(r.occurred_at),
            actor_id: r.actor_id,
            action: r.action,
            entity_type: r.entity_type,
            entity_id: r.entity_id,
            before: parse(r.before_json),
            after: parse(r.after_json),
            request_id: r.request_id,
            prev_hash: r.prev_hash,
            hash: r.hash,
        }
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct AuditQuery {
    pub entity_type: Option<String>,
    pub entity_id: Option<String>,
    pub actor_id: Option<String>,
    pub action: Option<String>,
    /// Entries at or after this instant (RFC 3339).
    pub created_from: Option<DateTime<Utc>>,
    /// Entries before this instant (RFC 3339).
    pub created_to: Option<DateTime<Utc>>,
    /// Page size, 1–200 (default 50).
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<u32>,
    /// `next_cursor` of the previous page.
    #[param(pattern = "^k(?:3[0-9]){1,18}$")]
    pub cursor: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AuditVerification {
    /// True when every entry matches its hash and links to the one before it.
    pub intact: bool,
    /// How many entries were checked.
    pub entries_checked: i64,
    /// The chain length recorded by the last append.
    pub head_seq: i64,
    /// The first entry that fails, when `intact` is false.
    pub first_broken_seq: Option<i64>,
    /// Why the first broken entry fails; `null` when `intact`.
    pub reason: Option<String>,
}

impl From<ChainReport> for AuditVerification {
    fn from(r: ChainReport) -> Self {
        let (first_broken_seq, reason) = match r.broken {
            Some((seq, reason)) => (Some(seq), Some(reason)),
            None => (None, None),
        };
        AuditVerification {
            intact: first_broken_seq.is_none(),
            entries_checked: r.entries_checked,
            head_seq: r.head_seq,
            first_broken_seq,
            reason,
        }
    }
}
