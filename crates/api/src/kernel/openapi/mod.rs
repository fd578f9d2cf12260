//! The OpenAPI document: generated from the handlers' annotations, then completed with the
//! responses and headers that the shared conventions add to every operation of a kind, so
//! that each operation lists every status it can return.

use crate::kernel::error::{Problem, ProblemFieldError};
use crate::kernel::export::Exportable;
use utoipa::openapi::extensions::Extensions;
use utoipa::openapi::path::{Operation, Parameter, ParameterBuilder, ParameterIn};
use utoipa::openapi::schema::{ArrayItems, KnownFormat, Object, SchemaFormat, SchemaType};
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityRequirement, SecurityScheme};
use utoipa::openapi::{
    ContentBuilder, ObjectBuilder, OpenApi as OpenApiDoc, Ref, RefOr, Required, ResponseBuilder,
    Schema, Server, Type,
};
use utoipa::{IntoParams, Modify, OpenApi};

mod closed_sets;
pub(crate) mod headers;
pub mod limits;
mod links;
mod merge_patch;
mod variants;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "kefu API",
        contact(name = "kefu maintainers", url = "https://kefu.invalid/support"),
        version = "1.0.0",
        description = "Customer service and field service: tickets, dispatch, feedback forms, \
callbacks, contracts, spare parts, scoring, billing and payroll.\n\n\
Conventions: errors are RFC 9457 `application/problem+json` in the `Accept-Language` \
(zh-CN default, en); a 409 or 422 that a rule of the domain refuses names it in `rule` \
(e.g. `TKT-3` on an invalid ticket transition, type `urn:kefu:problem:conflict` for 409 and \
`urn:kefu:problem:rule-violation` for 422); a duplicate is a 409 conflict without `rule` whose \
`errors` name the field (code `duplicate`); lists use `limit`/`cursor` and return `{items, next_cursor}`; \
changes to existing records need `If-Match` with the record's `ETag`; every POST accepts \
`Idempotency-Key` (same key and body within 24 h replays the first response); money is \
integer fen in `_fen` fields, rates basis points in `_bp` fields; times are RFC 3339.\n\n\
Delta sync, the same on every list with `updated_since`: the list returns every record (deleted \
ones as tombstones with `deleted: true`) whose `updated_at` is after `updated_since` minus 60 \
seconds, in (`updated_at`, `id`) order, paged by `next_cursor`. Delivery is at least once: pass \
the `updated_at` of the last record you received as the next `updated_since`; the 60-second \
overlap means a change committed late, or in the same microsecond as that record, still \
arrives, and records inside the overlap come again — keep the copy with the higher `version`. \
If what you may see shrank after `updated_since` (moved off a team, a role taken away, a \
ticket reassigned to someone else), a delta cannot name the records you lost: the list answers \
410 `urn:kefu:problem:sync-reset`; drop your copy of that list, read it again without \
`updated_since`, and continue from the problem's `resync_since`."
    ),
    tags(
        (name = "auth", description = "Login, token refresh, logout and the caller's own account"),
        (name = "users", description = "Users and roles (ORG-1), managed by admins"),
        (name = "api-keys", description = "API keys of service accounts for integration scripts"),
        (name = "audit", description = "The append-only, hash-chained audit log"),
        (name = "customers", description = "Customers, their sites and contacts, and the cities served (ORG-3, CUS-1), under ORG-5 visibility"),
        (name = "teams", description = "Teams and their supervisors (ORG-2)"),
        (name = "employees", description = "Employees: track, level, team, salary and employment status history (ORG-2); visible per ORG-5"),
        (name = "rules", description = "Configurable rule sets (rates, deadlines, fines) in dated versions"),
        (name = "calendar", description = "The work calendar (CAL-1): holidays, make-up working \
days and working-day arithmetic"),
        (name = "products", description = "The products catalogue: models, prices, cost and floor price"),
        (name = "equipment", description = "Installed equipment per site (ORG-4), with delta sync"),
        (name = "webhooks", description = "Webhook subscriptions for integration scripts: signed deliveries of record changes, retries and the delivery log"),
        (name = "sync", description = "The mobile app's offline command queue"),
        (name = "ops", description = "Health, readiness and metrics"),
        (name = "jobs", description = "Background jobs: the queue every instance works off, retries and the dead-letter list (admin)"),
        (name = "notifications", description = "The caller's in-app notification inbox"),
        (name = "tickets", description = "Tickets (TKT-1..4): intake, SLA due instants and breaches, the lifecycle with its log, dispatch; visible per ORG-5, with delta sync"),
        (name = "visits", description = "On-site visits (TKT-5, TKT-8), service records (TKT-6), the dispatch board and an engineer's agenda"),
        (name = "feedback-forms", description = "Feedback forms (TKT-7): drafted after a visit, signed by the customer with the signature's SHA-256 sealed in, immutable once signed (amendments are new versions), handed in to the clerk by the due day; late and flagged lists"),
        (name = "complaints", description = "Complaints (TKT-10): recording, validity judgement, corrective measures and reply; valid complaints counted per employee for HR scoring (HR-C1)"),
        (name = "change-requests", description = "Program change requests (TKT-12): the customer's stamped application through review, development, the requesting engineer's test and delivery, with promised dates and delay notices"),
        (name = "callbacks", description = "Callbacks after field service (TKT-9): tasks of the callback desk with the questionnaire, and the managers' follow-ups of dissatisfied customers; with delta sync"),
        (name = "reports", description = "Reports: customer satisfaction per team, engineer or customer (TKT-13), as JSON or CSV"),
        (name = "attachments", description = "Files attached to records (photos, documents, \
signatures): streamed upload with content sniffing, size limits and SHA-256, download, \
thumbnails and seal verification"),
        (name = "knowledge-base", description = "The knowledge base (KB-1): versioned articles \
with the customer-facing wording, full-text search (Chinese included); customer contacts read \
published articles"),
        (name = "work-orders", description = "Internal work orders (TKT-11) from a ticket to the \
technical or web-operations centre, closed with their knowledge-base article; visible with the \
ticket and to the assignee"),
        (name = "inventory", description = "Spare parts (INV-1, INV-4): the parts catalogue on \
the products, stock locations (warehouse, fault-service centre, engineers' hands), stock levels, \
serialised units and the movement ledger; loans (INV-2) and charges (INV-3); the daily counts \
of the fault-service centre with their anomalies and the minimum stock (INV-7); the monthly \
spare-parts report (INV-9); an engineer \
sees the stock in their own hands"),
        (name = "expenses", description = "Expenses (BIL-14..BIL-17): travel requests approved by \
a manager before the trip, with the travel standard copied on approval; expense claims after the \
return (travel days, meals, lodging capped per night, local transport, other items, receipts as \
attachments), approved by a manager and paid by finance; cash advances approved by the GM \
(executive), one open at a time, settled against the claim; the month's phone allowance by \
position. People's money: each person sees their own, finance, HR and management everyone's"),
        (name = "attendance", description = "Attendance (HR-A1, HR-A2): clock-in and clock-out \
from the mobile app, excused late starts, and a person's month with its late days, lateness fine \
and dismissal flag; each person sees their own, a supervisor their teams', the office everyone's"),
        (name = "fines", description = "Fines (HR-F0, HR-F*, HR-A2, HR-C1): fine records with rule, \
amount, evidence and status (proposed, confirmed, deducted, cancelled), the month's lateness fines, \
the department-fund ledger with its running balance, and each person's valid-complaint counts with \
the dismissal and demotion flags; each person sees their own, a supervisor their teams', the office \
everyone's"),
        (name = "scorecards", description = "Monthly scorecards (HR-S1..S6): score events with \
evidence against a person for a month, the month's measured scores, the card computed from the \
role's template (a preview any time, finalised in the HR-S3 window, then immutable), grades, \
rewards, stars and flags, and appeals; scores in tenths of a point, money in fen; each person \
sees their own, a supervisor their teams', the office everyone's"),
        (name = "contracts", description = "Service contracts (CON-1, CON-2): covered sites, equipment \
and executors, the status machine, express and tacit renewal, payment due after signing and \
overdue; visible per ORG-5, with delta sync and export"),
        (name = "commissioning", description = "Commissioning jobs (CON-7, CON-8): entered from \
the executive-approved commissioning notice; points (127 for a pure alarm controller), location \
class, engineer, work dates, the three documents with their deadline, the clerk's callback, the \
manager's re-check over 1000 points, the acceptance date, capacity additions; what billing reads \
per job; visible per ORG-5, with delta sync and export"),
        (name = "commissions", description = "Commissions (BIL-9 … BIL-12c): the month's \
commissioning commission computed per job (points × tier rate × the month's multiplier, less the \
clerk's 5%, split 80%/20%), the clerk's share and the BIL-10 base-salary cut, previewed then \
closed idempotently into a ledger of lines with rule, inputs and rule-table versions, each \
pending, due (with a payroll month), paid, withheld, forfeited or transferred; each person sees \
their own lines, a supervisor their teams', finance, HR and management everyone's"),
        (name = "payroll", description = "The monthly payroll (BIL-13): one statement per person \
and month with a line per source record (base salary, phone allowance, commission lines due, \
the BIL-10 base-salary cut, scorecard rewards, fines, lost-part charges, adjustments), each \
naming its record and rule; previewed, generated idempotently, approved by finance and then \
immutable (corrections as adjustments into a later month); a finance view per month, and CSV \
or XLSX exports with a sheet per month; each person sees their own statements, finance, HR and \
management everyone's, a supervisor never others' salaries"),
        (name = "fees", description = "Customer-facing money (BIL-1..BIL-4): the fee schedule with \
list and floor prices, repair quotes with the manager's approval outside the band and travel and \
lodging for remote out-of-warranty repairs, the customer's answer, payments and deposits with \
their refund or conversion, and the full-payment gate of a factory repair; visible per the \
customer's ORG-5, with delta sync and export"),
    ),
    components(schemas(Problem, ProblemFieldError)),
    modifiers(&BearerAuth)
)]
pub struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut OpenApiDoc) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("JWT")
                    .description(Some(
                        "An access token from `POST /api/v1/auth/login`, or an API key \
                         (`kefu_…`) of a service account. Access tokens follow RFC8725 \
                         (JSON Web Token Best Current Practices): HS256 only, the algorithm \
                         pinned by the server and never taken from the token, issuer, audience \
                         and expiry always checked, 15-minute lifetime; they end at once on \
                         logout, password change or a disabled account.",
                    ))
                    .build(),
            ),
        );
    }
}

