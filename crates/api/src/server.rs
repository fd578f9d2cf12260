//! Process-level commands: start the server, migrate, create users, verify the audit chain.

use crate::app;
use crate::kernel::auth::jwt::JwtKeys;
use crate::kernel::auth::password::HashingLimiter;
use crate::kernel::command::Ctx;
use crate::kernel::config::Config;
use crate::kernel::error::ApiError;
use crate::kernel::files::Storage;
use crate::kernel::jobs;
use crate::kernel::metrics::Metrics;
use crate::kernel::middleware::rate_limit::RateLimiter;
use crate::kernel::state::AppState;
use crate::kernel::transport::ProblemIo;
use crate::org::dto::users::{CreateUser, UserKind};
use crate::org::service::users;
use crate::platform::service::bootstrap;
use actix_web::web;
use anyhow::Context;
use kefu_core::{Clock, Role, SystemClock};
use kefu_store::{DbConnection, DbPool, PoolConfig, audit, build_pool, write_tx};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::Semaphore;

pub fn init_logging(filter: &str) {
    let filter = tracing_subscriber::EnvFilter::try_new(filter)
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let _ = tracing_subscriber::fmt()
        .json()
        .flatten_event(true)
        // Every line names the spans it happened in (the request with its id and actor, the
        // command with its record), so one request can be followed through the log.
        .with_current_span(false)
        .with_span_list(true)
        .with_env_filter(filter)
        .with_writer(std::io::stdout)
        .try_init();
}

pub fn pool(config: &Config) -> anyhow::Result<DbPool> {
    Ok(build_pool(&PoolConfig {
        url: config.database_url.clone(),
        max_size: config.db_pool_size,
        connection_timeout: config.db_timeout,
        sqlite_busy_timeout: Duration::from_secs(5),
    })?)
}

fn connection(pool: &DbPool) -> anyhow::Result<r2d2::PooledConnection<kefu_store::DbManager>> {
    pool.get().context("cannot connect to the database")
}

/// Applies pending migrations and creates the first admin on an empty database.
pub fn prepare_database(pool: &DbPool, config: &Config) -> anyhow::Result<()> {
    let mut conn = connection(pool)?;
    let applied = kefu_store::run_migrations(&mut conn)?;
    for name in &applied {
        tracing::info!(migration = %name, "migration applied");
    }
    for key in bootstrap::seed_rules(&mut conn, SystemClock.now()).map_err(api_error)? {
        tracing::info!(rule_set = key, "rule set seeded with defaults");
    }
    let ctx = crate::kernel::command::Ctx::system(SystemClock.now());
    let loaded = kefu_store::write_tx(&mut conn, |conn| {
        crate::calendar::schedules::load_shipped(conn, &ctx)
    })
    .map_err(api_error)?;
    for year in loaded {
        tracing::info!(
            year,
            "official holiday schedule loaded into the work calendar"
        );
    }
    let generated = bootstrap::ensure_admin(
        &mut conn,
        config.admin_password.as_deref(),
        SystemClock.now(),
    )
    .map_err(api_error)?;
    if let Some(password) = generated {
        // stderr, not the log: the log is kept, this password must not be.
        eprintln!(
            "kefu: created user `admin` with password {password} (shown once; change it after logging in)"
        );
    }
    Ok(())
}

fn api_error(e: ApiError) -> anyhow::Error {
    anyhow::anyhow!("{e}")
}

