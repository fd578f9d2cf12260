//! The one scheduler for everything time-driven. Jobs are rows in the database (`kefu_store::jobs`);
//! every `kefu serve` instance with jobs enabled polls for due ones, leases a few, runs them
//! and records the outcome, so any number of instances run each job once. A failed job is
//! retried with exponential backoff up to its `max_attempts`, then lands in the dead-letter
//! list (`status=dead`), from which an admin can re-run it.
//!
//! New kinds of work are added in one place, [`registry`]: a [`JobHandler`] for the kind, and
//! a [`Periodic`] entry when it runs on a schedule.

use crate::kernel::command::Ctx;
use crate::kernel::config::{Config, JobsConfig};
use crate::kernel::error::ApiError;
use actix_web::web;
use chrono::{DateTime, NaiveDate, Utc};
use kefu_core::Clock;
use kefu_store::jobs::{self as store, Enqueued, JobRow, Outcome};
use kefu_store::{DbConnection, DbPool, new_id, to_db_time};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// A job as its handler sees it.
pub struct JobRun<'a> {
    pub id: &'a str,
    pub payload: serde_json::Value,
    /// 1 on the first attempt.
    pub attempt: i64,
    pub now: DateTime<Utc>,
    /// Today in the company time zone.
    pub today: NaiveDate,
}

impl JobRun<'_> {
    /// The context of the audit entries a job writes: no actor, the job's id as request id.
    pub fn ctx(&self) -> Ctx {
        Ctx {
            actor_id: None,
            request_id: Some(format!("job:{}", self.id)),
            now: self.now,
        }
    }
}

/// The work of one kind of job.
pub trait JobHandler: Send + Sync {
    fn kind(&self) -> &'static str;

    /// Attempts before a job of this kind is given up (dead).
    fn max_attempts(&self) -> i64 {
        5
    }

    /// Does the job's work, in its own transaction(s). Must be idempotent: a job whose
    /// instance died after the work but before its outcome was recorded runs again.
    fn run(&self, conn: &mut DbConnection, job: &JobRun<'_>) -> Result<(), ApiError>;
}

/// A kind enqueued once per period (aligned to the Unix epoch), by whichever instance gets
/// there first: the period start is part of the job's dedupe key.
#[derive(Debug, Clone, Copy)]
pub struct Periodic {
    pub kind: &'static str,
    pub every: Duration,
}

#[derive(Default)]
pub struct Registry {
    handlers: Vec<Box<dyn JobHandler>>,
    periodic: Vec<Periodic>,
}

impl Registry {
    pub fn handler(mut self, handler: impl JobHandler + 'static) -> Self {
        self.handlers.push(Box::new(handler));
        self
    }

    pub fn every(mut self, every: Duration, handler: impl JobHandler + 'static) -> Self {
        self.periodic.push(Periodic {
            kind: handler.kind(),
            every,
        });
        self.handler(handler)
    }

    fn find(&self, kind: &str) -> Option<&dyn JobHandler> {
        self.handlers
            .iter()
            .find(|h| h.kind() == kind)
            .map(|h| h.as_ref())
    }

    pub fn kinds(&self) -> Vec<&'static str> {
        self.handlers.iter().map(|h| h.kind()).collect()
    }
}

/// The delay before attempt `failed + 1`: `base` doubled per failed attempt, at most `cap`.
pub fn retry_delay(base: Duration, cap: Duration, failed: i64) -> Duration {
    let doublings = u32::try_from(failed.saturating_sub(1).clamp(0, 31)).unwrap_or(31);
    base.checked_mul(1u32 << doublings).unwrap_or(cap).min(cap)
}

/// Start of the period of length `every` that contains `now`.
fn period_start(now: DateTime<Utc>, every: Duration) -> DateTime<Utc> {
    let step = i64::try_from(every.as_secs().max(1)).unwrap_or(i64::MAX);
    let start = now.timestamp().div_euclid(step) * step;
    DateTime::from_timestamp(start, 0).unwrap_or(now)
}

