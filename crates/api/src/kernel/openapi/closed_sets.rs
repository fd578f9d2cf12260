//! The closed sets of the problem document — problem types, rule ids, field error codes — and
//! the languages, stated as enums generated from the message catalogue the server renders
//! with (`kernel::i18n::catalogue`), so the spec lists exactly what the server sends.

use crate::kernel::i18n::LANGUAGES;
use crate::kernel::i18n::catalogue::{FIELD_CODE_TEXTS, PROBLEM_TYPES, RULES};
use serde_json::{Value, json};
use utoipa::openapi::path::{Operation, Parameter, ParameterBuilder, ParameterIn};
use utoipa::openapi::{
    HeaderBuilder, ObjectBuilder, OpenApi as OpenApiDoc, Ref, RefOr, Required, Schema, Type,
};

pub const PROBLEM_TYPE_PREFIX: &str = "urn:kefu:problem:";
use super::headers::CONTENT_LANGUAGE;

/// A string enum with each value's meaning, as a table in the description and as
/// `x-enum-descriptions` (read by generators that name enum members).
fn described_enum(intro: &str, values: &[(String, String)]) -> Value {
    let mut description = format!("{intro}\n\n| value | meaning |\n|---|---|\n");
    for (value, meaning) in values {
        description.push_str(&format!("| `{value}` | {meaning} |\n"));
    }
    json!({
        "type": "string",
        "enum": values.iter().map(|(v, _)| v.clone()).collect::<Vec<_>>(),
        "description": description.trim_end(),
        "x-enum-descriptions": values.iter().map(|(_, m)| m.clone()).collect::<Vec<_>>(),
    })
}

fn rule_enum(intro: &str) -> Value {
    let rules: Vec<(String, String)> = RULES
        .iter()
        .map(|(id, _, en)| ((*id).to_owned(), (*en).to_owned()))
        .collect();
    let mut schema = described_enum(intro, &rules);
    schema["example"] = json!("TKT-3");
    schema
}

fn edit_schema(doc: &mut OpenApiDoc, name: &str, edit: impl FnOnce(&mut Value)) {
    let Some(schemas) = doc.components.as_mut().map(|c| &mut c.schemas) else {
        return;
    };
    let Some(schema) = schemas.get_mut(name) else {
        return;
    };
    let Ok(mut value) = serde_json::to_value(&*schema) else {
        return;
    };
    edit(&mut value);
    if let Ok(edited) = serde_json::from_value::<RefOr<Schema>>(value) {
        *schema = edited;
    }
}

fn set_property(schema: &mut Value, property: &str, replacement: Value) {
    if let Some(p) = schema.pointer_mut(&format!("/properties/{property}")) {
        *p = replacement;
    }
}

/// Problem `type`, `rule` and field error `code` (and its `rule`) as enums.
pub(super) fn state_problem_enums(doc: &mut OpenApiDoc) {
    let types: Vec<(String, String)> = PROBLEM_TYPES
        .iter()
        .map(|p| {
            (
                format!("{PROBLEM_TYPE_PREFIX}{}", p.slug),
                format!("{}: {}", p.status, p.meaning),
            )
        })
        .collect();
    let rule_intro = "The rule id of domain.md that refused the command: on every 422 of type \
        `urn:kefu:problem:rule-violation`, on a 422 `validation` whose field errors all cite the \
        same rule, on a 409 `conflict` when a rule forbids the command in the record's state \
        (e.g. `TKT-3` for an invalid ticket transition), and on a 403 `forbidden` when a rule \
        reserves the command to other roles (e.g. `HR-F0`). A 409 without `rule` is a duplicate \
        (see `errors`) or a conflict no rule names.";
    edit_schema(doc, "Problem", |schema| {
        let mut r#type = described_enum(
            "Stable URI of the error kind; every kind the server sends, with its status:",
            &types,
        );
        r#type["example"] = json!("urn:kefu:problem:validation");
        set_property(schema, "type", r#type);
        set_property(schema, "rule", rule_enum(rule_intro));
        set_property(
            schema,
            "title",
            json!({"type": "string", "description": "Short name of the error kind, in the \
                response's `Content-Language`."}),
        );
    });
    let codes: Vec<(String, String)> = FIELD_CODE_TEXTS
        .iter()
        .map(|c| (c.code.to_owned(), c.en.to_owned()))
        .collect();
    edit_schema(doc, "ProblemFieldError", |schema| {
        set_property(
            schema,
            "code",
            described_enum(
                "Stable machine code of what is wrong with the field:",
                &codes,
            ),
        );
        set_property(
            schema,
            "rule",
            rule_enum(
                "The rule id of domain.md that makes the value wrong, when a business rule \
                 rather than the field's own format does (e.g. `TKT-6`: a field the record's \
                 service kind lacks).",
            ),
        );
        set_property(
            schema,
            "message",
            json!({"type": "string", "description": "What is wrong, in the response's \
                `Content-Language`, with the limits the value broke."}),
        );
    });
}

