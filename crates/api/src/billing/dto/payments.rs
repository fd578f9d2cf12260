//! BIL-4: payments and deposits on the wire.

use crate::kernel::export::{Column, Exportable};
use chrono::{DateTime, NaiveDate, Utc};
use kefu_billing::fees::MAX_PRICE_FEN;
use kefu_billing::payments::{DepositState, PaymentDocument, PaymentKind, PaymentMethod};
use kefu_store::customer_payments::PaymentRow;
use kefu_store::from_db_time;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

/// BIL-4: money received from a customer.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PaymentOut {
    /// The payment's id.
    pub id: String,
    /// The customer who paid.
    pub customer_id: String,
    /// A payment or a deposit (BIL-4).
    pub kind: PaymentKind,
    /// The repair quote paid (a payment), or that a deposit is for.
    pub quote_id: Option<String>,
    /// The repair intake (INV-5) a deposit is held against.
    pub intake_id: Option<String>,
    /// The amount received, in fen.
    pub amount_fen: i64,
    /// The day the money was received.
    pub paid_on: NaiveDate,
    /// How it was paid (BIL-4).
    pub method: PaymentMethod,
    /// The company account the money went to.
    pub account: String,
    /// Whether an invoice or a receipt was issued for it.
    pub document: PaymentDocument,
    /// The invoice's or receipt's number; `null` if not given.
    pub document_no: Option<String>,
    /// A deposit's state; `null` for a payment.
    pub deposit_state: Option<DepositState>,
    /// Who refunded or converted the deposit; `null` while held or for a payment.
    pub settled_by: Option<String>,
    /// When the deposit was refunded or converted; `null` while held or for a payment.
    pub settled_at: Option<DateTime<Utc>>,
    /// The note given with the refund or conversion.
    pub settle_note: Option<String>,
    /// The payment a converted deposit became.
    pub converted_payment_id: Option<String>,
    /// Free notes.
    pub note: Option<String>,
    /// Who recorded the money.
    pub recorded_by: String,
    /// A tombstone: only delta sync (`updated_since`) returns deleted records.
    pub deleted: bool,
    /// When it was recorded.
    pub created_at: DateTime<Utc>,
    /// When it last changed.
    pub updated_at: DateTime<Utc>,
    /// Echoed as the `ETag`; send it back in `If-Match` to change the record.
    pub version: i64,
}

impl crate::kernel::command::Versioned for PaymentOut {
    fn version(&self) -> i64 {
        self.version
    }
}

impl From<&PaymentRow> for PaymentOut {
    fn from(r: &PaymentRow) -> Self {
        PaymentOut {
            id: r.id.clone(),
            customer_id: r.customer_id.clone(),
            kind: PaymentKind::parse(&r.kind).unwrap_or(PaymentKind::Payment),
            quote_id: r.quote_id.clone(),
            intake_id: r.intake_id.clone(),
            amount_fen: r.amount_fen,
            paid_on: r.paid_on,
            method: PaymentMethod::parse(&r.method).unwrap_or(PaymentMethod::BankTransfer),
            account: r.account.clone(),
            document: PaymentDocument::parse(&r.document).unwrap_or(PaymentDocument::Neither),
            document_no: r.document_no.clone(),
            deposit_state: r.deposit_state.as_deref().and_then(DepositState::parse),
            settled_by: r.settled_by.clone(),
            settled_at: r.settled_at.map(from_db_time),
            settle_note: r.settle_note.clone(),
            converted_payment_id: r.converted_payment_id.clone(),
            note: r.note.clone(),
            recorded_by: r.recorded_by.clone(),
            deleted: r.deleted_at.is_some(),
            created_at: from_db_time(r.created_at),
            updated_at: from_db_time(r.updated_at),
            version: r.version,
        }
    }
}

/// BIL-4: money received, as a payment or a deposit.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"customer_id": "c-1", "kind": "payment", "quote_id": "q-1",
    "amount_fen": 50000, "paid_on": "2026-03-02", "method": "bank_transfer",
    "account": "工行 6222 0000 1234", "document": "invoice", "document_no": "No.00012345"}))]
