//! Every PATCH is a JSON merge patch (RFC 7396), read through `fields::required` and
//! `fields::double_option`: this states those semantics on each PATCH operation and offers
//! the merge-patch media type, which the JSON extractor takes like `application/json`.

use utoipa::openapi::schema::SchemaType;
use utoipa::openapi::{OpenApi as OpenApiDoc, RefOr, Schema, Type};

const MEDIA_TYPE: &str = "application/merge-patch+json";

const SEMANTICS: &str = "A JSON merge patch (RFC 7396), sent as `application/merge-patch+json` \
or `application/json`: a member left out keeps its value, a value replaces it, and `null` \
clears an optional field (one whose schema allows `null`). `null` on a field that cannot be \
cleared is refused with 422, code `required` naming the field, and nothing is changed.";

const CLEARS: &str = "Left out, it keeps its value; `null` clears it.";
const KEEPS: &str =
    "Left out, it keeps its value; it cannot be cleared (`null` is 422 `required`).";

pub(super) fn state(doc: &mut OpenApiDoc) {
    let mut bodies = Vec::new();
    for item in doc.paths.paths.values_mut() {
        let Some(op) = item.patch.as_mut() else {
            continue;
        };
        op.description = Some(match op.description.take() {
            Some(d) if !d.is_empty() => format!("{d}\n\n{SEMANTICS}"),
            _ => SEMANTICS.to_owned(),
        });
        if let Some(RefOr::T(body)) = op.request_body.as_mut()
            && let Some(json) = body.content.get("application/json").cloned()
        {
            if let RefOr::T(content) = &json
                && let Some(RefOr::Ref(r)) = &content.schema
            {
                bodies.extend(r.ref_location.rsplit('/').next().map(str::to_owned));
            }
            body.content.insert(MEDIA_TYPE.to_owned(), json);
        }
    }
    let Some(components) = doc.components.as_mut() else {
        return;
    };
    for name in bodies {
        if let Some(RefOr::T(Schema::Object(o))) = components.schemas.get_mut(&name) {
            for property in o.properties.values_mut() {
                describe(property);
            }
        }
    }
}

/// Says of a member of a patch whether `null` clears it, unless its description does already.
fn describe(property: &mut RefOr<Schema>) {
    let rule = if nullable(property) { CLEARS } else { KEEPS };
    let description = match property {
        RefOr::Ref(r) => {
            let text = std::mem::take(&mut r.description);
            r.description = said(Some(text), rule).unwrap_or_default();
            return;
        }
        RefOr::T(Schema::Object(o)) => &mut o.description,
        RefOr::T(Schema::Array(a)) => &mut a.description,
        RefOr::T(Schema::OneOf(o)) => &mut o.description,
        RefOr::T(_) => return,
    };
    *description = said(description.take(), rule);
}

fn said(text: Option<String>, rule: &str) -> Option<String> {
    Some(match text {
        Some(t) if t.contains("`null`") => t,
        Some(t) if !t.is_empty() => format!("{t} {rule}"),
        _ => rule.to_owned(),
    })
}

fn nullable(property: &RefOr<Schema>) -> bool {
    let null = |t: &SchemaType| match t {
        SchemaType::Type(t) => *t == Type::Null,
        SchemaType::Array(types) => types.contains(&Type::Null),
        SchemaType::AnyValue => false,
    };
    match property {
        RefOr::T(Schema::Object(o)) => null(&o.schema_type),
        RefOr::T(Schema::Array(a)) => null(&a.schema_type),
        RefOr::T(Schema::OneOf(o)) => o.items.iter().any(nullable),
        _ => false,
    }
}
