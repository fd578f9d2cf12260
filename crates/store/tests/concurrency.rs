//! Concurrent writers through the pool: the audit chain stays gap-free, and every conditional
//! write (versioned update, idempotency claim, refresh-token spend) has exactly one winner.

// Helpers outside #[test] functions panic on failure too, as tests should.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use chrono::{DateTime, Duration, TimeZone, Utc};
use common::{TestDb, fresh_databases, race};
use diesel::prelude::*;
use kefu_store::audit::{self, AuditFilter, NewAuditEntry};
use kefu_store::credentials::{self, RefreshTokenRow};
use kefu_store::idempotency::{self, Claim, KeyUse, StoredResponse, Terms};
use kefu_store::schema::{idempotency_keys, refresh_tokens};
use kefu_store::users::{self, ProfileChanges, UserRow, VersionedWrite};
use kefu_store::{DbConnection, StoreError, new_id, to_db_time, write_tx};
use std::collections::{BTreeMap, BTreeSet};

fn base_time() -> DateTime<Utc> {
    // Whole microseconds, so instants compare equal after a round trip through either backend.
    Utc.with_ymd_and_hms(2026, 3, 2, 9, 30, 0)
        .single()
        .expect("a valid instant")
        + Duration::microseconds(123_456)
}

fn insert_user(conn: &mut DbConnection, username: &str) -> String {
    let now = to_db_time(base_time());
    let row = UserRow {
        id: new_id(),
        username: username.to_owned(),
        display_name: username.to_owned(),
        email: None,
        phone: None,
        kind: "human".to_owned(),
        password_hash: None,
        disabled: false,
        must_change_password: false,
        created_at: now,
        updated_at: now,
        version: 1,
        session_version: 0,
        scope_changed_at: None,
    };
    users::insert(conn, &row, &[]).expect("insert a user");
    row.id
}

#[test]
fn concurrent_audit_appends_keep_the_chain_gap_free() {
    const THREADS: usize = 8;
    const EACH: usize = 25;
    for db in fresh_databases() {
        let name = db.name();
        let appended = race(&db, THREADS, |thread, conn| {
            let actor = format!("thread-{thread}");
            (0..EACH)
                .map(|k| {
                    let entity_id = format!("{thread}-{k}");
                    write_tx(conn, |conn| {
                        audit::append(
                            conn,
                            NewAuditEntry {
                                actor_id: Some(&actor),
                                action: "test.appended",
                                entity_type: "thing",
                                entity_id: &entity_id,
                                before: None,
                                after: Some(serde_json::json!({ "thread": thread, "k": k })),
                                request_id: None,
                            },
                            Utc::now(),
                        )
                    })
                    .map(|row| row.seq)
                })
                .collect::<Result<Vec<i64>, StoreError>>()
        });

        let total = (THREADS * EACH) as i64;
        let mut conn = db.conn();
        let report = audit::verify(&mut conn, None).expect("verify");
        assert_eq!(report.broken, None, "{name}: {report:?}");
        assert_eq!(
            (report.entries_checked, report.head_seq),
            (total, total),
            "{name}"
        );

        let rows = audit::list(&mut conn, &AuditFilter::default(), None, 10_000).expect("list");
        let seqs: BTreeSet<i64> = rows.iter().map(|r| r.seq).collect();
        assert_eq!(seqs, (1..=total).collect::<BTreeSet<_>>(), "{name}");
        let ids: BTreeSet<&str> = rows.iter().map(|r| r.id.as_str()).collect();
        assert_eq!(ids.len(), rows.len(), "{name}: duplicate ids");

        // Every thread's entries are all there, in the order that thread wrote them.
        let mut by_actor: BTreeMap<String, Vec<(i64, String)>> = BTreeMap::new();
        for row in &rows {
            by_actor
                .entry(row.actor_id.clone().expect("actor"))
                .or_default()
                .push((row.seq, row.entity_id.clone()));
        }
        assert_eq!(by_actor.len(), THREADS, "{name}");
        let mut in_order: Vec<(i64, Option<String>)> =
            rows.iter().map(|r| (r.seq, r.actor_id.clone())).collect();
        in_order.sort();
        let switches = in_order.windows(2).filter(|w| w[0].1 != w[1].1).count();
        eprintln!("{name}: the writers interleaved {switches} times in {total} entries");
        for (thread, seqs) in appended.into_iter().enumerate() {
            let seqs = seqs.unwrap_or_else(|e| panic!("{name}: thread {thread} failed: {e}"));
            assert_eq!(seqs.len(), EACH);
            assert!(seqs.windows(2).all(|w| w[0] < w[1]), "{name}: {seqs:?}");
            let mut stored = by_actor
                .remove(&format!("thread-{thread}"))
                .expect("entries");
            stored.sort();
            let expected: Vec<(i64, String)> = seqs
                .iter()
                .enumerate()
                .map(|(k, seq)| (*seq, format!("{thread}-{k}")))
                .collect();
            assert_eq!(stored, expected, "{name}: thread {thread}");
        }
    }
}

