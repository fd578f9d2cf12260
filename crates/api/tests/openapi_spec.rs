//! The published contract: the committed spec is what the code generates, and every
//! operation in it is complete enough for a client written from the spec alone.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use serde_json::Value;

fn generated() -> Value {
    serde_json::to_value(kefu_api::app::openapi()).unwrap()
}

#[test]
fn the_committed_spec_is_the_generated_spec() {
    let committed: Value =
        serde_json::from_str(include_str!("../../../openapi/openapi.json")).unwrap();
    assert!(
        committed == generated(),
        "openapi/openapi.json differs from the code: run `make openapi` and commit it"
    );
}

fn operations(spec: &Value) -> Vec<(String, String, Value)> {
    let mut out = Vec::new();
    for (path, item) in spec["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            out.push((path.clone(), method.clone(), op.clone()));
        }
    }
    out
}

#[test]
fn every_operation_is_fully_described() {
    let spec = generated();
    let ops = operations(&spec);
    assert!(ops.len() >= 20, "{} operations", ops.len());
    let mut ids = std::collections::HashSet::new();
    for (path, method, op) in ops {
        let name = format!("{method} {path}");
        let id = op["operationId"].as_str().unwrap_or_default();
        assert!(!id.is_empty(), "{name}: operationId");
        assert!(
            ids.insert(id.to_owned()),
            "{name}: duplicate operationId {id}"
        );
        assert!(
            op["summary"].as_str().is_some_and(|s| !s.is_empty()),
            "{name}: summary"
        );
        assert_eq!(
            op["tags"].as_array().map(Vec::len),
            Some(1),
            "{name}: one tag"
        );
        assert!(
            op["security"].is_array(),
            "{name}: security stated (empty = public)"
        );
        let responses = op["responses"].as_object().unwrap();
        assert!(responses.contains_key("500"), "{name}: 500");
        for (status, response) in responses {
            if status != "204" && !status.starts_with('3') {
                assert!(response["content"].is_object(), "{name} {status}: schema");
            }
        }
        if op.get("requestBody").is_some() {
            for s in ["400", "413", "415", "422"] {
                assert!(responses.contains_key(s), "{name}: {s}");
            }
            // JSON, the multipart form of an upload, or a file (CSV) with its example inline.
            let content = op["requestBody"]["content"].as_object().unwrap();
            let body = content.values().next().unwrap();
            let schema = body["schema"]["$ref"].as_str().unwrap_or_default();
            let name_of = schema.rsplit('/').next().unwrap_or_default();
            let example = match &body["example"] {
                serde_json::Value::Null => &spec["components"]["schemas"][name_of]["example"],
                inline => inline,
            };
            assert!(!example.is_null(), "{name}: request body example");
        }
        let secured = op["security"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r.as_object().is_some_and(|o| !o.is_empty()));
        if secured {
            assert!(responses.contains_key("401"), "{name}: 401");
        }
        if method == "post" && secured {
            let params = op["parameters"].as_array().unwrap();
            assert!(
                params.iter().any(|p| p["name"] == "Idempotency-Key"),
                "{name}: Idempotency-Key"
            );
        }
    }
}

#[test]
fn changes_to_existing_records_document_if_match() {
    let spec = generated();
    for (path, method, op) in operations(&spec) {
        let changes_record = method == "patch"
            || method == "put"
            || (method == "post"
                && ["/disable", "/enable", "/reset-password"]
                    .iter()
                    .any(|s| path.ends_with(s)));
        if changes_record {
            let params = op["parameters"].as_array().unwrap();
            assert!(
                params.iter().any(|p| p["name"] == "If-Match"),
                "{method} {path}"
            );
            let responses = op["responses"].as_object().unwrap();
            for s in ["412", "428"] {
                assert!(responses.contains_key(s), "{method} {path}: {s}");
            }
        }
    }
}

