//! Callbacks (TKT-9), their follow-ups, and the satisfaction report (TKT-13).

use crate::kernel::export::{Column, Exportable};
use chrono::{DateTime, NaiveDate, Utc};
use kefu_tickets::callbacks::{
    CallbackSource, CallbackStatus, FeeKind, FollowUpDecision, FollowUpStatus,
};
use kefu_tickets::satisfaction::Figures;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CallbackOut {
    /// The callback's id.
    pub id: String,
    /// The ticket the callback is about.
    pub ticket_id: String,
    /// What made the callback (TKT-9): a received feedback form, a repair shipped back, or by hand.
    pub source: CallbackSource,
    /// The feedback form (TKT-7) whose receipt made this callback.
    pub feedback_form_id: Option<String>,
    /// `repair_return`: the day the repaired device was shipped back.
    pub shipped_on: Option<NaiveDate>,
    /// The callback agent or clerk who calls.
    pub assignee_id: String,
    /// The manager to own a follow-up if the customer is dissatisfied (else the least busy).
    pub manager_id: Option<String>,
    /// The day the call is due (company time zone).
    pub due_date: NaiveDate,
    /// `open` until completed (`done`) or `cancelled`.
    pub status: CallbackStatus,
    /// Open and due before today (company time).
    pub overdue: bool,
    /// Calls that did not reach the customer.
    pub attempts: i64,
    /// When the last call that did not reach the customer was made; `null` if none.
    pub last_attempt_at: Option<DateTime<Utc>>,
    /// The note of that last unsuccessful call.
    pub last_attempt_note: Option<String>,
    /// `true` once completed, `false` after an unsuccessful attempt, `null` before any call.
    pub reached: Option<bool>,
    /// Whether the customer signed the feedback form (compliance).
    pub form_signed: Option<bool>,
    /// Scores 1–5.
    pub timeliness: Option<i64>,
    /// The engineer's attitude as the customer scored it, 1–5; `null` until completed.
    pub attitude: Option<i64>,
    /// The engineer's technical level as the customer scored it, 1–5; `null` until completed.
    pub technical: Option<i64>,
    /// The customer says the problem is solved; `null` until completed.
    pub result_ok: Option<bool>,
    /// The customer's overall verdict; `false` opened a follow-up.
    pub satisfied: Option<bool>,
    /// What the customer says was charged, in fen (1/100 yuan); `null` if nothing was recorded.
    pub fee_charged_fen: Option<i64>,
    /// Whether the money charged was a deposit or a fee (BIL-4).
    pub fee_kind: Option<FeeKind>,
    /// Whether the money charged was refunded.
    pub fee_refunded: Option<bool>,
    /// Whether an invoice or receipt was given for it.
    pub invoice_given: Option<bool>,
    /// Free notes of the desk on the callback.
    pub notes: Option<String>,
    /// When the reached call was recorded; `null` while open.
    pub completed_at: Option<DateTime<Utc>>,
    /// Who recorded the reached call; `null` while open.
    pub completed_by: Option<String>,
    /// The follow-up opened by a dissatisfied answer.
    pub follow_up_id: Option<String>,
    /// Who created it (for a `feedback_form` callback, who recorded the receipt); `null` for the system.
    pub created_by: Option<String>,
    /// A tombstone: only delta sync (`updated_since`) returns deleted records.
    pub deleted: bool,
    /// When the callback was created.
    pub created_at: DateTime<Utc>,
    /// When the callback last changed.
    pub updated_at: DateTime<Utc>,
    /// Echoed as the `ETag`; send it back in `If-Match` for every command.
    pub version: i64,
    /// The commands the caller may run on this callback now, as the commands themselves decide: the
    /// caller's role (the desk: admins, managers, clerks and callback agents) and its state (TKT-9:
    /// open callbacks only). `complete` is still refused for its answers (422, TKT-9) or after a
    /// concurrent change (412).
    #[schema(max_items = 2)]
    pub allowed_actions: Vec<kefu_tickets::callbacks::CallbackCommand>,
}

