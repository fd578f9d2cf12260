//! BIL-8: receivables, arrears, chasing notes and customer statements on the wire.

use crate::kernel::export::{Column, Exportable};
use chrono::{DateTime, NaiveDate, Utc};
use kefu_billing::chasing::{ChasingChannel, ChasingOutcome};
use kefu_billing::fees::MAX_PRICE_FEN;
use kefu_billing::receivables::{AgeingBucket, LedgerEntryKind, ReceivableKind};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

/// BIL-8: what one customer owes on a day, aged in calendar days past each document's due day
/// (the work calendar plays no part). The buckets' bounds are the `receivables` rule set's
/// `bucket_upper_days` in force that day (default 0–30, 31–60, 61–90, more than 90).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ReceivableOut {
    /// The customer.
    pub customer_id: String,
    /// The customer's name.
    pub customer_name: String,
    /// The customer's responsible engineer (ORG-5 owner), if any.
    pub owner_user_id: Option<String>,
    /// The day the figures are for (today, or a statement's `to`).
    pub as_of: NaiveDate,
    /// Owed on documents not yet due.
    pub current_fen: i64,
    /// 0 to `bucket_upper_days[0]` days past due (default 0–30).
    pub bucket_1_fen: i64,
    /// Default 31–60 days past due.
    pub bucket_2_fen: i64,
    /// Default 61–90 days past due.
    pub bucket_3_fen: i64,
    /// Default more than 90 days past due.
    pub bucket_4_fen: i64,
    /// The bounds used: the last day of buckets 1, 2 and 3.
    pub bucket_upper_days: Vec<i64>,
    /// Owed on documents past their due day (the arrears list's total for the customer).
    pub overdue_fen: i64,
    /// Money received that no document absorbs (payments on account and overpayments).
    pub unapplied_credit_fen: i64,
    /// `current + buckets 1–4 − unapplied credit`: invoiced − paid − credited, which is the
    /// closing balance of the customer's statement for the same day.
    pub balance_fen: i64,
    /// Documents with money still owed.
    pub open_documents: i64,
    /// The earliest due day among them.
    pub oldest_due_on: Option<NaiveDate>,
    /// Always `CNY`.
    pub currency: String,
}

/// BIL-8: `GET /receivables` filters.
#[derive(Debug, Clone, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ReceivableQuery {
    pub customer_id: Option<String>,
    /// Customers of this responsible engineer.
    pub owner_user_id: Option<String>,
    /// `true`: only customers with money past due.
    pub overdue: Option<bool>,
    /// Page size, 1–200 (default 50).
    pub limit: Option<u32>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

crate::paged!(ReceivableQuery);

/// BIL-8: a document with money still owed after its due day.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ArrearOut {
    /// What kind of document is owed on.
    pub document_kind: ReceivableKind,
    /// The contract's, the repair quote's or the invoice's id.
    pub document_id: String,
    /// The contract's title, the quote's id or the invoice's number.
    pub reference: String,
    /// The customer who owes.
    pub customer_id: String,
    /// The customer's name.
    pub customer_name: String,
    /// The customer's responsible engineer (ORG-5 owner); `null` if none.
    pub owner_user_id: Option<String>,
    /// The document's day: the contract's signing, the quote's acceptance, the invoice's issue.
    pub opened_on: NaiveDate,
    /// The day payment was due (e.g. CON-2 for a contract).
    pub due_on: NaiveDate,
    /// Calendar days since the due day (1 or more).
    pub days_past_due: i64,
    /// The ageing bucket of `days_past_due` (BIL-8).
    pub bucket: AgeingBucket,
    /// What the document charges, in fen.
    pub charged_fen: i64,
    /// Money received for the document itself.
    pub paid_fen: i64,
    /// Credit notes on its invoices.
    pub credited_fen: i64,
    /// Payments on account and other documents' excess applied to it, oldest due first.
    pub applied_fen: i64,
    /// `charged − paid − credited − applied`.
    pub outstanding_fen: i64,
    /// The latest chasing note's call, outcome and promised day, if chased (never shown to
    /// customer contacts: the notes are the staff's).
    pub last_called_at: Option<DateTime<Utc>>,
    /// The latest chasing call's outcome; `null` if never chased.
    pub last_outcome: Option<ChasingOutcome>,
    /// The day the customer last promised to pay; `null` if no promise.
    pub promised_on: Option<NaiveDate>,
    /// Always `CNY`.
    pub currency: String,
}