#[test]
fn every_operation_explains_itself() {
    let spec = generated();
    let mut missing = Vec::new();
    for (path, method, op) in operations(&spec) {
        let description = op["description"].as_str().unwrap_or_default().trim();
        let summary = op["summary"].as_str().unwrap_or_default().trim();
        if description.is_empty() || description == summary {
            missing.push(format!("{method} {path}"));
        }
    }
    assert!(
        missing.is_empty(),
        "operations without a description (who may call it, what must come first, what it \
         triggers, the rule ids): {missing:?}"
    );
}

/// The operations anyone may call; every other one needs a bearer credential.
const PUBLIC: &[&str] = &[
    "healthz",
    "readyz",
    "metrics",
    "login",
    "refreshToken",
    "logout",
];

#[test]
fn every_operation_but_the_public_ones_needs_the_bearer() {
    let spec = generated();
    assert!(spec["components"]["securitySchemes"]["bearer"].is_object());
    let bearer = serde_json::json!([{ "bearer": [] }]);
    // `[]`, not `[{}]`: the same "no credential" to the standard, but a generator
    // (openapi-python-client) reads any requirement as "needs a token".
    let public = serde_json::json!([]);
    let mut seen_public = Vec::new();
    for (path, method, op) in operations(&spec) {
        let id = op["operationId"].as_str().unwrap_or_default();
        if PUBLIC.contains(&id) {
            assert_eq!(op["security"], public, "{method} {path}: public");
            seen_public.push(id.to_owned());
        } else {
            assert_eq!(op["security"], bearer, "{method} {path}: bearer");
        }
    }
    seen_public.sort_unstable();
    let mut expected: Vec<String> = PUBLIC.iter().map(|s| (*s).to_owned()).collect();
    expected.sort_unstable();
    assert_eq!(
        seen_public, expected,
        "every public operation is in the spec"
    );
}

/// Every `$ref` names a component that exists: a generator stops at a dangling one, and the
/// fuzzer skips what hangs off it.
#[test]
fn every_reference_resolves() {
    fn walk(v: &Value, spec: &Value, dangling: &mut Vec<String>) {
        match v {
            Value::Object(map) => {
                if let Some(Value::String(r)) = map.get("$ref") {
                    let pointer = r.trim_start_matches('#');
                    if spec.pointer(pointer).is_none() {
                        dangling.push(r.clone());
                    }
                }
                map.values().for_each(|v| walk(v, spec, dangling));
            }
            Value::Array(items) => items.iter().for_each(|v| walk(v, spec, dangling)),
            _ => {}
        }
    }
    let spec = generated();
    let mut dangling = Vec::new();
    walk(&spec, &spec, &mut dangling);
    dangling.sort();
    dangling.dedup();
    assert!(dangling.is_empty(), "unresolved references: {dangling:?}");
}

/// The event names a description promises ("… and webhook event `x.y`", "`x.y` (also a
/// webhook event)").
fn promised_events(text: &str) -> Vec<String> {
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut names = Vec::new();
    for (at, _) in text.match_indices("webhook event `") {
        let rest = &text[at + "webhook event `".len()..];
        if let Some(end) = rest.find('`') {
            names.push(rest[..end].to_owned());
        }
    }
    for (at, _) in text.match_indices("` (also a webhook event)") {
        if let Some(start) = text[..at].rfind('`') {
            names.push(text[start + 1..at].to_owned());
        }
    }
    names
}

#[test]
fn every_webhook_event_a_description_promises_can_be_subscribed_to() {
    let spec = generated();
    let mut promised = 0;
    for (path, method, op) in operations(&spec) {
        let text = op["description"].as_str().unwrap_or_default();
        for event in promised_events(text) {
            promised += 1;
            let published = kefu_api::kernel::outbox::EVENT_TYPES;
            // `stock_movement.<kind>` stands for one event per kind.
            let known = match event.split_once(".<") {
                Some((record, _)) => published
                    .iter()
                    .any(|t| t.starts_with(&format!("{record}."))),
                None => published.contains(&event.as_str()),
            };
            assert!(
                known,
                "{method} {path} promises webhook event `{event}`, which is never published"
            );
        }
    }
    assert!(promised > 40, "only {promised} promised events found");
}

