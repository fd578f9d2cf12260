//! The audit log's hash chain: intact after appends, and every kind of tampering behind the
//! application's back (altered, re-hashed, removed or truncated entries) named by `verify`.

// Helpers outside #[test] functions panic on failure too, as tests should.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use chrono::{DateTime, Utc};
use common::{TestDb, fresh_databases};
use diesel::prelude::*;
use kefu_store::audit::{
    self, AuditFilter, AuditRow, ChainReport, Checkpoint, GENESIS_HASH, NewAuditEntry,
};
use kefu_store::schema::{audit_head, audit_log};
use kefu_store::{Backend, DbConnection, StoreError, write_tx};

fn entry_now() -> DateTime<Utc> {
    // The wall clock, nanoseconds and all: the hash must survive each backend's precision.
    Utc::now()
}

/// Appends `n` entries, each in its own write transaction; returns what `append` returned.
fn append_n(conn: &mut DbConnection, n: usize, tag: &str) -> Vec<AuditRow> {
    (0..n)
        .map(|i| {
            let entity_id = format!("{tag}-{i}");
            let request_id = format!("req-{tag}-{i}");
            write_tx(conn, |conn| {
                audit::append(
                    conn,
                    NewAuditEntry {
                        actor_id: if i % 2 == 0 { Some("admin-1") } else { None },
                        action: "user.updated",
                        entity_type: "user",
                        entity_id: &entity_id,
                        before: Some(serde_json::json!({ "n": i, "name": "张三" })),
                        after: (i % 3 != 1)
                            .then(|| serde_json::json!({ "n": i + 1, "note": "a \"quoted\" 值" })),
                        request_id: Some(&request_id),
                    },
                    entry_now(),
                )
            })
            .expect("append an audit entry")
        })
        .collect()
}

/// Every stored entry, oldest first.
fn stored(conn: &mut DbConnection) -> Vec<AuditRow> {
    let mut rows =
        audit::list(conn, &AuditFilter::default(), None, 100_000).expect("list the audit log");
    rows.reverse();
    rows
}

fn head(conn: &mut DbConnection) -> (i64, String) {
    audit_head::table
        .find(1)
        .select((audit_head::seq, audit_head::hash))
        .first(conn)
        .expect("read the chain head")
}

fn verify(conn: &mut DbConnection) -> ChainReport {
    audit::verify(conn, None).expect("verify the chain")
}

fn intact(n: i64) -> ChainReport {
    ChainReport {
        entries_checked: n,
        head_seq: n,
        broken: None,
    }
}

fn drop_append_only_triggers(db: &TestDb) {
    let sql = match db.backend {
        Backend::Sqlite => "DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete;",
        Backend::Postgres => "DROP TRIGGER audit_log_no_update ON audit_log;",
    };
    db.raw_execute(sql).expect("drop the append-only triggers");
}

fn micros(t: chrono::NaiveDateTime) -> String {
    t.format("%Y-%m-%dT%H:%M:%S%.6f").to_string()
}

#[test]
fn appended_entries_form_an_intact_chain() {
    for db in fresh_databases() {
        let name = db.name();
        let mut conn = db.conn();
        assert_eq!(verify(&mut conn), intact(0), "{name}: empty log");
        assert_eq!(head(&mut conn), (0, GENESIS_HASH.to_owned()));

        let appended = append_n(&mut conn, 5, "a");
        let rows = stored(&mut conn);
        assert_eq!(rows.len(), 5, "{name}");
        assert_eq!(
            rows.iter().map(|r| r.seq).collect::<Vec<_>>(),
            vec![1, 2, 3, 4, 5],
            "{name}"
        );
        let mut prev = GENESIS_HASH.to_owned();
        for (row, returned) in rows.iter().zip(&appended) {
            assert_eq!(row.prev_hash, prev, "{name}: seq {} links back", row.seq);
            assert_eq!(audit::entry_hash(row), row.hash, "{name}: seq {}", row.seq);
            // What append returned is what was stored (to the microsecond both keep).
            assert_eq!(
                (
                    &row.seq,
                    &row.id,
                    &row.actor_id,
                    &row.entity_id,
                    &row.before_json,
                    &row.after_json,
                    &row.request_id,
                    &row.hash
                ),
                (
                    &returned.seq,
                    &returned.id,
                    &returned.actor_id,
                    &returned.entity_id,
                    &returned.before_json,
                    &returned.after_json,
                    &returned.request_id,
                    &returned.hash
                ),
                "{name}"
            );
            assert_eq!(micros(row.occurred_at), micros(returned.occurred_at));
            prev = row.hash.clone();
        }
        let before: serde_json::Value =
            serde_json::from_str(rows[0].before_json.as_deref().expect("before_json"))
                .expect("before_json is JSON");
        assert_eq!(before, serde_json::json!({ "n": 0, "name": "张三" }));
        assert_eq!(rows[1].after_json, None);
        assert_eq!(head(&mut conn), (5, prev), "{name}: head is the last entry");
        assert_eq!(verify(&mut conn), intact(5), "{name}");

        // Paging and filters read the same rows.
        let page = audit::list(&mut conn, &AuditFilter::default(), Some(4), 2).expect("page");
        assert_eq!(page.iter().map(|r| r.seq).collect::<Vec<_>>(), vec![3, 2]);
        let filter = AuditFilter {
            entity_id: Some("a-3".to_owned()),
            ..AuditFilter::default()
        };
        let one = audit::list(&mut conn, &filter, None, 10).expect("filter");
        assert_eq!(one.iter().map(|r| r.seq).collect::<Vec<_>>(), vec![4]);
    }
}