/// BIL-8: `GET /arrears` filters.
#[derive(Debug, Clone, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ArrearsQuery {
    pub customer_id: Option<String>,
    pub owner_user_id: Option<String>,
    pub document_kind: Option<ReceivableKind>,
    /// Only documents in this bucket (`current` matches none: those are not in arrears).
    pub bucket: Option<AgeingBucket>,
    /// Page size, 1–200 (default 50).
    pub limit: Option<u32>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

crate::paged!(ArrearsQuery);

/// BIL-8: one chasing call (催缴记录); notes never change.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ChasingNoteOut {
    /// The note's id.
    pub id: String,
    /// The customer chased.
    pub customer_id: String,
    /// The kind of document chased.
    pub document_kind: ReceivableKind,
    /// The document chased.
    pub document_id: String,
    /// Who made the call.
    pub called_by: String,
    /// When the call was made.
    pub called_at: DateTime<Utc>,
    /// How the customer was reached.
    pub channel: ChasingChannel,
    /// Whom they spoke to at the customer.
    pub contact_name: Option<String>,
    /// What the call gave.
    pub outcome: ChasingOutcome,
    /// The day the customer promised to pay (`outcome: promised` only).
    pub promised_on: Option<NaiveDate>,
    /// The amount promised, in fen; `null` if none was named.
    pub promised_fen: Option<i64>,
    /// Free notes on the call.
    pub note: Option<String>,
    /// Who recorded it.
    pub recorded_by: String,
    /// When the note was recorded.
    pub created_at: DateTime<Utc>,
}

/// BIL-8: a chasing call to record.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"called_at": "2026-03-09T10:00:00+08:00", "channel": "phone",
    "contact_name": "王会计", "outcome": "promised", "promised_on": "2026-03-16",
    "promised_fen": 600000, "note": "月中付款"}))]
pub struct AddChasingNote {
    /// The staff member who called; default the caller.
    #[validate(length(min = 1, max = 64))]
    #[schema(min_length = 1, max_length = 64)]
    pub called_by: Option<String>,
    /// Default now; not in the future.
    pub called_at: Option<DateTime<Utc>>,
    /// Default `phone`.
    pub channel: Option<ChasingChannel>,
    /// Whom they spoke to at the customer.
    #[validate(length(min = 1, max = 100))]
    #[schema(min_length = 1, max_length = 100)]
    pub contact_name: Option<String>,
    /// What the call gave.
    pub outcome: ChasingOutcome,
    /// Required with `outcome: promised` (not before the call); refused otherwise.
    pub promised_on: Option<NaiveDate>,
    /// The amount the customer promised to pay, in fen (optional).
    #[validate(range(min = 1, max = MAX_PRICE_FEN))]
    #[schema(minimum = 1, maximum = 1_000_000_000)]
    pub promised_fen: Option<i64>,
    /// Free notes on the call.
    #[validate(length(min = 1, max = 1000))]
    #[schema(min_length = 1, max_length = 1000)]
    pub note: Option<String>,
}

/// BIL-8: `GET /arrears/{kind}/{id}/chasing-notes`.
#[derive(Debug, Clone, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ChasingNoteQuery {
    /// Delta sync: the notes recorded after this instant (RFC 3339); notes never change.
    #[param(example = "2026-03-01T08:00:00+08:00")]
    pub updated_since: Option<String>,
    /// Page size, 1–200 (default 50).
    pub limit: Option<u32>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

crate::paged!(ChasingNoteQuery);