fn enum_of(schema: &Value) -> Vec<String> {
    schema["enum"]
        .as_array()
        .unwrap_or_else(|| panic!("no enum: {schema}"))
        .iter()
        .map(|v| v.as_str().unwrap().to_owned())
        .collect()
}

/// The closed sets of a problem document are what the server renders with: its problem types,
/// the rule ids of the code and the field error codes `FieldError` admits (each checked
/// against the code by the catalogue's own tests).
#[test]
fn problem_types_rules_and_field_codes_are_complete_enums() {
    use kefu_api::kernel::i18n::catalogue::{FIELD_CODE_TEXTS, PROBLEM_TYPES, RULES};
    let spec = generated();
    let schemas = &spec["components"]["schemas"];
    let types: Vec<String> = PROBLEM_TYPES
        .iter()
        .map(|p| format!("urn:kefu:problem:{}", p.slug))
        .collect();
    assert_eq!(enum_of(&schemas["Problem"]["properties"]["type"]), types);
    assert!(types.contains(&"urn:kefu:problem:password-change-required".to_owned()));
    let descriptions = &schemas["Problem"]["properties"]["type"]["x-enum-descriptions"];
    assert_eq!(descriptions.as_array().unwrap().len(), types.len());
    let rules: Vec<String> = RULES.iter().map(|r| r.0.to_owned()).collect();
    assert_eq!(enum_of(&schemas["Problem"]["properties"]["rule"]), rules);
    assert_eq!(
        enum_of(&schemas["ProblemFieldError"]["properties"]["rule"]),
        rules
    );
    let codes = enum_of(&schemas["ProblemFieldError"]["properties"]["code"]);
    assert_eq!(codes, kefu_core::FIELD_CODES);
    assert_eq!(
        codes,
        FIELD_CODE_TEXTS.iter().map(|c| c.code).collect::<Vec<_>>()
    );
    for code in ["not_found", "range", "required", "unknown_field"] {
        assert!(codes.iter().any(|c| c == code), "{code}");
    }
}

/// Every operation takes `Accept-Language` as an enum of the languages, and every response
/// names its language in `Content-Language`.
#[test]
fn every_operation_negotiates_its_language() {
    let spec = generated();
    let accept = &spec["components"]["parameters"]["Accept-Language"];
    assert_eq!(accept["in"], "header");
    assert_eq!(
        accept["schema"]["examples"],
        serde_json::json!(["zh-CN", "en"])
    );
    assert!(
        accept["schema"].get("enum").is_none(),
        "any language list is accepted"
    );
    for (path, method, op) in operations(&spec) {
        assert!(
            op["parameters"]
                .as_array()
                .unwrap()
                .iter()
                .any(|p| p["$ref"] == "#/components/parameters/Accept-Language"),
            "{method} {path}: no Accept-Language"
        );
        for (status, response) in op["responses"].as_object().unwrap() {
            assert!(
                response["headers"].get("Content-Language").is_some(),
                "{method} {path} {status}: no Content-Language"
            );
        }
    }
}

fn responses(op: &Value) -> &serde_json::Map<String, Value> {
    op["responses"].as_object().unwrap()
}

/// The observe middleware sends `X-Request-Id` on every answer.
#[test]
fn every_response_declares_its_request_id() {
    let spec = generated();
    assert_eq!(
        spec["components"]["headers"]["X-Request-Id"]["schema"]["maxLength"],
        64
    );
    for (path, method, op) in operations(&spec) {
        for (status, response) in responses(&op) {
            assert_eq!(
                response["headers"]["X-Request-Id"]["$ref"], "#/components/headers/X-Request-Id",
                "{method} {path} {status}"
            );
        }
    }
}