/// The `Accept-Language` parameter of every operation, by reference to the one component so
/// that generated clients share a single language type.
pub(super) fn accept_language() -> RefOr<Parameter> {
    RefOr::Ref(Ref::new(format!(
        "#/components/parameters/{ACCEPT_LANGUAGE}"
    )))
}

const ACCEPT_LANGUAGE: &str = "Accept-Language";

fn accept_language_component() -> RefOr<Parameter> {
    ParameterBuilder::new()
        .name(ACCEPT_LANGUAGE)
        .parameter_in(ParameterIn::Header)
        .required(Required::False)
        .description(Some(
            "Language of messages (problem titles, details, field messages): `zh-CN` (the \
             default) or `en`. Any HTTP language list is accepted, as browsers send it \
             (`en-US,en;q=0.9,fr;q=0.8`): it is matched by primary tags and quality, and a \
             list naming neither language gets zh-CN. The response's `Content-Language` (an \
             enum of the two) names the language used.",
        ))
        // Not an enum: refusing a browser's ordinary language list would be wrong HTTP, so
        // the schema says what is accepted and `examples` what is understood.
        .schema(Some(
            ObjectBuilder::new()
                .schema_type(Type::String)
                .examples(LANGUAGES.iter().copied()),
        ))
        .build()
        .into()
}

/// The `Accept-Language` component every operation refers to, and the `Content-Language`
/// component every response refers to (`headers::declare_sent_headers`).
pub(super) fn declare_languages(doc: &mut OpenApiDoc) {
    let components = doc.components.get_or_insert_with(Default::default);
    components
        .parameters
        .insert(ACCEPT_LANGUAGE.to_owned(), accept_language_component());
    components.headers.insert(
        CONTENT_LANGUAGE.to_owned(),
        RefOr::T(
            HeaderBuilder::new()
                .schema(Some(
                    ObjectBuilder::new()
                        .schema_type(Type::String)
                        .enum_values(Some(LANGUAGES.iter().copied())),
                ))
                .description(Some(
                    "The language of the response's messages, as negotiated from \
                     `Accept-Language`",
                ))
                .build(),
        ),
    );
}

/// A JSON body whose members are all optional may be left out (`extract::json` reads no body
/// as `{}`): its `requestBody` is not required.
pub(super) fn optional_bodies(doc: &mut OpenApiDoc) {
    let all_optional: Vec<String> = doc
        .components
        .iter()
        .flat_map(|c| c.schemas.iter())
        .filter_map(|(name, schema)| {
            let value = serde_json::to_value(schema).ok()?;
            let object =
                value.get("type") == Some(&json!("object")) && value.get("properties").is_some();
            let required = value
                .get("required")
                .and_then(Value::as_array)
                .is_some_and(|r| !r.is_empty());
            let combined = ["allOf", "oneOf", "anyOf", "not"]
                .iter()
                .any(|k| value.get(k).is_some());
            (object && !required && !combined).then(|| name.clone())
        })
        .collect();
    for item in doc.paths.paths.values_mut() {
        for op in [&mut item.post, &mut item.put, &mut item.patch]
            .into_iter()
            .flatten()
        {
            make_optional(op, &all_optional);
        }
    }
}

fn make_optional(op: &mut Operation, all_optional: &[String]) {
    let Some(RefOr::T(body)) = op.request_body.as_mut() else {
        return;
    };
    let Some(content) = body.content.get("application/json") else {
        return;
    };
    let Ok(value) = serde_json::to_value(content) else {
        return;
    };
    let Some(reference) = value.pointer("/schema/$ref").and_then(Value::as_str) else {
        return;
    };
    let name = reference.rsplit('/').next().unwrap_or("");
    if body.content.len() == 1 && all_optional.iter().any(|n| n == name) {
        body.required = Some(Required::False);
    }
}