kefu_core::string_enum! {
    /// BIL-8: what a statement line is. The opening and closing balances are lines of the
    /// CSV/XLSX download only (the JSON has them as fields).
    #[derive(ToSchema)]
    pub enum StatementLineKind {
        /// The balance at the end of the day before `from` (download only).
        OpeningBalance = "opening_balance",
        /// A signed contract, an accepted repair quote or a commissioning invoice: a debit.
        Charge = "charge",
        /// Money received for a document: a credit.
        Payment = "payment",
        /// A credit note on an invoice of a document: a credit.
        CreditNote = "credit_note",
        /// Money received naming no document: a credit.
        PaymentOnAccount = "payment_on_account",
        /// The balance on `to`, with the period's debits and credits (download only).
        ClosingBalance = "closing_balance",
    }
}

impl From<LedgerEntryKind> for StatementLineKind {
    fn from(kind: LedgerEntryKind) -> Self {
        match kind {
            LedgerEntryKind::Charge => StatementLineKind::Charge,
            LedgerEntryKind::Payment => StatementLineKind::Payment,
            LedgerEntryKind::CreditNote => StatementLineKind::CreditNote,
            LedgerEntryKind::PaymentOnAccount => StatementLineKind::PaymentOnAccount,
        }
    }
}

impl StatementOut {
    /// The lines of the download: the opening balance, the lines, the closing balance (with
    /// the period's totals), so the file reconciles on its own.
    pub fn export_lines(self) -> Vec<StatementLineOut> {
        let balance = |kind, date, balance_fen, (debit_fen, credit_fen)| StatementLineOut {
            date,
            entry_kind: kind,
            document_kind: None,
            document_id: None,
            source_id: self.customer_id.clone(),
            reference: self.customer_name.clone(),
            debit_fen,
            credit_fen,
            balance_fen,
        };
        let opening = balance(
            StatementLineKind::OpeningBalance,
            self.from
                .or(self.lines.first().map(|l| l.date))
                .unwrap_or(self.to),
            self.opening_balance_fen,
            (0, 0),
        );
        let closing = balance(
            StatementLineKind::ClosingBalance,
            self.to,
            self.closing_balance_fen,
            (self.total_debit_fen, self.total_credit_fen),
        );
        std::iter::once(opening)
            .chain(self.lines)
            .chain(std::iter::once(closing))
            .collect()
    }
}

/// BIL-8: one line of a statement, with the balance after it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct StatementLineOut {
    /// The line's day (company time zone).
    pub date: NaiveDate,
    /// What the line is.
    pub entry_kind: StatementLineKind,
    /// The document the line belongs to; none for a payment on account.
    pub document_kind: Option<ReceivableKind>,
    /// The id of that document; `null` for a payment on account.
    pub document_id: Option<String>,
    /// The record behind the line: the contract, quote or invoice charged, the payment, the
    /// credit note.
    pub source_id: String,
    /// Its title or number, as the customer knows it.
    pub reference: String,
    /// What the line adds to the balance (charges).
    pub debit_fen: i64,
    /// What it takes off (payments, credit notes).
    pub credit_fen: i64,
    /// The running balance after the line, in fen.
    pub balance_fen: i64,
}

/// BIL-8: a customer's statement for reconciliation (对帐单).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct StatementOut {
    /// The customer.
    pub customer_id: String,
    /// The customer's name.
    pub customer_name: String,
    /// The first day (none: from the first line ever).
    pub from: Option<NaiveDate>,
    /// The last day of the statement.
    pub to: NaiveDate,
    /// The balance at the end of the day before `from`.
    pub opening_balance_fen: i64,
    /// The lines from `from` to `to`, in date order, each with the balance after it.
    pub lines: Vec<StatementLineOut>,
    /// The period's debits (charges), in fen.
    pub total_debit_fen: i64,
    /// The period's credits (payments, credit notes), in fen.
    pub total_credit_fen: i64,
    /// `opening + debits − credits`; equals `receivable.balance_fen`.
    pub closing_balance_fen: i64,
    /// The customer's receivables row on `to` (what `GET /receivables` shows on that day).
    pub receivable: ReceivableOut,
    /// Always `CNY`.
    pub currency: String,
}

