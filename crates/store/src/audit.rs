//! The audit log: append-only (database triggers refuse UPDATE and DELETE) and hash-chained,
//! so that an entry altered, removed or inserted behind the application's back is detected by
//! [`verify`].

use crate::schema::{audit_head, audit_log};
use crate::{DbConnection, StoreError, new_id, to_db_time};
use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use sha2::{Digest, Sha256};

pub const GENESIS_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable)]
#[diesel(table_name = audit_log)]
pub struct AuditRow {
    pub seq: i64,
    pub id: String,
    pub occurred_at: NaiveDateTime,
    pub actor_id: Option<String>,
    pub action: String,
    pub entity_type: String,
    pub entity_id: String,
    pub before_json: Option<String>,
    pub after_json: Option<String>,
    pub request_id: Option<String>,
    pub prev_hash: String,
    pub hash: String,
}

/// What a command records about itself; `before`/`after` are the record's public
/// representation (never secrets) before and after the change.
#[derive(Debug, Clone)]
pub struct NewAuditEntry<'a> {
    pub actor_id: Option<&'a str>,
    pub action: &'a str,
    pub entity_type: &'a str,
    pub entity_id: &'a str,
    pub before: Option<serde_json::Value>,
    pub after: Option<serde_json::Value>,
    pub request_id: Option<&'a str>,
}

/// Appends an entry; must run inside the command's own transaction so the entry commits or
/// rolls back with the change it describes.
pub fn append(
    conn: &mut DbConnection,
    entry: NewAuditEntry<'_>,
    now: DateTime<Utc>,
) -> Result<AuditRow, StoreError> {
    // Taking the head row first serialises appenders: a second transaction waits here on
    // PostgreSQL's row lock (SQLite already has one writer at a time).
    diesel::update(audit_head::table.find(1))
        .set(audit_head::seq.eq(audit_head::seq + 1))
        .execute(conn)?;
    let (seq, prev_hash): (i64, String) = audit_head::table
        .find(1)
        .select((audit_head::seq, audit_head::hash))
        .first(conn)?;
    let mut row = AuditRow {
        seq,
        id: new_id(),
        occurred_at: to_db_time(now),
        actor_id: entry.actor_id.map(str::to_owned),
        action: entry.action.to_owned(),
        entity_type: entry.entity_type.to_owned(),
        entity_id: entry.entity_id.to_owned(),
        before_json: entry.before.map(|v| v.to_string()),
        after_json: entry.after.map(|v| v.to_string()),
        request_id: entry.request_id.map(str::to_owned),
        prev_hash,
        hash: String::new(),
    };
    row.hash = entry_hash(&row);
    diesel::insert_into(audit_log::table)
        .values(&row)
        .execute(conn)?;
    diesel::update(audit_head::table.find(1))
        .set(audit_head::hash.eq(&row.hash))
        .execute(conn)?;
    Ok(row)
}

/// SHA-256 over every stored field but the hash itself, as a JSON array: unambiguous
/// (no field can bleed into the next) and identical on both databases.
pub fn entry_hash(row: &AuditRow) -> String {
    let canonical = serde_json::json!([
        row.seq,
        row.id,
        row.occurred_at.format("%Y-%m-%dT%H:%M:%S%.6fZ").to_string(),
        row.actor_id,
        row.action,
        row.entity_type,
        row.entity_id,
        row.before_json,
        row.after_json,
        row.request_id,
        row.prev_hash,
    ]);
    hex::encode(Sha256::digest(canonical.to_string().as_bytes()))
}

#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    pub entity_type: Option<String>,
    pub entity_id: Option<String>,
    pub actor_id: Option<String>,
    pub action: Option<String>,
    pub from: Option<DateTime<Utc>>,
    pub to: Option<DateTime<Utc>>,
}

