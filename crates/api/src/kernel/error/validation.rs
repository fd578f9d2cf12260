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
                    let message = e
                        .message
                        .as_ref()
                        .map(|m| m.to_string())
                        .unwrap_or_else(|| {
                            let params: Vec<String> = e
                                .params
                                .iter()
                                .filter(|(k, _)| *k != "value")
                                .map(|(k, v)| format!("{k}={v}"))
                                .collect();
                            if params.is_empty() {
                                format!("failed `{}`", e.code)
                            } else {
                                format!("failed `{}` ({})", e.code, params.join(", "))
                            }
                        });
                    out.push(FieldError::new(path.clone(), static_code(&e.code), message));
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