/// A callback entered by hand, or after a repaired device is shipped back (due
/// `callback_after_repair_days` calendar days after `shipped_on`, rule set
/// `service-deadlines`). Callbacks after a feedback form are made when the form is received.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"ticket_id": "0195f3a0-7c1e-7d2a-9a55-3b1c2d4e5f60", "source": "repair_return", "shipped_on": "2026-03-02"}))]
pub struct CreateCallback {
    /// The ticket to call the customer about (visible to the caller).
    #[validate(length(min = 1, max = 64))]
    #[schema(min_length = 1, max_length = 64)]
    pub ticket_id: String,
    /// `manual` or `repair_return` (`feedback_form` callbacks come from the form's receipt).
    pub source: CallbackSource,
    /// Required for `repair_return`.
    pub shipped_on: Option<NaiveDate>,
    /// `manual`: the due day (default today).
    pub due_date: Option<NaiveDate>,
    /// An enabled callback agent or clerk; default the one with the fewest open callbacks.
    #[validate(length(min = 1, max = 64))]
    #[schema(min_length = 1, max_length = 64)]
    pub assignee_id: Option<String>,
    /// An enabled manager to own a follow-up.
    #[validate(length(min = 1, max = 64))]
    #[schema(min_length = 1, max_length = 64)]
    pub manager_id: Option<String>,
    /// Free notes for the agent who calls.
    #[validate(length(min = 1, max = 2000))]
    #[schema(min_length = 1, max_length = 2000)]
    pub notes: Option<String>,
}

/// A call that did not reach the customer: the task stays open.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"note": "电话无人接听"}))]
pub struct CallbackAttempt {
    /// What happened (no answer, wrong number...), kept as `last_attempt_note`.
    #[validate(length(min = 1, max = 500))]
    #[schema(min_length = 1, max_length = 500)]
    pub note: Option<String>,
}

/// The questionnaire of a reached call (TKT-9).
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "form_signed": true, "timeliness": 5, "attitude": 5, "technical": 4, "result_ok": true,
    "satisfied": true, "fee_charged_fen": 20000, "fee_kind": "fee", "invoice_given": true,
    "notes": "客户对维修结果满意"
}))]
pub struct CompleteCallback {
    /// Whether the customer signed the feedback form (compliance, TKT-9).
    pub form_signed: bool,
    /// The customer's score for timeliness, 1–5.
    #[validate(range(min = 1, max = 5))]
    #[schema(minimum = 1, maximum = 5)]
    pub timeliness: i64,
    /// The customer's score for the engineer's attitude, 1–5.
    #[validate(range(min = 1, max = 5))]
    #[schema(minimum = 1, maximum = 5)]
    pub attitude: i64,
    /// The customer's score for the engineer's technical level, 1–5.
    #[validate(range(min = 1, max = 5))]
    #[schema(minimum = 1, maximum = 5)]
    pub technical: i64,
    /// The customer says the problem is solved.
    pub result_ok: bool,
    /// `false` opens a follow-up owned by a manager and reopens a resolved or closed ticket;
    /// `true` closes a resolved ticket.
    pub satisfied: bool,
    /// What the customer says was charged, in fen (1/100 yuan).
    #[validate(range(min = 0, max = 100_000_000))]
    #[schema(minimum = 0, maximum = 100_000_000)]
    pub fee_charged_fen: Option<i64>,
    /// Whether the money charged was a deposit or a fee (BIL-4).
    pub fee_kind: Option<FeeKind>,
    /// Whether the money charged was refunded.
    pub fee_refunded: Option<bool>,
    /// Whether an invoice or receipt was given for it.
    pub invoice_given: Option<bool>,
    /// Free notes on the call.
    #[validate(length(min = 1, max = 2000))]
    #[schema(min_length = 1, max_length = 2000)]
    pub notes: Option<String>,
    /// The manager to own the follow-up (default the callback's, else the least busy).
    #[validate(length(min = 1, max = 64))]
    #[schema(min_length = 1, max_length = 64)]
    pub manager_id: Option<String>,
}

