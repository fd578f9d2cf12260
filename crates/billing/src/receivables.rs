//! BIL-8 receivables: what each customer owes, document by document, aged by calendar days
//! past the due day; the arrears (documents past due) that clerks chase (催缴), and the
//! statement a customer reconciles against (对帐单).
//!
//! A *document* is what a customer owes money on: a signed contract (its amount, due on its
//! CON-2 due day), an accepted repair quote (its total, due `repair_quote_due_days` after the
//! acceptance, BIL-4), and an invoice for a commissioning job (its amount, due
//! `invoice_due_days` after issue) — commissioning jobs have no price of their own, so the
//! invoice is the charge. An invoice for a contract or a quote is the tax paper for that
//! document, not a second charge; its credit notes reduce that document.
//!
//! Every entry (charge, payment, credit note, payment on account) is dated; a document's
//! balance on a day is its charge less the payments and credit notes up to that day.
//! Payments that name no document (on account), and the excess of a document credited or paid
//! beyond its charge, are applied to the open documents oldest due first (FIFO); what is left
//! is the customer's unapplied credit. So the receivables row, the arrears and the statement's
//! closing balance are one computation and always agree.
//!
//! Ageing counts calendar days, never working days (the work calendar is irrelevant here): a
//! document due on the 1st is 0 days past due on the 1st and 30 on the 31st.

use chrono::NaiveDate;
use kefu_core::DomainError;
use kefu_core::rules::RuleSet;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use utoipa::ToSchema;

/// BIL-8: the ageing buckets and the due days of documents that carry none.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReceivablesPolicy {
    /// The last day past due of buckets 1, 2 and 3, ascending; bucket 4 is everything beyond.
    /// Default `[30, 60, 90]`: 0–30, 31–60, 61–90 and more than 90 calendar days past due.
    #[schema(min_items = 3, max_items = 3)]
    pub bucket_upper_days: Vec<i64>,
    /// An accepted repair quote is due this many calendar days after the acceptance. Default
    /// 0: repairs are paid in full before the repair starts (BIL-4).
    pub repair_quote_due_days: i64,
    /// An invoice for a commissioning job is due this many calendar days after its issue.
    /// Default 30 (the seeds set no term; finance changes it here).
    pub invoice_due_days: i64,
}

/// How many ageing buckets there are past the due day.
pub const BUCKETS: usize = 4;

impl RuleSet for ReceivablesPolicy {
    const KEY: &'static str = "receivables";
    const TITLE: &'static str = "BIL-8 receivables ageing buckets and payment terms";

    fn defaults() -> Self {
        ReceivablesPolicy {
            bucket_upper_days: vec![30, 60, 90],
            repair_quote_due_days: 0,
            invoice_due_days: 30,
        }
    }

    fn validate(&self) -> Result<(), DomainError> {
        let bounds = &self.bucket_upper_days;
        if bounds.len() != BUCKETS - 1 {
            return Err(DomainError::invalid(
                "bucket_upper_days",
                "length",
                "three upper bounds: buckets 1 to 3 (bucket 4 is everything beyond)",
            ));
        }
        if bounds[0] < 0 || bounds.windows(2).any(|w| w[0] >= w[1]) {
            return Err(DomainError::invalid(
                "bucket_upper_days",
                "order",
                "must rise strictly from 0 or more",
            ));
        }
        for (field, value) in [
            ("repair_quote_due_days", self.repair_quote_due_days),
            ("invoice_due_days", self.invoice_due_days),
        ] {
            if !(0..=3_660).contains(&value) {
                return Err(DomainError::invalid(field, "range", "0 to 3660 days"));
            }
        }
        Ok(())
    }
}

kefu_core::string_enum! {
    /// BIL-8: what a customer owes money on.
    #[derive(ToSchema, PartialOrd, Ord)]
    pub enum ReceivableKind {
        /// A signed service contract (CON-2).
        Contract = "contract",
        /// An accepted repair quote (BIL-2, BIL-4).
        RepairQuote = "repair_quote",
        /// An invoice for a commissioning job (BIL-5).
        Invoice = "invoice",
    }
}

kefu_core::string_enum! {
    /// BIL-8: where a document's balance stands on a day.
    #[derive(ToSchema, PartialOrd, Ord)]
    pub enum AgeingBucket {
        /// Not yet due.
        Current = "current",
        /// 0 to `bucket_upper_days[0]` days past due (default 0–30).
        Bucket1 = "bucket_1",
        /// Default 31–60.
        Bucket2 = "bucket_2",
        /// Default 61–90.
        Bucket3 = "bucket_3",
        /// Default more than 90.
        Bucket4 = "bucket_4",
    }
}

