//! Background jobs: a queue in the database that any number of instances work off. An instance
//! leases due jobs (marks them `running` with a lease expiry) in one short transaction; a job
//! whose lease expired (its instance died) is due again. The backend-specific part, how two
//! instances never lease the same row, is [`lease_due`].

pub use crate::VersionedWrite;
use crate::schema::jobs;
use crate::{DbConnection, StoreError, write_tx};
use chrono::NaiveDateTime;
use diesel::prelude::*;

pub const QUEUED: &str = "queued";
pub const RUNNING: &str = "running";
pub const SUCCEEDED: &str = "succeeded";
pub const DEAD: &str = "dead";

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable)]
#[diesel(table_name = jobs)]
pub struct JobRow {
    pub id: String,
    pub kind: String,
    /// JSON text.
    pub payload: String,
    pub run_at: NaiveDateTime,
    pub status: String,
    pub attempts: i64,
    pub max_attempts: i64,
    pub last_error: Option<String>,
    pub leased_by: Option<String>,
    pub lease_until: Option<NaiveDateTime>,
    pub dedupe_key: Option<String>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub version: i64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Enqueued {
    Created(String),
    /// A job with the same dedupe key exists already; carries its id.
    Existing(String),
}

/// Inserts a queued job unless one with its dedupe key exists. Call it outside a transaction
/// (or as the transaction's last write): on PostgreSQL the unique violation that decides a
/// race between two instances aborts the surrounding transaction.
pub fn enqueue(conn: &mut DbConnection, row: &JobRow) -> Result<Enqueued, StoreError> {
    if let Some(key) = &row.dedupe_key
        && let Some(id) = find_by_dedupe_key(conn, key)?
    {
        return Ok(Enqueued::Existing(id));
    }
    match diesel::insert_into(jobs::table).values(row).execute(conn) {
        Ok(_) => Ok(Enqueued::Created(row.id.clone())),
        Err(e) => match (StoreError::from(e), &row.dedupe_key) {
            (StoreError::Duplicate(m), Some(key)) => find_by_dedupe_key(conn, key)?
                .map(Enqueued::Existing)
                .ok_or(StoreError::Duplicate(m)),
            (other, _) => Err(other),
        },
    }
}

fn find_by_dedupe_key(conn: &mut DbConnection, key: &str) -> Result<Option<String>, StoreError> {
    Ok(jobs::table
        .filter(jobs::dedupe_key.eq(key))
        .select(jobs::id)
        .first(conn)
        .optional()?)
}

/// Leases up to `limit` jobs of `kinds` that are due at `now` — queued with `run_at` reached,
/// or running under a lease that has expired — for `worker` until `lease_until`, counting an
/// attempt for each. Every due job goes to exactly one caller: on PostgreSQL the due rows are
/// locked with `FOR UPDATE SKIP LOCKED`, so concurrent instances take disjoint sets without
/// waiting on each other; on SQLite the transaction starts with `BEGIN IMMEDIATE`, the single
/// writer lock, so leases are taken one instance after the other.
pub fn lease_due(
    conn: &mut DbConnection,
    worker: &str,
    kinds: &[&str],
    now: NaiveDateTime,
    lease_until: NaiveDateTime,
    limit: i64,
) -> Result<Vec<JobRow>, StoreError> {
    if kinds.is_empty() || limit <= 0 {
        return Ok(Vec::new());
    }
    let kinds: Vec<String> = kinds.iter().map(|k| (*k).to_owned()).collect();
    let due = jobs::table
        .select(jobs::id)
        .filter(jobs::kind.eq_any(kinds))
        .filter(
            (jobs::status.eq(QUEUED).and(jobs::run_at.le(now)))
                .or(jobs::status.eq(RUNNING).and(jobs::lease_until.lt(now))),
        )
        .order((jobs::run_at.asc(), jobs::id.asc()));
    // Most polls find nothing: a plain read first spares them the write lock.
    if due.clone().first::<String>(conn).optional()?.is_none() {
        return Ok(Vec::new());
    }
    write_tx(conn, |conn| {
        let due = due.limit(limit);
        let ids: Vec<String> = match conn {
            DbConnection::Pg(pg) => due.for_update().skip_locked().load(pg)?,
            DbConnection::Sqlite(_) => due.load(conn)?,
        };
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        diesel::update(jobs::table.filter(jobs::id.eq_any(ids.clone())))
            .set((
                jobs::status.eq(RUNNING),
                jobs::leased_by.eq(worker),
                jobs::lease_until.eq(lease_until),
                jobs::attempts.eq(jobs::attempts + 1),
                jobs::version.eq(jobs::version + 1),
                jobs::updated_at.eq(now),
            ))
            .execute(conn)?;
        Ok(jobs::table
            .filter(jobs::id.eq_any(ids))
            .order((jobs::run_at.asc(), jobs::id.asc()))
            .select(JobRow::as_select())
            .load(conn)?)
    })
}

/// What became of a leased job.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Succeeded,
    /// Failed; queued again for `retry_at`.
    Retry {
        error: String,
        retry_at: NaiveDateTime,
    },
    /// Failed for the last time: into the dead-letter list.
    Dead {
        error: String,
    },
}

