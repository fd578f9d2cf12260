use crate::kernel::error::ApiError;
use crate::kernel::state::AppState;
use actix_web::dev::Payload;
use actix_web::http::header;
use actix_web::{FromRequest, HttpRequest, web};
use futures_util::StreamExt;
use futures_util::future::LocalBoxFuture;
use kefu_core::FieldError;
use serde::de::DeserializeOwned;
use validator::Validate;

/// A JSON body that is size-capped, has every string trimmed (passwords excepted), is
/// deserialised strictly (DTOs use `deny_unknown_fields`) and then validated.
///
/// Unreadable bodies are 400 naming the field; well-formed bodies breaking field rules are 422.
pub struct ValidJson<T>(pub T);

impl<T: DeserializeOwned + Validate + 'static> FromRequest for ValidJson<T> {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let body = read(req, payload, is_json);
        Box::pin(async move { parse_body(&body.await?).map(ValidJson) })
    }
}

/// A JSON body read like [`ValidJson`]'s (media type, size cap) but left as a value, for a
/// handler that checks parts of it separately (the commands of a sync batch).
pub struct JsonValue(pub serde_json::Value);

impl FromRequest for JsonValue {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let body = read(req, payload, is_json);
        Box::pin(async move {
            serde_json::from_slice(&body.await?)
                .map(JsonValue)
                .map_err(|e| malformed(&e))
        })
    }
}

fn is_json(media_type: &str) -> bool {
    media_type == "application/json" || media_type.ends_with("+json")
}

/// A CSV body (`application/octet-stream` as the spec states it, or `text/csv`; UTF-8),
/// size-capped like a JSON one; NUL characters are refused.
pub struct CsvText(pub String);

/// States every `text/csv` request body as the file's bytes, `application/octet-stream`
/// (binary; the example kept), which [`CsvText`] takes besides `text/csv`: the one body type
/// every generated client can send a file as (openapi-python-client skips an operation with a
/// `text/csv` body, and warns about one offered besides another type).
pub fn document_csv_bodies(doc: &mut utoipa::openapi::OpenApi) {
    use utoipa::openapi::{KnownFormat, ObjectBuilder, RefOr, SchemaFormat, Type};
    let binary = || {
        ObjectBuilder::new()
            .schema_type(Type::String)
            .format(Some(SchemaFormat::KnownFormat(KnownFormat::Binary)))
    };
    for item in doc.paths.paths.values_mut() {
        for op in [&mut item.post, &mut item.put].into_iter().flatten() {
            if let Some(RefOr::T(body)) = op.request_body.as_mut()
                && let Some(RefOr::T(mut csv)) = body.content.remove(CSV)
            {
                csv.schema = Some(binary().into());
                body.content.insert(BYTES.to_owned(), RefOr::T(csv));
            }
        }
    }
}

const CSV: &str = "text/csv";
const BYTES: &str = "application/octet-stream";

impl FromRequest for CsvText {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let body = read(req, payload, |t| t == CSV || t == BYTES);
        Box::pin(async move {
            let text = String::from_utf8(body.await?.to_vec())
                .map_err(|_| ApiError::bad_request("the CSV file is not UTF-8"))?;
            if text.contains('\0') {
                return Err(ApiError::bad_request(
                    "the CSV file contains a NUL character",
                ));
            }
            Ok(CsvText(text))
        })
    }
}