/// `If-Match` on commands that change an existing record.
#[derive(IntoParams)]
#[into_params(names("If-Match"), parameter_in = Header)]
pub struct IfMatchHeader(
    /// The strong `ETag` from the last read of the record, e.g. `"3"`. A weak tag (`W/"3"`) is
    /// refused with 400: If-Match uses the strong comparison (RFC 9110 §13.1.1).
    #[param(example = "\"3\"", pattern = "^\"[0-9]{1,18}\"$")]
    #[allow(dead_code)]
    String,
);

/// What `Idempotency-Key` accepts (see `middleware::idempotency`).
const IDEMPOTENCY_KEY_PATTERN: &str = "^[!-~]{1,255}$";

pub(crate) fn problem(description: &str) -> RefOr<utoipa::openapi::Response> {
    ResponseBuilder::new()
        .description(description)
        .content(
            crate::kernel::error::PROBLEM_CONTENT_TYPE,
            ContentBuilder::new()
                .schema(Some(Ref::from_schema_name("Problem")))
                .build(),
        )
        .build()
        .into()
}

fn header_param(name: &str, description: &str, pattern: Option<&str>) -> RefOr<Parameter> {
    ParameterBuilder::new()
        .name(name)
        .parameter_in(ParameterIn::Header)
        .required(Required::False)
        .description(Some(description))
        .schema(Some(
            ObjectBuilder::new()
                .schema_type(Type::String)
                .pattern(pattern)
                .build(),
        ))
        .build()
        .into()
}

