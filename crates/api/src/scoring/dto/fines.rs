use crate::kernel::export::{Column, Exportable};
use chrono::{DateTime, NaiveDate, Utc};
use kefu_scoring::fine_records::FineStatus;
use kefu_store::fines::{FineRow, LedgerRow};
use kefu_store::from_db_time;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

/// HR-F0: a fine as a record.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct FineOut {
    /// The fine's id.
    pub id: String,
    /// The person fined (a user id).
    pub user_id: String,
    /// The rule applied: `HR-A2` (lateness), `HR-C1` (valid complaint), `HR-F2`…`HR-F21`.
    #[schema(max_length = 16, example = "HR-F3")]
    pub rule: String,
    /// The fine, in fen.
    pub amount_fen: i64,
    /// Always `CNY`.
    #[schema(example = "CNY")]
    pub currency: &'static str,
    /// The payroll month the fine is deducted in, `YYYY-MM`.
    #[schema(pattern = r"^[0-9]{4}-(0[1-9]|1[0-2])$", example = "2026-03")]
    pub month: String,
    /// The day of the breach (for a lateness fine, the month's first day).
    pub occurred_on: NaiveDate,
    /// What happened, as the issuer wrote it.
    #[schema(max_length = 2000)]
    pub evidence: String,
    /// Attachments with the evidence (uploaded by the issuer, or onto the fine itself with
    /// owner type `fine`).
    pub attachment_ids: Vec<String>,
    /// Who proposed it; `null` for one proposed by a scheduled job.
    pub issued_by: Option<String>,
    /// `proposed` → `confirmed` → `deducted` by payroll, or `cancelled` (HR-F0).
    pub status: FineStatus,
    /// The breach also raises a dismissal flag (HR-F2, F6, F20, F21): a recommendation for a
    /// person to act on, never an automatic act.
    pub dismissal_flag: bool,
    /// What the fine was proposed from: `complaint:<id>` (HR-C1), `lateness:<user>:<month>`
    /// (HR-A2); `null` for one proposed by hand.
    pub source_key: Option<String>,
    /// Who confirmed or cancelled it, and when.
    pub decided_by: Option<String>,
    /// When it was confirmed or cancelled; `null` while `proposed`.
    pub decided_at: Option<DateTime<Utc>>,
    /// Why it was cancelled; `null` unless `cancelled`.
    #[schema(max_length = 500)]
    pub cancel_reason: Option<String>,
    /// When payroll deducted it (BIL-13).
    pub deducted_at: Option<DateTime<Utc>>,
    /// A tombstone: only delta sync (`updated_since`) returns deleted records.
    pub deleted: bool,
    /// When it was proposed.
    pub created_at: DateTime<Utc>,
    /// When it last changed.
    pub updated_at: DateTime<Utc>,
    /// Echoed as the `ETag`; send it back in `If-Match` to change the record.
    pub version: i64,
}

impl From<&FineRow> for FineOut {
    fn from(r: &FineRow) -> Self {
        FineOut {
            id: r.id.clone(),
            user_id: r.user_id.clone(),
            rule: r.rule.clone(),
            amount_fen: r.amount_fen,
            currency: "CNY",
            month: r.month.clone(),
            occurred_on: r.occurred_on,
            evidence: r.evidence.clone(),
            attachment_ids: serde_json::from_str(&r.attachment_ids).unwrap_or_default(),
            issued_by: r.issued_by.clone(),
            status: r.status.parse().unwrap_or(FineStatus::Proposed),
            dismissal_flag: r.dismissal_flag,
            source_key: r.source_key.clone(),
            decided_by: r.decided_by.clone(),
            decided_at: r.decided_at.map(from_db_time),
            cancel_reason: r.cancel_reason.clone(),
            deducted_at: r.deducted_at.map(from_db_time),
            deleted: r.deleted_at.is_some(),
            created_at: from_db_time(r.created_at),
            updated_at: from_db_time(r.updated_at),
            version: r.version,
        }
    }
}

/// HR-F*: a fine proposed by hand. Its amount is the fine catalogue's (`fines` rule set) for
/// the rule, the manager amount when the person is a manager (F12, F20, F21), unless the
/// breach sets the sum (`amount_fen`: F20 double the money, F21 all the income).
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"user_id": "0193a0c4-7e1f-7000-8000-000000000001", "rule": "HR-F3",
    "evidence": "服务单 FS-0301 签字后涂改了到场时间", "occurred_on": "2026-03-02"}))]