/// Whatever takes an `Idempotency-Key` may answer with a replay, flagged
/// `Idempotent-Replayed: true`; only a 5xx is never stored, so never replayed.
#[test]
fn idempotent_operations_declare_replays() {
    let spec = generated();
    let mut seen = 0;
    for (path, method, op) in operations(&spec) {
        let idempotent = op["parameters"]
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p["name"] == "Idempotency-Key");
        for (status, response) in responses(&op) {
            let declared = response["headers"].get("Idempotent-Replayed").is_some();
            assert_eq!(
                declared,
                idempotent && !status.starts_with('5'),
                "{method} {path} {status}"
            );
            seen += usize::from(declared);
        }
    }
    assert!(seen > 100, "{seen}");
    let header = &spec["components"]["headers"]["Idempotent-Replayed"];
    assert_eq!(enum_of(&header["schema"]), ["true"]);
}

/// The handlers' sources: each `#[utoipa::path]` with the function it annotates.
fn handlers() -> Vec<(String, String)> {
    fn walk(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(path);
            }
        }
    }
    let mut files = Vec::new();
    walk(
        &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src"),
        &mut files,
    );
    let mut out = Vec::new();
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap();
        for chunk in text.split("#[utoipa::path(").skip(1) {
            let Some(id) = chunk
                .split_once("operation_id = \"")
                .and_then(|(_, rest)| rest.split_once('"'))
                .map(|(id, _)| id.to_owned())
            else {
                continue;
            };
            // The handler ends at its closing brace; helpers after it are not its code.
            let handler = chunk.split("\n}\n").next().unwrap_or(chunk);
            out.push((id, handler.to_owned()));
        }
    }
    out
}

/// `respond::versioned` sends `ETag`, `respond::created` sends `Location` (and `ETag` when
/// given a version): each response a handler builds so declares them.
#[test]
fn etag_and_location_are_declared_where_sent() {
    let spec = generated();
    let by_id: std::collections::HashMap<String, Value> = operations(&spec)
        .into_iter()
        .map(|(_, _, op)| (op["operationId"].as_str().unwrap().to_owned(), op))
        .collect();
    let mut checked = 0;
    for (id, code) in handlers() {
        let Some(op) = by_id.get(&id) else { continue };
        let mut sent: Vec<(&str, &str)> = Vec::new();
        for (name, status) in [("OK", "200"), ("CREATED", "201"), ("ACCEPTED", "202")] {
            if code.contains(&format!("versioned(StatusCode::{name}"))
                || code.contains(&format!("versioned(\n                StatusCode::{name}"))
            {
                sent.push((status, "ETag"));
            }
        }
        if code.contains("created(") {
            sent.push(("201", "Location"));
        }
        for (status, header) in sent {
            let headers = &op["responses"][status]["headers"];
            assert!(
                headers.get(header).is_some(),
                "{id} {status}: sends {header} but does not declare it"
            );
            checked += 1;
        }
    }
    assert!(checked > 100, "{checked}");
}