/// The body, once its media type (lower-cased, parameters dropped) passes `accepts` and it
/// fits the configured cap.
fn read(
    req: &HttpRequest,
    payload: &mut Payload,
    accepts: fn(&str) -> bool,
) -> LocalBoxFuture<'static, Result<web::BytesMut, ApiError>> {
    let limit = req
        .app_data::<web::Data<AppState>>()
        .map_or(1 << 20, |s| s.config.json_limit_bytes);
    let content_type = req.headers().get(header::CONTENT_TYPE);
    // No body at all needs no media type: it reads as empty (a command without input).
    let untyped = content_type.is_none();
    let content_type_ok = content_type
        .and_then(|v| v.to_str().ok())
        .map(|v| {
            v.split(';')
                .next()
                .unwrap_or("")
                .trim()
                .to_ascii_lowercase()
        })
        .is_some_and(|v| accepts(&v));
    let declared_len = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    let mut payload = payload.take();
    Box::pin(async move {
        // A request with no body and no type reads as `{}`; anything else must say JSON.
        let empty_untyped = untyped && declared_len.is_none_or(|n| n == 0);
        if !(content_type_ok || empty_untyped) {
            return Err(ApiError::UnsupportedMediaType);
        }
        if declared_len.is_some_and(|n| n > limit) {
            return Err(ApiError::PayloadTooLarge { limit });
        }
        let mut body = web::BytesMut::new();
        while let Some(chunk) = payload.next().await {
            let chunk = chunk.map_err(|e| ApiError::bad_request(e.to_string()))?;
            if body.len() + chunk.len() > limit {
                return Err(ApiError::PayloadTooLarge { limit });
            }
            body.extend_from_slice(&chunk);
        }
        if !content_type_ok && !body.is_empty() {
            return Err(ApiError::UnsupportedMediaType);
        }
        Ok(body)
    })
}

/// A body that is not JSON: where the parser gave up, never its own words.
fn malformed(e: &serde_json::Error) -> ApiError {
    ApiError::MalformedJson {
        line: e.line(),
        column: e.column(),
    }
}

/// The body as `T`; an empty body (none sent) reads as `{}`, so a command whose members are all
/// optional needs none, and one with required members names the first missing one. A body of
/// whitespace was sent and is not JSON: it stays the 400 it always was.
pub fn parse_body<T: DeserializeOwned + Validate>(body: &[u8]) -> Result<T, ApiError> {
    if body.is_empty() {
        return parse_value(serde_json::Value::Object(Default::default()));
    }
    let value: serde_json::Value = serde_json::from_slice(body).map_err(|e| malformed(&e))?;
    parse_value(value)
}

/// [`parse_body`] for JSON already read (a command of an offline sync batch).
pub fn parse_value<T: DeserializeOwned + Validate>(
    mut value: serde_json::Value,
) -> Result<T, ApiError> {
    if let Some(field) = nul_path(&value, "") {
        return Err(ApiError::BadRequest {
            detail: "strings must not contain NUL characters".to_owned(),
            errors: vec![FieldError::new(field, "format", "contains a NUL character")],
        });
    }
    // The spec's `maxLength` holds for the text as sent, before trimming; an unreadable body
    // is still the 400 it was.
    let overlong = crate::kernel::openapi::limits::overlong(std::any::type_name::<T>(), &value);
    trim_strings(&mut value, false);
    integral_numbers(&mut value);
    let dto: T = serde_path_to_error::deserialize(value).map_err(|e| {
        let path = e.path().to_string();
        serde_refusal(&path, &e.into_inner().to_string())
    })?;
    if !overlong.is_empty() {
        return Err(ApiError::Invalid(overlong));
    }
    dto.validate()?;
    Ok(dto)
}

/// serde's refusal as the field it names and a code, its own text left out: a missing member
/// is a 422 `required` (the body is well-formed, it lacks a value), an unknown member or a
/// wrong type a 400; the values an enum takes travel as the parameter `allowed`.
fn serde_refusal(path: &str, inner: &str) -> ApiError {
    if inner.starts_with(crate::kernel::fields::NULL_FOR_REQUIRED) {
        return ApiError::Invalid(vec![FieldError::new(path, "required", "")]);
    }
    if let Some(name) = missing_member(inner) {
        return ApiError::Invalid(vec![FieldError::new(
            join_path(path, &name),
            "required",
            "",
        )]);
    }
    let (field, code, detail) = if let Some(name) = quoted_after(inner, "unknown field `") {
        let field = join_path(path, &name);
        let detail = format!("Unknown field {field}");
        (field, "unknown_field", detail)
    } else {
        let field = if path.is_empty() || path == "." {
            "body".to_owned()
        } else {
            path.to_owned()
        };
        let detail = format!("{field} has the wrong type or value");
        (field, "invalid_type", detail)
    };
    let mut error = FieldError::new(field, code, "");
    if code == "invalid_type"
        && let Some(allowed) = allowed_values(inner)
    {
        error = error.with_param("allowed", allowed);
    }
    ApiError::BadRequest {
        detail,
        errors: vec![error],
    }
}

