//! The `maxLength` of every request-body string, as the published document states it, enforced
//! on the text the client sent.
//!
//! The body extractor trims strings before the DTO's validators run, so a validator's length
//! bound applies to the trimmed text, while a schema's `maxLength` applies to the string as
//! sent. Without this check a string padded with spaces past its `maxLength` would be
//! accepted, and the spec would promise a limit the server does not keep. Reading the bounds
//! from the document itself keeps the two from drifting: whatever the spec says is the limit.

use kefu_core::FieldError;
use serde_json::{Map, Value};
use std::sync::OnceLock;
use utoipa::openapi::OpenApi as OpenApiDoc;

/// The component schemas of the served document, as JSON.
static SCHEMAS: OnceLock<Map<String, Value>> = OnceLock::new();

/// Deeper than any DTO nests; stops a self-referring schema from recursing forever.
const MAX_DEPTH: usize = 16;

/// Takes the schemas of the document the server publishes (once per process).
pub fn install(doc: &OpenApiDoc) {
    let schemas = doc
        .components
        .as_ref()
        .and_then(|c| serde_json::to_value(&c.schemas).ok())
        .and_then(|v| match v {
            Value::Object(map) => Some(map),
            _ => None,
        })
        .unwrap_or_default();
    let _ = SCHEMAS.set(schemas);
}

/// The component name of a DTO type: its path's last segment, generics dropped.
fn component_name(type_name: &str) -> &str {
    let base = type_name.split('<').next().unwrap_or(type_name);
    base.rsplit("::").next().unwrap_or(base)
}

/// The strings of a body of `type_name` longer than their schema's `maxLength` (code
/// `length`, naming each field). None before [`install`] or for a type the document does not
/// name.
pub fn overlong(type_name: &str, body: &Value) -> Vec<FieldError> {
    let Some(schemas) = SCHEMAS.get() else {
        return Vec::new();
    };
    let Some(schema) = schemas.get(component_name(type_name)) else {
        return Vec::new();
    };
    violations(schemas, schema, body, "", 0)
}

fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_owned()
    } else {
        format!("{path}.{key}")
    }
}

/// Whether `value` is of a type `schema` (a reference followed once) allows; a schema naming
/// no type allows any.
fn fits_type(schemas: &Map<String, Value>, schema: &Value, value: &Value) -> bool {
    let schema = schema
        .get("$ref")
        .and_then(Value::as_str)
        .and_then(|r| r.strip_prefix("#/components/schemas/"))
        .and_then(|name| schemas.get(name))
        .unwrap_or(schema);
    let kind = match value {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(n) if n.is_i64() || n.is_u64() => "integer",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    };
    let allows =
        |t: &Value| t.as_str() == Some(kind) || (kind == "integer" && t.as_str() == Some("number"));
    match schema.get("type") {
        None => true,
        Some(Value::Array(types)) => types.iter().any(allows),
        Some(t) => allows(t),
    }
}

/// The component a `discriminator` maps `value`'s discriminating member to.
fn discriminated<'a>(schema: &'a Value, value: &Value) -> Option<&'a str> {
    let discriminator = schema.get("discriminator")?;
    let member = value
        .get(discriminator.get("propertyName")?.as_str()?)?
        .as_str()?;
    discriminator
        .get("mapping")?
        .get(member)?
        .as_str()?
        .strip_prefix("#/components/schemas/")
}

