//! The problem+json body (RFC 9457) and its field errors, in the caller's language.

use crate::kernel::context::Lang;
use crate::kernel::i18n;
use chrono::{DateTime, Utc};
use kefu_core::FieldError;
use serde::Serialize;
use utoipa::ToSchema;

/// A field error in the caller's language (see `i18n::field_message`).
pub(super) fn field_problem(e: &FieldError, lang: Lang) -> ProblemFieldError {
    ProblemFieldError {
        field: e.field.clone(),
        code: e.code.to_owned(),
        message: i18n::field_message(e, lang),
        rule: e.rule.map(str::to_owned),
    }
}

/// RFC 9457 problem details, as every error response carries them.
#[derive(Debug, Serialize, ToSchema)]
pub struct Problem {
    /// Stable URI of the error kind, e.g. `urn:kefu:problem:validation`.
    #[schema(example = "urn:kefu:problem:validation")]
    pub r#type: String,
    /// A short summary of the problem type, in the request's language.
    pub title: String,
    /// The HTTP status code, as in the response.
    pub status: u16,
    /// Human explanation in the request's language (zh-CN by default, en on request).
    pub detail: String,
    /// The request path.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub instance: Option<String>,
    /// Correlation id, also in the `X-Request-Id` header and the server log.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
    /// For validation failures: one entry per rejected field; on a 409 duplicate, the field
    /// whose value another record has (code `duplicate`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub errors: Option<Vec<ProblemFieldError>>,
    /// The rule id of domain.md that refused the command, e.g. `CON-5`: on every 422 of type
    /// `urn:kefu:problem:rule-violation`, on a 422 `validation` whose field errors all cite the
    /// same rule (each field error then names it too), and on a 409 of type `urn:kefu:problem:conflict` when
    /// a rule forbids the command in the record's state (e.g. `TKT-3` for an invalid ticket
    /// transition). A 409 without `rule` is a duplicate (see `errors`) or a conflict no rule
    /// names. On a 403 `forbidden`, the rule that reserves the command to other roles (e.g.
    /// `HR-F0`: only HR and managers confirm fines), when one does.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(example = "TKT-3")]
    pub rule: Option<String>,
    /// For 412: the record's current version.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub current_version: Option<i64>,
    /// For 409 `idempotency-outcome-lost`: the kind of record the lost request wrote (as in
    /// the audit log, e.g. `customer`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub entity_type: Option<String>,
    /// For 409 `idempotency-outcome-lost`: the id of the record the lost request wrote.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub entity_id: Option<String>,
    /// For 410 `sync-reset`: after reading the list again in full, the `updated_since` to
    /// continue delta sync from.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub resync_since: Option<DateTime<Utc>>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ProblemFieldError {
    /// The field's path in the request, e.g. `roles[1]` or `query.limit`.
    pub field: String,
    /// Stable machine code: `length`, `format`, `required`, `unknown_field`, `invalid_type`,
    /// `duplicate` (on a 409: another record has this value), ...
    pub code: String,
    /// What is wrong with the field, in the request's language.
    pub message: String,
    /// The rule id of domain.md that makes the value wrong, when a business rule rather than
    /// the field's own format does (e.g. `TKT-6`: a field the record's service kind lacks).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(example = "TKT-6")]
    pub rule: Option<String>,
}