pub struct ProposeFine {
    /// The person fined (a user id the caller sees: a supervisor their teams' members).
    #[validate(length(min = 1, max = 64))]
    #[schema(min_length = 1, max_length = 64)]
    pub user_id: String,
    /// A rule of the fine catalogue other than HR-C1 and HR-A2 (those are proposed from
    /// their source).
    #[validate(length(min = 1, max = 16))]
    #[schema(min_length = 1, max_length = 16, example = "HR-F3")]
    pub rule: String,
    /// The sum when the breach sets it; the catalogue's amount without it.
    #[validate(range(min = 0, max = 100_000_000))]
    #[schema(minimum = 0, maximum = 100_000_000)]
    pub amount_fen: Option<i64>,
    /// What happened (HR-S6: every deduction has evidence).
    #[validate(length(min = 1, max = 2000))]
    #[schema(min_length = 1, max_length = 2000)]
    pub evidence: String,
    /// Attachments the caller uploaded with the evidence.
    #[validate(length(max = 20))]
    #[schema(max_items = 20, value_type = Vec<crate::kernel::fields::RecordIdItem>)]
    #[serde(default)]
    pub attachment_ids: Vec<String>,
    /// The day of the breach; today without it. Its month is the payroll month.
    pub occurred_on: Option<NaiveDate>,
}

/// HR-F0: why a fine is withdrawn.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"reason": "申诉成立：涂改系客户本人所为"}))]
pub struct CancelFine {
    /// Why the fine is withdrawn.
    #[validate(length(min = 1, max = 500))]
    #[schema(min_length = 1, max_length = 500)]
    pub reason: String,
}

#[derive(Debug, Clone, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct FineQuery {
    /// One person's fines (within what the caller may see).
    pub user_id: Option<String>,
    pub status: Option<FineStatus>,
    /// A rule id, e.g. `HR-F3`.
    #[param(max_length = 16)]
    pub rule: Option<String>,
    /// A payroll month, `YYYY-MM`.
    #[param(pattern = r"^[0-9]{4}-(0[1-9]|1[0-2])$", example = "2026-03")]
    pub month: Option<String>,
    #[param(example = "2026-03-01T08:00:00+08:00")]
    pub updated_since: Option<String>,
    /// Page size, 1–200 (default 50).
    pub limit: Option<u32>,
    /// `next_cursor` of the previous page (of a query with the same `updated_since`).
    pub cursor: Option<String>,
}

#[derive(Debug, Clone, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct LedgerQuery {
    #[param(example = "2026-03-01T08:00:00+08:00")]
    pub updated_since: Option<String>,
    /// Page size, 1–200 (default 50).
    pub limit: Option<u32>,
    /// `next_cursor` of the previous page (of a query with the same `updated_since`).
    pub cursor: Option<String>,
}

crate::paged!(FineQuery, LedgerQuery);

kefu_core::string_enum! {
    /// HR-F0: a department-fund entry: a confirmed fine paid in, or a confirmed fine
    /// cancelled and paid back out.
    #[derive(ToSchema)]
    pub enum LedgerEntry {
        FineConfirmed = "fine_confirmed",
        FineReversed = "fine_reversed",
        /// Money paid out of the fund for a purpose (BIL-13's finance view).
        Spending = "spending",
    }
}

/// HR-F0: one entry of the department-fund ledger with the balance after it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct LedgerOut {
    /// The entry's id.
    pub id: String,
    /// The fine paid in or back out; `null` for a spending.
    pub fine_id: Option<String>,
    /// The person fined; `null` for a spending.
    pub user_id: Option<String>,
    /// The rule of the fine, or `HR-F0` for a spending.
    #[schema(max_length = 16)]
    pub rule: String,
    /// A confirmed fine paid in, a fine reversed out, or a spending.
    pub entry: LedgerEntry,
    /// Into the fund positive, out of it negative.
    pub amount_fen: i64,
    /// The fund's balance after this entry (entries in id order).
    pub balance_fen: i64,
    /// Always `CNY`.
    #[schema(example = "CNY")]
    pub currency: &'static str,
    /// Who posted the entry; `null` for the system.
    pub posted_by: Option<String>,
    /// What a spending paid for.
    pub purpose: Option<String>,
    /// Always `false`: the ledger is append-only.
    pub deleted: bool,
    /// When it was posted.
    pub created_at: DateTime<Utc>,
    /// When the entry was written; entries never change.
    pub updated_at: DateTime<Utc>,
}

