//! BIL-8 receivables: the rows a customer's account is made of (signed contracts and their
//! payments, accepted repair quotes and the payments towards them, payments on account,
//! invoices and their credit notes), each read within ORG-5 through its customer; and the
//! chasing notes (催缴记录), append-only.

use crate::invoices::InvoiceRow;
use crate::schema::{
    chasing_notes, contract_payments, contracts, credit_notes, customer_payments, customers,
    invoices, repair_quotes,
};
use crate::visibility::{self, Visible};
use crate::{DbConnection, StoreError};
use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use std::collections::HashMap;

/// Bind lists are cut into chunks this long: SQLite caps the parameters of one statement.
const CHUNK: usize = 1_000;

/// Which customers' rows to read: those visible in `scope`, optionally only one.
#[derive(Debug, Clone, Copy)]
pub struct Whose<'a> {
    pub scope: &'a Visible,
    pub customer_id: Option<&'a str>,
}

#[derive(Debug, Clone, PartialEq, Queryable)]
pub struct ContractDoc {
    pub id: String,
    pub customer_id: String,
    pub title: String,
    pub amount_fen: i64,
    pub signed_on: Option<NaiveDate>,
    pub payment_due_on: Option<NaiveDate>,
}

#[derive(Debug, Clone, PartialEq, Queryable)]
pub struct QuoteDoc {
    pub id: String,
    pub customer_id: String,
    pub total_fen: i64,
    pub answered_at: Option<NaiveDateTime>,
}

/// A payment: a contract's (`document_id` the contract) or a customer payment (`document_id`
/// its quote, `None` on account).
#[derive(Debug, Clone, PartialEq, Queryable)]
pub struct PaymentEntry {
    pub id: String,
    pub document_id: Option<String>,
    pub amount_fen: i64,
    pub paid_on: NaiveDate,
    pub reference: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Queryable)]
pub struct CreditEntry {
    pub id: String,
    pub number: String,
    pub invoice_id: String,
    pub amount_fen: i64,
    pub issued_on: NaiveDate,
}

/// Every row of the accounts of the customers asked for.
#[derive(Debug, Clone, Default)]
pub struct Ledger {
    pub contracts: Vec<ContractDoc>,
    /// Per contract payment, its contract's customer.
    pub contract_payments: Vec<(String, PaymentEntry)>,
    pub quotes: Vec<QuoteDoc>,
    /// Per customer payment (deposits excluded: a held deposit pays nothing until converted,
    /// and the conversion is a payment of its own), its customer.
    pub payments: Vec<(String, PaymentEntry)>,
    pub invoices: Vec<InvoiceRow>,
    pub credit_notes: Vec<CreditEntry>,
}

macro_rules! whose {
    ($query:expr, $table:ident, $whose:expr) => {{
        let mut query = $query;
        if let Some(visible) = visibility::visible_customer_ids($whose.scope) {
            query = query.filter(
                $table::customer_id.eq_any(visible.filter(customers::deleted_at.is_null())),
            );
        }
        if let Some(id) = $whose.customer_id {
            query = query.filter($table::customer_id.eq(id.to_owned()));
        }
        query
    }};
}

