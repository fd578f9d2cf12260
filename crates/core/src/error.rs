/// Every field error code the server sends, sorted: the API's spec states them as a closed set
/// and its message catalogue has a zh-CN and an en text for each. [`FieldError::new`] refuses
/// any other in debug builds, so a new code is added here (and to the catalogue) or not at all.
pub const FIELD_CODES: &[&str] = &[
    "above_list",
    "above_unit_price",
    "before_install_date",
    "before_instruction",
    "before_sent",
    "before_status_since",
    "check_failed",
    "condition_not_met",
    "duplicate",
    "email",
    "forbidden_target",
    "format",
    "future",
    "invalid",
    "invalid_type",
    "invalid_url",
    "kind",
    "length",
    "measured",
    "mismatch",
    "missing",
    "not_a_supervisor",
    "not_allowed",
    "not_covered",
    "not_found",
    "not_of_customer",
    "not_of_ticket",
    "not_present",
    "not_serialised",
    "not_service_centre",
    "one_of",
    "order",
    "other_customer",
    "other_target",
    "range",
    "required",
    "rule",
    "same_location",
    "same_serial",
    "sum",
    "unexpected",
    "unique",
    "unknown",
    "unknown_city",
    "unknown_county",
    "unknown_event_type",
    "unknown_field",
    "unknown_loan",
    "weak",
];

/// One rejected input field: which field, a stable machine code, and a human message (English;
/// the API layer renders the caller's language from `code` and `params`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    pub field: String,
    pub code: &'static str,
    pub message: String,
    /// The rule id of domain.md that makes this value wrong (e.g. `TKT-6` for a field its
    /// service kind does not have), when a business rule rather than the field's format does.
    pub rule: Option<&'static str>,
    /// The limits the value broke (`min`, `max`, ...), for messages in any language.
    pub params: Vec<(&'static str, String)>,
}

impl FieldError {
    pub fn new(field: impl Into<String>, code: &'static str, message: impl Into<String>) -> Self {
        debug_assert!(
            FIELD_CODES.contains(&code),
            "field error code `{code}` is not in FIELD_CODES"
        );
        FieldError {
            field: field.into(),
            code,
            message: message.into(),
            rule: None,
            params: Vec::new(),
        }
    }

    /// The same error with a limit it broke, e.g. `("max", "200")`.
    pub fn with_param(mut self, name: &'static str, value: impl ToString) -> Self {
        self.params.push((name, value.to_string()));
        self
    }

    /// The same error, refused by `rule`.
    pub fn by_rule(self, rule: &'static str) -> Self {
        FieldError {
            rule: Some(rule),
            ..self
        }
    }
}

#[cfg(test)]
#[test]
fn field_codes_are_sorted_and_unique() {
    assert!(FIELD_CODES.windows(2).all(|w| w[0] < w[1]));
}

/// The one rule a set of field errors cites, if they cite exactly one: a 422 whose fields break
/// one rule (and maybe a format besides) names that rule; one that breaks several names none
/// at the top and each on its field.
pub fn single_rule(errors: &[FieldError]) -> Option<&'static str> {
    let mut rules = errors.iter().filter_map(|e| e.rule);
    let first = rules.next()?;
    rules.all(|r| r == first).then_some(first)
}

/// What a domain rule can say "no" with. The API maps each variant to a problem+json status.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DomainError {
    /// Input that does not satisfy a field's own constraints (422 with `errors`).
    #[error("invalid input: {}", .0.iter().map(|e| format!("{}: {}", e.field, e.message)).collect::<Vec<_>>().join("; "))]
    Invalid(Vec<FieldError>),
    /// A business rule from domain.md refused the command (422 naming the rule id).
    #[error("{rule}: {message}")]
    Rule { rule: &'static str, message: String },
    /// The record's state does not allow the command, by the named rule of domain.md (409
    /// naming the rule id): an invalid transition (TKT-3), a signed form (TKT-7), ...
    #[error("{rule}: {message}")]
    State { rule: &'static str, message: String },
    /// The record's state does not allow the command and no domain rule is involved (409),
    /// e.g. an API key revoked already.
    #[error("conflict: {0}")]
    Conflict(String),
    /// The actor may not run the command on this record (403). `rule` names where the
    /// permission comes from (ORG-5, or the rule id of the command's table).
    #[error("forbidden ({rule}): {message}")]
    Forbidden { rule: &'static str, message: String },
}

impl DomainError {
    pub fn invalid(
        field: impl Into<String>,
        code: &'static str,
        message: impl Into<String>,
    ) -> Self {
        DomainError::Invalid(vec![FieldError::new(field, code, message)])
    }

    /// The rule id the refusal names, when it names one.
    pub fn rule(&self) -> Option<&'static str> {
        match self {
            DomainError::Rule { rule, .. }
            | DomainError::State { rule, .. }
            | DomainError::Forbidden { rule, .. } => Some(rule),
            DomainError::Invalid(errors) => single_rule(errors),
            DomainError::Conflict(_) => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn field_errors_name_their_rule_when_they_cite_one_alone() {
        let format = FieldError::new("phone", "format", "digits only");
        let tkt6 = FieldError::new("sql", "required", "TKT-6: needs the SQL").by_rule("TKT-6");
        let tkt9 = FieldError::new("attitude", "range", "TKT-9: 1 to 5").by_rule("TKT-9");
        let rule = |errors: Vec<FieldError>| DomainError::Invalid(errors).rule();
        assert_eq!(rule(vec![format.clone()]), None);
        assert_eq!(rule(vec![format.clone(), tkt6.clone()]), Some("TKT-6"));
        assert_eq!(rule(vec![tkt6.clone(), tkt6.clone()]), Some("TKT-6"));
        assert_eq!(rule(vec![tkt6, format, tkt9]), None);
    }

    #[test]
    fn a_state_conflict_names_its_rule() {
        let e = DomainError::State {
            rule: "TKT-4",
            message: "no planned window".into(),
        };
        assert_eq!(e.rule(), Some("TKT-4"));
        assert_eq!(e.to_string(), "TKT-4: no planned window");
        assert_eq!(DomainError::Conflict("x".into()).rule(), None);
    }
}