/// Calendar days from `due_on` to `on`: negative before the due day, 0 on it.
pub fn days_past_due(due_on: NaiveDate, on: NaiveDate) -> i64 {
    (on - due_on).num_days()
}

/// BIL-8: the bucket of a document due on `due_on`, on `on`.
pub fn bucket(policy: &ReceivablesPolicy, due_on: NaiveDate, on: NaiveDate) -> AgeingBucket {
    let days = days_past_due(due_on, on);
    let bound = |i: usize| policy.bucket_upper_days.get(i).copied().unwrap_or(i64::MAX);
    if days < 0 {
        AgeingBucket::Current
    } else if days <= bound(0) {
        AgeingBucket::Bucket1
    } else if days <= bound(1) {
        AgeingBucket::Bucket2
    } else if days <= bound(2) {
        AgeingBucket::Bucket3
    } else {
        AgeingBucket::Bucket4
    }
}

/// A document of a customer, identified by kind and id.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct DocRef {
    pub kind: ReceivableKind,
    pub id: String,
}

/// A document as the ageing needs it: when it was opened and when it is due.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Document {
    pub doc: DocRef,
    /// The contract's title, the quote's id, the invoice's number: what the customer knows it by.
    pub reference: String,
    pub opened_on: NaiveDate,
    pub due_on: NaiveDate,
}

kefu_core::string_enum! {
    /// BIL-8: a line of a customer's account.
    #[derive(ToSchema, PartialOrd, Ord)]
    pub enum LedgerEntryKind {
        /// What the document charges (the contract's amount, the quote's total, the invoice).
        Charge = "charge",
        /// Money received for the document (CON-2 contract payments, BIL-4 quote payments).
        Payment = "payment",
        /// A credit note on an invoice of the document (BIL-5).
        CreditNote = "credit_note",
        /// Money received naming no document, applied to the oldest open documents.
        PaymentOnAccount = "payment_on_account",
    }
}

/// One dated movement of a customer's account; `amount_fen` is positive, its sign is the
/// kind's (a charge raises the balance, the others lower it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub date: NaiveDate,
    pub kind: LedgerEntryKind,
    /// The document it belongs to; `None` for a payment on account.
    pub doc: Option<DocRef>,
    /// The record behind the line (contract, quote, payment, credit note, invoice id).
    pub source_id: String,
    /// Its number or title, for the customer.
    pub reference: String,
    pub amount_fen: i64,
}

impl Entry {
    /// The entry's effect on the balance: + for a charge, − otherwise.
    pub fn signed_fen(&self) -> i64 {
        match self.kind {
            LedgerEntryKind::Charge => self.amount_fen,
            _ => -self.amount_fen,
        }
    }
}

/// A document's figures on a day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenItem {
    pub document: Document,
    pub charged_fen: i64,
    pub paid_fen: i64,
    pub credited_fen: i64,
    /// Payments on account and other documents' excess applied to this one (FIFO).
    pub applied_fen: i64,
    /// `charged − paid − credited − applied`, never below 0 (an excess went to the pool).
    pub outstanding_fen: i64,
    pub days_past_due: i64,
    pub bucket: AgeingBucket,
}

/// A customer's account on a day.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Account {
    /// Every document opened by then, oldest due first.
    pub items: Vec<OpenItem>,
    /// Outstanding per bucket: current, then buckets 1 to 4.
    pub buckets_fen: [i64; BUCKETS + 1],
    /// Credit not applied to any document (payments on account and excess payments beyond
    /// everything owed).
    pub unapplied_fen: i64,
    /// Σ charges − Σ payments − Σ credit notes = Σ buckets − unapplied.
    pub balance_fen: i64,
}