fn add_response(op: &mut Operation, status: &str, description: &str) {
    op.responses
        .responses
        .entry(status.to_owned())
        .or_insert_with(|| problem(description));
}

fn has_param(op: &Operation, name: &str, location: ParameterIn) -> bool {
    op.parameters.iter().flatten().any(|p| match p {
        RefOr::T(p) => p.name == name && p.parameter_in == location,
        RefOr::Ref(_) => false,
    })
}

/// Every operation needs a bearer credential unless its handler opts out with `security(())`
/// (the public ones: health, readiness, metrics, login, refresh and logout).
///
/// A public operation states `security: []` rather than `security(())`'s `[{}]` ("one way to
/// call it needs nothing"): the same meaning, but generated clients (openapi-python-client)
/// read any requirement as "needs a token" and would not let a client without one log in.
fn require_bearer(op: &mut Operation) {
    match &op.security {
        None => op.security = Some(vec![SecurityRequirement::new::<_, _, &str>("bearer", [])]),
        Some(_) if !is_secured(op) => op.security = Some(Vec::new()),
        Some(_) => {}
    }
}

fn is_secured(op: &Operation) -> bool {
    op.security.iter().flatten().any(|req| {
        serde_json::to_value(req)
            .ok()
            .and_then(|v| v.as_object().map(|o| !o.is_empty()))
            .unwrap_or(false)
    })
}

