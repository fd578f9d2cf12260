//! SQLite's planner needs statistics (issue 18): a new pooled connection analyses the tables
//! that changed, so list queries use their indexes instead of sorting every row.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use diesel::prelude::*;
use diesel::sql_types::BigInt;

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

#[test]
fn a_new_sqlite_connection_gathers_the_statistics_the_planner_uses() {
    let db = common::fresh_sqlite();
    db.raw_execute(
        "CREATE TABLE stats_probe (id INTEGER PRIMARY KEY, status TEXT NOT NULL); \
         CREATE INDEX stats_probe_status ON stats_probe (status); \
         WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 2000) \
         INSERT INTO stats_probe SELECT i, CASE WHEN i % 10 = 0 THEN 'new' ELSE 'closed' END FROM n;",
    )
    .unwrap();
    // A pool of its own: its first connection is new, as after the pool renews one.
    let pool = kefu_store::build_pool(&kefu_store::PoolConfig {
        url: db.url.clone(),
        max_size: 1,
        connection_timeout: std::time::Duration::from_secs(5),
        sqlite_busy_timeout: std::time::Duration::from_secs(5),
    })
    .unwrap();
    let mut pooled = pool.get().unwrap();
    let kefu_store::DbConnection::Sqlite(conn) = &mut **pooled else {
        panic!("fresh_sqlite gives SQLite");
    };
    let analysed: Count =
        diesel::sql_query("SELECT count(*) AS n FROM sqlite_stat1 WHERE tbl = 'stats_probe'")
            .get_result(conn)
            .unwrap();
    assert!(analysed.n > 0, "the probe table has statistics");
}
