use crate::StoreError;
use diesel::connection::{AnsiTransactionManager, SimpleConnection, TransactionManager};
use diesel::prelude::*;
use diesel::{PgConnection, SqliteConnection};
use std::cell::Cell;
use std::path::Path;
use std::sync::{Condvar, Mutex, PoisonError};
use std::time::Duration;

/// One connection type for both databases; queries are written once against it.
#[derive(diesel::MultiConnection)]
pub enum DbConnection {
    Pg(PgConnection),
    Sqlite(SqliteConnection),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Postgres,
    Sqlite,
}

impl Backend {
    /// The URL's scheme picks the backend; anything else is refused rather than guessed.
    pub fn from_url(url: &str) -> Result<Backend, StoreError> {
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Ok(Backend::Postgres)
        } else if url.starts_with("sqlite://") || url.starts_with("file:") {
            Ok(Backend::Sqlite)
        } else {
            Err(StoreError::Unavailable(format!(
                "unsupported database URL (expected postgres:// or sqlite://): {}",
                redact(url)
            )))
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Backend::Postgres => "postgres",
            Backend::Sqlite => "sqlite",
        }
    }
}

/// Hides the password of a URL for logs.
fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme_end), Some(at)) if at > scheme_end => {
            let userinfo = &url[scheme_end + 3..at];
            let user = userinfo.split(':').next().unwrap_or("");
            format!("{}://{}:***@{}", &url[..scheme_end], user, &url[at + 1..])
        }
        _ => url.to_owned(),
    }
}

pub type DbPool = r2d2::Pool<DbManager>;

#[derive(Debug, Clone)]
pub struct PoolConfig {
    pub url: String,
    pub max_size: u32,
    pub connection_timeout: Duration,
    pub sqlite_busy_timeout: Duration,
}

/// A pooled connection that remembers when the database went away under it, so that the
/// pool drops it instead of handing the dead socket out again (diesel only reports broken
/// transactions, not closed connections).
pub struct PooledDb {
    conn: DbConnection,
    broken: bool,
}

impl PooledDb {
    pub fn mark_broken(&mut self) {
        self.broken = true;
    }
}

impl std::ops::Deref for PooledDb {
    type Target = DbConnection;
    fn deref(&self) -> &DbConnection {
        &self.conn
    }
}

impl std::ops::DerefMut for PooledDb {
    fn deref_mut(&mut self) -> &mut DbConnection {
        &mut self.conn
    }
}

pub struct DbManager {
    url: String,
    backend: Backend,
    busy_timeout_ms: u128,
}

impl r2d2::ManageConnection for DbManager {
    type Connection = PooledDb;
    type Error = diesel::r2d2::Error;

    fn connect(&self) -> Result<PooledDb, Self::Error> {
        let conn = self.establish()?;
        Ok(PooledDb {
            conn,
            broken: false,
        })
    }

    fn is_valid(&self, conn: &mut PooledDb) -> Result<(), Self::Error> {
        conn.batch_execute("SELECT 1")
            .map_err(diesel::r2d2::Error::QueryError)
    }

    /// Broken: the database went away under it, a panic unwound through a transaction on
    /// it, or diesel's transaction manager gave up on it. Such a connection is dropped rather
    /// than handed out mid-transaction.
    fn has_broken(&self, conn: &mut PooledDb) -> bool {
        conn.broken
            || std::thread::panicking()
            || diesel::r2d2::R2D2Connection::is_broken(&mut conn.conn)
    }
}

impl DbManager {
    fn establish(&self) -> Result<DbConnection, diesel::r2d2::Error> {
        match self.backend {
            Backend::Postgres => {
                let mut conn = PgConnection::establish(&self.url)
                    .map_err(diesel::r2d2::Error::ConnectionError)?;
                conn.set_instrumentation(crate::statements::counter());
                Ok(DbConnection::Pg(conn))
            }
            Backend::Sqlite => {
                let mut conn = SqliteConnection::establish(&self.url)
                    .map_err(diesel::r2d2::Error::ConnectionError)?;
                // WAL lets readers run beside the writer; FULL sync makes a commit survive a
                // power cut; busy_timeout makes BEGIN IMMEDIATE wait instead of failing.
                // Without statistics SQLite's planner sorts whole lists in temporary B-trees:
                // `optimize` (all tables, 0x10000, with a bounded sample) analyses what changed
                // since, on each new connection, and the pool renews connections every 30 min.
                conn.batch_execute(&format!(
                    "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; \
                     PRAGMA foreign_keys = ON; PRAGMA busy_timeout = {}; \
                     PRAGMA analysis_limit = 400; PRAGMA optimize = 0x10002;",
                    self.busy_timeout_ms
                ))
                .map_err(diesel::r2d2::Error::QueryError)?;
                conn.set_instrumentation(crate::statements::counter());
                Ok(DbConnection::Sqlite(conn))
            }
        }
    }
}