/// Records the outcome of a job `worker` leased. Returns `false` when the lease was lost (it
/// expired and another instance took the job over): that instance's outcome counts.
pub fn finish(
    conn: &mut DbConnection,
    id: &str,
    worker: &str,
    outcome: &Outcome,
    now: NaiveDateTime,
) -> Result<bool, StoreError> {
    let mine = jobs::table
        .filter(jobs::id.eq(id))
        .filter(jobs::status.eq(RUNNING))
        .filter(jobs::leased_by.eq(worker));
    let common = (
        jobs::lease_until.eq(None::<NaiveDateTime>),
        jobs::version.eq(jobs::version + 1),
        jobs::updated_at.eq(now),
    );
    let written = match outcome {
        Outcome::Succeeded => diesel::update(mine)
            .set((jobs::status.eq(SUCCEEDED), common))
            .execute(conn)?,
        Outcome::Retry { error, retry_at } => diesel::update(mine)
            .set((
                jobs::status.eq(QUEUED),
                jobs::run_at.eq(*retry_at),
                jobs::last_error.eq(error),
                common,
            ))
            .execute(conn)?,
        Outcome::Dead { error } => diesel::update(mine)
            .set((jobs::status.eq(DEAD), jobs::last_error.eq(error), common))
            .execute(conn)?,
    };
    Ok(written == 1)
}

pub fn find(conn: &mut DbConnection, id: &str) -> Result<Option<JobRow>, StoreError> {
    Ok(jobs::table
        .find(id)
        .select(JobRow::as_select())
        .first(conn)
        .optional()?)
}

#[derive(Debug, Clone, Default)]
pub struct JobFilter {
    pub status: Option<String>,
    pub kind: Option<String>,
}

/// One page, newest first (ids are UUIDv7), after the id `before_id` of the previous page.
pub fn list(
    conn: &mut DbConnection,
    filter: &JobFilter,
    before_id: Option<&str>,
    limit: i64,
) -> Result<Vec<JobRow>, StoreError> {
    let mut query = jobs::table.select(JobRow::as_select()).into_boxed();
    if let Some(status) = &filter.status {
        query = query.filter(jobs::status.eq(status.clone()));
    }
    if let Some(kind) = &filter.kind {
        query = query.filter(jobs::kind.eq(kind.clone()));
    }
    if let Some(before) = before_id {
        query = query.filter(jobs::id.lt(before.to_owned()));
    }
    Ok(query.order(jobs::id.desc()).limit(limit).load(conn)?)
}

/// Whether a job may be run again by hand: dead, or queued after a failed attempt.
pub fn rerunnable(row: &JobRow) -> bool {
    row.status == DEAD || (row.status == QUEUED && row.last_error.is_some())
}

/// Queues a dead or failed job again, due at once with a fresh count of attempts, if it is at
/// `expected_version` and still [`rerunnable`].
pub fn rerun(
    conn: &mut DbConnection,
    id: &str,
    expected_version: i64,
    now: NaiveDateTime,
) -> Result<VersionedWrite, StoreError> {
    let written = diesel::update(
        jobs::table
            .filter(jobs::id.eq(id))
            .filter(jobs::version.eq(expected_version))
            .filter(
                jobs::status
                    .eq(DEAD)
                    .or(jobs::status.eq(QUEUED).and(jobs::last_error.is_not_null())),
            ),
    )
    .set((
        jobs::status.eq(QUEUED),
        jobs::run_at.eq(now),
        jobs::attempts.eq(0),
        jobs::leased_by.eq(None::<String>),
        jobs::lease_until.eq(None::<NaiveDateTime>),
        jobs::version.eq(jobs::version + 1),
        jobs::updated_at.eq(now),
    ))
    .execute(conn)?;
    if written == 1 {
        return Ok(VersionedWrite::Written);
    }
    Ok(find(conn, id)?.map_or(VersionedWrite::NotFound, |r| {
        VersionedWrite::Stale(r.version)
    }))
}

/// Deletes jobs that succeeded before `before` (periodic kinds leave one row per period).
pub fn purge_succeeded(
    conn: &mut DbConnection,
    before: NaiveDateTime,
) -> Result<usize, StoreError> {
    Ok(diesel::delete(
        jobs::table
            .filter(jobs::status.eq(SUCCEEDED))
            .filter(jobs::updated_at.lt(before)),
    )
    .execute(conn)?)
}