impl LedgerOut {
    pub fn of(r: &LedgerRow, balance_fen: i64) -> Self {
        LedgerOut {
            id: r.id.clone(),
            fine_id: r.fine_id.clone(),
            user_id: r.user_id.clone(),
            rule: r.rule.clone(),
            entry: r.entry.parse().unwrap_or(LedgerEntry::FineConfirmed),
            amount_fen: r.amount_fen,
            balance_fen,
            currency: "CNY",
            posted_by: r.posted_by.clone(),
            purpose: r.purpose.clone(),
            deleted: r.deleted_at.is_some(),
            created_at: from_db_time(r.created_at),
            updated_at: from_db_time(r.updated_at),
        }
    }
}

const fn col(field: &'static str, zh: &'static str) -> Column {
    Column { field, zh }
}

pub const FINES_EXPORT: Exportable = Exportable {
    operation_id: "listFines",
    file: "fines",
    columns: &[
        col("id", "编号"),
        col("user_id", "被罚人"),
        col("rule", "条款"),
        col("amount_fen", "金额（分）"),
        col("currency", "币种"),
        col("month", "工资月份"),
        col("occurred_on", "发生日期"),
        col("evidence", "证据"),
        col("attachment_ids", "附件"),
        col("issued_by", "开具人"),
        col("status", "状态"),
        col("dismissal_flag", "建议辞退"),
        col("source_key", "来源"),
        col("decided_by", "审核人"),
        col("decided_at", "审核时间"),
        col("cancel_reason", "撤销原因"),
        col("deducted_at", "扣款时间"),
        col("deleted", "已删除"),
        col("created_at", "创建时间"),
        col("updated_at", "更新时间"),
        col("version", "版本"),
    ],
};

pub const LEDGER_EXPORT: Exportable = Exportable {
    operation_id: "listFundLedger",
    file: "fund-ledger",
    columns: &[
        col("id", "编号"),
        col("fine_id", "罚款编号"),
        col("user_id", "被罚人"),
        col("rule", "条款"),
        col("entry", "类型"),
        col("amount_fen", "金额（分）"),
        col("balance_fen", "余额（分）"),
        col("currency", "币种"),
        col("posted_by", "记账人"),
        col("purpose", "用途"),
        col("deleted", "已删除"),
        col("created_at", "创建时间"),
        col("updated_at", "更新时间"),
    ],
};

/// HR-A2: the finished month whose lateness fines to propose.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"month": "2026-03"}))]
pub struct ProposeLatenessFines {
    /// `YYYY-MM`, a month that is over.
    #[validate(length(equal = 7))]
    #[schema(
        max_length = 7,
        pattern = r"^[0-9]{4}-(0[1-9]|1[0-2])$",
        example = "2026-03"
    )]
    pub month: String,
}

/// HR-A2: what a run of the month's lateness fines did.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct LatenessRunOut {
    /// The month run, `YYYY-MM`.
    #[schema(pattern = r"^[0-9]{4}-(0[1-9]|1[0-2])$", example = "2026-03")]
    pub month: String,
    /// The fines proposed by this run.
    pub proposed: Vec<FineOut>,
    /// People whose fine for the month was proposed before (by an earlier run).
    pub already_proposed: i64,
    /// People whose month has no lateness fine.
    pub without_fine: i64,
}

#[derive(Debug, Clone, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ComplaintSummaryQuery {
    /// A calendar year that has begun, e.g. `2026`.
    #[param(minimum = 2000, maximum = 9999, example = 2026)]
    pub year: i32,
    /// Whose complaints: the caller's own without it.
    #[param(max_length = 64)]
    pub user_id: Option<String>,
}

/// HR-C1: a person's valid complaints in a calendar year, the busiest rolling window, and
/// the flags they raise — recommendations for a person to act on, never automatic acts.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ComplaintSummaryOut {
    /// The person (a user id).
    pub user_id: String,
    /// The year's figures (inlined here).
    #[serde(flatten)]
    pub summary: kefu_scoring::complaint_flags::ComplaintYear,
    /// The thresholds applied (`complaint-flags` rule set in force at the year's end, or
    /// today for the current year).
    pub dismissal_above_per_year: i64,
    /// Valid complaints within a rolling window that raise a demotion flag (HR-C1).
    pub demotion_count: i64,
    /// The rolling window, in months (HR-C1: a half-year).
    pub demotion_window_months: i64,
}