/// Builds the pool without checking out a connection first, so the server can start (and
/// answer `/readyz` with 503) while the database is still coming up.
pub fn build_pool(config: &PoolConfig) -> Result<DbPool, StoreError> {
    let backend = Backend::from_url(&config.url)?;
    if backend == Backend::Sqlite {
        ensure_sqlite_dir(&config.url)?;
    }
    let manager = DbManager {
        url: config.url.clone(),
        backend,
        busy_timeout_ms: config.sqlite_busy_timeout.as_millis(),
    };
    Ok(r2d2::Pool::builder()
        .max_size(config.max_size)
        .min_idle(Some(0))
        .connection_timeout(config.connection_timeout)
        // A failed query surfaces on its own; a SELECT 1 per checkout doubles round trips.
        .test_on_check_out(false)
        .build_unchecked(manager))
}

fn ensure_sqlite_dir(url: &str) -> Result<(), StoreError> {
    let path = url
        .trim_start_matches("sqlite://")
        .trim_start_matches("file:");
    let path = path.split('?').next().unwrap_or(path);
    if path.is_empty() || path == ":memory:" {
        return Ok(());
    }
    if let Some(dir) = Path::new(path)
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
    {
        std::fs::create_dir_all(dir).map_err(|e| {
            StoreError::Unavailable(format!("cannot create {}: {e}", dir.display()))
        })?;
    }
    Ok(())
}

/// Runs `f` in one write transaction. On SQLite the writers of this process take turns in
/// arrival order ([`SqliteWriter`]) and each starts with `BEGIN IMMEDIATE`, so none fails
/// with SQLITE_BUSY upgrading a read lock and none polls `busy_timeout` (which sleeps in
/// growing steps: under 8 concurrent creates its p99 was most of a second); another process
/// on the same file still meets `busy_timeout`.
pub fn write_tx<T, E, F>(conn: &mut DbConnection, f: F) -> Result<T, E>
where
    F: FnOnce(&mut DbConnection) -> Result<T, E>,
    E: From<diesel::result::Error>,
{
    match conn {
        DbConnection::Pg(_) => conn.transaction(f),
        DbConnection::Sqlite(inner) => {
            let _turn = SqliteWriter::wait_turn();
            AnsiTransactionManager::begin_transaction_sql(inner, "BEGIN IMMEDIATE")?;
            match f(conn) {
                Ok(value) => {
                    <DbConnection as Connection>::TransactionManager::commit_transaction(conn)?;
                    Ok(value)
                }
                Err(e) => {
                    // The caller's error is the one worth reporting; a failed rollback marks
                    // the transaction manager broken, and the pool then drops the connection.
                    let _ = <DbConnection as Connection>::TransactionManager::rollback_transaction(
                        conn,
                    );
                    Err(e)
                }
            }
        }
    }
}

/// SQLite allows one writer at a time: this process's writers queue here, first come first
/// served (a ticket lock), and wake only when it is their turn.
struct SqliteWriter;

static WRITER_QUEUE: Mutex<(u64, u64)> = Mutex::new((0, 0));
static WRITER_TURN: Condvar = Condvar::new();

thread_local! {
    /// This thread holds the turn: a nested write transaction (which SQLite refuses anyway)
    /// must fail there rather than wait for itself.
    static HOLDS_TURN: Cell<bool> = const { Cell::new(false) };
}

/// A writer's turn, given back when dropped (also when the transaction panics).
struct Turn {
    owned: bool,
}

