//! TKT-7 feedback forms (客户服务信息反馈单): requests and responses.

use crate::kernel::files::seal::SealReportOut;
use chrono::{DateTime, NaiveDate, Utc};
use kefu_tickets::forms::{FormResult, FormStatus};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

/// One line of the parts used on the visit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"part": "通讯板 TX-3", "quantity": 1, "serial": "SN2026-0012", "loan_id": "0192f0a0-0000-7000-8000-000000000031"}))]
pub struct PartUsed {
    /// The part as written on the form (name or model).
    #[validate(length(min = 1, max = 200))]
    #[schema(min_length = 1, max_length = 200)]
    pub part: String,
    /// How many units, 1–100000.
    #[validate(range(min = 1, max = 100_000))]
    #[schema(minimum = 1, maximum = 100_000)]
    pub quantity: i64,
    /// The unit's serial number, for a serialised part.
    #[validate(length(min = 1, max = 100))]
    #[schema(min_length = 1, max_length = 100)]
    pub serial: Option<String>,
    /// INV-2: the engineer's loan the part came from. When the customer signs the form, the
    /// units of such lines are consumed on the ticket (`consumption` ledger rows, off the
    /// loan): a serialised part by `serial` (one unit a line), a bulk part by `quantity`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[validate(length(min = 1, max = 64))]
    #[schema(min_length = 1, max_length = 64)]
    pub loan_id: Option<String>,
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "work_done": "更换通讯板，测试报警主机与中心联网正常",
    "result": "resolved",
    "parts_used": [{"part": "通讯板 TX-3", "quantity": 1, "serial": "SN2026-0012"}],
    "customer_opinion": "满意"
}))]
pub struct CreateFeedbackForm {
    /// The work done on the visit (TKT-7).
    #[validate(length(min = 1, max = 4000))]
    #[schema(min_length = 1, max_length = 4000)]
    pub work_done: String,
    /// The result of the work (TKT-7).
    pub result: FormResult,
    /// The parts used on the visit (default none).
    #[serde(default)]
    #[validate(length(max = 100), nested)]
    #[schema(max_items = 100)]
    pub parts_used: Vec<PartUsed>,
    /// The customer's opinion, as written on the form.
    #[validate(length(min = 1, max = 2000))]
    #[schema(min_length = 1, max_length = 2000)]
    pub customer_opinion: Option<String>,
}

/// The changes to the form's draft version (an unsigned first version or amendment); fields
/// left out stay as they are, `customer_opinion: null` clears it.
#[derive(Debug, Default, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"work_done": "更换通讯板并复测 24 小时", "result": "resolved"}))]
pub struct UpdateFeedbackForm {
    /// The work done on the visit.
    #[validate(length(min = 1, max = 4000))]
    #[schema(nullable = false, min_length = 1, max_length = 4000)]
    #[serde(default, deserialize_with = "crate::kernel::fields::required")]
    pub work_done: Option<String>,
    /// The result of the work.
    #[schema(nullable = false)]
    #[serde(default, deserialize_with = "crate::kernel::fields::required")]
    pub result: Option<FormResult>,
    /// Replaces all the lines of parts used.
    #[validate(length(max = 100), nested)]
    #[schema(nullable = false, max_items = 100)]
    #[serde(default, deserialize_with = "crate::kernel::fields::required")]
    pub parts_used: Option<Vec<PartUsed>>,
    /// The customer's opinion; `null` clears it.
    #[serde(default, deserialize_with = "crate::kernel::fields::double_option")]
    #[validate(length(min = 1, max = 2000))]
    #[schema(min_length = 1, max_length = 2000, value_type = Option<String>)]
    pub customer_opinion: Option<Option<String>>,
}

