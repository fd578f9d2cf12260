//! Request and response types of a contract's expiry reminder and customer notice (CON-3).

use crate::kernel::command::Versioned;
use chrono::{DateTime, NaiveDate, Utc};
use kefu_contracts::contract::RenewalMode;
use kefu_contracts::expiry::ReminderAnswer;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ReminderOut {
    /// The reminder's id.
    pub id: String,
    /// The contract running out.
    pub contract_id: String,
    /// The end of the contract period the reminder is about.
    pub period_end: NaiveDate,
    /// CON-3: the day it was due, `expiry_reminder_months` before the contract runs out.
    pub remind_on: NaiveDate,
    /// The responsible engineer (the contract's signer) the task is for.
    pub assignee_id: String,
    /// The customer's answer to the notice, once recorded.
    pub answer: Option<ReminderAnswer>,
    /// What the customer said; `null` if not recorded.
    pub answer_note: Option<String>,
    /// Who recorded the answer; `null` before.
    pub answered_by: Option<String>,
    /// When the answer was recorded; `null` before.
    pub answered_at: Option<DateTime<Utc>>,
    /// When the reminder was created.
    pub created_at: DateTime<Utc>,
    /// When it last changed.
    pub updated_at: DateTime<Utc>,
    /// Echoed as the `ETag`; send it back in `If-Match` to record the answer.
    pub version: i64,
}

impl Versioned for ReminderOut {
    fn version(&self) -> i64 {
        self.version
    }
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"answer": "renew", "note": "客户电话确认续签，金额不变"}))]
pub struct AnswerReminder {
    /// The customer's answer: renew, decline or undecided.
    pub answer: ReminderAnswer,
    /// What the customer said.
    #[validate(length(min = 1, max = 2000))]
    #[schema(min_length = 1, max_length = 2000)]
    pub note: Option<String>,
}

kefu_core::string_enum! {
    #[derive(ToSchema)]
    pub enum NoticeFormat {
        Json = "json",
        /// A printable page (`text/html`).
        Html = "html",
    }
}

#[derive(Debug, Clone, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct NoticeQuery {
    /// `json` (default) or `html`, a printable page to fax or post.
    #[param(inline)]
    pub format: Option<NoticeFormat>,
}

/// CON-3: the expiry notice to the customer (售后服务到期通知函).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct NoticeOut {
    /// The contract running out.
    pub contract_id: String,
    /// Its customer.
    pub customer_id: String,
    /// The customer's name, as addressed.
    pub customer_name: String,
    /// The contract's title.
    pub title: String,
    /// First day of the service period.
    pub period_start: NaiveDate,
    /// Last day of the service period.
    pub period_end: NaiveDate,
    /// The contract amount, in fen.
    pub amount_fen: i64,
    /// `express` or `tacit` renewal.
    pub renewal_mode: RenewalMode,
    /// Tacit renewal: the last day the customer can cancel it.
    pub cancel_renewal_by: Option<NaiveDate>,
    /// The day the notice was generated (company date).
    pub issued_on: NaiveDate,
    /// The letter, one paragraph each.
    pub paragraphs: Vec<String>,
}
