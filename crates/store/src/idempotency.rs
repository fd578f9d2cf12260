//! Stored first responses of POSTs carrying an `Idempotency-Key`, per caller.

use crate::schema::idempotency_keys as ik;
use crate::{DbConnection, StoreError, to_db_time, write_tx};
use chrono::{DateTime, Duration, NaiveDateTime, Utc};
use diesel::prelude::*;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredResponse {
    pub status: u16,
    pub body: String,
    /// JSON object of the response headers worth replaying (content type, ETag, Location).
    pub headers: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Claim {
    /// First use of the key: the caller runs the command and then [`complete`]s or [`release`]s.
    Fresh,
    Replay(StoredResponse),
    /// The key was used with another request body (or another endpoint).
    Mismatch,
    /// The first request with this key is still running; its claim lapses at `until` unless
    /// it finishes first.
    InProgress {
        until: DateTime<Utc>,
    },
    /// The first request with this key committed its command (writing the named record, if
    /// it names one) and then died before its response was stored: running it again would
    /// write twice, and its answer is lost.
    Committed {
        entity: Option<(String, String)>,
    },
}

/// How long keys and their claims last.
#[derive(Debug, Clone, Copy)]
pub struct Terms {
    /// A stored response is replayed for this long after the request that made it.
    pub ttl: Duration,
    /// A claim whose request has not finished within this long is taken to have died with its
    /// process, and the next request with the key runs the command afresh.
    pub lease: Duration,
}

/// One use of a key: who sent it, and what the request was.
#[derive(Debug, Clone)]
pub struct KeyUse<'a> {
    pub actor_id: &'a str,
    pub key: &'a str,
    pub method: &'a str,
    pub path: &'a str,
    pub request_hash: &'a str,
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = ik)]
struct Stored {
    method: String,
    path: String,
    request_hash: String,
    status_code: Option<i64>,
    response_body: Option<String>,
    response_headers: Option<String>,
    lease_until: Option<NaiveDateTime>,
    committed_at: Option<NaiveDateTime>,
    committed_entity_type: Option<String>,
    committed_entity_id: Option<String>,
}

/// Claims the key for this request, or says why not. Keys older than the ttl are forgotten.
pub fn claim(
    conn: &mut DbConnection,
    request: &KeyUse<'_>,
    now: DateTime<Utc>,
    terms: Terms,
) -> Result<Claim, StoreError> {
    match write_tx(conn, |conn| claim_within(conn, request, now, terms)) {
        // Another instance inserted the same key between our read and our insert.
        Err(StoreError::Duplicate(_)) => Ok(Claim::InProgress {
            until: now + terms.lease,
        }),
        other => other,
    }
}

/// [`claim`] inside the caller's write transaction, so that the command and its stored result
/// commit with the claim. A concurrent claim of the same key surfaces as
/// [`StoreError::Duplicate`], after which the transaction must be rolled back.
pub fn claim_within(
    conn: &mut DbConnection,
    request: &KeyUse<'_>,
    now: DateTime<Utc>,
    terms: Terms,
) -> Result<Claim, StoreError> {
    diesel::delete(ik::table.filter(ik::created_at.lt(to_db_time(now - terms.ttl))))
        .execute(conn)?;
    let existing: Option<Stored> = ik::table
        .find((request.actor_id, request.key))
        .select(Stored::as_select())
        .first(conn)
        .optional()?;
    match existing {
        Some(s)
            if s.method != request.method
                || s.path != request.path
                || s.request_hash != request.request_hash =>
        {
            Ok(Claim::Mismatch)
        }
        Some(Stored {
            status_code: Some(status),
            response_body,
            response_headers,
            ..
        }) => Ok(Claim::Replay(StoredResponse {
            status: u16::try_from(status).map_err(|e| StoreError::Corrupt(e.to_string()))?,
            body: response_body.unwrap_or_default(),
            headers: response_headers.unwrap_or_else(|| "{}".to_owned()),
        })),
        Some(Stored {
            lease_until,
            committed_at: Some(_),
            committed_entity_type,
            committed_entity_id,
            ..
        }) if lease_until.is_none_or(|until| until <= to_db_time(now)) => Ok(Claim::Committed {
            entity: committed_entity_type.zip(committed_entity_id),
        }),
        Some(Stored { lease_until, .. }) => take_over(conn, request, now, terms, lease_until),
        None => {
            diesel::insert_into(ik::table)
                .values((
                    ik::actor_id.eq(request.actor_id),
                    ik::idem_key.eq(request.key),
                    ik::method.eq(request.method),
                    ik::path.eq(request.path),
                    ik::request_hash.eq(request.request_hash),
                    ik::created_at.eq(to_db_time(now)),
                    ik::lease_until.eq(to_db_time(now + terms.lease)),
                ))
                .execute(conn)?;
            Ok(Claim::Fresh)
        }
    }
}