#[test]
fn concurrent_versioned_updates_have_one_winner() {
    for db in fresh_databases() {
        let name = db.name();
        let id = insert_user(&mut db.conn(), "racer");
        for round in 0..6_i64 {
            let expected_version = round + 1;
            let in_tx = round % 2 == 0;
            let user_id = id.clone();
            let outcomes = race(&db, 2, move |thread, conn| {
                let changes = ProfileChanges {
                    display_name: Some(format!("round {round} writer {thread}")),
                    ..ProfileChanges::default()
                };
                let now = base_time() + Duration::seconds(round * 10 + thread as i64);
                let update = |conn: &mut DbConnection| {
                    users::update(conn, &user_id, expected_version, &changes, None, now)
                };
                let outcome = if in_tx {
                    write_tx(conn, update)
                } else {
                    update(conn)
                };
                outcome.expect("update")
            });
            let winners: Vec<usize> = (0..2)
                .filter(|t| outcomes[*t] == VersionedWrite::Written)
                .collect();
            assert_eq!(winners.len(), 1, "{name} round {round}: {outcomes:?}");
            let winner = winners[0];
            assert_eq!(
                outcomes[1 - winner],
                VersionedWrite::Stale(expected_version + 1),
                "{name} round {round}"
            );

            let stored = users::find(&mut db.conn(), &id)
                .expect("find")
                .expect("the user");
            assert_eq!(stored.row.version, expected_version + 1, "{name}");
            assert_eq!(
                stored.row.display_name,
                format!("round {round} writer {winner}"),
                "{name}: the winner's change is the one stored"
            );
            assert_eq!(
                stored.row.updated_at,
                to_db_time(base_time() + Duration::seconds(round * 10 + winner as i64)),
                "{name}"
            );
        }
    }
}

const TERMS: Terms = Terms {
    ttl: Duration::hours(24),
    lease: Duration::seconds(60),
};

fn claim_as(conn: &mut DbConnection, key: &str, request_hash: &str) -> Result<Claim, StoreError> {
    claim_at(conn, key, request_hash, base_time())
}

fn claim_at(
    conn: &mut DbConnection,
    key: &str,
    request_hash: &str,
    now: DateTime<Utc>,
) -> Result<Claim, StoreError> {
    idempotency::claim(
        conn,
        &KeyUse {
            actor_id: "caller-1",
            key,
            method: "POST",
            path: "/api/v1/users",
            request_hash,
        },
        now,
        TERMS,
    )
}

fn stored_status(db: &TestDb, key: &str) -> Option<Option<i64>> {
    idempotency_keys::table
        .filter(idempotency_keys::actor_id.eq("caller-1"))
        .filter(idempotency_keys::idem_key.eq(key))
        .select(idempotency_keys::status_code)
        .first(&mut **db.conn())
        .optional()
        .expect("read the key")
}