/// Adds what the shared building blocks can answer to each operation that uses them.
fn complete(path: &str, method: &str, op: &mut Operation) {
    let secured = is_secured(op);
    if secured {
        add_response(op, "401", "No, invalid or expired credentials");
        add_response(op, "403", "The caller's roles do not allow this operation");
    }
    if op.request_body.is_some() {
        add_response(
            op,
            "400",
            "Malformed JSON, wrong field types or unknown fields",
        );
        add_response(op, "413", "Request body too large");
        add_response(op, "415", "Request body is not application/json");
        add_response(op, "422", "A field breaks its rules (see `errors`)");
    }
    if op
        .parameters
        .iter()
        .flatten()
        .any(|p| matches!(p, RefOr::T(p) if p.parameter_in == ParameterIn::Query))
    {
        add_response(
            op,
            "400",
            "Unknown or malformed query parameter, or a bad cursor",
        );
        add_response(op, "422", "A query parameter is out of range");
    }
    if path.contains('{') {
        add_response(op, "404", "No such record, or not visible to the caller");
    }
    if method == "get" && secured && has_param(op, "updated_since", ParameterIn::Query) {
        add_response(
            op,
            "410",
            "What the caller may see shrank after `updated_since`: drop the copy of this list, \
             read it again without `updated_since`, then continue from `resync_since`",
        );
    }
    if has_param(op, "If-Match", ParameterIn::Header) {
        add_response(op, "400", "If-Match is not an ETag of this API");
        add_response(
            op,
            "412",
            "The record changed since it was read (see `current_version`)",
        );
        add_response(op, "428", "If-Match is required");
    }
    if method == "post" && secured {
        op.parameters.get_or_insert_with(Vec::new).push(header_param(
            "Idempotency-Key",
            "Makes the POST safe to retry: the same key with the same request within 24 h \
             returns the first response (with `Idempotent-Replayed: true`) without running it again; \
             secrets shown once (`generated_password`, `key`) are left out of a replay. \
             1 to 255 visible ASCII characters.",
            Some(IDEMPOTENCY_KEY_PATTERN),
        ));
        add_response(op, "400", "Malformed Idempotency-Key");
        add_response(
            op,
            "409",
            "A request with the same Idempotency-Key is still running",
        );
        add_response(op, "413", "Request body too large");
        add_response(
            op,
            "422",
            "The Idempotency-Key was used with a different request",
        );
    }
    if path.starts_with("/api/v1/") && path != "/api/v1/openapi.json" {
        op.responses
            .responses
            .entry("429".to_owned())
            .or_insert_with(crate::kernel::middleware::rate_limit::documented);
    }
    if !matches!(path, "/healthz" | "/metrics") {
        add_response(
            op,
            "503",
            "The database is unavailable; retry after `Retry-After`",
        );
    }
    add_response(
        op,
        "500",
        "Internal error; the body carries only the request id",
    );
    op.parameters
        .get_or_insert_with(Vec::new)
        .push(closed_sets::accept_language());
}