/// BIL-8: the rows of the accounts of `whose`. Contracts count once signed, until terminated
/// (as CON-2's overdue watch); repair quotes once accepted; deleted rows never.
pub fn ledger(conn: &mut DbConnection, whose: Whose<'_>) -> Result<Ledger, StoreError> {
    let query = contracts::table
        .filter(contracts::deleted_at.is_null())
        .filter(contracts::status.ne_all(["draft", "terminated"]))
        .filter(contracts::payment_due_on.is_not_null())
        .select((
            contracts::id,
            contracts::customer_id,
            contracts::title,
            contracts::amount_fen,
            contracts::signed_on,
            contracts::payment_due_on,
        ))
        .into_boxed();
    let contract_rows: Vec<ContractDoc> = whose!(query, contracts, whose).load(conn)?;
    let query = repair_quotes::table
        .filter(repair_quotes::deleted_at.is_null())
        .filter(repair_quotes::status.eq("accepted"))
        .select((
            repair_quotes::id,
            repair_quotes::customer_id,
            repair_quotes::total_fen,
            repair_quotes::answered_at,
        ))
        .into_boxed();
    let quotes: Vec<QuoteDoc> = whose!(query, repair_quotes, whose).load(conn)?;
    let query = customer_payments::table
        .filter(customer_payments::deleted_at.is_null())
        .filter(customer_payments::kind.eq("payment"))
        .select((
            customer_payments::customer_id,
            (
                customer_payments::id,
                customer_payments::quote_id,
                customer_payments::amount_fen,
                customer_payments::paid_on,
                customer_payments::document_no,
            ),
        ))
        .into_boxed();
    let payments: Vec<(String, PaymentEntry)> =
        whose!(query, customer_payments, whose).load(conn)?;
    let query = invoices::table
        .filter(invoices::deleted_at.is_null())
        .select(InvoiceRow::as_select())
        .into_boxed();
    let invoice_rows: Vec<InvoiceRow> = whose!(query, invoices, whose).load(conn)?;

    let mut contract_payment_rows = Vec::new();
    let customer_of: HashMap<&str, &str> = contract_rows
        .iter()
        .map(|c| (c.id.as_str(), c.customer_id.as_str()))
        .collect();
    let ids: Vec<String> = contract_rows.iter().map(|c| c.id.clone()).collect();
    for chunk in ids.chunks(CHUNK) {
        let rows: Vec<(String, String, i64, NaiveDate)> = contract_payments::table
            .filter(contract_payments::contract_id.eq_any(chunk))
            .select((
                contract_payments::id,
                contract_payments::contract_id,
                contract_payments::amount_fen,
                contract_payments::paid_on,
            ))
            .load(conn)?;
        for (id, contract_id, amount_fen, paid_on) in rows {
            let customer = customer_of
                .get(contract_id.as_str())
                .map(|c| (*c).to_owned())
                .unwrap_or_default();
            let entry = PaymentEntry {
                id,
                document_id: Some(contract_id),
                amount_fen,
                paid_on,
                reference: None,
            };
            contract_payment_rows.push((customer, entry));
        }
    }
    let mut credit_rows = Vec::new();
    let ids: Vec<String> = invoice_rows.iter().map(|i| i.id.clone()).collect();
    for chunk in ids.chunks(CHUNK) {
        let rows: Vec<CreditEntry> = credit_notes::table
            .filter(credit_notes::invoice_id.eq_any(chunk))
            .select((
                credit_notes::id,
                credit_notes::number,
                credit_notes::invoice_id,
                credit_notes::amount_fen,
                credit_notes::issued_on,
            ))
            .load(conn)?;
        credit_rows.extend(rows);
    }
    Ok(Ledger {
        contracts: contract_rows,
        contract_payments: contract_payment_rows,
        quotes,
        payments,
        invoices: invoice_rows,
        credit_notes: credit_rows,
    })
}

/// The names of customers `ids` (deleted ones included: their money is still owed).
pub fn customer_names(
    conn: &mut DbConnection,
    ids: &[String],
) -> Result<Vec<(String, String, Option<String>)>, StoreError> {
    let mut out = Vec::new();
    for chunk in ids.chunks(CHUNK) {
        let rows: Vec<(String, String, Option<String>)> = customers::table
            .filter(customers::id.eq_any(chunk))
            .select((customers::id, customers::name, customers::owner_user_id))
            .load(conn)?;
        out.extend(rows);
    }
    Ok(out)
}

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable)]
#[diesel(table_name = chasing_notes)]
pub struct ChasingNoteRow {
    pub id: String,
    pub customer_id: String,
    pub document_kind: String,
    pub document_id: String,
    pub called_by: String,
    pub called_at: NaiveDateTime,
    pub channel: String,
    pub contact_name: Option<String>,
    pub outcome: String,
    pub promised_on: Option<NaiveDate>,
    pub promised_fen: Option<i64>,
    pub note: Option<String>,
    pub recorded_by: String,
    pub promise_lapse_noticed_on: Option<NaiveDate>,
    pub created_at: NaiveDateTime,
}

