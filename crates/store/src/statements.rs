//! Counts the statements each thread sends to the database, so the API can say how many a
//! request cost (its log line and a per-route histogram) and a test can pin the count for the
//! hot endpoints: a change that adds a round trip then fails loudly instead of slowly.

use diesel::connection::{Instrumentation, InstrumentationEvent};
use std::cell::Cell;

thread_local! {
    static SENT: Cell<u64> = const { Cell::new(0) };
}

/// The instrumentation every pooled connection carries: one count per statement started
/// (queries, `BEGIN`, `COMMIT`, savepoints alike: each is a round trip).
pub fn counter() -> impl Instrumentation {
    |event: InstrumentationEvent<'_>| {
        if let InstrumentationEvent::StartQuery { .. } = event {
            SENT.with(|n| n.set(n.get() + 1));
        }
    }
}

/// The statements this thread sent since the last call, and starts counting afresh.
pub fn take() -> u64 {
    SENT.with(|n| n.replace(0))
}

#[cfg(test)]
mod tests {
    use super::*;
    use diesel::connection::SimpleConnection;
    use diesel::{Connection, RunQueryDsl, SqliteConnection};

    #[test]
    fn every_statement_and_transaction_step_counts_once() {
        let mut conn = SqliteConnection::establish(":memory:").unwrap();
        conn.set_instrumentation(counter());
        take();
        conn.batch_execute("CREATE TABLE t (x INTEGER)").unwrap();
        conn.transaction(|c| {
            diesel::sql_query("INSERT INTO t VALUES (1)").execute(c)?;
            diesel::sql_query("INSERT INTO t VALUES (2)").execute(c)
        })
        .unwrap();
        // CREATE; BEGIN, two INSERTs, COMMIT.
        assert_eq!(take(), 5);
        assert_eq!(take(), 0, "taking starts afresh");
    }
}