impl SqliteWriter {
    fn wait_turn() -> Turn {
        if HOLDS_TURN.with(Cell::get) {
            return Turn { owned: false };
        }
        let mut queue = WRITER_QUEUE.lock().unwrap_or_else(PoisonError::into_inner);
        let ticket = queue.0;
        queue.0 += 1;
        while queue.1 != ticket {
            queue = WRITER_TURN
                .wait(queue)
                .unwrap_or_else(PoisonError::into_inner);
        }
        HOLDS_TURN.with(|h| h.set(true));
        Turn { owned: true }
    }
}

impl Drop for Turn {
    fn drop(&mut self) {
        if !self.owned {
            return;
        }
        HOLDS_TURN.with(|h| h.set(false));
        let mut queue = WRITER_QUEUE.lock().unwrap_or_else(PoisonError::into_inner);
        queue.1 += 1;
        drop(queue);
        WRITER_TURN.notify_all();
    }
}

/// Runs `f` inside the caller's [`write_tx`] as a savepoint: when `f` fails its writes are
/// undone and the enclosing transaction's are kept.
pub fn savepoint<T, E, F>(conn: &mut DbConnection, f: F) -> Result<T, E>
where
    F: FnOnce(&mut DbConnection) -> Result<T, E>,
    E: From<diesel::result::Error>,
{
    conn.transaction(f)
}

impl DbConnection {
    pub fn backend(&self) -> Backend {
        match self {
            DbConnection::Pg(_) => Backend::Postgres,
            DbConnection::Sqlite(_) => Backend::Sqlite,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backend_follows_the_url_scheme() {
        assert_eq!(
            Backend::from_url("sqlite://./data/kefu.db").unwrap(),
            Backend::Sqlite
        );
        assert_eq!(
            Backend::from_url("postgres://u@h/db").unwrap(),
            Backend::Postgres
        );
        assert!(Backend::from_url("mysql://u@h/db").is_err());
    }

    #[test]
    fn sqlite_writers_take_turns_instead_of_failing_busy() {
        let file = std::env::temp_dir().join(format!("kefu-writers-{}.db", uuid::Uuid::new_v4()));
        let url = format!("sqlite://{}", file.display());
        let pool = build_pool(&PoolConfig {
            url,
            max_size: 8,
            connection_timeout: Duration::from_secs(10),
            // No polling at all: a writer that met a held lock would fail at once.
            sqlite_busy_timeout: Duration::ZERO,
        })
        .unwrap();
        pool.get()
            .unwrap()
            .batch_execute("CREATE TABLE t (n INTEGER NOT NULL)")
            .unwrap();
        // Connect all eight first: connecting runs `PRAGMA optimize`, which may write.
        let connected: Vec<_> = (0..8).map(|_| pool.get().unwrap()).collect();
        drop(connected);
        let writers: Vec<_> = (0..8)
            .map(|_| {
                let pool = pool.clone();
                std::thread::spawn(move || {
                    let mut conn = pool.get().unwrap();
                    for _ in 0..25 {
                        write_tx(&mut conn, |c| {
                            c.batch_execute("INSERT INTO t SELECT COUNT(*) FROM t")?;
                            // Hold the lock a while, as a command does.
                            std::thread::sleep(Duration::from_micros(200));
                            Ok::<_, diesel::result::Error>(())
                        })
                        .unwrap();
                    }
                })
            })
            .collect();
        for w in writers {
            w.join().unwrap();
        }
        let mut conn = pool.get().unwrap();
        #[derive(QueryableByName)]
        struct N {
            #[diesel(sql_type = diesel::sql_types::BigInt)]
            n: i64,
        }
        let rows: Vec<N> = diesel::sql_query("SELECT COUNT(DISTINCT n) AS n FROM t")
            .load(&mut **conn)
            .unwrap();
        assert_eq!(rows[0].n, 200, "every write went in, one after another");
        drop(conn);
        drop(pool);
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", file.display()));
        }
    }

    #[test]
    fn redact_hides_passwords() {
        assert_eq!(
            redact("postgres://kefu:s3cret@db:5432/kefu"),
            "postgres://kefu:***@db:5432/kefu"
        );
        assert_eq!(redact("sqlite://./data/kefu.db"), "sqlite://./data/kefu.db");
    }
}