/// BIL-8: `GET /customers/{id}/statement`.
#[derive(Debug, Clone, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct StatementQuery {
    /// First day of the statement; default: from the first line ever (opening balance 0).
    pub from: Option<NaiveDate>,
    /// Last day; default today.
    pub to: Option<NaiveDate>,
}

impl crate::kernel::export::Paged for StatementQuery {
    // The statement is one page: nothing to restart.
    fn restart(&mut self, _cursor: Option<String>, _limit: u32) {}
}

const fn col(field: &'static str, zh: &'static str) -> Column {
    Column { field, zh }
}

pub const RECEIVABLES_EXPORT: Exportable = Exportable {
    operation_id: "listReceivables",
    file: "receivables",
    columns: &[
        col("customer_id", "客户编号"),
        col("customer_name", "客户"),
        col("owner_user_id", "负责人"),
        col("as_of", "截止日期"),
        col("current_fen", "未到期(分)"),
        col("bucket_1_fen", "账龄1(分)"),
        col("bucket_2_fen", "账龄2(分)"),
        col("bucket_3_fen", "账龄3(分)"),
        col("bucket_4_fen", "账龄4(分)"),
        col("bucket_upper_days", "账龄分段(天)"),
        col("overdue_fen", "逾期(分)"),
        col("unapplied_credit_fen", "未核销预收(分)"),
        col("balance_fen", "应收余额(分)"),
        col("open_documents", "未结单据数"),
        col("oldest_due_on", "最早到期日"),
        col("currency", "币种"),
    ],
};

pub const ARREARS_EXPORT: Exportable = Exportable {
    operation_id: "listArrears",
    file: "arrears",
    columns: &[
        col("document_kind", "单据类别"),
        col("document_id", "单据编号"),
        col("reference", "单据"),
        col("customer_id", "客户编号"),
        col("customer_name", "客户"),
        col("owner_user_id", "负责人"),
        col("opened_on", "开单日期"),
        col("due_on", "到期日"),
        col("days_past_due", "逾期天数"),
        col("bucket", "账龄段"),
        col("charged_fen", "应收(分)"),
        col("paid_fen", "已收(分)"),
        col("credited_fen", "红冲(分)"),
        col("applied_fen", "预收核销(分)"),
        col("outstanding_fen", "欠款(分)"),
        col("last_called_at", "最近催缴"),
        col("last_outcome", "催缴结果"),
        col("promised_on", "承诺付款日"),
        col("currency", "币种"),
    ],
};

pub const NOTES_EXPORT: Exportable = Exportable {
    operation_id: "listChasingNotes",
    file: "chasing-notes",
    columns: &[
        col("id", "编号"),
        col("customer_id", "客户编号"),
        col("document_kind", "单据类别"),
        col("document_id", "单据编号"),
        col("called_by", "催缴人"),
        col("called_at", "催缴时间"),
        col("channel", "方式"),
        col("contact_name", "对方联系人"),
        col("outcome", "结果"),
        col("promised_on", "承诺付款日"),
        col("promised_fen", "承诺金额(分)"),
        col("note", "备注"),
        col("recorded_by", "记录人"),
        col("created_at", "记录时间"),
    ],
};

pub const STATEMENT_EXPORT: Exportable = Exportable {
    operation_id: "getCustomerStatement",
    file: "statement",
    columns: &[
        col("date", "日期"),
        col("entry_kind", "摘要"),
        col("document_kind", "单据类别"),
        col("document_id", "单据编号"),
        col("source_id", "凭证编号"),
        col("reference", "凭证"),
        col("debit_fen", "借方(分)"),
        col("credit_fen", "贷方(分)"),
        col("balance_fen", "余额(分)"),
    ],
};