/// An unfinished claim: still running while its lease lasts, else abandoned by a request that
/// died with its process, and this request's to run. The update is conditional on the lease
/// being over, so of two retries racing for an abandoned key only one takes it.
fn take_over(
    conn: &mut DbConnection,
    request: &KeyUse<'_>,
    now: DateTime<Utc>,
    terms: Terms,
    lease_until: Option<NaiveDateTime>,
) -> Result<Claim, StoreError> {
    let now_db = to_db_time(now);
    if let Some(until) = lease_until.filter(|until| *until > now_db) {
        return Ok(Claim::InProgress {
            until: until.and_utc(),
        });
    }
    let taken = diesel::update(
        ik::table
            .find((request.actor_id, request.key))
            .filter(ik::status_code.is_null())
            .filter(ik::lease_until.is_null().or(ik::lease_until.le(now_db))),
    )
    .set((
        ik::created_at.eq(now_db),
        ik::lease_until.eq(to_db_time(now + terms.lease)),
    ))
    .execute(conn)?;
    Ok(if taken == 1 {
        Claim::Fresh
    } else {
        // Another retry took it over first and holds a lease as long as ours would have been.
        Claim::InProgress {
            until: now + terms.lease,
        }
    })
}

/// Marks the claim as committed, inside the command's own transaction: the mark commits with
/// the command's writes or not at all. `entity` is the record the command wrote, if any.
pub fn mark_committed(
    conn: &mut DbConnection,
    actor_id: &str,
    key: &str,
    entity: Option<(&str, &str)>,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    diesel::update(
        ik::table
            .find((actor_id, key))
            .filter(ik::status_code.is_null()),
    )
    .set((
        ik::committed_at.eq(Some(to_db_time(now))),
        ik::committed_entity_type.eq(entity.map(|e| e.0)),
        ik::committed_entity_id.eq(entity.map(|e| e.1)),
    ))
    .execute(conn)?;
    Ok(())
}

pub fn complete(
    conn: &mut DbConnection,
    actor_id: &str,
    key: &str,
    response: &StoredResponse,
) -> Result<(), StoreError> {
    diesel::update(ik::table.find((actor_id, key)))
        .set((
            ik::status_code.eq(Some(i64::from(response.status))),
            ik::response_body.eq(Some(&response.body)),
            ik::response_headers.eq(Some(&response.headers)),
        ))
        .execute(conn)?;
    Ok(())
}

/// Forgets a claim whose command failed without a result worth replaying (a 5xx), so the
/// client's retry runs the command again; unless the command committed before the failure,
/// which a retry must not repeat.
pub fn release(conn: &mut DbConnection, actor_id: &str, key: &str) -> Result<(), StoreError> {
    diesel::delete(
        ik::table
            .find((actor_id, key))
            .filter(ik::status_code.is_null())
            .filter(ik::committed_at.is_null()),
    )
    .execute(conn)?;
    Ok(())
}
