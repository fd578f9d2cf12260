use crate::kernel::auth::jwt::JwtKeys;
use crate::kernel::auth::password::HashingLimiter;
use crate::kernel::command::AuditedRecord;
use crate::kernel::config::Config;
use crate::kernel::context;
use crate::kernel::error::ApiError;
use crate::kernel::files::Storage;
use crate::kernel::metrics::Metrics;
use crate::kernel::middleware::idempotency::ClaimedKey;
use crate::kernel::middleware::rate_limit::RateLimiter;
use actix_web::web;
use kefu_core::Clock;
use kefu_store::{DbConnection, DbPool, write_tx};
use std::sync::Arc;
use tokio::sync::Semaphore;

/// What every handler shares: built once at start, cloned per worker.
#[derive(Clone)]
pub struct AppState {
    pub config: Arc<Config>,
    pub pool: DbPool,
    pub clock: Arc<dyn Clock>,
    pub jwt: Arc<JwtKeys>,
    pub metrics: Arc<Metrics>,
    /// Shared by every worker of this instance.
    pub rate_limiter: Arc<RateLimiter>,
    pub storage: Arc<Storage>,
    /// Bounds concurrent password hashing (see [`HashingLimiter`]).
    pub password_hashing: Arc<HashingLimiter>,
    /// One slot per pooled connection: database work waits for a slot here, in the request's
    /// future, rather than on a blocking thread of its own. Without it a burst of N requests
    /// parked N threads on the pool (150 parallel logins: 150 threads), and their allocator
    /// arenas kept the burst's memory for good.
    pub db_slots: Arc<Semaphore>,
}

impl AppState {
    /// Today in the company time zone: the day dates and rule versions are reckoned in.
    pub fn today(&self) -> chrono::NaiveDate {
        self.clock
            .now()
            .with_timezone(&self.config.timezone)
            .date_naive()
    }

    /// Runs `f` with a pooled connection on the blocking thread pool (diesel is synchronous),
    /// under the request's context (language, request id, path).
    pub async fn db<T, F>(&self, f: F) -> Result<T, ApiError>
    where
        F: FnOnce(&mut DbConnection) -> Result<T, ApiError> + Send + 'static,
        T: Send + 'static,
    {
        let wait = self.config.db_timeout;
        let slot = match tokio::time::timeout(wait, self.db_slots.clone().acquire_owned()).await {
            Ok(Ok(slot)) => slot,
            Ok(Err(closed)) => return Err(ApiError::internal(closed)),
            Err(_) => {
                return Err(ApiError::Unavailable(format!(
                    "no database connection free within {} ms",
                    wait.as_millis()
                )));
            }
        };
        let pool = self.pool.clone();
        // Neither the request's context (its language, for errors rendered in there) nor its
        // span crosses into the blocking pool by itself.
        let context = context::current();
        let span = tracing::Span::current();
        web::block(move || {
            let _entered = span.enter();
            let mut conn = pool.get().map_err(kefu_store::StoreError::from)?;
            let result = context::sync_scope(context, || {
                kefu_store::statements::take();
                let started = std::time::Instant::now();
                let result = f(&mut conn);
                context::count_db(kefu_store::statements::take(), started.elapsed());
                result
            });
            if let Err(ApiError::Unavailable(_)) = &result {
                conn.mark_broken();
            }
            drop(slot);
            result
        })
        .await
        .map_err(ApiError::internal)?
    }

    /// Like [`AppState::db`], inside one write transaction: the command, its audit entry and
    /// anything else it writes commit together or not at all.
    pub async fn tx<T, F>(&self, f: F) -> Result<T, ApiError>
    where
        F: FnOnce(&mut DbConnection) -> Result<T, ApiError> + Send + 'static,
        T: Send + 'static,
    {
        // The command's span: what it changed (recorded by `Ctx::audit`) and how it ended.
        let span = tracing::info_span!(
            "command",
            action = tracing::field::Empty,
            entity = tracing::field::Empty,
            record_id = tracing::field::Empty,
        );
        let now = self.clock.now();
        self.db(move |conn| {
            let _entered = span.enter();
            // A record audited by an earlier, rolled-back transaction of this request is not
            // what this one wrote.
            context::forget::<AuditedRecord>();
            let result: Result<T, ApiError> = write_tx(conn, |conn| {
                let out = f(conn)?;
                mark_claim_committed(conn, now)?;
                Ok(out)
            });
            match &result {
                Ok(_) => tracing::info!(outcome = "done", "command"),
                Err(e) => tracing::info!(
                    outcome = e.kind(),
                    status = e.status().as_u16(),
                    rule = e.rule(),
                    "command"
                ),
            }
            result
        })
        .await
    }
}

/// In the command's transaction: the request's Idempotency-Key claim (if it made one) is
/// marked committed, naming the record written, so that a retry after a crash between this
/// commit and the stored response does not run the command twice.
fn mark_claim_committed(
    conn: &mut DbConnection,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<(), ApiError> {
    let Some(claim) = context::recall::<ClaimedKey>() else {
        return Ok(());
    };
    let record = context::recall::<AuditedRecord>();
    let entity = record
        .as_deref()
        .map(|r| (r.entity_type.as_str(), r.entity_id.as_str()));
    kefu_store::idempotency::mark_committed(conn, &claim.actor_id, &claim.key, entity, now)?;
    Ok(())
}