#[test]
fn concurrent_claims_of_one_key_have_one_winner() {
    const THREADS: usize = 6;
    for db in fresh_databases() {
        let name = db.name();
        for round in 0..5 {
            let key = format!("key-{round}");
            let racing_key = key.clone();
            let claims = race(&db, THREADS, move |_, conn| {
                claim_as(conn, &racing_key, "h1")
            });
            let claims: Vec<Claim> = claims
                .into_iter()
                .map(|c| c.unwrap_or_else(|e| panic!("{name}: claim failed: {e}")))
                .collect();
            let fresh = claims.iter().filter(|c| **c == Claim::Fresh).count();
            let in_progress = claims
                .iter()
                .filter(|c| matches!(c, Claim::InProgress { .. }))
                .count();
            assert_eq!(
                (fresh, in_progress),
                (1, THREADS - 1),
                "{name} round {round}: {claims:?}"
            );
            assert_eq!(
                stored_status(&db, &key),
                Some(None),
                "{name}: one open claim"
            );
        }
        let rows: i64 = idempotency_keys::table
            .count()
            .get_result(&mut **db.conn())
            .expect("count keys");
        assert_eq!(rows, 5, "{name}: one row per key");

        // The winner completes: later uses replay, another body is a mismatch.
        let response = StoredResponse {
            status: 201,
            body: "{\"id\":\"u-1\"}".to_owned(),
            headers: "{\"content-type\":\"application/json\"}".to_owned(),
        };
        let mut conn = db.conn();
        idempotency::complete(&mut conn, "caller-1", "key-0", &response).expect("complete");
        assert_eq!(stored_status(&db, "key-0"), Some(Some(201)), "{name}");
        assert_eq!(
            claim_as(&mut conn, "key-0", "h1").expect("claim"),
            Claim::Replay(response),
            "{name}"
        );
        assert_eq!(
            claim_as(&mut conn, "key-0", "h2").expect("claim"),
            Claim::Mismatch,
            "{name}"
        );
        // A completed key is not released; an open one is, and can be claimed afresh.
        idempotency::release(&mut conn, "caller-1", "key-0").expect("release");
        assert_eq!(stored_status(&db, "key-0"), Some(Some(201)), "{name}");
        idempotency::release(&mut conn, "caller-1", "key-1").expect("release");
        assert_eq!(stored_status(&db, "key-1"), None, "{name}: released");
        assert_eq!(
            claim_as(&mut conn, "key-1", "h1").expect("claim"),
            Claim::Fresh,
            "{name}"
        );
    }
}