#[test]
fn altered_entry_is_named_by_verify() {
    for db in fresh_databases() {
        let name = db.name();
        let mut conn = db.conn();
        append_n(&mut conn, 5, "alter");
        drop_append_only_triggers(&db);
        db.raw_execute("UPDATE audit_log SET after_json = '{\"n\":999}' WHERE seq = 3")
            .expect("tamper");
        let tampered: Option<String> = audit_log::table
            .find(3)
            .select(audit_log::after_json)
            .first(&mut **conn)
            .expect("read the tampered row");
        assert_eq!(tampered.as_deref(), Some("{\"n\":999}"), "{name}: tampered");

        let report = verify(&mut conn);
        assert_eq!(report.entries_checked, 2, "{name}: {report:?}");
        assert_eq!(report.head_seq, 5, "{name}");
        let (seq, reason) = report.broken.expect("tampering detected");
        assert_eq!(seq, 3, "{name}: {reason}");
        assert!(
            reason.contains("content") && reason.contains("hash"),
            "{name}: {reason}"
        );
    }
}

#[test]
fn rehashed_entry_breaks_the_link_to_the_next() {
    // A forger who also recomputes the altered entry's hash is caught one entry later.
    for db in fresh_databases() {
        let name = db.name();
        let mut conn = db.conn();
        append_n(&mut conn, 5, "rehash");
        drop_append_only_triggers(&db);
        let mut forged = stored(&mut conn).remove(2);
        assert_eq!(forged.seq, 3);
        forged.after_json = Some("{\"n\":999}".to_owned());
        forged.hash = audit::entry_hash(&forged);
        db.raw_execute(&format!(
            "UPDATE audit_log SET after_json = '{{\"n\":999}}', hash = '{}' WHERE seq = 3",
            forged.hash
        ))
        .expect("tamper");
        assert_eq!(stored(&mut conn)[2], forged, "{name}: forged row stored");

        let report = verify(&mut conn);
        assert_eq!(report.entries_checked, 3, "{name}: {report:?}");
        let (seq, reason) = report.broken.expect("forgery detected");
        assert_eq!(
            (seq, reason.contains("link")),
            (4, true),
            "{name}: {reason}"
        );
    }
}

#[test]
fn deleted_middle_entry_is_reported_missing() {
    for db in fresh_databases() {
        let name = db.name();
        let mut conn = db.conn();
        append_n(&mut conn, 5, "gap");
        drop_append_only_triggers(&db);
        db.raw_execute("DELETE FROM audit_log WHERE seq = 3")
            .expect("tamper");
        assert_eq!(
            stored(&mut conn).iter().map(|r| r.seq).collect::<Vec<_>>(),
            vec![1, 2, 4, 5],
            "{name}: row deleted"
        );

        let report = verify(&mut conn);
        assert_eq!(report.entries_checked, 2, "{name}: {report:?}");
        let (seq, reason) = report.broken.expect("gap detected");
        assert_eq!(seq, 3, "{name}: {reason}");
        assert!(reason.contains("missing"), "{name}: {reason}");
    }
}

#[test]
fn deleted_first_entry_is_reported_missing() {
    for db in fresh_databases() {
        let name = db.name();
        let mut conn = db.conn();
        append_n(&mut conn, 3, "first");
        drop_append_only_triggers(&db);
        db.raw_execute("DELETE FROM audit_log WHERE seq = 1")
            .expect("tamper");
        let report = verify(&mut conn);
        assert_eq!(report.entries_checked, 0, "{name}: {report:?}");
        let (seq, reason) = report.broken.expect("gap detected");
        assert_eq!(
            (seq, reason.contains("missing")),
            (1, true),
            "{name}: {reason}"
        );
    }
}

