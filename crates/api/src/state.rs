use crate::attachments::Storage;
use crate::auth::jwt::JwtKeys;
use crate::config::Config;
use crate::error::ApiError;
use crate::metrics::Metrics;
use crate::middleware::rate_limit::RateLimiter;
use actix_web::web;
use kefu_core::Clock;
use kefu_store::{DbConnection, DbPool, write_tx};
use std::sync::Arc;

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
        let pool = self.pool.clone();
        // Task-locals do not cross into the blocking pool: carry the request's context (its
        // language above all) so whatever reads it there sees this request's.
        web::block(crate::context::carry(move || {
            let mut conn = pool.get().map_err(kefu_store::StoreError::from)?;
            let result = f(&mut conn);
            if let Err(ApiError::Unavailable(_)) = &result {
                conn.mark_broken();
            }
            result
        }))
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
        self.db(move |conn| write_tx(conn, f)).await
    }
}