// --- Rules of strings and list queries, stated once for every operation -------------------
//
// utoipa does not read the `validator` attributes, and the server trims every string of a
// body before validating it (`extract::json`), so a length bound of a DTO (mirrored there as
// `min_length`/`max_length`) is stated here as a pattern over the trimmed text. No string
// may hold a NUL character (`middleware::nul`, `extract::json`).

/// The characters `str::trim` removes (Unicode White_Space), as the inside of a regex class.
pub const WS: &str = r"\t\n\x0b\f\r \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000";
/// Any string without a NUL character.
const NO_NUL_PATTERN: &str = r"^[^\x00]*$";
/// A cursor: `k` and the hex of a key without NUL bytes (`page::decode_cursor`).
const CURSOR_PATTERN: &str = "^k(?:[1-9a-fA-F][0-9a-fA-F]|0[1-9a-fA-F])*$";
/// A hyphenated UUID in any case, and the other spellings `uuid::Uuid::parse_str` takes.
const UUID: &str = "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}";

/// `dto::phone_ok` after trimming: 5 to 20 digits, with `+ - ( )` or spaces.
fn phone_pattern() -> String {
    format!(r"^[{WS}]*(?:[+\-() ]*[0-9]){{5,20}}[+\-() ]*[{WS}]*$")
}

/// `dto::client_id_ok` after trimming: a UUID.
fn client_id_pattern() -> String {
    format!(r"^[{WS}]*(?:{UUID}|\{{{UUID}\}}|urn:uuid:{UUID}|[0-9a-fA-F]{{32}})[{WS}]*$")
}

/// Text of `min..=max` characters (`min` 0 or 1) once trimmed, without NUL.
pub(crate) fn trimmed_text_pattern(min: usize, max: usize) -> String {
    let edge = format!(r"[^\x00{WS}]");
    let mut text = match max {
        0 => String::new(),
        1 => edge.clone(),
        _ => format!(r"{edge}(?:[^\x00]{{0,{}}}{edge})?", max - 2),
    };
    if min == 0 && !text.is_empty() {
        text = format!("(?:{text})?");
    }
    format!("^[{WS}]*{text}[{WS}]*$")
}

fn is_string(o: &Object) -> bool {
    match &o.schema_type {
        SchemaType::Type(t) => *t == Type::String,
        SchemaType::Array(types) => types.contains(&Type::String),
        SchemaType::AnyValue => false,
    }
}

/// The longest phone number as sent: 20 digits with their separators (`fields::phone_ok`).
pub const PHONE_MAX_CHARS: usize = 40;
/// The longest spelling of a UUID `uuid::Uuid::parse_str` takes (`urn:uuid:` and 36).
const CLIENT_ID_MAX_CHARS: usize = 45;
/// An RFC 3339 date-time with nanoseconds and an offset: `2026-03-06T16:40:00.123456789+08:00`.
const DATE_TIME_MAX_CHARS: usize = 35;

