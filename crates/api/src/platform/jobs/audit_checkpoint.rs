//! Audit checkpoints: the chain's head published where a database intruder cannot reach it.
//!
//! The hash chain catches any entry altered, removed or inserted, and a tail cut off while the
//! head row still names it. Someone who cuts the tail *and* rewrites the head row leaves a
//! shorter chain that verifies. So every period (a day by default) the head is signed and
//! published outside the database: as a line in the log, and as the webhook event
//! `audit.checkpoint` to every subscriber. `kefu verify-audit --checkpoint SEQ:HASH` (or
//! `GET /audit/verify` with the same pair) then proves the chain still holds that entry.
//!
//! The checkpoint is deliberately not an audit entry of its own: it describes the chain from
//! outside, and an entry per period would change the head it is about.

use crate::kernel::command::Ctx;
use crate::kernel::config::Config;
use crate::kernel::error::ApiError;
use crate::kernel::jobs::{JobHandler, JobRun};
use crate::kernel::outbox;
use chrono::{DateTime, SecondsFormat, Utc};
use hmac::digest::InvalidLength;
use hmac::{Hmac, Mac};
use kefu_store::DbConnection;
use kefu_store::audit::{self, Checkpoint};
use sha2::Sha256;

pub const KIND: &str = "audit.checkpoint";

pub struct AuditCheckpoint {
    secret: String,
}

impl AuditCheckpoint {
    pub fn new(config: &Config) -> AuditCheckpoint {
        AuditCheckpoint {
            secret: config.jwt_secret.clone(),
        }
    }
}

/// A key of its own, derived from the server secret: a checkpoint signature can never be
/// replayed as a token signature or the other way round.
fn signing_key(secret: &str) -> Result<Vec<u8>, InvalidLength> {
    keyed(secret.as_bytes(), b"kefu audit checkpoint v1")
}

fn keyed(key: &[u8], message: &[u8]) -> Result<Vec<u8>, InvalidLength> {
    let mut mac = Hmac::<Sha256>::new_from_slice(key)?;
    mac.update(message);
    Ok(mac.finalize().into_bytes().to_vec())
}

/// The signature of a checkpoint: HMAC-SHA256 over `seq:hash:at`, hex.
pub fn sign(key: &[u8], head: &Checkpoint, at: DateTime<Utc>) -> Result<String, InvalidLength> {
    let message = format!(
        "{}:{}:{}",
        head.seq,
        head.hash,
        at.to_rfc3339_opts(SecondsFormat::Secs, true)
    );
    Ok(hex::encode(keyed(key, message.as_bytes())?))
}

impl JobHandler for AuditCheckpoint {
    fn kind(&self) -> &'static str {
        KIND
    }

    fn run(&self, conn: &mut DbConnection, job: &JobRun<'_>) -> Result<(), ApiError> {
        let head = audit::head(conn)?;
        let key = signing_key(&self.secret).map_err(ApiError::internal)?;
        let signature = sign(&key, &head, job.now).map_err(ApiError::internal)?;
        let published = serde_json::json!({
            "seq": head.seq,
            "hash": head.hash,
            "at": job.now.to_rfc3339_opts(SecondsFormat::Secs, true),
            "signature": signature,
        });
        outbox::publish(
            conn,
            &Ctx::system(job.now),
            KIND,
            ("audit", &head.seq.to_string()),
            Some(&published),
        )?;
        tracing::info!(
            seq = head.seq,
            hash = %head.hash,
            signature = %signature,
            "audit checkpoint"
        );
        Ok(())
    }
}

/// `SEQ:HASH`, as the log line and the webhook event give them.
pub fn parse_checkpoint(text: &str) -> Result<Checkpoint, String> {
    let (seq, hash) = text
        .split_once(':')
        .ok_or_else(|| format!("`{text}` is not SEQ:HASH"))?;
    let seq = seq
        .parse::<i64>()
        .ok()
        .filter(|s| *s >= 0)
        .ok_or_else(|| format!("`{seq}` is not an entry number"))?;
    if hash.len() != 64 || !hash.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(format!("`{hash}` is not a SHA-256 in hex"));
    }
    Ok(Checkpoint {
        seq,
        hash: hash.to_ascii_lowercase(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_signature_binds_the_entry_its_hash_and_the_time() {
        let key = signing_key("s3cret").unwrap();
        let head = Checkpoint {
            seq: 7,
            hash: "ab".repeat(32),
        };
        let at = DateTime::parse_from_rfc3339("2026-12-06T00:00:00Z")
            .unwrap()
            .to_utc();
        let sign = |key: &[u8], head: &Checkpoint, at| sign(key, head, at).unwrap();
        let signature = sign(&key, &head, at);
        assert_eq!(signature.len(), 64);
        assert_eq!(sign(&key, &head, at), signature);
        let later = at + chrono::Duration::days(1);
        let other = Checkpoint {
            seq: 8,
            ..head.clone()
        };
        assert_ne!(sign(&key, &head, later), signature);
        assert_ne!(sign(&key, &other, at), signature);
        assert_ne!(sign(&signing_key("other").unwrap(), &head, at), signature);
    }

    #[test]
    fn checkpoints_parse_from_seq_colon_hash() {
        let hash = "AB".repeat(32);
        assert_eq!(
            parse_checkpoint(&format!("12:{hash}")),
            Ok(Checkpoint {
                seq: 12,
                hash: hash.to_ascii_lowercase()
            })
        );
        for bad in ["12", "x:ab", &format!("-1:{hash}"), "3:abc"] {
            assert!(parse_checkpoint(bad).is_err(), "{bad}");
        }
    }
}
