//! BIL-8 receivables: reads the rows of the customers' accounts (store), turns them into
//! documents and dated entries, and lets `kefu_billing::receivables` age them and draw the
//! statement — one computation behind `GET /receivables`, `GET /arrears` and
//! `GET /customers/{id}/statement`, so their figures agree. Visibility (ORG-5) is the
//! customer's; a customer the caller does not see reads as 404.

use crate::billing::dto::receivables::{
    ArrearOut, ReceivableOut, StatementLineOut, StatementOut, StatementQuery,
};
use crate::kernel::access::visible;
use crate::kernel::clock::local;
use crate::kernel::error::ApiError;
use crate::kernel::rules::load_in_force;
use chrono::{Days, NaiveDate};
use chrono_tz::Tz;
use kefu_billing::access::{self, Action};
use kefu_billing::chasing::ChasingOutcome;
use kefu_billing::invoices::InvoiceSubject;
use kefu_billing::receivables::{
    Account, DocRef, Document, Entry, LedgerEntryKind, OpenItem, ReceivableKind, ReceivablesPolicy,
    account, in_arrears, statement,
};
use kefu_core::{Actor, FieldError};
use kefu_store::receivables::{self as store, Ledger, Whose};
use kefu_store::visibility::Visible;
use kefu_store::{DbConnection, from_db_time};
use std::collections::{BTreeMap, HashMap, HashSet};

pub const CURRENCY: &str = "CNY";

/// A customer's documents and entries.
#[derive(Debug, Default)]
pub struct Books {
    pub documents: Vec<Document>,
    pub entries: Vec<Entry>,
}

fn after(day: NaiveDate, days: i64) -> NaiveDate {
    day.checked_add_days(Days::new(u64::try_from(days).unwrap_or(0)))
        .unwrap_or(day)
}

fn doc(kind: ReceivableKind, id: &str) -> DocRef {
    DocRef {
        kind,
        id: id.to_owned(),
    }
}

/// The books of every customer in `ledger`, by customer id. Due days of quotes and invoices
/// come from `policy`; a quote's acceptance day is its company-local day.
pub fn books(ledger: Ledger, policy: &ReceivablesPolicy, tz: Tz) -> BTreeMap<String, Books> {
    let mut out: BTreeMap<String, Books> = BTreeMap::new();
    let mut charge = |customer: &str, document: Document, amount_fen: i64| {
        let books = out.entry(customer.to_owned()).or_default();
        books.entries.push(Entry {
            date: document.opened_on,
            kind: LedgerEntryKind::Charge,
            doc: Some(document.doc.clone()),
            source_id: document.doc.id.clone(),
            reference: document.reference.clone(),
            amount_fen,
        });
        books.documents.push(document);
    };
    for c in &ledger.contracts {
        let Some(due_on) = c.payment_due_on else {
            continue;
        };
        let document = Document {
            doc: doc(ReceivableKind::Contract, &c.id),
            reference: c.title.clone(),
            opened_on: c.signed_on.unwrap_or(due_on),
            due_on,
        };
        charge(&c.customer_id, document, c.amount_fen);
    }
    for q in &ledger.quotes {
        let Some(accepted) = q.answered_at.map(|t| local(tz, t).date()) else {
            continue;
        };
        let document = Document {
            doc: doc(ReceivableKind::RepairQuote, &q.id),
            reference: q.id.clone(),
            opened_on: accepted,
            due_on: after(accepted, policy.repair_quote_due_days),
        };
        charge(&q.customer_id, document, q.total_fen);
    }
    // An invoice for a contract or a quote is that document's paper; its credit notes reduce
    // the document. A commissioning job's invoice is the charge itself.
    let mut invoice_doc: HashMap<&str, (&str, DocRef)> = HashMap::new();
    for i in &ledger.invoices {
        let target = match InvoiceSubject::parse(&i.subject_kind) {
            Some(InvoiceSubject::Contract) => doc(ReceivableKind::Contract, &i.subject_id),
            Some(InvoiceSubject::RepairQuote) => doc(ReceivableKind::RepairQuote, &i.subject_id),
            _ => {
                let document = Document {
                    doc: doc(ReceivableKind::Invoice, &i.id),
                    reference: i.number.clone(),
                    opened_on: i.issued_on,
                    due_on: after(i.issued_on, policy.invoice_due_days),
                };
                charge(&i.customer_id, document.clone(), i.amount_fen);
                document.doc
            }
        };
        invoice_doc.insert(&i.id, (&i.customer_id, target));
    }
    for (customer, p) in &ledger.contract_payments {
        let entry = payment(
            p,
            p.document_id
                .as_deref()
                .map(|c| doc(ReceivableKind::Contract, c)),
        );
        out.entry(customer.clone()).or_default().entries.push(entry);
    }
    let quotes: HashSet<&str> = ledger.quotes.iter().map(|q| q.id.as_str()).collect();
    for (customer, p) in &ledger.payments {
        let books = out.entry(customer.clone()).or_default();
        // A payment towards a quote that is no receivable document (not or no longer
        // accepted) still came in: it counts on account.
        let target = p
            .document_id
            .as_deref()
            .filter(|q| quotes.contains(q))
            .map(|q| doc(ReceivableKind::RepairQuote, q));
        books.entries.push(payment(p, target));
    }
    for n in &ledger.credit_notes {
        if let Some((customer, target)) = invoice_doc.get(n.invoice_id.as_str()) {
            out.entry((*customer).to_owned())
                .or_default()
                .entries
                .push(Entry {
                    date: n.issued_on,
                    kind: LedgerEntryKind::CreditNote,
                    doc: Some(target.clone()),
                    source_id: n.id.clone(),
                    reference: n.number.clone(),
                    amount_fen: n.amount_fen,
                });
        }
    }
    out
}