/// The strings of `value` longer than `schema` allows, by path.
fn violations(
    schemas: &Map<String, Value>,
    schema: &Value,
    value: &Value,
    path: &str,
    depth: usize,
) -> Vec<FieldError> {
    if depth > MAX_DEPTH {
        return Vec::new();
    }
    if let Some(name) = schema
        .get("$ref")
        .and_then(Value::as_str)
        .and_then(|r| r.strip_prefix("#/components/schemas/"))
    {
        return schemas
            .get(name)
            .map(|s| violations(schemas, s, value, path, depth + 1))
            .unwrap_or_default();
    }
    // A body told apart by a discriminator (`variants`) is held to the variant it names.
    if let Some(variant) = discriminated(schema, value) {
        return schemas
            .get(variant)
            .map(|s| violations(schemas, s, value, path, depth + 1))
            .unwrap_or_default();
    }
    let mut errors = Vec::new();
    for all in schema.get("allOf").and_then(Value::as_array).into_iter() {
        for branch in all {
            errors.extend(violations(schemas, branch, value, path, depth + 1));
        }
    }
    // A value meets a `oneOf`/`anyOf` when it meets one branch: report only when none fits.
    for key in ["oneOf", "anyOf"] {
        if let Some(branches) = schema.get(key).and_then(Value::as_array) {
            let per_branch: Vec<Vec<FieldError>> = branches
                .iter()
                .filter(|b| fits_type(schemas, b, value))
                .map(|b| violations(schemas, b, value, path, depth + 1))
                .collect();
            if !per_branch.is_empty() && !per_branch.iter().any(Vec::is_empty) {
                errors.extend(per_branch.into_iter().next().unwrap_or_default());
            }
        }
    }
    match value {
        Value::String(s) => {
            if let Some(max) = schema.get("maxLength").and_then(Value::as_u64) {
                let len = s.chars().count() as u64;
                if len > max {
                    errors.push(FieldError::new(
                        path,
                        "length",
                        format!("at most {max} characters ({len} sent)"),
                    ));
                }
            }
        }
        Value::Array(items) => {
            if let Some(item_schema) = schema.get("items") {
                for (i, item) in items.iter().enumerate() {
                    errors.extend(violations(
                        schemas,
                        item_schema,
                        item,
                        &format!("{path}[{i}]"),
                        depth + 1,
                    ));
                }
            }
        }
        Value::Object(map) => {
            let properties = schema.get("properties").and_then(Value::as_object);
            let extra = schema.get("additionalProperties").filter(|s| s.is_object());
            for (key, item) in map {
                if let Some(s) = properties.and_then(|p| p.get(key)).or(extra) {
                    errors.extend(violations(schemas, s, item, &join(path, key), depth + 1));
                }
            }
        }
        _ => {}
    }
    errors
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn schemas() -> Map<String, Value> {
        let v = json!({
            "Outer": {"type": "object", "properties": {
                "name": {"type": "string", "maxLength": 3},
                "inner": {"oneOf": [{"$ref": "#/components/schemas/Inner"}, {"type": "null"}]},
                "tags": {"type": "array", "items": {"type": "string", "maxLength": 2}},
            }},
            "Inner": {"type": "object", "properties": {"note": {"type": "string", "maxLength": 1}}},
        });
        match v {
            Value::Object(m) => m,
            _ => unreachable!(),
        }
    }

    fn check(body: Value) -> Vec<(String, &'static str)> {
        let s = schemas();
        violations(&s, &s["Outer"], &body, "", 0)
            .into_iter()
            .map(|e| (e.field, e.code))
            .collect()
    }

    #[test]
    fn strings_are_measured_as_sent_in_characters() {
        assert!(check(json!({"name": "消防站"})).is_empty());
        assert_eq!(
            check(json!({"name": " ab "})),
            [("name".to_owned(), "length")]
        );
    }

    #[test]
    fn nested_objects_nullable_refs_and_array_items_are_followed() {
        assert!(check(json!({"inner": null, "tags": ["ab"]})).is_empty());
        assert_eq!(
            check(json!({"inner": {"note": "xy"}, "tags": ["a", "abc"]})),
            [
                ("inner.note".to_owned(), "length"),
                ("tags[1]".to_owned(), "length")
            ]
        );
    }

    #[test]
    fn the_component_is_named_by_the_type_path_s_last_segment() {
        assert_eq!(component_name("kefu_api::a::dto::CreateX"), "CreateX");
        assert_eq!(component_name("kefu_api::W<kefu_api::B>"), "W");
    }
}