/// The length a request string's format or name implies, where its DTO states none.
fn implied_max_length(name: &str, o: &Object) -> Option<usize> {
    match &o.format {
        Some(SchemaFormat::KnownFormat(KnownFormat::Date)) => Some(10),
        Some(SchemaFormat::KnownFormat(KnownFormat::DateTime)) => Some(DATE_TIME_MAX_CHARS),
        _ if name == "phone" => Some(PHONE_MAX_CHARS),
        _ if name == "id" => Some(CLIENT_ID_MAX_CHARS),
        _ => None,
    }
}

/// States the rules of a request string named `name`, unless its schema already has them.
/// Every request string gets a `maxLength` (OWASP API4: what a client may send is bounded),
/// which `limits` enforces on the text as sent.
fn state_string_rules(name: &str, o: &mut Object) {
    if !is_string(o) || o.enum_values.is_some() {
        return;
    }
    if o.max_length.is_none() {
        o.max_length = implied_max_length(name, o);
    }
    if o.pattern.is_some() || o.format.is_some() {
        return;
    }
    let pattern = if name.contains("password") {
        // Passwords are not trimmed; their lengths stand as they are.
        NO_NUL_PATTERN.to_owned()
    } else if name == "phone" {
        phone_pattern()
    } else if name == "id" {
        client_id_pattern()
    } else if let Some(max) = o.max_length {
        trimmed_text_pattern(o.min_length.unwrap_or(0), max)
    } else {
        NO_NUL_PATTERN.to_owned()
    };
    o.pattern = Some(pattern);
}

fn state_schema_rules(name: &str, schema: &mut RefOr<Schema>) {
    match schema {
        RefOr::T(Schema::Object(o)) => state_string_rules(name, o),
        RefOr::T(Schema::Array(a)) => {
            if let ArrayItems::RefOrSchema(items) = &mut a.items {
                state_schema_rules(name, items);
            }
        }
        _ => {}
    }
}

/// The names of the component schemas that requests carry, with those they refer to.
fn request_schemas(doc: &OpenApiDoc) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    for item in doc.paths.paths.values() {
        for op in [&item.post, &item.put, &item.patch].into_iter().flatten() {
            let Some(RefOr::T(body)) = &op.request_body else {
                continue;
            };
            for content in body.content.values() {
                if let RefOr::T(utoipa::openapi::Content {
                    schema: Some(RefOr::Ref(r)),
                    ..
                }) = content
                {
                    names.push(r.ref_location.rsplit('/').next().unwrap_or("").to_owned());
                }
            }
        }
    }
    // Objects referred to by a request's properties or their items (e.g. `CalendarDayIn`).
    let schemas = doc.components.as_ref().map(|c| &c.schemas);
    let mut i = 0;
    while i < names.len() {
        if let Some(RefOr::T(Schema::Object(o))) = schemas.and_then(|s| s.get(&names[i])) {
            let json = serde_json::to_string(&o.properties).unwrap_or_default();
            for r in json.split("\"$ref\":\"#/components/schemas/").skip(1) {
                let name = r.split('"').next().unwrap_or("").to_owned();
                if !names.contains(&name) {
                    names.push(name);
                }
            }
        }
        i += 1;
    }
    names
}

/// Every string of a request body gets its rules (see above).
fn add_body_rules(doc: &mut OpenApiDoc) {
    let names = request_schemas(doc);
    let Some(components) = doc.components.as_mut() else {
        return;
    };
    for name in names {
        if let Some(RefOr::T(Schema::Object(o))) = components.schemas.get_mut(&name) {
            for (field, schema) in o.properties.iter_mut() {
                state_schema_rules(field, schema);
            }
        }
    }
}

/// Query parameters: `limit`, `cursor` and `updated_since` mean the same in every list
/// (`page`), unless the list states otherwise; any other string only must not hold NUL.
/// What `updated_since` means on every list.
const UPDATED_SINCE_RULE: &str = "Delta sync: every record changed after this instant \
(RFC 3339) minus 60 seconds, deleted ones as tombstones, in (`updated_at`, `id`) order; pass \
the `updated_at` of the last record received. 410 `sync-reset` when what the caller may see \
shrank since then (see Delta sync in the API description).";