#[derive(Debug, Clone, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct CallbackQuery {
    pub assignee_id: Option<String>,
    pub ticket_id: Option<String>,
    pub status: Option<CallbackStatus>,
    /// Only open callbacks due before today.
    pub overdue: Option<bool>,
    pub due_from: Option<NaiveDate>,
    pub due_to: Option<NaiveDate>,
    /// Delta sync: callbacks changed after this instant (RFC 3339), tombstones included, in
    /// update order.
    #[param(example = "2026-03-01T08:00:00+08:00")]
    pub updated_since: Option<String>,
    /// Page size, 1–200 (default 50).
    pub limit: Option<u32>,
    pub cursor: Option<String>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct FollowUpOut {
    /// The follow-up's id.
    pub id: String,
    /// The dissatisfied callback that opened it (TKT-9).
    pub callback_id: String,
    /// The ticket concerned.
    pub ticket_id: String,
    /// The manager who answers the customer.
    pub owner_id: String,
    /// The day the manager must answer the customer by: `follow_up_working_days` working days (rule set `service-deadlines`, TKT-9).
    pub due_date: NaiveDate,
    /// `open` until the manager answers.
    pub status: FollowUpStatus,
    /// Open and due before today (company time).
    pub overdue: bool,
    /// What the manager told the customer; `null` while open.
    pub answer: Option<String>,
    /// When the manager answered; `null` while open.
    pub answered_at: Option<DateTime<Utc>>,
    /// Who answered; `null` while open.
    pub answered_by: Option<String>,
    /// What the answer did to the ticket (null while open): `reopen` sent it back to work,
    /// `close` closed it.
    pub decision: Option<FollowUpDecision>,
    /// Why the manager reopened the ticket (a `reopen` decision only).
    pub decision_reason: Option<String>,
    /// A tombstone: only delta sync (`updated_since`) returns deleted records.
    pub deleted: bool,
    /// When the follow-up was opened.
    pub created_at: DateTime<Utc>,
    /// When the follow-up last changed.
    pub updated_at: DateTime<Utc>,
    /// Echoed as the `ETag`; send it back in `If-Match` with the answer.
    pub version: i64,
}

#[derive(Debug, Clone, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct FollowUpQuery {
    pub owner_id: Option<String>,
    pub ticket_id: Option<String>,
    pub status: Option<FollowUpStatus>,
    #[param(example = "2026-03-01T08:00:00+08:00")]
    pub updated_since: Option<String>,
    pub limit: Option<u32>,
    pub cursor: Option<String>,
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "answer": "已致电客户致歉，安排工程师周五复查",
    "decision": "reopen",
    "reopen_reason": "客户反映报警主机仍有误报",
    "assignee_id": "0193a5c2-7b1e-7c3d-9a40-5f0e8d2b1c03"
}))]
pub struct AnswerFollowUp {
    /// What the manager told the customer.
    #[validate(length(min = 1, max = 2000))]
    #[schema(min_length = 1, max_length = 2000)]
    pub answer: String,
    /// `reopen` sends the ticket back to work; `close` closes it with the answer as the
    /// explanation given to the customer.
    pub decision: FollowUpDecision,
    /// Required with `reopen` (for the engineer and the transition log); not allowed with
    /// `close`.
    #[validate(length(min = 1, max = 500))]
    #[schema(min_length = 1, max_length = 500)]
    pub reopen_reason: Option<String>,
    /// With `reopen`: the engineer to reassign the ticket to (default: its engineer stays).
    #[validate(length(min = 1, max = 64))]
    #[schema(min_length = 1, max_length = 64)]
    pub assignee_id: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum GroupBy {
    Team,
    Engineer,
    Customer,
}

/// `month` or `quarter` (exactly one), and the grouping. `/export` (CSV or
/// XLSX) downloads the groups as CSV, `headers=zh` with Chinese headings.
#[derive(Debug, Clone, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct SatisfactionQuery {
    #[param(example = "2026-03")]
    pub month: Option<String>,
    #[param(example = "2026-Q1")]
    pub quarter: Option<String>,
    /// Default `engineer`.
    pub group_by: Option<GroupBy>,
}

