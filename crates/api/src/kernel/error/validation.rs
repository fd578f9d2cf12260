//! validator's errors as the API's field errors.

use super::ApiError;
use kefu_core::FieldError;

impl From<validator::ValidationErrors> for ApiError {
    fn from(errors: validator::ValidationErrors) -> Self {
        let mut out = Vec::new();
        flatten_validation("", &errors, &mut out);
        ApiError::Invalid(out)
    }
}

fn flatten_validation(
    prefix: &str,
    errors: &validator::ValidationErrors,
    out: &mut Vec<FieldError>,
) {
    use validator::ValidationErrorsKind;
    for (field, kind) in errors.errors() {
        let path = if prefix.is_empty() {
            field.to_string()
        } else {
            format!("{prefix}.{field}")
        };
        match kind {
            ValidationErrorsKind::Field(list) => {
                for e in list {
                    // A validator's own message (a custom rule's) is kept for English; the
                    // built-in ones have none, and their limits become parameters that each
                    // language words itself.
                    let message = e
                        .message
                        .as_ref()
                        .map(|m| m.to_string())
                        .unwrap_or_default();
                    let mut error = FieldError::new(path.clone(), static_code(&e.code), message);
                    // min before max, whatever order the map keeps them in.
                    for name in ["min", "max", "equal"] {
                        if let Some(v) = e.params.get(name) {
                            let value = v.as_str().map_or_else(|| v.to_string(), str::to_owned);
                            error = error.with_param(name, value);
                        }
                    }
                    out.push(error);
                }
            }
            ValidationErrorsKind::Struct(inner) => flatten_validation(&path, inner, out),
            ValidationErrorsKind::List(items) => {
                for (index, inner) in items {
                    flatten_validation(&format!("{path}[{index}]"), inner, out);
                }
            }
        }
    }
}

/// validator's codes are dynamic strings; the API's are a closed set.
fn static_code(code: &str) -> &'static str {
    match code {
        "length" => "length",
        "email" => "email",
        "range" => "range",
        "required" => "required",
        "regex" | "format" => "format",
        _ => "invalid",
    }
}