pub async fn serve(config: Config) -> anyhow::Result<()> {
    let pool = pool(&config)?;
    {
        let (pool, config) = (pool.clone(), config.clone());
        web::block(move || prepare_database(&pool, &config))
            .await
            .context("startup task failed")??;
    }
    let clock: Arc<dyn Clock> = crate::kernel::clock::build(&config.clock);
    if config.jobs.enabled {
        jobs::Runner::new(
            &config,
            crate::app::job_registry(&config),
            clock.clone(),
            pool.clone(),
        )
        .spawn();
    }
    let state = web::Data::new(AppState {
        jwt: Arc::new(JwtKeys::new(&config)),
        config: Arc::new(config.clone()),
        pool,
        clock,
        metrics: Arc::new(Metrics::default()),
        rate_limiter: Arc::new(RateLimiter::new(
            config.rate_limit_per_token,
            config.rate_limit_per_ip,
        )),
        storage: Arc::new(Storage::open(&config)?),
        db_slots: Arc::new(Semaphore::new(config.db_pool_size.max(1) as usize)),
        password_hashing: Arc::new(HashingLimiter::new(
            config.password_hash_concurrency,
            config.password_hash_wait,
        )),
    });
    let spec = app::openapi();
    let listener = std::net::TcpListener::bind(&config.bind)
        .with_context(|| format!("cannot listen on {}", config.bind))?;
    let addr = listener.local_addr()?;
    let mut server = actix_server::Server::build().shutdown_timeout(10);
    if let Some(workers) = config.workers {
        server = server.workers(workers);
    }
    let server = server.listen("kefu", listener, move || {
        use actix_service::{IntoServiceFactory, ServiceFactoryExt};
        let app = app::build(state.clone(), spec.clone())
            .into_factory()
            .map_err(|e: actix_web::Error| e.error_response());
        // actix-web's `HttpServer` timeouts, on a connection whose bodyless transport-level
        // error answers become problem+json (see `ProblemIo`).
        let h1 = actix_http::HttpService::build()
            .keep_alive(actix_http::KeepAlive::Timeout(Duration::from_secs(5)))
            .client_request_timeout(Duration::from_secs(5))
            .client_disconnect_timeout(Duration::from_secs(1))
            .local_addr(addr)
            .h1(actix_service::map_config(app, |_| {
                actix_web::dev::AppConfig::default()
            }));
        actix_service::fn_service(|io: actix_rt::net::TcpStream| {
            let peer = io.peer_addr().ok();
            std::future::ready(Ok::<_, actix_http::error::DispatchError>((
                ProblemIo::new(io),
                peer,
            )))
        })
        .and_then(h1)
    })?;
    tracing::info!(addr = %addr, environment = ?config.environment, "listening");
    server.run().await.context("server failed")
}

pub fn migrate(config: &Config) -> anyhow::Result<()> {
    prepare_database(&pool(config)?, config)
}

pub struct NewUserArgs {
    pub username: String,
    pub display_name: Option<String>,
    pub roles: Vec<Role>,
    pub service: bool,
    pub password: Option<String>,
}

/// Creates a user from the command line (audited with no actor); returns the generated
/// password, if one was generated.
pub fn create_user(config: &Config, args: NewUserArgs) -> anyhow::Result<Option<String>> {
    let pool = pool(config)?;
    prepare_database(&pool, config)?;
    let now = SystemClock.now();
    let new = users::prepare(
        CreateUser {
            display_name: args.display_name.unwrap_or_else(|| args.username.clone()),
            username: args.username,
            email: None,
            phone: None,
            kind: if args.service {
                UserKind::Service
            } else {
                UserKind::Human
            },
            roles: args.roles,
            password: args.password,
        },
        now,
    )
    .map_err(api_error)?;
    let generated = new.generated_password.clone();
    let mut conn = connection(&pool)?;
    let ctx = Ctx::system(now);
    write_tx(&mut conn, |conn: &mut DbConnection| {
        users::create(conn, &ctx, new)
    })
    .map_err(api_error)?;
    Ok(generated)
}

/// Imports a year's holiday schedule from a JSON or CSV file (CAL-1), as the command line's
/// operator (the audit entry has no user).
pub fn import_calendar(
    config: &Config,
    file: &std::path::Path,
    year: Option<i32>,
    source: Option<String>,
) -> anyhow::Result<crate::calendar::dto::ScheduleOut> {
    let text = std::fs::read_to_string(file)
        .map_err(|e| anyhow::anyhow!("cannot read {}: {e}", file.display()))?;
    let csv = file
        .extension()
        .is_some_and(|ext| ext.eq_ignore_ascii_case("csv"));
    let schedule = crate::calendar::schedules::parse_file(&text, csv, year, source)
        .map_err(|e| anyhow::anyhow!("{}: {e}", file.display()))?;
    let pool = pool(config)?;
    let mut conn = connection(&pool)?;
    let ctx = crate::kernel::command::Ctx::system(SystemClock.now());
    kefu_store::write_tx(&mut conn, |conn| {
        let version = kefu_store::calendar::meta(conn)?.version;
        crate::calendar::schedules::import(conn, &ctx, version, schedule)
    })
    .map_err(api_error)
}

/// Recomputes the audit chain (against a published checkpoint, if given); the report says
/// whether it is intact.
pub fn verify_audit(
    config: &Config,
    checkpoint: Option<&audit::Checkpoint>,
) -> anyhow::Result<audit::ChainReport> {
    let pool = pool(config)?;
    let mut conn = connection(&pool)?;
    Ok(audit::verify(&mut conn, checkpoint)?)
}