pub struct RecordPayment {
    /// The customer who paid.
    #[validate(length(min = 1, max = 64))]
    #[schema(min_length = 1, max_length = 64)]
    pub customer_id: String,
    /// A payment or a deposit (BIL-4).
    pub kind: PaymentKind,
    /// A payment: the accepted quote it pays; a deposit: the quote it is for, if any.
    #[validate(length(min = 1, max = 64))]
    #[schema(min_length = 1, max_length = 64)]
    pub quote_id: Option<String>,
    /// A deposit: the repair intake (INV-5) it is held against (required).
    #[validate(length(min = 1, max = 64))]
    #[schema(min_length = 1, max_length = 64)]
    pub intake_id: Option<String>,
    /// The amount received, in fen.
    #[validate(range(min = 1, max = MAX_PRICE_FEN))]
    #[schema(minimum = 1, maximum = 1_000_000_000)]
    pub amount_fen: i64,
    /// Default today; not in the future.
    pub paid_on: Option<NaiveDate>,
    /// How it was paid (BIL-4).
    pub method: PaymentMethod,
    /// The company account the money went to (BIL-6: the same day).
    #[validate(length(min = 1, max = 100))]
    #[schema(min_length = 1, max_length = 100)]
    pub account: String,
    /// Whether an invoice or a receipt was issued (BIL-4).
    pub document: PaymentDocument,
    /// The invoice's or receipt's number.
    #[validate(length(min = 1, max = 64))]
    #[schema(min_length = 1, max_length = 64)]
    pub document_no: Option<String>,
    /// Free notes.
    #[validate(length(min = 1, max = 1000))]
    #[schema(min_length = 1, max_length = 1000)]
    pub note: Option<String>,
}

/// A deposit's refund or conversion.
#[derive(Debug, Default, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"note": "维修完成，押金转维修费"}))]
pub struct SettleDeposit {
    /// A conversion: the accepted quote the deposit pays (default the deposit's quote).
    #[validate(length(min = 1, max = 64))]
    #[schema(min_length = 1, max_length = 64)]
    pub quote_id: Option<String>,
    /// A note on the refund or conversion.
    #[validate(length(min = 1, max = 1000))]
    #[schema(min_length = 1, max_length = 1000)]
    pub note: Option<String>,
}

#[derive(Debug, Clone, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct PaymentQuery {
    pub customer_id: Option<String>,
    pub kind: Option<PaymentKind>,
    pub quote_id: Option<String>,
    pub intake_id: Option<String>,
    pub deposit_state: Option<DepositState>,
    /// Paid on or after this day.
    pub paid_from: Option<NaiveDate>,
    /// Paid on or before this day.
    pub paid_to: Option<NaiveDate>,
    /// Delta sync: every payment changed after this instant (RFC 3339), in update order.
    #[param(example = "2026-03-01T08:00:00+08:00")]
    pub updated_since: Option<String>,
    /// Page size, 1–200 (default 50).
    pub limit: Option<u32>,
    /// `next_cursor` of the previous page (of a query with the same `updated_since`).
    pub cursor: Option<String>,
}

crate::paged!(PaymentQuery);

const fn col(field: &'static str, zh: &'static str) -> Column {
    Column { field, zh }
}

pub const EXPORT: Exportable = Exportable {
    operation_id: "listPayments",
    file: "payments",
    columns: &[
        col("id", "编号"),
        col("customer_id", "客户"),
        col("kind", "类别"),
        col("quote_id", "报价单"),
        col("intake_id", "维修登记"),
        col("amount_fen", "金额(分)"),
        col("paid_on", "收款日期"),
        col("method", "方式"),
        col("account", "收款账户"),
        col("document", "票据"),
        col("document_no", "票据号"),
        col("deposit_state", "押金状态"),
        col("recorded_by", "登记人"),
        col("settled_by", "结算人"),
        col("settled_at", "结算时间"),
        col("settle_note", "结算说明"),
        col("converted_payment_id", "转费收款"),
        col("note", "备注"),
        col("created_at", "创建时间"),
        col("deleted", "已删除"),
        col("updated_at", "更新时间"),
        col("version", "版本"),
    ],
};
