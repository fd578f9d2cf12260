//! Unknown query parameters are refused on every route, whether or not its handler reads the
//! query: a misspelt filter must not silently return an unfiltered list, and a parameter an
//! operation does not take is a client error (400 naming it) rather than something ignored.

use crate::kernel::error::ApiError;
use crate::kernel::export::ExportAsked;
use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;
use actix_web::{HttpMessage, ResponseError, web};
use kefu_core::FieldError;
use std::collections::{BTreeSet, HashMap};
use utoipa::openapi::OpenApi as OpenApiDoc;
use utoipa::openapi::RefOr;
use utoipa::openapi::path::ParameterIn;

/// The query parameters each documented operation takes, by (method, path template).
#[derive(Default)]
pub struct QueryNames(HashMap<(String, String), BTreeSet<String>>);

/// A path template without the regexes of its segments: `{id:[0-9]+}` → `{id}`.
fn template(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    let mut in_regex = false;
    for c in path.chars() {
        match c {
            ':' if out.ends_with(|c: char| c.is_alphanumeric() || c == '_')
                && out.rfind('{') > out.rfind('}') =>
            {
                in_regex = true
            }
            '}' if in_regex => {
                in_regex = false;
                out.push(c);
            }
            _ if in_regex => {}
            _ => out.push(c),
        }
    }
    out
}

impl QueryNames {
    pub fn from_spec(spec: &OpenApiDoc) -> Self {
        let mut names = HashMap::new();
        for (path, item) in &spec.paths.paths {
            for (method, op) in [
                ("GET", &item.get),
                ("POST", &item.post),
                ("PUT", &item.put),
                ("PATCH", &item.patch),
                ("DELETE", &item.delete),
            ] {
                let Some(op) = op else { continue };
                let taken = op
                    .parameters
                    .iter()
                    .flatten()
                    .filter_map(|p| match p {
                        RefOr::T(p) if p.parameter_in == ParameterIn::Query => Some(p.name.clone()),
                        _ => None,
                    })
                    .collect();
                names.insert((method.to_owned(), template(path)), taken);
            }
        }
        QueryNames(names)
    }

    /// The first parameter of `query` that the operation does not take, if any; `None` too
    /// for a route the spec does not document (the docs UI).
    fn unknown(&self, method: &str, pattern: &str, query: &str) -> Option<String> {
        let taken = self.0.get(&(method.to_owned(), template(pattern)))?;
        form_urlencoded::parse(query.as_bytes())
            .map(|(name, _)| name.into_owned())
            .find(|name| !taken.contains(name))
    }
}

pub async fn reject_unknown_query(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    if !req.query_string().is_empty() {
        let unknown = req
            .app_data::<web::Data<QueryNames>>()
            .zip(req.match_pattern())
            .and_then(|(names, pattern)| {
                // An export is routed to its list; its own operation says what it takes.
                let pattern = if req.extensions().contains::<ExportAsked>() {
                    format!("{pattern}/export")
                } else {
                    pattern
                };
                names.unknown(req.method().as_str(), &pattern, req.query_string())
            });
        if let Some(name) = unknown {
            let field = format!("query.{name}");
            let err = ApiError::BadRequest {
                detail: format!("Unknown query parameter {field}"),
                errors: vec![FieldError::new(field, "unknown_field", "")],
            };
            return Ok(req.into_response(err.error_response()));
        }
    }
    Ok(next.call(req).await?.map_into_boxed_body())
}

#[cfg(test)]
mod tests {
    use super::template;

    #[test]
    fn templates_drop_segment_regexes() {
        assert_eq!(template("/a/{id}/b"), "/a/{id}/b");
        assert_eq!(template("/a/{id:[0-9]+}/b"), "/a/{id}/b");
        assert_eq!(template("/a/{_:.*}"), "/a/{_}");
    }
}