/// An amendment of a signed form: why, and what changes (as for an edit of the draft).
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"reason": "漏填更换的电源模块", "parts_used": [{"part": "通讯板 TX-3", "quantity": 1}, {"part": "电源模块 P-12", "quantity": 1}]}))]
pub struct AmendFeedbackForm {
    /// Why the signed form is amended, kept with the new version (TKT-7).
    #[validate(length(min = 1, max = 1000))]
    #[schema(min_length = 1, max_length = 1000)]
    pub reason: String,
    /// The work done, if it changes.
    #[validate(length(min = 1, max = 4000))]
    #[schema(min_length = 1, max_length = 4000)]
    pub work_done: Option<String>,
    /// The result, if it changes.
    pub result: Option<FormResult>,
    /// Replaces all the lines of parts used, if given.
    #[validate(length(max = 100), nested)]
    #[schema(max_items = 100)]
    pub parts_used: Option<Vec<PartUsed>>,
    /// The customer's opinion; `null` clears it.
    #[serde(default, deserialize_with = "crate::kernel::fields::double_option")]
    #[validate(length(min = 1, max = 2000))]
    #[schema(min_length = 1, max_length = 2000, value_type = Option<String>)]
    pub customer_opinion: Option<Option<String>>,
}

/// The customer's signature on the draft version. Name the signer by `signer_contact_id` (a
/// contact of the ticket's customer) or by `signer_name`; the signer is checked against the
/// site's authorised contacts and an unauthorised signer is accepted but flagged.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"signature_attachment_id": "0193a1b2-…", "signer_contact_id": "0193a1b3-…", "signed_at": "2026-03-06T16:40:00+08:00"}))]
pub struct SignFeedbackForm {
    /// An attachment of kind `signature` uploaded onto this form or its visit.
    #[validate(length(min = 1, max = 64))]
    #[schema(min_length = 1, max_length = 64)]
    pub signature_attachment_id: String,
    /// The signer as a contact of the ticket's customer.
    #[validate(length(min = 1, max = 64))]
    #[schema(min_length = 1, max_length = 64)]
    pub signer_contact_id: Option<String>,
    /// The signer's name as written, when not given as a contact.
    #[validate(length(min = 1, max = 100))]
    #[schema(min_length = 1, max_length = 100)]
    pub signer_name: Option<String>,
    /// When the customer signed, as the field app recorded it (default now; at most 5
    /// minutes ahead of the server, not before the visit was requested).
    pub signed_at: Option<DateTime<Utc>>,
}

/// The clerk records the hand-in of the signed paper form.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"received_at": "2026-03-09T08:20:00+08:00"}))]
pub struct ReceiveFeedbackForm {
    /// When the form was handed in (default now; not in the future).
    pub received_at: Option<DateTime<Utc>>,
}