impl crate::kernel::export::Paged for SatisfactionQuery {
    // The report is one page: nothing to restart.
    fn restart(&mut self, _cursor: Option<String>, _limit: u32) {}
}

/// One group of the report.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SatisfactionRow {
    /// The team, engineer or customer id; `null` for callbacks of tickets without one.
    pub key: Option<String>,
    /// Its name.
    pub name: Option<String>,
    /// Callbacks completed in the period.
    pub completed: i64,
    /// Of those, the customer was reached (scores count only these).
    pub reached: i64,
    /// Of the reached, the customer was satisfied.
    pub satisfied: i64,
    /// `satisfied / reached` in basis points.
    pub satisfaction_rate_bp: i64,
    /// Of the reached, the customer said the problem was solved.
    pub result_ok: i64,
    /// Average scores in hundredths (4.50 → 450).
    pub avg_timeliness_x100: i64,
    /// Average attitude score in hundredths.
    pub avg_attitude_x100: i64,
    /// Average technical score in hundredths.
    pub avg_technical_x100: i64,
    /// The mean of the three scores together, in hundredths.
    pub overall_score_x100: i64,
}

impl SatisfactionRow {
    pub fn new(key: Option<String>, name: Option<String>, f: Figures) -> SatisfactionRow {
        SatisfactionRow {
            key,
            name,
            completed: f.completed,
            reached: f.reached,
            satisfied: f.satisfied,
            satisfaction_rate_bp: f.satisfaction_rate_bp,
            result_ok: f.result_ok,
            avg_timeliness_x100: f.avg_timeliness_x100,
            avg_attitude_x100: f.avg_attitude_x100,
            avg_technical_x100: f.avg_technical_x100,
            overall_score_x100: f.overall_score_x100,
        }
    }
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SatisfactionReport {
    /// `2026-03` or `2026-Q1`.
    pub period: String,
    /// First day of the period.
    pub from: NaiveDate,
    /// Last day of the period (inclusive).
    pub to: NaiveDate,
    /// How the groups are formed.
    pub group_by: GroupBy,
    /// One row per team, engineer or customer with completed callbacks.
    pub groups: Vec<SatisfactionRow>,
    /// All groups together.
    pub total: Figures,
}

pub const SATISFACTION_EXPORT: Exportable = Exportable {
    operation_id: "getSatisfactionReport",
    file: "satisfaction",
    columns: &[
        Column {
            field: "key",
            zh: "编号",
        },
        Column {
            field: "name",
            zh: "名称",
        },
        Column {
            field: "completed",
            zh: "完成回访数",
        },
        Column {
            field: "reached",
            zh: "接通数",
        },
        Column {
            field: "satisfied",
            zh: "满意数",
        },
        Column {
            field: "satisfaction_rate_bp",
            zh: "满意率（基点）",
        },
        Column {
            field: "result_ok",
            zh: "结果满意数",
        },
        Column {
            field: "avg_timeliness_x100",
            zh: "及时性均分×100",
        },
        Column {
            field: "avg_attitude_x100",
            zh: "服务态度均分×100",
        },
        Column {
            field: "avg_technical_x100",
            zh: "技术水平均分×100",
        },
        Column {
            field: "overall_score_x100",
            zh: "综合得分×100",
        },
    ],
};