/// The member serde's refusal says is missing, if that is what it says.
pub(crate) fn missing_member(inner: &str) -> Option<String> {
    quoted_after(inner, "missing field `")
}

/// The values serde lists after "expected one of", e.g. `new, assigned`.
fn allowed_values(inner: &str) -> Option<String> {
    let list = inner.split_once("expected one of ")?.1;
    let values: Vec<&str> = list.split('`').skip(1).step_by(2).collect();
    (!values.is_empty()).then(|| values.join(", "))
}

fn quoted_after(message: &str, prefix: &str) -> Option<String> {
    let rest = message.split_once(prefix)?.1;
    Some(rest.split('`').next()?.to_owned())
}

pub(crate) fn join_path(path: &str, name: &str) -> String {
    // serde_path_to_error already ends the path with an unknown field's own name.
    if path.is_empty() || path == "." {
        name.to_owned()
    } else if path == name || path.ends_with(&format!(".{name}")) {
        path.to_owned()
    } else {
        format!("{path}.{name}")
    }
}

/// The path of the first string (or key) holding a NUL character: no database text can.
fn nul_path(value: &serde_json::Value, path: &str) -> Option<String> {
    let join = |key: &str| {
        if path.is_empty() {
            key.to_owned()
        } else {
            format!("{path}.{key}")
        }
    };
    match value {
        serde_json::Value::String(s) => s.contains('\0').then(|| path.to_owned()),
        serde_json::Value::Array(items) => items
            .iter()
            .enumerate()
            .find_map(|(i, v)| nul_path(v, &format!("{path}[{i}]"))),
        serde_json::Value::Object(map) => map.iter().find_map(|(k, v)| {
            if k.contains('\0') {
                Some(join(k))
            } else {
                nul_path(v, &join(k))
            }
        }),
        _ => None,
    }
}

/// Trims every string; values under a key naming a password keep their spaces.
fn trim_strings(value: &mut serde_json::Value, secret: bool) {
    match value {
        serde_json::Value::String(s) if !secret => {
            let trimmed = s.trim();
            if trimmed.len() != s.len() {
                *s = trimmed.to_owned();
            }
        }
        serde_json::Value::Array(items) => {
            for item in items {
                trim_strings(item, secret);
            }
        }
        serde_json::Value::Object(map) => {
            for (key, item) in map.iter_mut() {
                trim_strings(item, secret || key.contains("password"));
            }
        }
        _ => {}
    }
}