/// One page, newest first, of entries older than `before_seq`.
pub fn list(
    conn: &mut DbConnection,
    filter: &AuditFilter,
    before_seq: Option<i64>,
    limit: i64,
) -> Result<Vec<AuditRow>, StoreError> {
    let mut query = audit_log::table.select(AuditRow::as_select()).into_boxed();
    if let Some(v) = &filter.entity_type {
        query = query.filter(audit_log::entity_type.eq(v.clone()));
    }
    if let Some(v) = &filter.entity_id {
        query = query.filter(audit_log::entity_id.eq(v.clone()));
    }
    if let Some(v) = &filter.actor_id {
        query = query.filter(audit_log::actor_id.eq(v.clone()));
    }
    if let Some(v) = &filter.action {
        query = query.filter(audit_log::action.eq(v.clone()));
    }
    if let Some(v) = filter.from {
        query = query.filter(audit_log::occurred_at.ge(to_db_time(v)));
    }
    if let Some(v) = filter.to {
        query = query.filter(audit_log::occurred_at.lt(to_db_time(v)));
    }
    if let Some(seq) = before_seq {
        query = query.filter(audit_log::seq.lt(seq));
    }
    Ok(query.order(audit_log::seq.desc()).limit(limit).load(conn)?)
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainReport {
    pub entries_checked: i64,
    pub head_seq: i64,
    /// The first entry that does not verify, with the reason; `None` when the chain is intact.
    pub broken: Option<(i64, String)>,
}

/// A point of the chain published outside the database (a checkpoint): entry `seq` had
/// `hash`. Someone who rewrites the head row along with a cut-off tail can fool [`verify`]
/// alone, but not a checkpoint they cannot reach.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checkpoint {
    pub seq: i64,
    pub hash: String,
}

/// The newest entry's sequence number and hash (0 and the genesis hash while empty).
pub fn head(conn: &mut DbConnection) -> Result<Checkpoint, StoreError> {
    let (seq, hash) = audit_head::table
        .find(1)
        .select((audit_head::seq, audit_head::hash))
        .first(conn)?;
    Ok(Checkpoint { seq, hash })
}

/// Recomputes the whole chain in pages: every entry's hash, its link to the previous entry,
/// gap-free sequence numbers, and the stored head (so a truncated tail is caught too). With a
/// `checkpoint`, the chain must also still hold that entry with that hash.
pub fn verify(
    conn: &mut DbConnection,
    checkpoint: Option<&Checkpoint>,
) -> Result<ChainReport, StoreError> {
    const PAGE: i64 = 1_000;
    let Checkpoint {
        seq: head_seq,
        hash: head_hash,
    } = head(conn)?;
    let mut expected_prev = GENESIS_HASH.to_owned();
    let mut expected_seq = 1;
    let mut checked = 0;
    let report = |checked, broken| ChainReport {
        entries_checked: checked,
        head_seq,
        broken,
    };
    loop {
        let page: Vec<AuditRow> = audit_log::table
            .filter(audit_log::seq.ge(expected_seq))
            .order(audit_log::seq.asc())
            .limit(PAGE)
            .select(AuditRow::as_select())
            .load(conn)?;
        let last_page = (page.len() as i64) < PAGE;
        for row in page {
            if row.seq > head_seq {
                return Ok(report(
                    checked,
                    Some((row.seq, "entry added beyond the recorded head".to_owned())),
                ));
            }
            if row.seq != expected_seq {
                return Ok(report(
                    checked,
                    Some((expected_seq, "entry missing from the chain".to_owned())),
                ));
            }
            if row.prev_hash != expected_prev {
                return Ok(report(
                    checked,
                    Some((row.seq, "does not link to the previous entry".to_owned())),
                ));
            }
            if entry_hash(&row) != row.hash {
                return Ok(report(
                    checked,
                    Some((row.seq, "content does not match its hash".to_owned())),
                ));
            }
            if checkpoint.is_some_and(|c| c.seq == row.seq && c.hash != row.hash) {
                return Ok(report(
                    checked,
                    Some((row.seq, "differs from the published checkpoint".to_owned())),
                ));
            }
            checked += 1;
            expected_seq += 1;
            expected_prev = row.hash;
        }
        if last_page {
            break;
        }
    }
    if let Some(c) = checkpoint.filter(|c| c.seq > checked) {
        return Ok(report(
            checked,
            Some((
                c.seq,
                "the chain ends before a published checkpoint: its tail was cut off".to_owned(),
            )),
        ));
    }
    if checked != head_seq || expected_prev != head_hash {
        return Ok(report(
            checked,
            Some((
                checked + 1,
                "chain is shorter than its recorded head".to_owned(),
            )),
        ));
    }
    Ok(report(checked, None))
}