fn payment(p: &store::PaymentEntry, target: Option<DocRef>) -> Entry {
    Entry {
        date: p.paid_on,
        kind: if target.is_some() {
            LedgerEntryKind::Payment
        } else {
            LedgerEntryKind::PaymentOnAccount
        },
        doc: target,
        source_id: p.id.clone(),
        reference: p.reference.clone().unwrap_or_default(),
        amount_fen: p.amount_fen,
    }
}

/// A customer's name and responsible engineer.
type Names = HashMap<String, (String, Option<String>)>;

/// The rule set in force, the customers' names and their accounts, by customer id.
type Accounts = (ReceivablesPolicy, Names, Vec<(String, Account)>);

fn names(conn: &mut DbConnection, ids: Vec<String>) -> Result<Names, ApiError> {
    Ok(store::customer_names(conn, &ids)?
        .into_iter()
        .map(|(id, name, owner)| (id, (name, owner)))
        .collect())
}

/// The receivables row of `customer_id` from its account on `on`.
pub fn row(
    customer_id: &str,
    names: &Names,
    policy: &ReceivablesPolicy,
    account: &Account,
    on: NaiveDate,
) -> ReceivableOut {
    let (name, owner) = names.get(customer_id).cloned().unwrap_or_default();
    let open: Vec<_> = account
        .items
        .iter()
        .filter(|i| i.outstanding_fen > 0)
        .collect();
    let b = account.buckets_fen;
    ReceivableOut {
        customer_id: customer_id.to_owned(),
        customer_name: name,
        owner_user_id: owner,
        as_of: on,
        current_fen: b[0],
        bucket_1_fen: b[1],
        bucket_2_fen: b[2],
        bucket_3_fen: b[3],
        bucket_4_fen: b[4],
        bucket_upper_days: policy.bucket_upper_days.clone(),
        overdue_fen: open
            .iter()
            .filter(|i| in_arrears(i))
            .map(|i| i.outstanding_fen)
            .sum(),
        unapplied_credit_fen: account.unapplied_fen,
        balance_fen: account.balance_fen,
        open_documents: i64::try_from(open.len()).unwrap_or(i64::MAX),
        oldest_due_on: open.iter().map(|i| i.document.due_on).min(),
        currency: CURRENCY.to_owned(),
    }
}

/// Every visible customer's account on `today` (of one customer with `customer_id`), with
/// the rule set in force that day and the customers' names.
fn accounts(
    conn: &mut DbConnection,
    actor: &Actor,
    tz: Tz,
    today: NaiveDate,
    customer_id: Option<&str>,
) -> Result<Accounts, ApiError> {
    let scope = visible(conn, actor)?;
    accounts_in(conn, &scope, tz, today, customer_id)
}

fn accounts_in(
    conn: &mut DbConnection,
    scope: &Visible,
    tz: Tz,
    today: NaiveDate,
    customer_id: Option<&str>,
) -> Result<Accounts, ApiError> {
    let policy = load_in_force::<ReceivablesPolicy>(conn, today)?.value;
    let ledger = store::ledger(conn, Whose { scope, customer_id })?;
    let books = books(ledger, &policy, tz);
    let names = names(conn, books.keys().cloned().collect())?;
    let accounts = books
        .into_iter()
        .map(|(c, b)| {
            let a = account(&policy, &b.documents, &b.entries, today);
            (c, a)
        })
        .collect();
    Ok((policy, names, accounts))
}

/// BIL-8: the receivables rows of the visible customers that owe or are owed anything, in
/// customer id order.
pub fn receivables(
    conn: &mut DbConnection,
    actor: &Actor,
    tz: Tz,
    today: NaiveDate,
    customer_id: Option<&str>,
) -> Result<Vec<ReceivableOut>, ApiError> {
    let (policy, names, accounts) = accounts(conn, actor, tz, today, customer_id)?;
    Ok(accounts
        .iter()
        .filter(|(_, a)| a.balance_fen != 0 || a.items.iter().any(|i| i.outstanding_fen > 0))
        .map(|(c, a)| row(c, &names, &policy, a, today))
        .collect())
}

/// The sort and cursor key of an arrears item: oldest due first.
pub fn arrear_key(a: &ArrearOut) -> String {
    format!("{}|{}|{}", a.due_on, a.document_kind, a.document_id)
}