/// TKT-6 service records and users are a `oneOf` told apart by `kind`, one schema per kind
/// holding exactly its own members.
#[test]
fn type_specific_bodies_are_discriminated() {
    let spec = generated();
    let schemas = &spec["components"]["schemas"];
    let record = &schemas["CreateServiceRecord"];
    assert_eq!(record["discriminator"]["propertyName"], "kind");
    assert_eq!(record["oneOf"].as_array().unwrap().len(), 5);
    assert_eq!(
        record["discriminator"]["mapping"]["data_clearing"],
        "#/components/schemas/CreateServiceRecordDataClearing"
    );
    let clearing = &schemas["CreateServiceRecordDataClearing"];
    assert_eq!(clearing["additionalProperties"], false);
    assert_eq!(enum_of(&clearing["properties"]["kind"]), ["data_clearing"]);
    assert_eq!(clearing["properties"]["sql"]["type"], "string");
    let required: Vec<&str> = clearing["required"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert_eq!(required, ["mode", "kind", "work_done", "tool", "sql"]);
    assert!(clearing["properties"].get("report_name").is_none());
    let general = &schemas["CreateServiceRecordGeneral"]["properties"];
    let mut members: Vec<&String> = general.as_object().unwrap().keys().collect();
    members.sort();
    assert_eq!(members, ["kind", "mode", "visit_id", "work_done"]);

    let user = &schemas["CreateUser"];
    assert_eq!(user["discriminator"]["propertyName"], "kind");
    assert!(user.get("not").is_none());
    assert!(
        schemas["CreateUserHuman"]["properties"]
            .get("password")
            .is_some()
    );
    let service = &schemas["CreateUserService"];
    assert!(service["properties"].get("password").is_none());
    assert!(
        service["required"]
            .as_array()
            .unwrap()
            .contains(&"kind".into())
    );
    for name in [
        "CreateServiceRecordBug",
        "CreateServiceRecordAdminPassword",
        "CreateUserHuman",
        "CreateUserService",
    ] {
        for (member, property) in schemas[name]["properties"].as_object().unwrap() {
            assert!(
                property["description"]
                    .as_str()
                    .is_some_and(|d| !d.is_empty())
                    || property.get("$ref").is_some(),
                "{name}.{member}: no description"
            );
        }
    }
}

/// Every PATCH is a JSON merge patch, says so, takes its media type, and says of each member
/// whether `null` clears it; a member that cannot be cleared does not allow `null`.
#[test]
fn every_patch_is_a_merge_patch() {
    let spec = generated();
    let schemas = &spec["components"]["schemas"];
    let mut patches = 0;
    for (path, method, op) in operations(&spec) {
        if method != "patch" {
            continue;
        }
        patches += 1;
        assert!(
            op["description"].as_str().unwrap().contains("RFC 7396"),
            "{path}"
        );
        let content = op["requestBody"]["content"].as_object().unwrap();
        let json = &content["application/json"];
        assert_eq!(&content["application/merge-patch+json"], json, "{path}");
        let name = json["schema"]["$ref"]
            .as_str()
            .unwrap()
            .rsplit('/')
            .next()
            .unwrap();
        for (member, property) in schemas[name]["properties"].as_object().unwrap() {
            let description = property["description"].as_str().unwrap_or_default();
            assert!(description.contains("`null`"), "{name}.{member}");
        }
    }
    assert!(patches >= 20, "{patches}");
    let customer = &schemas["UpdateCustomer"]["properties"];
    assert_eq!(customer["name"]["type"], "string");
    assert_eq!(
        customer["phone"]["type"],
        serde_json::json!(["string", "null"])
    );
}

/// Whether a property tells the client what it means: its own `description`, a `$ref` (the
/// referenced schema describes itself), or, for an optional reference (`oneOf` of the `$ref`
/// and `null`, as utoipa writes `Option<T>`), a description on the reference.
fn is_described(property: &Value) -> bool {
    if property.get("description").is_some()
        || property.get("$ref").is_some()
        || property.get("allOf").is_some()
    {
        return true;
    }
    property["oneOf"]
        .as_array()
        .into_iter()
        .flatten()
        .any(|branch| branch.get("$ref").is_some() && branch.get("description").is_some())
}

/// Issue 17: every member of every component schema says what it means (a doc comment on the
/// field).
#[test]
fn every_schema_property_has_a_description() {
    let spec = generated();
    let mut missing = Vec::new();
    for (name, schema) in spec["components"]["schemas"].as_object().unwrap() {
        for (property, value) in schema["properties"].as_object().into_iter().flatten() {
            if !is_described(value) {
                missing.push(format!("{name}.{property}"));
            }
        }
    }
    assert!(
        missing.is_empty(),
        "{} properties without a description (add a doc comment to the field): {}",
        missing.len(),
        missing.join(", ")
    );
}