/// What to enqueue: `kind` with `payload`, due at `run_at`, once per `dedupe_key` if given.
pub struct NewJob {
    pub kind: &'static str,
    pub payload: serde_json::Value,
    pub run_at: DateTime<Utc>,
    pub dedupe_key: Option<String>,
    pub max_attempts: i64,
}

/// Adds a job to the queue (see [`store::enqueue`] on when to call it).
pub fn enqueue(
    conn: &mut DbConnection,
    job: NewJob,
    now: DateTime<Utc>,
) -> Result<Enqueued, ApiError> {
    let now = to_db_time(now);
    Ok(store::enqueue(
        conn,
        &JobRow {
            id: new_id(),
            kind: job.kind.to_owned(),
            payload: job.payload.to_string(),
            run_at: to_db_time(job.run_at),
            status: store::QUEUED.to_owned(),
            attempts: 0,
            max_attempts: job.max_attempts.max(1),
            last_error: None,
            leased_by: None,
            lease_until: None,
            dedupe_key: job.dedupe_key,
            created_at: now,
            updated_at: now,
            version: 1,
        },
    )?)
}

/// Jobs leased per round; a full round is followed by another at once.
const BATCH: i64 = 10;

/// One instance's runner.
#[derive(Clone)]
pub struct Runner {
    registry: Arc<Registry>,
    config: JobsConfig,
    timezone: chrono_tz::Tz,
    clock: Arc<dyn Clock>,
    pool: DbPool,
    /// Names this instance in `leased_by`.
    worker: Arc<str>,
    /// The last period each periodic kind was enqueued for by this instance, to skip the
    /// lookup until the next period starts.
    enqueued: Arc<Mutex<HashMap<&'static str, DateTime<Utc>>>>,
}

impl Runner {
    /// A runner of the kinds in `registry` (built by the app, which knows every domain's jobs).
    pub fn new(config: &Config, registry: Registry, clock: Arc<dyn Clock>, pool: DbPool) -> Runner {
        let worker = format!(
            "{}-{}",
            std::process::id(),
            &uuid::Uuid::new_v4().simple().to_string()[..12]
        );
        Runner {
            registry: Arc::new(registry),
            config: config.jobs.clone(),
            timezone: config.timezone,
            clock,
            pool,
            worker: worker.into(),
            enqueued: Arc::default(),
        }
    }

    /// Polls for due jobs until the process ends.
    pub fn spawn(self) {
        tracing::info!(worker = %self.worker, kinds = ?self.registry.kinds(), "job runner started");
        actix_web::rt::spawn(async move {
            loop {
                let runner = self.clone();
                let full = match web::block(move || runner.round()).await {
                    Ok(Ok(leased)) => leased >= BATCH,
                    Ok(Err(e)) => {
                        tracing::warn!(error = %e, "job round failed");
                        false
                    }
                    Err(e) => {
                        tracing::error!(error = %e, "job round panicked");
                        false
                    }
                };
                if !full {
                    actix_web::rt::time::sleep(self.config.poll_interval).await;
                }
            }
        });
    }

    /// Enqueues the periodic jobs of the current periods, then leases and runs one batch of
    /// due jobs; returns how many were leased.
    pub fn round(&self) -> Result<i64, ApiError> {
        let mut conn = self.pool.get().map_err(kefu_store::StoreError::from)?;
        let now = self.clock.now();
        self.enqueue_periodic(&mut conn, now)?;
        let lease_until =
            now + chrono::Duration::from_std(self.config.lease).map_err(ApiError::internal)?;
        let leased = store::lease_due(
            &mut conn,
            &self.worker,
            &self.registry.kinds(),
            to_db_time(now),
            to_db_time(lease_until),
            BATCH,
        )?;
        let count = i64::try_from(leased.len()).unwrap_or(BATCH);
        for job in leased {
            self.execute(&mut conn, job)?;
        }
        Ok(count)
    }