/// One version of a form as written and, once signed, as the customer signed it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct FeedbackFormVersionOut {
    /// 1 for the first version, one more for each amendment.
    pub version_no: i64,
    /// The work done on the visit.
    pub work_done: String,
    /// The result of the work.
    pub result: FormResult,
    /// The parts used on the visit.
    pub parts_used: Vec<PartUsed>,
    /// The customer's opinion; `null` when none was written.
    pub customer_opinion: Option<String>,
    /// Why this version amends the previous signed one (`null` on the first version).
    pub amendment_reason: Option<String>,
    /// The customer signed this version; it is then immutable (TKT-7).
    pub signed: bool,
    /// The signer as a contact of the customer; `null` if named only by `signer_name` or unsigned.
    pub signer_contact_id: Option<String>,
    /// The signer's name; `null` until signed.
    pub signer_name: Option<String>,
    /// TKT-7: whether the signer is an authorised contact of the site (`null` until signed).
    pub signer_authorised: Option<bool>,
    /// The signature image (attachment of kind `signature`); `null` until signed.
    pub signature_attachment_id: Option<String>,
    /// The SHA-256 of the signature file sealed into this version.
    pub signature_sha256: Option<String>,
    /// When the customer signed; `null` until signed.
    pub signed_at: Option<DateTime<Utc>>,
    /// Who wrote this version.
    pub created_by: String,
    /// When this version was written.
    pub created_at: DateTime<Utc>,
    /// In the version history: the signature file checked against the seal now (`null` for
    /// an unsigned version and in the form itself).
    pub seal: Option<SealReportOut>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct FeedbackFormOut {
    /// The form's id.
    pub id: String,
    /// The ticket of the visit.
    pub ticket_id: String,
    /// The visit the form reports on (one form per visit).
    pub visit_id: String,
    /// The engineer of the visit, who writes and has the form signed.
    pub engineer_id: String,
    /// `draft` → `signed` by the customer → `received` by the office (TKT-7).
    pub status: FormStatus,
    /// The version in effect: the last one the customer signed, so a client never shows text
    /// the customer has not signed as the form's; before the first signature, the draft.
    pub current_version: FeedbackFormVersionOut,
    /// The last version the customer signed (`null` before the first signature): once signed,
    /// the same as `current_version`.
    pub signed_version: Option<FeedbackFormVersionOut>,
    /// An amendment waits for the customer's signature.
    pub amendment_pending: bool,
    /// The amendment being written (unsigned) while `amendment_pending`; `null` otherwise.
    /// Its edits (`PATCH`) and the next signature apply to it.
    pub pending_amendment: Option<FeedbackFormVersionOut>,
    /// TKT-7: the local day the form is due with the clerk (`null` until the visit finished).
    pub due_date: Option<NaiveDate>,
    /// When the signed form was handed in to the clerk; `null` before.
    pub received_at: Option<DateTime<Utc>>,
    /// The clerk who recorded the hand-in; `null` before.
    pub received_by: Option<String>,
    /// TKT-7: received after the due day, or still not received past it.
    pub late: bool,
    /// TKT-7: the signature in effect is not an authorised contact's.
    pub signer_unauthorised: bool,
    /// Who created the form.
    pub created_by: String,
    /// A tombstone: only delta sync (`updated_since`) returns deleted records.
    pub deleted: bool,
    /// When the form was created.
    pub created_at: DateTime<Utc>,
    /// When the form last changed.
    pub updated_at: DateTime<Utc>,
    /// Echoed as the `ETag`; send it back in `If-Match` for every command.
    pub version: i64,
    /// The commands the caller may run on this form now, as the commands themselves decide: the
    /// caller's role and whether they are the visit's engineer (only they write, sign and amend)
    /// and its state (TKT-7: a signed version is amended, not edited; the office receives a signed
    /// form once the visit finished). Still refused for its body (422: a signature that is not an
    /// image of this visit) or after a concurrent change (412).
    #[schema(max_items = 4)]
    pub allowed_actions: Vec<kefu_tickets::forms::FormCommand>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct FeedbackFormQuery {
    pub ticket_id: Option<String>,
    pub visit_id: Option<String>,
    pub engineer_id: Option<String>,
    pub status: Option<FormStatus>,
    /// TKT-7: only late forms (`true`) or the others.
    pub late: Option<bool>,
    /// TKT-7: only forms whose signature in effect is not an authorised contact's (`true`).
    pub signer_unauthorised: Option<bool>,
    /// Delta sync: forms changed after this instant (RFC 3339), tombstones included, in
    /// update order.
    #[param(example = "2026-03-01T08:00:00+08:00")]
    pub updated_since: Option<String>,
    /// Page size, 1–200 (default 50).
    pub limit: Option<u32>,
    pub cursor: Option<String>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct LateFormsQuery {
    /// First day (company time zone) a visit finished on.
    pub from: NaiveDate,
    /// Last day (inclusive); at most 366 days after `from`.
    pub to: NaiveDate,
    pub engineer_id: Option<String>,
}

/// Why a finished visit is in the late list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum LateKind {
    /// Handed in after the due day.
    Late,
    /// Not handed in (or never written) and the due day is over.
    Missing,
}

/// TKT-7: a finished visit whose form came in late or is missing past its due day (the
/// facts fine HR-F7/F8 is computed from).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct LateFormOut {
    /// The finished visit.
    pub visit_id: String,
    /// The visit's ticket.
    pub ticket_id: String,
    /// The visit's engineer, who owes the form.
    pub engineer_id: String,
    /// When the visit finished.
    pub finished_at: DateTime<Utc>,
    /// The day the form was due with the clerk (TKT-7, working days of the work calendar).
    pub due_date: NaiveDate,
    /// The visit's form; `null` if none was written.
    pub form_id: Option<String>,
    /// When the form was handed in; `null` if it was not.
    pub received_at: Option<DateTime<Utc>>,
    /// Late or missing.
    pub kind: LateKind,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct LateForms {
    /// First day of the range, as asked.
    pub from: NaiveDate,
    /// Last day of the range, as asked.
    pub to: NaiveDate,
    /// The late and missing forms of visits finished in the range.
    pub items: Vec<LateFormOut>,
}
