//! Where exports live: every exportable list `P` gets the operation `GET P/export`, documented
//! from the list's own operation and served by the list's handler. One generic route for ~60
//! lists keeps each list's filters, role checks and ORG-5 scope in one place, while each
//! operation keeps one 200 schema (a list its JSON page, an export its file), which is what
//! generated clients need.

use super::{CSV_MIME, ExportAsked, Exportable, XLSX_MIME};
use actix_web::HttpMessage;
use actix_web::dev::{ResourceDef, ServiceRequest};
use actix_web::http::{Method, Uri};
use utoipa::openapi::path::{Parameter, ParameterBuilder, ParameterIn};
use utoipa::openapi::{
    ContentBuilder, HeaderBuilder, HttpMethod, ObjectBuilder, OpenApi as OpenApiDoc, PathItem,
    RefOr, Required, ResponseBuilder, Type,
};

const SUFFIX: &str = "/export";

/// The export operation's id: `listTickets` → `exportTickets`, `getSatisfactionReport` →
/// `exportSatisfactionReport`.
pub fn operation_id(list: &Exportable) -> String {
    let id = list.operation_id;
    let rest = id
        .strip_prefix("list")
        .or_else(|| id.strip_prefix("get"))
        .unwrap_or(id);
    format!("export{rest}")
}

/// The documented export paths, matched before routing.
pub struct ExportPaths(Vec<ResourceDef>);

impl ExportPaths {
    pub fn from_spec(spec: &OpenApiDoc, lists: &[&Exportable]) -> Self {
        let ids: Vec<String> = lists.iter().map(|l| operation_id(l)).collect();
        ExportPaths(
            spec.paths
                .paths
                .iter()
                .filter(|(_, item)| {
                    item.get
                        .as_ref()
                        .and_then(|op| op.operation_id.as_ref())
                        .is_some_and(|id| ids.contains(id))
                })
                .map(|(path, _)| ResourceDef::new(path.as_str()))
                .collect(),
        )
    }

    /// An export path asked with another method than `GET`: routing alone would answer it
    /// as the path of a record (`/tickets/export` as `/tickets/{id}`) and advertise that
    /// record's methods.
    pub fn wrong_method(&self, req: &ServiceRequest) -> bool {
        req.method() != Method::GET && self.0.iter().any(|def| def.is_match(req.path()))
    }

    /// Points a `GET` of an export path at its list's handler, marked with [`ExportAsked`];
    /// the list's `Listed` extractor then reads the export's parameters. Anything else passes
    /// untouched (a list path itself, or another method, which routing answers as usual).
    pub fn route(&self, req: &mut ServiceRequest) {
        if req.method() != Method::GET || !self.0.iter().any(|def| def.is_match(req.path())) {
            return;
        }
        let Some(list) = req.path().strip_suffix(SUFFIX) else {
            return;
        };
        let target = match req.query_string() {
            "" => list.to_owned(),
            query => format!("{list}?{query}"),
        };
        let Ok(uri) = target.parse::<Uri>() else {
            return;
        };
        req.match_info_mut().get_mut().update(&uri);
        req.head_mut().uri = uri;
        req.extensions_mut().insert(ExportAsked);
    }
}

fn enum_param(name: &str, values: &[&str], description: String) -> RefOr<Parameter> {
    ParameterBuilder::new()
        .name(name)
        .parameter_in(ParameterIn::Query)
        .required(Required::False)
        .description(Some(description))
        .schema(Some(
            ObjectBuilder::new()
                .schema_type(Type::String)
                .enum_values(Some(values.iter().copied()))
                .default(values.first().map(|v| serde_json::Value::from(*v))),
        ))
        .build()
        .into()
}

/// Adds `GET P/export` beside every exportable list `P`: the list's parameters without the
/// page's (`limit`, `cursor`), plus `format` and `columns`; the list's error responses; a 200
/// that is the file.
pub fn document(doc: &mut OpenApiDoc, lists: &[&Exportable]) {
    let mut added = Vec::new();
    for (path, item) in &doc.paths.paths {
        let Some(op) = item.get.as_ref() else {
            continue;
        };
        let Some(list) = lists
            .iter()
            .find(|l| op.operation_id.as_deref() == Some(l.operation_id))
        else {
            continue;
        };
        let mut export = op.clone();
        export.operation_id = Some(operation_id(list));
        export.summary = op
            .summary
            .as_ref()
            .map(|s| format!("Export: {}", s.trim_end_matches('.')));
        export.description = Some(format!(
            "The whole list of `{}` as a CSV or XLSX download: the same callers, filters and \
             ORG-5 scope as that list, every page of it. Read-only.\n\n{}",
            list.operation_id,
            op.description.as_deref().unwrap_or_default()
        ));
        let columns: Vec<String> = list
            .columns
            .iter()
            .map(|c| format!("`{}` {}", c.field, c.zh))
            .collect();
        let params = export.parameters.get_or_insert_with(Vec::new);
        params.retain(|p| !matches!(p, RefOr::T(p) if p.name == "limit" || p.name == "cursor"));
        params.push(enum_param(
            "format",
            &["csv", "xlsx"],
            "`csv` (default; streamed, UTF-8 with a BOM, formula-like text cells prefixed with \
             `'`) or `xlsx` (at most `KEFU_EXPORT_XLSX_MAX_ROWS` rows, 422 above). Without it, \
             `Accept` with the XLSX media type asks for XLSX."
                .to_owned(),
        ));
        params.push(enum_param(
            "columns",
            &["fields", "zh"],
            format!(
                "Column headers: field names (default) or Chinese. Columns: {}.",
                columns.join(", ")
            ),
        ));
        let text = || ObjectBuilder::new().schema_type(Type::String);
        let ok = ResponseBuilder::new()
            .description("The whole list as a file")
            .content(CSV_MIME, ContentBuilder::new().schema(Some(text())).build())
            .content(
                XLSX_MIME,
                ContentBuilder::new()
                    .schema(Some(text().format(Some(
                        utoipa::openapi::SchemaFormat::KnownFormat(
                            utoipa::openapi::KnownFormat::Binary,
                        ),
                    ))))
                    .build(),
            )
            .header(
                "Content-Disposition",
                HeaderBuilder::new()
                    .schema(Some(ObjectBuilder::new().schema_type(Type::String)))
                    .description(Some("`attachment; filename=\"<list>-<date>.<ext>\"`"))
                    .build(),
            )
            .build();
        export
            .responses
            .responses
            .insert("200".to_owned(), RefOr::T(ok));
        added.push((format!("{path}{SUFFIX}"), export));
    }
    for (path, op) in added {
        doc.paths
            .paths
            .insert(path, PathItem::new(HttpMethod::Get, op));
    }
}
