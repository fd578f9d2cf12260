#![allow(clippy::unwrap_used)]

use super::*;
use proptest::prelude::*;

fn day(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

fn doc(kind: ReceivableKind, id: &str, opened: &str, due: &str) -> Document {
    Document {
        doc: DocRef {
            kind,
            id: id.to_owned(),
        },
        reference: id.to_owned(),
        opened_on: day(opened),
        due_on: day(due),
    }
}

fn entry(date: &str, kind: LedgerEntryKind, doc: Option<&Document>, id: &str, fen: i64) -> Entry {
    Entry {
        date: day(date),
        kind,
        doc: doc.map(|d| d.doc.clone()),
        source_id: id.to_owned(),
        reference: id.to_owned(),
        amount_fen: fen,
    }
}

#[test]
fn bil_8_buckets_count_calendar_days_past_due_at_the_default_bounds() {
    let p = ReceivablesPolicy::defaults();
    let due = day("2026-01-01");
    let on = |days: u64| due.checked_add_days(chrono::Days::new(days)).unwrap();
    assert_eq!(bucket(&p, due, day("2025-12-31")), AgeingBucket::Current);
    for (days, expected) in [
        (0, AgeingBucket::Bucket1),
        (30, AgeingBucket::Bucket1),
        (31, AgeingBucket::Bucket2),
        (60, AgeingBucket::Bucket2),
        (61, AgeingBucket::Bucket3),
        (90, AgeingBucket::Bucket3),
        (91, AgeingBucket::Bucket4),
        (4000, AgeingBucket::Bucket4),
    ] {
        assert_eq!(bucket(&p, due, on(days)), expected, "{days} days");
    }
}

#[test]
fn bil_8_bucket_bounds_are_the_rule_tables() {
    let p = ReceivablesPolicy {
        bucket_upper_days: vec![7, 14, 21],
        ..ReceivablesPolicy::defaults()
    };
    assert_eq!(
        bucket(&p, day("2026-01-01"), day("2026-01-08")),
        AgeingBucket::Bucket1
    );
    assert_eq!(
        bucket(&p, day("2026-01-01"), day("2026-01-09")),
        AgeingBucket::Bucket2
    );
    assert_eq!(
        bucket(&p, day("2026-01-01"), day("2026-01-23")),
        AgeingBucket::Bucket4
    );
}

#[test]
fn bil_8_the_policy_refuses_unsorted_or_missing_bounds() {
    assert!(ReceivablesPolicy::defaults().validate().is_ok());
    for bounds in [
        vec![30, 60],
        vec![30, 30, 90],
        vec![-1, 60, 90],
        vec![90, 60, 30],
    ] {
        let p = ReceivablesPolicy {
            bucket_upper_days: bounds.clone(),
            ..ReceivablesPolicy::defaults()
        };
        assert!(p.validate().is_err(), "{bounds:?}");
    }
    let p = ReceivablesPolicy {
        invoice_due_days: -1,
        ..ReceivablesPolicy::defaults()
    };
    assert!(p.validate().is_err());
}

#[test]
fn bil_8_payments_on_account_pay_the_oldest_due_documents_first() {
    let p = ReceivablesPolicy::defaults();
    let old = doc(ReceivableKind::Contract, "c1", "2026-01-01", "2026-01-04");
    let new = doc(ReceivableKind::Invoice, "i1", "2026-03-01", "2026-03-31");
    let entries = vec![
        entry(
            "2026-01-01",
            LedgerEntryKind::Charge,
            Some(&old),
            "c1",
            100_000,
        ),
        entry(
            "2026-03-01",
            LedgerEntryKind::Charge,
            Some(&new),
            "i1",
            50_000,
        ),
        entry(
            "2026-01-10",
            LedgerEntryKind::Payment,
            Some(&old),
            "p1",
            30_000,
        ),
        entry(
            "2026-03-05",
            LedgerEntryKind::PaymentOnAccount,
            None,
            "p2",
            80_000,
        ),
        entry(
            "2026-03-06",
            LedgerEntryKind::CreditNote,
            Some(&new),
            "n1",
            10_000,
        ),
    ];
    let a = account(&p, &[new.clone(), old.clone()], &entries, day("2026-03-10"));
    assert_eq!(a.items[0].document, old);
    assert_eq!(a.items[0].applied_fen, 70_000);
    assert_eq!(a.items[0].outstanding_fen, 0);
    assert_eq!(a.items[1].applied_fen, 10_000);
    assert_eq!(a.items[1].outstanding_fen, 30_000);
    assert_eq!(a.buckets_fen, [30_000, 0, 0, 0, 0]);
    assert_eq!(a.balance_fen, 150_000 - 30_000 - 80_000 - 10_000);
    assert_eq!(a.unapplied_fen, 0);
    // Before the payment on account, the contract (due 01-04) is 59 days past due.
    let a = account(&p, &[new, old], &entries, day("2026-03-04"));
    assert_eq!(a.items[0].bucket, AgeingBucket::Bucket2);
    assert_eq!(a.buckets_fen, [50_000, 0, 70_000, 0, 0]);
}

#[test]
fn bil_8_an_overpaid_document_leaves_an_unapplied_credit() {
    let p = ReceivablesPolicy::defaults();
    let c = doc(
        ReceivableKind::RepairQuote,
        "q1",
        "2026-01-01",
        "2026-01-01",
    );
    let entries = vec![
        entry(
            "2026-01-01",
            LedgerEntryKind::Charge,
            Some(&c),
            "q1",
            10_000,
        ),
        entry(
            "2026-01-02",
            LedgerEntryKind::Payment,
            Some(&c),
            "p1",
            10_000,
        ),
        entry(
            "2026-01-03",
            LedgerEntryKind::CreditNote,
            Some(&c),
            "n1",
            2_000,
        ),
    ];
    let a = account(&p, std::slice::from_ref(&c), &entries, day("2026-02-01"));
    assert_eq!((a.unapplied_fen, a.balance_fen), (2_000, -2_000));
    assert!(!in_arrears(&a.items[0]));
}

#[test]
fn bil_8_a_statement_runs_its_balance_and_closes_on_the_accounts_balance() {
    let p = ReceivablesPolicy::defaults();
    let c = doc(ReceivableKind::Contract, "c1", "2026-01-05", "2026-01-08");
    let entries = vec![
        entry(
            "2026-01-05",
            LedgerEntryKind::Charge,
            Some(&c),
            "c1",
            100_000,
        ),
        entry(
            "2026-02-01",
            LedgerEntryKind::Payment,
            Some(&c),
            "p1",
            40_000,
        ),
        entry(
            "2026-02-01",
            LedgerEntryKind::PaymentOnAccount,
            None,
            "p0",
            5_000,
        ),
        entry(
            "2026-03-01",
            LedgerEntryKind::Payment,
            Some(&c),
            "p2",
            10_000,
        ),
        // Not the customer's document: left out of both.
        Entry {
            doc: Some(DocRef {
                kind: ReceivableKind::Invoice,
                id: "elsewhere".to_owned(),
            }),
            ..entry("2026-02-01", LedgerEntryKind::Charge, None, "x", 1)
        },
    ];
    let docs = [c];
    let s = statement(
        &p,
        &docs,
        &entries,
        Some(day("2026-02-01")),
        day("2026-02-28"),
    );
    assert_eq!(s.opening_fen, 100_000);
    let balances: Vec<i64> = s.lines.iter().map(|l| l.balance_fen).collect();
    assert_eq!(balances, [60_000, 55_000]);
    assert_eq!((s.charged_fen, s.received_fen), (0, 45_000));
    assert_eq!(s.closing_fen, 55_000);
    assert_eq!(s.closing_fen, s.account.balance_fen);
    let whole = statement(&p, &docs, &entries, None, day("2026-03-31"));
    assert_eq!((whole.opening_fen, whole.lines.len()), (0, 4));
    assert_eq!(whole.closing_fen, 45_000);
}

proptest! {
    /// Totals are conserved: however entries fall, the buckets less the unapplied credit are
    /// the account's balance, which is the statement's closing balance.
    #[test]
    fn bil_8_buckets_and_statement_agree(
        amounts in proptest::collection::vec((0usize..4, 0u32..200, 1i64..100_000), 1..40),
        on in 0u32..250,
        from in proptest::option::of(0u32..250),
    ) {
        let p = ReceivablesPolicy::defaults();
        let base = day("2026-01-01");
        let at = |d: u32| base.checked_add_days(chrono::Days::new(u64::from(d))).unwrap();
        let docs: Vec<Document> = (0..3)
            .map(|i| Document {
                doc: DocRef { kind: ReceivableKind::Invoice, id: format!("d{i}") },
                reference: format!("d{i}"),
                opened_on: at(i * 20),
                due_on: at(i * 20 + 30),
            })
            .collect();
        let entries: Vec<Entry> = amounts
            .iter()
            .enumerate()
            .map(|(n, (which, d, fen))| {
                let (kind, doc) = match which {
                    0 => (LedgerEntryKind::Charge, Some(docs[n % 3].doc.clone())),
                    1 => (LedgerEntryKind::Payment, Some(docs[n % 3].doc.clone())),
                    2 => (LedgerEntryKind::CreditNote, Some(docs[n % 3].doc.clone())),
                    _ => (LedgerEntryKind::PaymentOnAccount, None),
                };
                Entry { date: at(*d), kind, doc, source_id: format!("e{n}"),
                        reference: String::new(), amount_fen: *fen }
            })
            .collect();
        let a = account(&p, &docs, &entries, at(on));
        let signed: i64 = entries.iter().filter(|e| e.date <= at(on)).map(Entry::signed_fen).sum();
        prop_assert_eq!(a.balance_fen, signed);
        prop_assert_eq!(a.buckets_fen.iter().sum::<i64>() - a.unapplied_fen, a.balance_fen);
        prop_assert!(a.items.iter().all(|i| i.outstanding_fen >= 0));
        prop_assert!(a.unapplied_fen == 0 || a.items.iter().all(|i| i.outstanding_fen == 0));
        let s = statement(&p, &docs, &entries, from.map(at), at(on));
        prop_assert_eq!(s.closing_fen, a.balance_fen);
        prop_assert_eq!(s.opening_fen + s.charged_fen - s.received_fen, s.closing_fen);
    }
}
