//! Response headers the middleware adds to every answer, declared on every response (as
//! references to `components/headers`) so that a client generated from the spec can read them.

use utoipa::openapi::path::{Operation, ParameterIn};
use utoipa::openapi::schema::{KnownFormat, SchemaFormat};
use utoipa::openapi::{
    Header, HeaderBuilder, ObjectBuilder, OpenApi as OpenApiDoc, Ref, RefOr, Type,
};

const LIMIT: &str = "RateLimit-Limit";
const REMAINING: &str = "RateLimit-Remaining";
const RESET: &str = "RateLimit-Reset";
const ALLOW_ORIGIN: &str = "Access-Control-Allow-Origin";
const REQUEST_ID: &str = "X-Request-Id";
const REPLAYED: &str = "Idempotent-Replayed";

/// A non-negative count of seconds or requests, as the server sends it (a `u64`).
pub(crate) fn count(description: &str) -> Header {
    HeaderBuilder::new()
        .schema(Some(
            ObjectBuilder::new()
                .schema_type(Type::Integer)
                .format(Some(SchemaFormat::KnownFormat(KnownFormat::Int64)))
                .minimum(Some(0))
                .maximum(Some(i64::MAX)),
        ))
        .description(Some(description))
        .build()
}

fn reference(name: &str) -> RefOr<Header> {
    RefOr::Ref(Ref::new(format!("#/components/headers/{name}")))
}

/// The `RateLimit-*` headers (of the tighter of the caller's and the address's limits).
pub(crate) fn rate_limit_headers() -> [(&'static str, RefOr<Header>); 3] {
    [LIMIT, REMAINING, RESET].map(|name| (name, reference(name)))
}

fn register(doc: &mut OpenApiDoc) {
    let components = doc.components.get_or_insert_with(Default::default);
    let allow_origin = HeaderBuilder::new()
        .schema(Some(
            ObjectBuilder::new()
                .schema_type(Type::String)
                .max_length(Some(2048)),
        ))
        .description(Some(
            "Sent when the request's `Origin` is one of the configured browser origins \
             (`KEFU_CORS_ORIGINS`); absent otherwise",
        ))
        .build();
    let request_id = HeaderBuilder::new()
        .schema(Some(
            ObjectBuilder::new()
                .schema_type(Type::String)
                .min_length(Some(1))
                .max_length(Some(64))
                .pattern(Some("^[A-Za-z0-9._-]{1,64}$")),
        ))
        .description(Some(
            "The request's id: the client's own `X-Request-Id` when it is 1 to 64 letters, \
             digits, `.`, `_` or `-`, a new UUID otherwise. Logged with the request and carried \
             in the body of a 500; quote it when reporting a problem",
        ))
        .build();
    let replayed = HeaderBuilder::new()
        .schema(Some(
            ObjectBuilder::new()
                .schema_type(Type::String)
                .enum_values(Some(["true"])),
        ))
        .description(Some(
            "`true` when this is the stored answer to an earlier request with the same \
             `Idempotency-Key` (the command did not run again); absent on a first answer",
        ))
        .build();
    for (name, header) in [
        (REQUEST_ID, request_id),
        (REPLAYED, replayed),
        (
            LIMIT,
            count("Requests per minute allowed to this caller (or address), per server instance"),
        ),
        (REMAINING, count("Requests left in the current minute")),
        (RESET, count("Seconds until the full allowance is back")),
        (ALLOW_ORIGIN, allow_origin),
    ] {
        components.headers.insert(name.to_owned(), RefOr::T(header));
    }
}

/// Adds to each response of each operation the headers every answer on its path carries:
/// the request id and CORS on all; `Idempotent-Replayed` where an `Idempotency-Key` is taken; the rate-limit headers under `/api/v1`, where the limiter runs (sent while a
/// limit is configured, as it is by default).
pub(super) fn declare_sent_headers(doc: &mut OpenApiDoc) {
    register(doc);
    for (path, item) in doc.paths.paths.iter_mut() {
        let limited = path.starts_with("/api/v1/") && path != "/api/v1/openapi.json";
        for op in [
            &mut item.get,
            &mut item.put,
            &mut item.post,
            &mut item.delete,
            &mut item.patch,
        ]
        .into_iter()
        .flatten()
        {
            declare_on(op, limited);
        }
    }
}

fn declare_on(op: &mut Operation, limited: bool) {
    let idempotent = op.parameters.iter().flatten().any(|p| {
        matches!(p, RefOr::T(p) if p.parameter_in == ParameterIn::Header && p.name == "Idempotency-Key")
    });
    for (status, response) in op.responses.responses.iter_mut() {
        let RefOr::T(response) = response else {
            continue;
        };
        response
            .headers
            .entry(REQUEST_ID.to_owned())
            .or_insert_with(|| reference(REQUEST_ID));
        // Every answer but a 5xx is stored for the key and may come back as a replay.
        if idempotent && !status.starts_with('5') {
            response
                .headers
                .entry(REPLAYED.to_owned())
                .or_insert_with(|| reference(REPLAYED));
        }
        if limited {
            for (name, header) in rate_limit_headers() {
                response.headers.entry(name.to_owned()).or_insert(header);
            }
        }
        // The handlers' annotations give `Retry-After` as a bare `u64`; state its range too.
        if let Some(RefOr::T(retry)) = response.headers.get_mut("Retry-After") {
            let description = retry.description.take().unwrap_or_default();
            *retry = count(&description);
        }
        response
            .headers
            .entry(ALLOW_ORIGIN.to_owned())
            .or_insert_with(|| reference(ALLOW_ORIGIN));
        // The language middleware names the language of every answer.
        response
            .headers
            .entry(CONTENT_LANGUAGE.to_owned())
            .or_insert_with(|| reference(CONTENT_LANGUAGE));
    }
}

/// The name of the header every answer carries (its component is registered with the
/// languages, in `closed_sets`).
pub(super) const CONTENT_LANGUAGE: &str = "Content-Language";
