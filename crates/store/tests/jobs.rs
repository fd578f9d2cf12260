//! Job leasing, the backend-specific part of the job queue: concurrent instances lease every
//! due job exactly once, nothing before it is due, and a job whose lease expired is taken over.

// Helpers outside #[test] functions panic on failure too, as tests should.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use chrono::{Duration, NaiveDateTime, TimeZone, Utc};
use common::{fresh_databases, race};
use kefu_store::jobs::{self, Enqueued, JobRow, Outcome};
use kefu_store::{DbConnection, new_id, to_db_time};
use std::collections::BTreeSet;

fn at(minutes: i64) -> NaiveDateTime {
    to_db_time(
        Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0).single().unwrap() + Duration::minutes(minutes),
    )
}

fn job(kind: &str, run_at: NaiveDateTime, dedupe_key: Option<&str>) -> JobRow {
    JobRow {
        id: new_id(),
        kind: kind.to_owned(),
        payload: "{}".to_owned(),
        run_at,
        status: jobs::QUEUED.to_owned(),
        attempts: 0,
        max_attempts: 3,
        last_error: None,
        leased_by: None,
        lease_until: None,
        dedupe_key: dedupe_key.map(str::to_owned),
        created_at: at(0),
        updated_at: at(0),
        version: 1,
    }
}

fn add(conn: &mut DbConnection, row: &JobRow) -> String {
    match jobs::enqueue(conn, row).unwrap() {
        Enqueued::Created(id) => id,
        Enqueued::Existing(id) => panic!("{id} existed"),
    }
}

#[test]
fn concurrent_instances_lease_each_due_job_once() {
    const JOBS: usize = 40;
    const INSTANCES: usize = 6;
    for db in fresh_databases() {
        let name = db.name();
        let mut conn = db.conn();
        let ids: BTreeSet<String> = (0..JOBS)
            .map(|_| add(&mut conn, &job("k", at(0), None)))
            .collect();
        drop(conn);
        let leased = race(&db, INSTANCES, |i, conn| {
            let worker = format!("instance-{i}");
            let mut mine = Vec::new();
            loop {
                let batch = jobs::lease_due(conn, &worker, &["k"], at(1), at(6), 3).unwrap();
                if batch.is_empty() {
                    break mine;
                }
                for row in batch {
                    assert_eq!(row.leased_by.as_deref(), Some(worker.as_str()));
                    assert_eq!(row.status, jobs::RUNNING);
                    assert_eq!(row.attempts, 1);
                    mine.push(row.id);
                }
            }
        });
        let all: Vec<String> = leased.into_iter().flatten().collect();
        assert_eq!(all.len(), JOBS, "{name}: every job leased once");
        assert_eq!(all.into_iter().collect::<BTreeSet<_>>(), ids, "{name}");
    }
}

#[test]
fn only_due_jobs_of_known_kinds_are_leased_and_expired_leases_are_taken_over() {
    for db in fresh_databases() {
        let name = db.name();
        let mut conn = db.conn();
        let due = add(&mut conn, &job("k", at(0), None));
        add(&mut conn, &job("k", at(10), None));
        add(&mut conn, &job("other", at(0), None));

        let first = jobs::lease_due(&mut conn, "a", &["k"], at(1), at(6), 10).unwrap();
        assert_eq!(
            first.iter().map(|r| &r.id).collect::<Vec<_>>(),
            vec![&due],
            "{name}"
        );
        // Leased and not expired: nobody else gets it.
        assert!(
            jobs::lease_due(&mut conn, "b", &["k"], at(5), at(10), 10)
                .unwrap()
                .is_empty(),
            "{name}"
        );
        // Instance `a` died; its lease ran out at minute 6.
        let taken = jobs::lease_due(&mut conn, "b", &["k"], at(7), at(12), 10).unwrap();
        assert_eq!(taken.len(), 1, "{name}");
        assert_eq!(taken[0].id, due, "{name}");
        assert_eq!(taken[0].leased_by.as_deref(), Some("b"), "{name}");
        assert_eq!(taken[0].attempts, 2, "{name}");
        // The late outcome of the lost lease does not count; the new holder's does.
        assert!(
            !jobs::finish(&mut conn, &due, "a", &Outcome::Succeeded, at(8)).unwrap(),
            "{name}"
        );
        let retry = Outcome::Retry {
            error: "boom".to_owned(),
            retry_at: at(20),
        };
        assert!(
            jobs::finish(&mut conn, &due, "b", &retry, at(8)).unwrap(),
            "{name}"
        );
        let row = jobs::find(&mut conn, &due).unwrap().unwrap();
        assert_eq!(
            (row.status.as_str(), row.run_at),
            (jobs::QUEUED, at(20)),
            "{name}"
        );
        assert_eq!(row.last_error.as_deref(), Some("boom"), "{name}");
        assert!(jobs::rerunnable(&row), "{name}");
        // Not due again before its retry time.
        let early = jobs::lease_due(&mut conn, "b", &["k"], at(15), at(20), 10).unwrap();
        assert!(early.iter().all(|r| r.id != due), "{name}");
    }
}

#[test]
fn a_dedupe_key_enqueues_once_and_rerun_requeues_a_dead_job() {
    for db in fresh_databases() {
        let name = db.name();
        let mut conn = db.conn();
        let first = add(&mut conn, &job("p", at(0), Some("p@09:00")));
        let again = jobs::enqueue(&mut conn, &job("p", at(0), Some("p@09:00"))).unwrap();
        assert_eq!(again, Enqueued::Existing(first.clone()), "{name}");

        jobs::lease_due(&mut conn, "a", &["p"], at(1), at(6), 1).unwrap();
        let dead = Outcome::Dead {
            error: "gave up".to_owned(),
        };
        assert!(
            jobs::finish(&mut conn, &first, "a", &dead, at(2)).unwrap(),
            "{name}"
        );
        let row = jobs::find(&mut conn, &first).unwrap().unwrap();
        assert_eq!(row.status, jobs::DEAD, "{name}");
        assert_eq!(
            jobs::rerun(&mut conn, &first, row.version - 1, at(3)).unwrap(),
            jobs::VersionedWrite::Stale(row.version),
            "{name}"
        );
        assert_eq!(
            jobs::rerun(&mut conn, &first, row.version, at(3)).unwrap(),
            jobs::VersionedWrite::Written,
            "{name}"
        );
        let row = jobs::find(&mut conn, &first).unwrap().unwrap();
        assert_eq!(
            (row.status.as_str(), row.attempts, row.run_at),
            (jobs::QUEUED, 0, at(3)),
            "{name}"
        );
        assert_eq!(
            jobs::lease_due(&mut conn, "a", &["p"], at(3), at(8), 1)
                .unwrap()
                .len(),
            1,
            "{name}"
        );
        assert!(
            jobs::finish(&mut conn, &first, "a", &Outcome::Succeeded, at(4)).unwrap(),
            "{name}"
        );
        assert_eq!(
            jobs::purge_succeeded(&mut conn, at(4)).unwrap(),
            0,
            "{name}"
        );
        assert_eq!(
            jobs::purge_succeeded(&mut conn, at(5)).unwrap(),
            1,
            "{name}"
        );
    }
}