    fn enqueue_periodic(
        &self,
        conn: &mut DbConnection,
        now: DateTime<Utc>,
    ) -> Result<(), ApiError> {
        for periodic in &self.registry.periodic {
            let start = period_start(now, periodic.every);
            let already = self
                .enqueued
                .lock()
                .map(|m| m.get(periodic.kind) == Some(&start))
                .unwrap_or(false);
            if already {
                continue;
            }
            let max_attempts = self
                .registry
                .find(periodic.kind)
                .map_or(1, |h| h.max_attempts());
            enqueue(
                conn,
                NewJob {
                    kind: periodic.kind,
                    payload: serde_json::json!({ "period_start": start }),
                    run_at: start,
                    dedupe_key: Some(format!("{}@{}", periodic.kind, start.to_rfc3339())),
                    max_attempts,
                },
                now,
            )?;
            if let Ok(mut m) = self.enqueued.lock() {
                m.insert(periodic.kind, start);
            }
        }
        Ok(())
    }

    fn execute(&self, conn: &mut DbConnection, job: JobRow) -> Result<(), ApiError> {
        let Some(handler) = self.registry.find(&job.kind) else {
            return Ok(());
        };
        let now = self.clock.now();
        let run = JobRun {
            id: &job.id,
            payload: serde_json::from_str(&job.payload).unwrap_or_default(),
            attempt: job.attempts,
            now,
            today: now.with_timezone(&self.timezone).date_naive(),
        };
        let result = handler.run(conn, &run);
        let finished = self.clock.now();
        let outcome = match &result {
            Ok(()) => Outcome::Succeeded,
            Err(e) if job.attempts >= job.max_attempts => Outcome::Dead {
                error: error_text(e),
            },
            Err(e) => Outcome::Retry {
                error: error_text(e),
                retry_at: to_db_time(
                    finished
                        + chrono::Duration::from_std(retry_delay(
                            self.config.backoff_base,
                            self.config.backoff_cap,
                            job.attempts,
                        ))
                        .map_err(ApiError::internal)?,
                ),
            },
        };
        let kept = store::finish(conn, &job.id, &self.worker, &outcome, to_db_time(finished))?;
        match (&outcome, kept) {
            (_, false) => {
                tracing::warn!(job = %job.id, kind = %job.kind, "job lease lost to another instance")
            }
            // Periodic kinds succeed every period: not worth a line each at `info`.
            (Outcome::Succeeded, true) => {
                tracing::debug!(job = %job.id, kind = %job.kind, attempt = job.attempts, "job succeeded")
            }
            (Outcome::Retry { error, retry_at }, true) => {
                tracing::warn!(job = %job.id, kind = %job.kind, attempt = job.attempts, %error, retry_at = %retry_at, "job failed; will retry")
            }
            (Outcome::Dead { error }, true) => {
                tracing::error!(job = %job.id, kind = %job.kind, attempt = job.attempts, %error, "job failed for the last time")
            }
        }
        Ok(())
    }
}

/// The cause kept in `last_error`: what went wrong, without the HTTP framing.
fn error_text(e: &ApiError) -> String {
    let text = match e {
        ApiError::Internal(cause) | ApiError::Unavailable(cause) => cause.clone(),
        other => other.to_string(),
    };
    text.chars().take(2_000).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retries_back_off_exponentially_up_to_the_cap() {
        let base = Duration::from_secs(30);
        let cap = Duration::from_secs(3_600);
        let delays: Vec<u64> = (1..=9)
            .map(|n| retry_delay(base, cap, n).as_secs())
            .collect();
        assert_eq!(delays, vec![30, 60, 120, 240, 480, 960, 1920, 3600, 3600]);
        assert_eq!(retry_delay(base, cap, i64::MAX), cap);
        assert_eq!(retry_delay(base, cap, 0), base);
    }

    #[test]
    fn periods_align_to_their_length() {
        let at = DateTime::parse_from_rfc3339("2026-03-01T08:05:42Z")
            .unwrap()
            .with_timezone(&Utc);
        let minute = period_start(at, Duration::from_secs(60));
        assert_eq!(minute.to_rfc3339(), "2026-03-01T08:05:00+00:00");
        let hour = period_start(at, Duration::from_secs(3_600));
        assert_eq!(hour.to_rfc3339(), "2026-03-01T08:00:00+00:00");
    }
}