fn add_query_rules(op: &mut Operation) {
    for param in op.parameters.iter_mut().flatten() {
        let RefOr::T(param) = param else { continue };
        if param.parameter_in != ParameterIn::Query {
            continue;
        }
        let Some(RefOr::T(Schema::Object(o))) = param.schema.as_mut() else {
            continue;
        };
        match param.name.as_str() {
            "limit" => {
                o.minimum = Some(1.into());
                o.maximum = Some(200.into());
            }
            // The audit log states its own kind of cursor.
            "cursor" if o.pattern.is_none() => o.pattern = Some(CURSOR_PATTERN.to_owned()),
            "updated_since" => {
                o.format = Some(SchemaFormat::KnownFormat(KnownFormat::DateTime));
                // One rule for every list, stated once (the API description's "Delta sync").
                param.description = Some(UPDATED_SINCE_RULE.to_owned());
            }
            _ if is_string(o) && o.pattern.is_none() && o.format.is_none() => {
                o.pattern = Some(NO_NUL_PATTERN.to_owned());
            }
            _ => {}
        }
    }
}

/// utoipa inlines the item schema into some `Page_<T>` wrappers, which leaves `T` defined
/// twice (and its component unreferenced): point those at the component, so a generated
/// client has one type per record.
fn reference_page_items(doc: &mut OpenApiDoc) {
    let Some(components) = doc.components.as_mut() else {
        return;
    };
    let pages: Vec<String> = components
        .schemas
        .keys()
        .filter(|k| k.starts_with("Page_"))
        .cloned()
        .collect();
    for page in pages {
        let item = &page["Page_".len()..];
        let Some(item_json) = components
            .schemas
            .get(item)
            .and_then(|s| serde_json::to_value(s).ok())
        else {
            continue;
        };
        if let Some(RefOr::T(Schema::Object(o))) = components.schemas.get_mut(&page)
            && let Some(RefOr::T(Schema::Array(a))) = o.properties.get_mut("items")
            && let ArrayItems::RefOrSchema(inner) = &mut a.items
            && serde_json::to_value(&**inner).ok().as_ref() == Some(&item_json)
        {
            **inner = RefOr::Ref(Ref::from_schema_name(item));
        }
    }
}

/// The finished document: annotations plus the conventions' responses and the links.
pub fn finish(mut doc: OpenApiDoc, exportable: &[&Exportable]) -> OpenApiDoc {
    reference_page_items(&mut doc);
    crate::kernel::export::spec::document(&mut doc, exportable);
    add_body_rules(&mut doc);
    variants::split_by_kind(&mut doc);
    crate::kernel::files::document_download_types(&mut doc);
    crate::kernel::extract::document_csv_bodies(&mut doc);
    merge_patch::state(&mut doc);
    for (path, item) in doc.paths.paths.iter_mut() {
        let ops = [
            ("get", &mut item.get),
            ("put", &mut item.put),
            ("post", &mut item.post),
            ("delete", &mut item.delete),
            ("patch", &mut item.patch),
        ];
        for (method, op) in ops {
            if let Some(op) = op {
                require_bearer(op);
                add_query_rules(op);
                complete(path, method, op);
                links::add_links(op);
            }
        }
    }
    headers::declare_sent_headers(&mut doc);
    closed_sets::declare_languages(&mut doc);
    closed_sets::state_problem_enums(&mut doc);
    closed_sets::optional_bodies(&mut doc);
    doc.servers = Some(vec![this_server()]);
    doc
}

/// Paths are absolute, so the one server is whichever serves the document; it is public
/// (`x-internal: false`) in every environment it runs in.
fn this_server() -> Server {
    let mut server = Server::new("/");
    server.description =
        Some("The server that serves this document: local, staging or production alike".to_owned());
    server.extensions = Some(Extensions::builder().add("x-internal", false).build());
    server
}
