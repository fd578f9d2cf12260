//! Request bodies whose members depend on one of them, stated as a `oneOf` of one schema per
//! value with a `discriminator`, so a client generated from the spec cannot build a body with
//! members its kind lacks: TKT-6 service records by `kind`, users by `kind`.
//!
//! The server reads each such body as one flat DTO and refuses what a kind does not allow
//! (422 naming the field and, for TKT-6, the rule); the variants are cut here from that flat
//! schema and the domain's own table, so the two cannot drift.

use kefu_tickets::service::{ServiceKind, fields_of};
use utoipa::openapi::schema::{Discriminator, OneOfBuilder, SchemaType};
use utoipa::openapi::{Object, ObjectBuilder, OpenApi as OpenApiDoc, Ref, RefOr, Schema, Type};

pub(super) fn split_by_kind(doc: &mut OpenApiDoc) {
    let Some(components) = doc.components.as_mut() else {
        return;
    };
    let schemas = &mut components.schemas;
    let mut made = Vec::new();
    if let Some(RefOr::T(Schema::Object(flat))) = schemas.get("CreateServiceRecord") {
        made.extend(service_records(flat));
    }
    if let Some(RefOr::T(Schema::Object(flat))) = schemas.get("CreateUser") {
        made.extend(users(flat));
    }
    for (name, schema) in made {
        schemas.insert(name, RefOr::T(schema));
    }
}

/// `data_clearing` → `DataClearing`, for a variant's schema name.
fn pascal(wire: &str) -> String {
    wire.split('_')
        .map(|part| {
            let mut chars = part.chars();
            chars
                .next()
                .map(|c| c.to_uppercase().chain(chars).collect::<String>())
                .unwrap_or_default()
        })
        .collect()
}

/// The discriminating member of a variant: the one value it takes.
fn kind_member(wire: &str, description: String) -> RefOr<Schema> {
    RefOr::T(Schema::Object(
        ObjectBuilder::new()
            .schema_type(Type::String)
            .enum_values(Some([wire]))
            .description(Some(description))
            .build(),
    ))
}

/// A member a variant requires: never `null` (the flat DTO reads it as an `Option`).
fn not_null(mut property: RefOr<Schema>) -> RefOr<Schema> {
    if let RefOr::T(Schema::Object(o)) = &mut property
        && let SchemaType::Array(types) = &o.schema_type
    {
        let kept: Vec<Type> = types
            .iter()
            .filter(|t| **t != Type::Null)
            .cloned()
            .collect();
        o.schema_type = match kept.as_slice() {
            [one] => SchemaType::Type(one.clone()),
            _ => SchemaType::Array(kept),
        };
    }
    property
}

/// A variant: the flat schema cut down, described, without the flat one's example.
fn variant(flat: &Object, description: String) -> Object {
    let mut o = flat.clone();
    o.description = Some(description);
    o.example = None;
    o.extensions = None;
    o
}

/// The whole body: one of `variants` (schema name, discriminator value), picked by `kind`.
fn one_of(flat: &Object, description: &str, variants: &[(String, &str)]) -> Schema {
    let mut discriminator = Discriminator::new("kind");
    let mut builder = OneOfBuilder::new();
    for (name, wire) in variants {
        builder = builder.item(Ref::from_schema_name(name.as_str()));
        discriminator
            .mapping
            .insert((*wire).to_owned(), format!("#/components/schemas/{name}"));
    }
    let mut one_of = builder
        .description(Some(description))
        .discriminator(Some(discriminator))
        .build();
    one_of.example = flat.example.clone();
    Schema::OneOf(one_of)
}

/// TKT-6: one body per service kind, with the common members and exactly the kind's own,
/// each of those required.
fn service_records(flat: &Object) -> Vec<(String, Schema)> {
    let specific: Vec<&str> = ServiceKind::ALL
        .iter()
        .flat_map(|k| fields_of(*k).iter().copied())
        .collect();
    let mut out = Vec::new();
    let mut variants = Vec::new();
    for kind in ServiceKind::ALL {
        let wire = kind.as_str();
        let own = fields_of(kind);
        let listed = match own {
            [] => "no fields besides the work done".to_owned(),
            fields => fields
                .iter()
                .map(|f| format!("`{f}`"))
                .collect::<Vec<_>>()
                .join(", "),
        };
        let mut o = variant(
            flat,
            format!(
                "A `{wire}` service record (TKT-6): {listed}. A field of another kind is refused \
                 (422 `not_allowed` naming it, rule `TKT-6`)."
            ),
        );
        o.properties
            .retain(|name, _| !specific.contains(&name.as_str()) || own.contains(&name.as_str()));
        for (name, property) in o.properties.iter_mut() {
            if name.as_str() == "kind" {
                *property = kind_member(
                    wire,
                    format!("`{wire}`: the kind of service, which decides the fields (TKT-6)."),
                );
            } else if own.contains(&name.as_str()) {
                *property = not_null(property.clone());
            }
        }
        o.required.extend(own.iter().map(|f| (*f).to_owned()));
        let name = format!("CreateServiceRecord{}", pascal(wire));
        out.push((name.clone(), Schema::Object(o)));
        variants.push((name, wire));
    }
    out.push((
        "CreateServiceRecord".to_owned(),
        one_of(
            flat,
            "A service record (TKT-6), its fields decided by `kind`. The server refuses a \
             missing field of the kind (422 `required`) and a field of another kind (422 \
             `not_allowed`), each naming the field and the rule `TKT-6`.",
            &variants,
        ),
    ));
    out
}

/// A person (`human`) may be given a password; a service account has none (it signs in
/// with API keys).
fn users(flat: &Object) -> Vec<(String, Schema)> {
    let mut human = variant(
        flat,
        "A person. Without `password` one is generated and shown once.".to_owned(),
    );
    let mut service = variant(
        flat,
        "A service account for integration scripts: it signs in with API keys, so it has no \
         password (sending one is 422 `not_allowed` naming `password`)."
            .to_owned(),
    );
    human.properties.insert(
        "kind".to_owned(),
        kind_member(
            "human",
            "`human`: a person who signs in with a password.".to_owned(),
        ),
    );
    service
        .properties
        .retain(|name, _| name.as_str() != "password");
    service.properties.insert(
        "kind".to_owned(),
        kind_member(
            "service",
            "`service`: an account for integration scripts.".to_owned(),
        ),
    );
    let variants = [
        ("CreateUserHuman".to_owned(), "human"),
        ("CreateUserService".to_owned(), "service"),
    ];
    let top = one_of(
        flat,
        "A user, its members decided by `kind`: a person may be given a password, a service \
         account has none.",
        &variants,
    );
    vec![
        ("CreateUserHuman".to_owned(), Schema::Object(human)),
        ("CreateUserService".to_owned(), Schema::Object(service)),
        ("CreateUser".to_owned(), top),
    ]
}