/// BIL-8: the account made of `documents` and the `entries` dated on or before `on`. Entries
/// of documents not among `documents` are left out, and a document shows once an entry of it
/// counts, so a statement and the receivables computed from the same rows always agree.
pub fn account(
    policy: &ReceivablesPolicy,
    documents: &[Document],
    entries: &[Entry],
    on: NaiveDate,
) -> Account {
    let mut items: BTreeMap<&DocRef, (OpenItem, bool)> = documents
        .iter()
        .map(|d| {
            let item = OpenItem {
                document: d.clone(),
                charged_fen: 0,
                paid_fen: 0,
                credited_fen: 0,
                applied_fen: 0,
                outstanding_fen: 0,
                days_past_due: days_past_due(d.due_on, on),
                bucket: bucket(policy, d.due_on, on),
            };
            (&d.doc, (item, false))
        })
        .collect();
    let mut pool = 0i64;
    for e in entries.iter().filter(|e| e.date <= on) {
        let Some(doc) = &e.doc else {
            pool += e.amount_fen;
            continue;
        };
        let Some((item, seen)) = items.get_mut(doc) else {
            continue;
        };
        *seen = true;
        match e.kind {
            LedgerEntryKind::Charge => item.charged_fen += e.amount_fen,
            LedgerEntryKind::CreditNote => item.credited_fen += e.amount_fen,
            LedgerEntryKind::Payment | LedgerEntryKind::PaymentOnAccount => {
                item.paid_fen += e.amount_fen
            }
        }
    }
    let mut items: Vec<OpenItem> = items
        .into_values()
        .filter_map(|(item, seen)| seen.then_some(item))
        .collect();
    items.sort_by(|a, b| {
        (a.document.due_on, &a.document.doc).cmp(&(b.document.due_on, &b.document.doc))
    });
    for item in &mut items {
        let net = item.charged_fen - item.paid_fen - item.credited_fen;
        if net < 0 {
            pool += -net;
        }
        item.outstanding_fen = net.max(0);
    }
    // FIFO: the oldest due first, so arrears shrink from the oldest end.
    for item in &mut items {
        let applied = pool.min(item.outstanding_fen);
        item.applied_fen = applied;
        item.outstanding_fen -= applied;
        pool -= applied;
    }
    let mut buckets_fen = [0i64; BUCKETS + 1];
    for item in &items {
        buckets_fen[bucket_index(item.bucket)] += item.outstanding_fen;
    }
    let balance_fen = buckets_fen.iter().sum::<i64>() - pool;
    Account {
        items,
        buckets_fen,
        unapplied_fen: pool,
        balance_fen,
    }
}

/// Whether `entry` is on the account of `documents`: on account, or of a known document.
fn belongs(entry: &Entry, documents: &[Document]) -> bool {
    entry
        .doc
        .as_ref()
        .is_none_or(|d| documents.iter().any(|x| &x.doc == d))
}

/// One line of a statement: an entry and the balance after it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatementLine {
    pub entry: Entry,
    pub balance_fen: i64,
}

/// BIL-8: a customer's statement (对帐单) from `from` to `to`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Statement {
    /// The balance at the end of the day before `from`.
    pub opening_fen: i64,
    /// Every entry dated `from`..=`to`, by date (charges before the money of the same day),
    /// each with the running balance.
    pub lines: Vec<StatementLine>,
    pub charged_fen: i64,
    /// Payments, credit notes and payments on account together.
    pub received_fen: i64,
    /// `opening + charged − received`: the account's balance on `to`.
    pub closing_fen: i64,
    /// The account on `to`, aged: what the receivables list shows for that day.
    pub account: Account,
}

/// BIL-8: the statement of the account of `documents` and `entries` from `from` to `to`
/// (`None`: from the first entry). Its closing balance is [`account`]'s on `to` by
/// construction: the same entries, summed.
pub fn statement(
    policy: &ReceivablesPolicy,
    documents: &[Document],
    entries: &[Entry],
    from: Option<NaiveDate>,
    to: NaiveDate,
) -> Statement {
    let mut counted: Vec<&Entry> = entries
        .iter()
        .filter(|e| e.date <= to && belongs(e, documents))
        .collect();
    counted.sort_by(|a, b| (a.date, a.kind, &a.source_id).cmp(&(b.date, b.kind, &b.source_id)));
    let before = |e: &Entry| from.is_some_and(|f| e.date < f);
    let opening_fen: i64 = counted
        .iter()
        .filter(|e| before(e))
        .map(|e| e.signed_fen())
        .sum();
    let mut balance = opening_fen;
    let (mut charged_fen, mut received_fen) = (0, 0);
    let mut lines = Vec::new();
    for e in counted.into_iter().filter(|e| !before(e)) {
        balance += e.signed_fen();
        if e.kind == LedgerEntryKind::Charge {
            charged_fen += e.amount_fen;
        } else {
            received_fen += e.amount_fen;
        }
        lines.push(StatementLine {
            entry: e.clone(),
            balance_fen: balance,
        });
    }
    Statement {
        opening_fen,
        lines,
        charged_fen,
        received_fen,
        closing_fen: balance,
        account: account(policy, documents, entries, to),
    }
}

/// The position of `bucket` in [`Account::buckets_fen`].
pub fn bucket_index(bucket: AgeingBucket) -> usize {
    match bucket {
        AgeingBucket::Current => 0,
        AgeingBucket::Bucket1 => 1,
        AgeingBucket::Bucket2 => 2,
        AgeingBucket::Bucket3 => 3,
        AgeingBucket::Bucket4 => 4,
    }
}

/// Whether an item is in arrears: something still owed after its due day.
pub fn in_arrears(item: &OpenItem) -> bool {
    item.outstanding_fen > 0 && item.days_past_due > 0
}

#[cfg(test)]
#[path = "receivables_tests.rs"]
mod tests;
