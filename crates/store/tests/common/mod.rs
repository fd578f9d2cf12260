//! Fresh, migrated databases for the store's integration tests: SQLite always, PostgreSQL too
//! when `KEFU_TEST_PG_URL` names a server (each test gets its own database, dropped after).

// Every test binary compiles this module and uses a different part of it.
#![allow(dead_code)]

use diesel::connection::SimpleConnection;
use diesel::r2d2::PooledConnection;
use diesel::{Connection, PgConnection, SqliteConnection};
use kefu_store::{
    Backend, DbConnection, DbManager, DbPool, PoolConfig, build_pool, pending_migrations,
    run_migrations,
};
use std::path::PathBuf;
use std::time::Duration;

pub const PG_URL_VAR: &str = "KEFU_TEST_PG_URL";

/// Connections per test pool: enough for the concurrency tests' eight writers.
pub const POOL_SIZE: u32 = 8;

pub type Conn = PooledConnection<DbManager>;

/// One fresh, migrated database; removed (file or PostgreSQL database) when dropped.
pub struct TestDb {
    pub backend: Backend,
    pub url: String,
    pool: Option<DbPool>,
    cleanup: Cleanup,
}

enum Cleanup {
    SqliteDir(PathBuf),
    PgDatabase { admin_url: String, name: String },
}

/// A migrated database per available backend: SQLite always, PostgreSQL when
/// `KEFU_TEST_PG_URL` is set (otherwise the PostgreSQL half is skipped, and said so).
pub fn fresh_databases() -> Vec<TestDb> {
    let mut dbs = vec![fresh_sqlite()];
    match fresh_pg() {
        Some(db) => dbs.push(db),
        None => eprintln!("{PG_URL_VAR} is not set: skipping the PostgreSQL half of this test"),
    }
    dbs
}

pub fn fresh_sqlite() -> TestDb {
    let dir = std::env::temp_dir().join(format!("kefu-store-test-{}", unique()));
    std::fs::create_dir_all(&dir).expect("create the SQLite test directory");
    let url = format!("sqlite://{}", dir.join("kefu.db").display());
    TestDb::migrated(Backend::Sqlite, url, Cleanup::SqliteDir(dir))
}

/// `None` when `KEFU_TEST_PG_URL` is unset.
pub fn fresh_pg() -> Option<TestDb> {
    let admin_url = std::env::var(PG_URL_VAR).ok().filter(|u| !u.is_empty())?;
    let name = format!("kefu_store_{}", unique());
    let mut admin = PgConnection::establish(&admin_url)
        .unwrap_or_else(|e| panic!("cannot connect to {PG_URL_VAR}: {e}"));
    admin
        .batch_execute(&format!("CREATE DATABASE {name}"))
        .unwrap_or_else(|e| panic!("CREATE DATABASE {name}: {e}"));
    let url = with_database(&admin_url, &name);
    Some(TestDb::migrated(
        Backend::Postgres,
        url,
        Cleanup::PgDatabase { admin_url, name },
    ))
}

fn unique() -> String {
    uuid::Uuid::new_v4().simple().to_string()
}

/// `postgres://u@h:5432/test?x=y` with the database `name` instead of `test`.
pub fn with_database(base: &str, name: &str) -> String {
    let (prefix, rest) = base.split_at(base.find("://").map_or(0, |i| i + 3));
    let (authority, query) = match rest.find(['/', '?']) {
        Some(i) => {
            let tail = &rest[i..];
            (&rest[..i], tail.find('?').map_or("", |q| &tail[q..]))
        }
        None => (rest, ""),
    };
    format!("{prefix}{authority}/{name}{query}")
}

impl TestDb {
    fn migrated(backend: Backend, url: String, cleanup: Cleanup) -> TestDb {
        // Build the value first so that a failed migration still cleans up.
        let mut db = TestDb {
            backend,
            url: url.clone(),
            pool: None,
            cleanup,
        };
        let pool = build_pool(&PoolConfig {
            url,
            max_size: POOL_SIZE,
            connection_timeout: Duration::from_secs(30),
            sqlite_busy_timeout: Duration::from_secs(30),
        })
        .expect("build the pool");
        db.pool = Some(pool);
        let mut conn = db.conn();
        let applied = run_migrations(&mut conn).expect("run the migrations");
        assert!(!applied.is_empty(), "{}: no migration applied", db.name());
        let pending = pending_migrations(&mut conn).expect("list pending migrations");
        assert!(
            pending.is_empty(),
            "{}: still pending: {pending:?}",
            db.name()
        );
        drop(conn);
        db
    }

    pub fn name(&self) -> &'static str {
        self.backend.name()
    }

    pub fn pool(&self) -> &DbPool {
        self.pool.as_ref().expect("the pool lives until drop")
    }

    pub fn conn(&self) -> Conn {
        self.pool().get().expect("check out a connection")
    }

    /// A new connection outside the pool: sees only what was committed.
    pub fn independent_conn(&self) -> DbConnection {
        match self.backend {
            Backend::Postgres => {
                DbConnection::Pg(PgConnection::establish(&self.url).expect("connect"))
            }
            Backend::Sqlite => {
                DbConnection::Sqlite(SqliteConnection::establish(&self.url).expect("connect"))
            }
        }
    }

    /// Runs SQL on the backend's own connection, behind the store's back (tampering).
    pub fn raw_execute(&self, sql: &str) -> Result<(), diesel::result::Error> {
        let mut conn = self.conn();
        match &mut **conn {
            DbConnection::Pg(c) => c.batch_execute(sql),
            DbConnection::Sqlite(c) => c.batch_execute(sql),
        }
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        // Close the pool's connections before removing what they point at.
        drop(self.pool.take());
        match &self.cleanup {
            Cleanup::SqliteDir(dir) => {
                if let Err(e) = std::fs::remove_dir_all(dir) {
                    eprintln!("could not remove {}: {e}", dir.display());
                }
            }
            Cleanup::PgDatabase { admin_url, name } => {
                let dropped = PgConnection::establish(admin_url)
                    .map_err(|e| e.to_string())
                    .and_then(|mut admin| {
                        admin
                            .batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                            .map_err(|e| e.to_string())
                    });
                if let Err(e) = dropped {
                    eprintln!("could not drop the test database {name}: {e}");
                }
            }
        }
    }
}

/// Runs `f` on `n` threads released together, each with its own pooled connection, and
/// returns their results in thread order.
pub fn race<T, F>(db: &TestDb, n: usize, f: F) -> Vec<T>
where
    T: Send + 'static,
    F: Fn(usize, &mut DbConnection) -> T + Send + Sync + 'static,
{
    assert!(
        n <= POOL_SIZE as usize,
        "more racers than pooled connections"
    );
    let f = std::sync::Arc::new(f);
    let barrier = std::sync::Arc::new(std::sync::Barrier::new(n));
    let handles: Vec<_> = (0..n)
        .map(|i| {
            let pool = db.pool().clone();
            let barrier = barrier.clone();
            let f = f.clone();
            std::thread::spawn(move || {
                // Check out before the barrier, so the race is between statements, not connects.
                let mut conn = pool.get().expect("check out a connection");
                barrier.wait();
                f(i, &mut conn)
            })
        })
        .collect();
    handles
        .into_iter()
        .map(|h| h.join().expect("a racing thread panicked"))
        .collect()
}