pub fn insert_note(conn: &mut DbConnection, row: &ChasingNoteRow) -> Result<(), StoreError> {
    diesel::insert_into(chasing_notes::table)
        .values(row.clone())
        .execute(conn)?;
    Ok(())
}

/// One page of a document's chasing notes in id (= time) order after `after_id`; with
/// `since`, only those recorded after it (notes never change, so that is their delta sync).
pub fn notes_of_document(
    conn: &mut DbConnection,
    (kind, id): (&str, &str),
    since: Option<NaiveDateTime>,
    after_id: Option<&str>,
    limit: i64,
) -> Result<Vec<ChasingNoteRow>, StoreError> {
    let mut query = chasing_notes::table
        .filter(chasing_notes::document_kind.eq(kind.to_owned()))
        .filter(chasing_notes::document_id.eq(id.to_owned()))
        .select(ChasingNoteRow::as_select())
        .into_boxed();
    if let Some(since) = since {
        query = query.filter(chasing_notes::created_at.gt(since));
    }
    if let Some(after) = after_id {
        query = query.filter(chasing_notes::id.gt(after.to_owned()));
    }
    Ok(query.order(chasing_notes::id).limit(limit).load(conn)?)
}

/// The latest note of each document of `customer_ids` (by call time), by document kind and
/// id, for the arrears list.
pub fn latest_notes(
    conn: &mut DbConnection,
    customer_ids: &[String],
) -> Result<HashMap<(String, String), ChasingNoteRow>, StoreError> {
    let mut out: HashMap<(String, String), ChasingNoteRow> = HashMap::new();
    for chunk in customer_ids.chunks(CHUNK) {
        let rows: Vec<ChasingNoteRow> = chasing_notes::table
            .filter(chasing_notes::customer_id.eq_any(chunk))
            .select(ChasingNoteRow::as_select())
            .order((chasing_notes::called_at, chasing_notes::id))
            .load(conn)?;
        for row in rows {
            // In call order: the last one of a document stays.
            out.insert((row.document_kind.clone(), row.document_id.clone()), row);
        }
    }
    Ok(out)
}

/// Promises whose day is before `today` and whose lapse nobody was told of yet.
pub fn lapsed_promises(
    conn: &mut DbConnection,
    today: NaiveDate,
) -> Result<Vec<ChasingNoteRow>, StoreError> {
    Ok(chasing_notes::table
        .filter(chasing_notes::promised_on.lt(today))
        .filter(chasing_notes::promise_lapse_noticed_on.is_null())
        .select(ChasingNoteRow::as_select())
        .order(chasing_notes::id)
        .load(conn)?)
}

/// Whether a note of the same document was made after `note` (a newer call supersedes its
/// promise).
pub fn superseded(conn: &mut DbConnection, note: &ChasingNoteRow) -> Result<bool, StoreError> {
    let newer: i64 = chasing_notes::table
        .filter(chasing_notes::document_kind.eq(&note.document_kind))
        .filter(chasing_notes::document_id.eq(&note.document_id))
        .filter(chasing_notes::called_at.gt(note.called_at))
        .count()
        .get_result(conn)?;
    Ok(newer > 0)
}

/// Claims the lapse of `id`'s promise on `today`: the conditional write, so of two runs or
/// instances exactly one goes on to tell anyone.
pub fn claim_lapse(
    conn: &mut DbConnection,
    id: &str,
    today: NaiveDate,
) -> Result<bool, StoreError> {
    let n = diesel::update(
        chasing_notes::table
            .filter(chasing_notes::id.eq(id))
            .filter(chasing_notes::promise_lapse_noticed_on.is_null()),
    )
    .set(chasing_notes::promise_lapse_noticed_on.eq(today))
    .execute(conn)?;
    Ok(n == 1)
}