#[test]
fn deleted_last_entry_leaves_the_chain_shorter_than_its_head() {
    for db in fresh_databases() {
        let name = db.name();
        let mut conn = db.conn();
        append_n(&mut conn, 5, "tail");
        drop_append_only_triggers(&db);
        db.raw_execute("DELETE FROM audit_log WHERE seq = 5")
            .expect("tamper");
        assert_eq!(stored(&mut conn).len(), 4, "{name}: row deleted");

        let report = verify(&mut conn);
        assert_eq!(report.entries_checked, 4, "{name}: {report:?}");
        assert_eq!(report.head_seq, 5, "{name}");
        let (seq, reason) = report.broken.expect("truncation detected");
        assert_eq!(seq, 5, "{name}: {reason}");
        assert!(reason.contains("shorter"), "{name}: {reason}");
    }
}

/// The tail cut off and the head rewritten to match: the chain alone looks intact, but not
/// against a checkpoint published before the cut.
#[test]
fn a_cut_off_tail_with_a_rewritten_head_is_caught_by_a_published_checkpoint() {
    for db in fresh_databases() {
        let name = db.name();
        let mut conn = db.conn();
        let rows = append_n(&mut conn, 6, "cut");
        let published = audit::head(&mut conn).unwrap();
        assert_eq!(
            (published.seq, &published.hash),
            (6, &rows[5].hash),
            "{name}"
        );
        assert_eq!(
            audit::verify(&mut conn, Some(&published)).unwrap(),
            intact(6)
        );

        drop_append_only_triggers(&db);
        db.raw_execute("DELETE FROM audit_log WHERE seq > 4")
            .expect("tamper");
        db.raw_execute(&format!(
            "UPDATE audit_head SET seq = 4, hash = '{}' WHERE id = 1",
            rows[3].hash
        ))
        .expect("tamper");
        assert_eq!(
            verify(&mut conn),
            intact(4),
            "{name}: the chain alone is fooled"
        );

        let report = audit::verify(&mut conn, Some(&published)).unwrap();
        let (seq, reason) = report.broken.expect("the cut is detected");
        assert_eq!(seq, 6, "{name}: {reason}");
        assert!(reason.contains("cut off"), "{name}: {reason}");

        // An older checkpoint still holds; one naming another hash for a kept entry does not.
        let older = Checkpoint {
            seq: 3,
            hash: rows[2].hash.clone(),
        };
        assert_eq!(audit::verify(&mut conn, Some(&older)).unwrap(), intact(4));
        let forged = Checkpoint {
            seq: 3,
            hash: rows[1].hash.clone(),
        };
        let report = audit::verify(&mut conn, Some(&forged)).unwrap();
        assert_eq!(
            report.broken,
            Some((3, "differs from the published checkpoint".to_owned())),
            "{name}"
        );
    }
}

#[test]
fn triggers_refuse_update_and_delete() {
    for db in fresh_databases() {
        let name = db.name();
        let mut conn = db.conn();
        append_n(&mut conn, 3, "ro");
        let before = stored(&mut conn);
        let head_before = head(&mut conn);

        for sql in [
            "UPDATE audit_log SET after_json = '{}' WHERE seq = 2",
            "UPDATE audit_log SET seq = seq + 10",
            "DELETE FROM audit_log WHERE seq = 3",
            "DELETE FROM audit_log",
        ] {
            let err = db
                .raw_execute(sql)
                .expect_err(&format!("{name}: the trigger let through: {sql}"));
            assert!(
                err.to_string().contains("append-only"),
                "{name}: {sql}: unexpected error {err}"
            );
        }
        // Through the store's own connection type, too.
        let update = diesel::update(audit_log::table.find(1))
            .set(audit_log::action.eq("forged"))
            .execute(&mut **conn);
        assert!(update.is_err(), "{name}: diesel UPDATE went through");
        let delete = diesel::delete(audit_log::table.find(1)).execute(&mut **conn);
        assert!(delete.is_err(), "{name}: diesel DELETE went through");

        assert_eq!(stored(&mut conn), before, "{name}: nothing changed");
        assert_eq!(head(&mut conn), head_before, "{name}");
        assert_eq!(verify(&mut conn), intact(3), "{name}");
    }
}

