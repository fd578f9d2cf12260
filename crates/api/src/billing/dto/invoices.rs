//! BIL-5: invoices and credit notes on the wire.

use crate::kernel::export::{Column, Exportable};
use chrono::{DateTime, NaiveDate, Utc};
use kefu_billing::fees::MAX_PRICE_FEN;
use kefu_billing::invoices::InvoiceSubject;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

/// BIL-5: a credit note refunding part or all of its invoice.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CreditNoteOut {
    /// The credit note's id.
    pub id: String,
    /// The credit note's number, unique.
    pub number: String,
    /// What it refunds, in fen.
    pub amount_fen: i64,
    /// The day it was issued.
    pub issued_on: NaiveDate,
    /// Why the refund.
    pub reason: String,
    /// Who recorded it.
    pub issued_by: String,
    /// When it was recorded.
    pub created_at: DateTime<Utc>,
}

/// BIL-5: an invoice, with where it was mailed and to whom, and its credit notes.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct InvoiceOut {
    /// The invoice's id.
    pub id: String,
    /// Unique.
    pub number: String,
    /// The customer invoiced.
    pub customer_id: String,
    /// What is billed (BIL-5).
    pub subject_kind: InvoiceSubject,
    /// The contract, repair quote or commissioning job billed.
    pub subject_id: String,
    /// The invoiced amount, in fen.
    pub amount_fen: i64,
    /// The sum of the credit notes.
    pub credited_fen: i64,
    /// `amount_fen − credited_fen`: what a further credit note may refund at most.
    pub remaining_fen: i64,
    /// The day the invoice was issued.
    pub issued_on: NaiveDate,
    /// Where the invoice was mailed (BIL-5).
    pub mailing_address: String,
    /// Whom it was mailed to.
    pub contact_name: String,
    /// That contact's phone; `null` if not given.
    pub contact_phone: Option<String>,
    /// Free notes.
    pub note: Option<String>,
    /// Who recorded it.
    pub issued_by: String,
    /// Its credit notes, oldest first.
    pub credit_notes: Vec<CreditNoteOut>,
    /// A tombstone: only delta sync (`updated_since`) returns deleted records.
    pub deleted: bool,
    /// When it was recorded.
    pub created_at: DateTime<Utc>,
    /// When it last changed (a credit note added).
    pub updated_at: DateTime<Utc>,
    /// Echoed as the `ETag`; send it back in `If-Match` to add a credit note.
    pub version: i64,
}

impl crate::kernel::command::Versioned for InvoiceOut {
    fn version(&self) -> i64 {
        self.version
    }
}

/// BIL-5: an invoice to issue.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"number": "INV-2026-0001", "customer_id": "c-1",
    "subject_kind": "repair_quote", "subject_id": "q-1", "amount_fen": 50000,
    "issued_on": "2026-03-09", "mailing_address": "杭州市一路 1 号", "contact_name": "王主任"}))]
pub struct IssueInvoice {
    /// The invoice's number, unique.
    #[validate(length(min = 1, max = 64))]
    #[schema(min_length = 1, max_length = 64)]
    pub number: String,
    /// The customer invoiced.
    #[validate(length(min = 1, max = 64))]
    #[schema(min_length = 1, max_length = 64)]
    pub customer_id: String,
    /// What is billed (BIL-5).
    pub subject_kind: InvoiceSubject,
    /// The contract, repair quote or commissioning job billed, of that customer.
    #[validate(length(min = 1, max = 64))]
    #[schema(min_length = 1, max_length = 64)]
    pub subject_id: String,
    /// The invoiced amount, in fen.
    #[validate(range(min = 1, max = MAX_PRICE_FEN))]
    #[schema(minimum = 1, maximum = 1_000_000_000)]
    pub amount_fen: i64,
    /// Default today; not in the future.
    pub issued_on: Option<NaiveDate>,
    /// Where the invoice is mailed (BIL-5).
    #[validate(length(min = 1, max = 500))]
    #[schema(min_length = 1, max_length = 500)]
    pub mailing_address: String,
    /// Whom it is mailed to.
    #[validate(length(min = 1, max = 100))]
    #[schema(min_length = 1, max_length = 100)]
    pub contact_name: String,
    /// That contact's phone.
    #[validate(length(min = 1, max = 32))]
    #[schema(min_length = 1, max_length = 32)]
    pub contact_phone: Option<String>,
    /// Free notes.
    #[validate(length(min = 1, max = 1000))]
    #[schema(min_length = 1, max_length = 1000)]
    pub note: Option<String>,
}

/// BIL-5: a credit note for a refund.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"number": "CN-2026-0001", "amount_fen": 10000, "reason": "部分退款"}))]
pub struct IssueCreditNote {
    /// The credit note's number, unique.
    #[validate(length(min = 1, max = 64))]
    #[schema(min_length = 1, max_length = 64)]
    pub number: String,
    /// What it refunds, in fen; at most the invoice's `remaining_fen`.
    #[validate(range(min = 1, max = MAX_PRICE_FEN))]
    #[schema(minimum = 1, maximum = 1_000_000_000)]
    pub amount_fen: i64,
    /// Default today; not in the future.
    pub issued_on: Option<NaiveDate>,
    /// Why the refund.
    #[validate(length(min = 1, max = 1000))]
    #[schema(min_length = 1, max_length = 1000)]
    pub reason: String,
}

#[derive(Debug, Clone, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct InvoiceQuery {
    pub customer_id: Option<String>,
    pub subject_kind: Option<InvoiceSubject>,
    pub subject_id: Option<String>,
    /// Issued on or after this day.
    pub issued_from: Option<NaiveDate>,
    /// Issued on or before this day.
    pub issued_to: Option<NaiveDate>,
    /// Delta sync: every invoice changed after this instant (RFC 3339), in update order.
    #[param(example = "2026-03-01T08:00:00+08:00")]
    pub updated_since: Option<String>,
    /// Page size, 1–200 (default 50).
    pub limit: Option<u32>,
    /// `next_cursor` of the previous page (of a query with the same `updated_since`).
    pub cursor: Option<String>,
}

crate::paged!(InvoiceQuery);

const fn col(field: &'static str, zh: &'static str) -> Column {
    Column { field, zh }
}

pub const EXPORT: Exportable = Exportable {
    operation_id: "listInvoices",
    file: "invoices",
    columns: &[
        col("id", "编号"),
        col("number", "发票号"),
        col("customer_id", "客户"),
        col("subject_kind", "类别"),
        col("subject_id", "对象"),
        col("amount_fen", "金额(分)"),
        col("credited_fen", "红冲(分)"),
        col("remaining_fen", "余额(分)"),
        col("issued_on", "开票日期"),
        col("mailing_address", "邮寄地址"),
        col("contact_name", "联系人"),
        col("contact_phone", "电话"),
        col("note", "备注"),
        col("issued_by", "经办人"),
        col("credit_notes", "红字发票"),
        col("created_at", "创建时间"),
        col("deleted", "已删除"),
        col("updated_at", "更新时间"),
        col("version", "版本"),
    ],
};