/// A request killed with its process never completes nor releases its claim: until the lease
/// ends, a retry is told to wait (and until when); after it, exactly one of several racing
/// retries runs the command afresh, and a completed key is never taken over.
#[test]
fn an_abandoned_claim_is_taken_over_by_one_retry_once_its_lease_ends() {
    const THREADS: usize = 6;
    for db in fresh_databases() {
        let name = db.name();
        let mut conn = db.conn();
        assert_eq!(claim_as(&mut conn, "dead", "h1").unwrap(), Claim::Fresh);
        let lease_end = base_time() + TERMS.lease;
        assert_eq!(
            claim_at(&mut conn, "dead", "h1", lease_end - Duration::seconds(1)).unwrap(),
            Claim::InProgress { until: lease_end },
            "{name}: the lease still runs"
        );
        // Another body under the key is still refused, whatever the lease.
        assert_eq!(
            claim_at(&mut conn, "dead", "h2", lease_end).unwrap(),
            Claim::Mismatch,
            "{name}"
        );
        drop(conn);

        let claims = race(&db, THREADS, move |thread, conn| {
            claim_at(
                conn,
                "dead",
                "h1",
                lease_end + Duration::seconds(thread as i64),
            )
            .unwrap()
        });
        let fresh = claims.iter().filter(|c| **c == Claim::Fresh).count();
        assert_eq!(fresh, 1, "{name}: one retry takes it over: {claims:?}");
        assert!(
            claims.iter().all(|c| *c == Claim::Fresh
                || matches!(c, Claim::InProgress { until } if *until > lease_end)),
            "{name}: the others wait for the new lease: {claims:?}"
        );

        // The retry's command commits, and its process dies before the response is stored:
        // the next retry after the lease must not run it a third time.
        let mut conn = db.conn();
        let retry_lease_end = lease_end + TERMS.lease * 2;
        write_tx(&mut conn, |conn| {
            idempotency::mark_committed(
                conn,
                "caller-1",
                "dead",
                Some(("customer", "c-9")),
                lease_end,
            )
        })
        .unwrap();
        idempotency::release(&mut conn, "caller-1", "dead").unwrap();
        assert!(
            matches!(
                claim_at(&mut conn, "dead", "h1", lease_end + Duration::seconds(1)).unwrap(),
                Claim::InProgress { .. }
            ),
            "{name}: still leased"
        );
        assert_eq!(
            claim_at(&mut conn, "dead", "h1", retry_lease_end).unwrap(),
            Claim::Committed {
                entity: Some(("customer".to_owned(), "c-9".to_owned()))
            },
            "{name}: committed, not released, never re-run"
        );

        let response = StoredResponse {
            status: 201,
            body: "{}".to_owned(),
            headers: "{}".to_owned(),
        };
        idempotency::complete(&mut conn, "caller-1", "dead", &response).unwrap();
        let much_later = lease_end + Duration::hours(1);
        assert_eq!(
            claim_at(&mut conn, "dead", "h1", much_later).unwrap(),
            Claim::Replay(response),
            "{name}: a finished key replays, lease or not"
        );
    }
}

#[test]
fn concurrent_refresh_token_spends_have_one_winner() {
    const THREADS: usize = 6;
    for db in fresh_databases() {
        let name = db.name();
        let user_id = insert_user(&mut db.conn(), "spender");
        for round in 0..4_i64 {
            let token = RefreshTokenRow {
                id: new_id(),
                user_id: user_id.clone(),
                family_id: new_id(),
                token_hash: format!("hash-{round}"),
                created_at: to_db_time(base_time()),
                expires_at: to_db_time(base_time() + Duration::days(30)),
                used_at: None,
                revoked_at: None,
                successor_id: None,
                successor_sealed: None,
                grace_used_at: None,
            };
            credentials::insert_refresh_token(&mut db.conn(), &token).expect("insert token");
            let token_id = token.id.clone();
            let at =
                move |thread: usize| base_time() + Duration::seconds(round * 100 + thread as i64);
            let spent = race(&db, THREADS, move |thread, conn| {
                credentials::spend_refresh_token(conn, &token_id, at(thread)).expect("spend")
            });
            let winners: Vec<usize> = (0..THREADS).filter(|t| spent[*t]).collect();
            assert_eq!(winners.len(), 1, "{name} round {round}: {spent:?}");

            let stored = credentials::find_refresh_token(&mut db.conn(), &token.token_hash)
                .expect("find")
                .expect("the token");
            assert_eq!(
                stored.used_at,
                Some(to_db_time(at(winners[0]))),
                "{name}: the winner's spend is the one stored"
            );
            assert_eq!(stored.revoked_at, None, "{name}");
            // Spending it again later is a replay.
            assert!(
                !credentials::spend_refresh_token(&mut db.conn(), &token.id, at(99))
                    .expect("spend"),
                "{name}"
            );
        }
        let used: i64 = refresh_tokens::table
            .filter(refresh_tokens::used_at.is_not_null())
            .count()
            .get_result(&mut **db.conn())
            .expect("count");
        assert_eq!(used, 4, "{name}");
    }
}