/// BIL-8: the visible customers' documents in arrears, oldest due first, each with its latest
/// chasing note when the caller reads the staff's notes (customer contacts do not).
pub fn arrears(
    conn: &mut DbConnection,
    actor: &Actor,
    tz: Tz,
    today: NaiveDate,
    customer_id: Option<&str>,
) -> Result<Vec<ArrearOut>, ApiError> {
    let (_, names, accounts) = accounts(conn, actor, tz, today, customer_id)?;
    let notes = if access::may(Action::ChasingNoteRead, &actor.roles) {
        let ids: Vec<String> = accounts.iter().map(|(c, _)| c.clone()).collect();
        store::latest_notes(conn, &ids)?
    } else {
        HashMap::new()
    };
    let mut out: Vec<ArrearOut> = Vec::new();
    for (customer, account) in &accounts {
        let (name, owner) = names.get(customer).cloned().unwrap_or_default();
        for item in account.items.iter().filter(|i| in_arrears(i)) {
            let d = &item.document;
            let note = notes.get(&(d.doc.kind.as_str().to_owned(), d.doc.id.clone()));
            out.push(ArrearOut {
                document_kind: d.doc.kind,
                document_id: d.doc.id.clone(),
                reference: d.reference.clone(),
                customer_id: customer.clone(),
                customer_name: name.clone(),
                owner_user_id: owner.clone(),
                opened_on: d.opened_on,
                due_on: d.due_on,
                days_past_due: item.days_past_due,
                bucket: item.bucket,
                charged_fen: item.charged_fen,
                paid_fen: item.paid_fen,
                credited_fen: item.credited_fen,
                applied_fen: item.applied_fen,
                outstanding_fen: item.outstanding_fen,
                last_called_at: note.map(|n| from_db_time(n.called_at)),
                last_outcome: note.and_then(|n| ChasingOutcome::parse(&n.outcome)),
                promised_on: note.and_then(|n| n.promised_on),
                currency: CURRENCY.to_owned(),
            });
        }
    }
    out.sort_by_key(arrear_key);
    Ok(out)
}

/// Document `doc` of customer `customer_id` as it stands on `today` (`None` when it is no
/// receivable document), whoever asks: for chasing notes and the promise watch.
pub fn open_item(
    conn: &mut DbConnection,
    tz: Tz,
    today: NaiveDate,
    doc: &DocRef,
    customer_id: &str,
) -> Result<Option<OpenItem>, ApiError> {
    let (_, _, accounts) = accounts_in(conn, &Visible::everything(), tz, today, Some(customer_id))?;
    Ok(accounts
        .into_iter()
        .flat_map(|(_, a)| a.items)
        .find(|i| &i.document.doc == doc))
}

/// BIL-8: the statement of a customer the caller sees (404 otherwise) from `from` to `to`
/// (default today; `from` after `to` is 422 `query.from`).
pub fn customer_statement(
    conn: &mut DbConnection,
    actor: &Actor,
    tz: Tz,
    today: NaiveDate,
    customer_id: &str,
    query: &StatementQuery,
) -> Result<StatementOut, ApiError> {
    let scope = visible(conn, actor)?;
    let customer = kefu_store::customers::find_visible(conn, customer_id, &scope)?
        .ok_or(ApiError::NotFound)?;
    let to = query.to.unwrap_or(today);
    if query.from.is_some_and(|f| f > to) {
        return Err(ApiError::Invalid(vec![
            FieldError::new("query.from", "range", "must not be after `to`").by_rule("BIL-8"),
        ]));
    }
    let policy = load_in_force::<ReceivablesPolicy>(conn, to)?.value;
    let ledger = store::ledger(
        conn,
        Whose {
            scope: &scope,
            customer_id: Some(&customer.id),
        },
    )?;
    let mut books = books(ledger, &policy, tz);
    let mine = books.remove(&customer.id).unwrap_or_default();
    let s = statement(&policy, &mine.documents, &mine.entries, query.from, to);
    let names: Names = [(
        customer.id.clone(),
        (customer.name.clone(), customer.owner_user_id.clone()),
    )]
    .into_iter()
    .collect();
    let lines = s
        .lines
        .iter()
        .map(|l| {
            let e = &l.entry;
            let charge = e.kind == LedgerEntryKind::Charge;
            StatementLineOut {
                date: e.date,
                entry_kind: e.kind.into(),
                document_kind: e.doc.as_ref().map(|d| d.kind),
                document_id: e.doc.as_ref().map(|d| d.id.clone()),
                source_id: e.source_id.clone(),
                reference: e.reference.clone(),
                debit_fen: if charge { e.amount_fen } else { 0 },
                credit_fen: if charge { 0 } else { e.amount_fen },
                balance_fen: l.balance_fen,
            }
        })
        .collect();
    Ok(StatementOut {
        customer_id: customer.id.clone(),
        customer_name: customer.name.clone(),
        from: query.from,
        to,
        opening_balance_fen: s.opening_fen,
        lines,
        total_debit_fen: s.charged_fen,
        total_credit_fen: s.received_fen,
        closing_balance_fen: s.closing_fen,
        receivable: row(&customer.id, &names, &policy, &s.account, to),
        currency: CURRENCY.to_owned(),
    })
}