#[test]
fn emptying_the_log_wholesale_is_refused() {
    // PostgreSQL's TRUNCATE skips row triggers, so a statement trigger refuses it; SQLite has
    // no TRUNCATE, and its truncate optimisation of a bare DELETE is off while a DELETE
    // trigger exists.
    for db in fresh_databases() {
        let name = db.name();
        let mut conn = db.conn();
        append_n(&mut conn, 3, "trunc");
        let sql = match db.backend {
            Backend::Postgres => "TRUNCATE audit_log",
            Backend::Sqlite => "DELETE FROM audit_log",
        };
        let err = db
            .raw_execute(sql)
            .expect_err("emptying the audit log must be refused");
        assert!(err.to_string().contains("append-only"), "{name}: {err}");
        assert_eq!(stored(&mut conn).len(), 3, "{name}");
        assert_eq!(verify(&mut conn), intact(3), "{name}");
    }
}

#[test]
fn append_rolls_back_with_its_transaction() {
    for db in fresh_databases() {
        let name = db.name();
        let mut conn = db.conn();
        append_n(&mut conn, 2, "kept");
        let head_before = head(&mut conn);

        let mut appended_seq = None;
        let outcome: Result<(), StoreError> = write_tx(&mut conn, |conn| {
            let row = audit::append(
                conn,
                NewAuditEntry {
                    actor_id: Some("admin-1"),
                    action: "user.deleted",
                    entity_type: "user",
                    entity_id: "doomed",
                    before: None,
                    after: None,
                    request_id: None,
                },
                entry_now(),
            )?;
            appended_seq = Some(row.seq);
            // The command fails after its audit entry was written.
            Err(StoreError::Corrupt("the command failed".to_owned()))
        });
        assert!(
            matches!(&outcome, Err(StoreError::Corrupt(m)) if m == "the command failed"),
            "{name}: {outcome:?}"
        );
        assert_eq!(appended_seq, Some(3), "{name}: the append itself ran");

        let rows = stored(&mut conn);
        assert_eq!(rows.len(), 2, "{name}: rolled-back entry stored");
        assert!(rows.iter().all(|r| r.entity_id != "doomed"), "{name}");
        assert_eq!(head(&mut conn), head_before, "{name}: head rolled back too");
        assert_eq!(verify(&mut conn), intact(2), "{name}");

        // The next append takes the seq the rolled-back one had: no gap.
        let next = append_n(&mut conn, 1, "after");
        assert_eq!(next[0].seq, 3, "{name}");
        assert_eq!(next[0].prev_hash, head_before.1, "{name}");
        assert_eq!(verify(&mut conn), intact(3), "{name}");
    }
}

#[test]
fn verify_pages_through_long_chains() {
    // verify() reads 1,000 entries a page: the chain must link across the page boundary, and
    // a gap right after it must still be found.
    for db in fresh_databases() {
        let name = db.name();
        let mut conn = db.conn();
        write_tx(&mut conn, |conn| {
            (0..1_005).try_for_each(|i| {
                audit::append(
                    conn,
                    NewAuditEntry {
                        actor_id: None,
                        action: "bulk.appended",
                        entity_type: "thing",
                        entity_id: &i.to_string(),
                        before: None,
                        after: None,
                        request_id: None,
                    },
                    entry_now(),
                )
                .map(drop)
            })
        })
        .expect("append in bulk");
        assert_eq!(verify(&mut conn), intact(1_005), "{name}");

        drop_append_only_triggers(&db);
        db.raw_execute("DELETE FROM audit_log WHERE seq = 1001")
            .expect("tamper");
        let report = verify(&mut conn);
        assert_eq!(report.entries_checked, 1_000, "{name}: {report:?}");
        let (seq, reason) = report.broken.expect("gap detected");
        assert_eq!(
            (seq, reason.contains("missing")),
            (1_001, true),
            "{name}: {reason}"
        );
    }
}

#[test]
fn entry_inserted_past_the_head_is_named() {
    // Inserts are not blocked by the triggers: a well-formed entry slipped in after the last
    // one links and hashes correctly, and only the head betrays it. `broken` must name it.
    for db in fresh_databases() {
        let name = db.name();
        let mut conn = db.conn();
        append_n(&mut conn, 5, "head");
        let last = stored(&mut conn).pop().expect("entries");
        let mut forged = AuditRow {
            seq: 6,
            id: kefu_store::new_id(),
            entity_id: "slipped-in".to_owned(),
            prev_hash: last.hash.clone(),
            ..last
        };
        forged.hash = audit::entry_hash(&forged);
        diesel::insert_into(audit_log::table)
            .values(&forged)
            .execute(&mut **conn)
            .expect("insert behind the application's back");
        assert_eq!(stored(&mut conn).len(), 6, "{name}: inserted");

        let report = verify(&mut conn);
        assert_eq!(report.head_seq, 5, "{name}");
        let (seq, reason) = report.broken.expect("insertion detected");
        assert_eq!(
            seq, 6,
            "{name}: the first entry that does not verify is the one past the head, \
             got ({seq}, {reason:?})"
        );
    }
}