/// Writes integral numbers as integers: JSON has one number type, and `225.0` is the integer
/// 225 to a JSON Schema `integer` (and to JavaScript), while serde takes only `225` for an
/// `i64`.
fn integral_numbers(value: &mut serde_json::Value) {
    match value {
        serde_json::Value::Number(n) => {
            if let Some(f) = n.as_f64().filter(|_| n.is_f64()) {
                // Every f64 in [-2^63, 2^63) without a fraction converts to i64 exactly.
                if f.fract() == 0.0
                    && (-9_223_372_036_854_775_808.0..9_223_372_036_854_775_808.0).contains(&f)
                {
                    *n = serde_json::Number::from(f as i64);
                }
            }
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(integral_numbers),
        serde_json::Value::Object(map) => map.values_mut().for_each(integral_numbers),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Deserialize, Validate)]
    #[serde(deny_unknown_fields)]
    struct Dto {
        #[validate(length(min = 1, max = 5))]
        name: String,
        password: Option<String>,
        tags: Option<Vec<String>>,
    }

    fn parse(body: &str) -> Result<Dto, ApiError> {
        parse_body(body.as_bytes())
    }

    #[test]
    fn strings_are_trimmed_but_passwords_are_not() {
        let dto = parse(r#"{"name":"  ab ","password":" p w ","tags":[" x "]}"#).unwrap();
        assert_eq!(dto.name, "ab");
        assert_eq!(dto.password.as_deref(), Some(" p w "));
        assert_eq!(dto.tags, Some(vec!["x".to_owned()]));
    }

    #[test]
    fn unknown_fields_are_named() {
        match parse(r#"{"name":"ab","nmae":"x"}"#) {
            Err(ApiError::BadRequest { errors, .. }) => {
                assert_eq!(errors[0].field, "nmae");
                assert_eq!(errors.len(), 1);
                assert_eq!(errors[0].code, "unknown_field");
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn wrong_types_and_missing_fields_are_named() {
        match parse(r#"{"name":"ab","tags":[1]}"#) {
            Err(ApiError::BadRequest { errors, .. }) => {
                assert_eq!(errors[0].field, "tags[0]");
                assert_eq!(errors[0].code, "invalid_type");
            }
            other => panic!("{other:?}"),
        }
        match parse(r#"{}"#) {
            Err(ApiError::Invalid(errors)) => {
                assert_eq!(
                    (errors[0].field.as_str(), errors[0].code),
                    ("name", "required")
                );
            }
            other => panic!("{other:?}"),
        }
    }

    /// A merge patch: `null` clears an optional member and is 422 `required` on one that
    /// cannot be cleared; an absent member is left alone.
    #[derive(Debug, Deserialize, Validate)]
    #[serde(deny_unknown_fields)]
    struct Patch {
        #[serde(default, deserialize_with = "crate::kernel::fields::required")]
        name: Option<String>,
        #[serde(default, deserialize_with = "crate::kernel::fields::double_option")]
        note: Option<Option<String>>,
    }

    #[test]
    fn a_merge_patch_refuses_null_only_where_it_cannot_clear() {
        let patch: Patch = parse_body(br#"{"note":null}"#).unwrap();
        assert_eq!((patch.name, patch.note), (None, Some(None)));
        let patch: Patch = parse_body(br#"{"name":" a ","note":"n"}"#).unwrap();
        assert_eq!(
            (patch.name.as_deref(), patch.note),
            (Some("a"), Some(Some("n".to_owned())))
        );
        let patch: Patch = parse_body(b"{}").unwrap();
        assert_eq!((patch.name, patch.note), (None, None));
        match parse_body::<Patch>(br#"{"name":null,"note":null}"#) {
            Err(ApiError::Invalid(errors)) => {
                assert_eq!(errors.len(), 1);
                assert_eq!(
                    (errors[0].field.as_str(), errors[0].code),
                    ("name", "required")
                );
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn rule_breaking_values_are_422_with_the_field() {
        match parse(r#"{"name":"   "}"#) {
            Err(ApiError::Invalid(errors)) => {
                assert_eq!(
                    (errors[0].field.as_str(), errors[0].code),
                    ("name", "length")
                );
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn integral_floats_are_integers() {
        let mut v = serde_json::json!({"a": 225.0, "b": [1.5, -0.0, 1e3], "c": 7});
        integral_numbers(&mut v);
        assert_eq!(
            v,
            serde_json::json!({"a": 225, "b": [1.5, 0, 1000], "c": 7})
        );
    }

    #[test]
    fn nul_characters_are_refused_naming_the_field() {
        match parse(r#"{"name":"a","tags":["ok","b\u0000"]}"#) {
            Err(ApiError::BadRequest { errors, .. }) => assert_eq!(errors[0].field, "tags[1]"),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn malformed_json_is_400() {
        assert!(matches!(
            parse("{"),
            Err(ApiError::MalformedJson { line: 1, column: 1 })
        ));
    }
}
