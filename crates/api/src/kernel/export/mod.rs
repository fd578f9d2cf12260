//! Any list as CSV or XLSX, on its own operation: `GET <list>/export?format=csv|xlsx` (or,
//! without `format`, the XLSX media type in `Accept`; CSV otherwise) takes the list's filters
//! and answers the whole list under them and the caller's ORG-5 scope, read page by page
//! through the list's own page function. The list itself only ever answers its JSON page, so a
//! generated client sees one 200 schema per operation; [`spec`] routes the `/export` paths to
//! the list handlers and documents them.
//!
//! - Columns are the list's [`Exportable::columns`], headed by field names, or in Chinese with
//!   `?columns=zh` (not `headers`, which generated clients use for their own HTTP headers).
//! - CSV (RFC 4180, CRLF, UTF-8 with a BOM so that Excel reads Chinese) is streamed: one
//!   chunk per page, never the whole list in memory. A text cell starting with `= + - @`, tab
//!   or CR gets a leading `'` so that a spreadsheet never runs it as a formula. A database
//!   failure after the first page ends the download early (the status line is already out).
//! - XLSX is built in memory (the format needs the whole sheet), so it is capped at
//!   `KEFU_EXPORT_XLSX_MAX_ROWS` rows (422 above: narrow the filters or export CSV). Text
//!   cells are stored as text, never as formulas.
//!
//! A list joins with an [`Exportable`] next to its DTO, one line in `platform::exports::LISTS` and a handler
//! that calls [`respond`] with its page function.

pub mod spec;

use crate::kernel::error::ApiError;
use crate::kernel::extract::strict_query;
use crate::kernel::page::{MAX_LIMIT, Page};
use crate::kernel::state::AppState;
use actix_web::dev::Payload;
use actix_web::http::header;
use actix_web::web::Bytes;
use actix_web::{FromRequest, HttpMessage, HttpRequest, HttpResponse, web};
use kefu_core::FieldError;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;
use std::future::{Future, Ready, ready};

pub const CSV_MIME: &str = "text/csv";
pub const XLSX_MIME: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// One column: the item's field (`product.model` for a field of a nested object) and its
/// Chinese header.
#[derive(Debug)]
pub struct Column {
    pub field: &'static str,
    pub zh: &'static str,
}

/// A list that can be exported.
#[derive(Debug)]
pub struct Exportable {
    pub operation_id: &'static str,
    /// The download's file name, before the date and extension.
    pub file: &'static str,
    pub columns: &'static [Column],
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Csv,
    Xlsx,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Export {
    pub format: Format,
    pub chinese_headers: bool,
}

/// A list query that can be pointed at any page.
pub trait Paged: Clone {
    fn restart(&mut self, cursor: Option<String>, limit: u32);
}

/// Implements [`Paged`] for query DTOs with the usual `cursor` and `limit` fields.
#[macro_export]
macro_rules! paged {
    ($($query:ty),+ $(,)?) => {$(
        impl $crate::kernel::export::Paged for $query {
            fn restart(&mut self, cursor: Option<String>, limit: u32) {
                self.cursor = cursor;
                self.limit = Some(limit);
            }
        }
    )+};
}

/// A list's query (strict, like [`crate::kernel::extract::StrictQuery`]) and the export asked for,
/// if the request came in on the list's `/export` path. `format` and `columns` are the export's
/// parameters, not the list's; an export takes no `limit` or `cursor` (it is the whole list).
pub struct Listed<Q>(pub Q, pub Option<Export>);

/// Marks a request that [`spec::ExportPaths`] routed from `<list>/export` to its list.
#[derive(Debug, Clone, Copy)]
pub struct ExportAsked;

fn bad_param(name: &str, code: &'static str, expected: &str) -> ApiError {
    ApiError::BadRequest {
        detail: format!("query parameter `{name}` {expected}"),
        errors: vec![FieldError::new(
            format!("query.{name}"),
            code,
            expected.to_owned(),
        )],
    }
}

fn accepted(req: &HttpRequest) -> Option<Format> {
    let accept = req.headers().get(header::ACCEPT)?.to_str().ok()?;
    accept.split(',').find_map(|range| {
        let mut parts = range.split(';');
        let media = parts.next().unwrap_or("").trim().to_ascii_lowercase();
        let refused = parts.any(|p| matches!(p.trim(), "q=0" | "q=0.0" | "q=0.00" | "q=0.000"));
        match media.as_str() {
            _ if refused => None,
            CSV_MIME => Some(Format::Csv),
            XLSX_MIME => Some(Format::Xlsx),
            _ => None,
        }
    })
}

fn listed<Q: DeserializeOwned>(req: &HttpRequest) -> Result<Listed<Q>, ApiError> {
    if req.extensions().get::<ExportAsked>().is_none() {
        return Ok(Listed(strict_query(req.query_string())?, None));
    }
    let (mut format, mut columns) = (None, None);
    let mut rest = form_urlencoded::Serializer::new(String::new());
    for (name, value) in form_urlencoded::parse(req.query_string().as_bytes()) {
        match name.as_ref() {
            "format" => format = Some(value.into_owned()),
            "columns" => columns = Some(value.into_owned()),
            "limit" | "cursor" => {
                return Err(bad_param(
                    &name,
                    "unknown_field",
                    "is not a parameter of an export, which is the whole list",
                ));
            }
            _ => {
                rest.append_pair(&name, &value);
            }
        }
    }
    let query = strict_query(&rest.finish())?;
    let format = match format.as_deref() {
        None => accepted(req).unwrap_or(Format::Csv),
        Some("csv") => Format::Csv,
        Some("xlsx") => Format::Xlsx,
        Some(_) => {
            return Err(bad_param(
                "format",
                "invalid_type",
                "must be one of csv, xlsx",
            ));
        }
    };
    let chinese_headers = match columns.as_deref() {
        None | Some("fields") => false,
        Some("zh") => true,
        Some(_) => {
            return Err(bad_param(
                "columns",
                "invalid_type",
                "must be one of fields, zh",
            ));
        }
    };
    Ok(Listed(
        query,
        Some(Export {
            format,
            chinese_headers,
        }),
    ))
}

impl<Q: DeserializeOwned> FromRequest for Listed<Q> {
    type Error = ApiError;
    type Future = Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(listed(req))
    }
}

/// The list as JSON (one page, as asked), or the whole list as the export asked for.
pub async fn respond<Q, T, F, Fut>(
    state: &AppState,
    list: &'static Exportable,
    listed: Listed<Q>,
    page: F,
) -> Result<HttpResponse, ApiError>
where
    Q: Paged + 'static,
    T: Serialize + 'static,
    F: Fn(Q) -> Fut + 'static,
    Fut: Future<Output = Result<Page<T>, ApiError>> + 'static,
{
    respond_in_sheets(state, list, listed, None, page).await
}

/// As [`respond`], with an XLSX export split into one sheet per value of the column
/// `sheet_by` (e.g. `month`: one sheet per payroll month), in the order the values come.
pub async fn respond_in_sheets<Q, T, F, Fut>(
    state: &AppState,
    list: &'static Exportable,
    Listed(query, export): Listed<Q>,
    sheet_by: Option<&'static str>,
    page: F,
) -> Result<HttpResponse, ApiError>
where
    Q: Paged + 'static,
    T: Serialize + 'static,
    F: Fn(Q) -> Fut + 'static,
    Fut: Future<Output = Result<Page<T>, ApiError>> + 'static,
{
    let Some(export) = export else {
        return Ok(HttpResponse::Ok().json(page(query).await?));
    };
    let mut query = query;
    query.restart(None, MAX_LIMIT);
    let first = page(query.clone()).await?;
    let file = format!("{}-{}", list.file, state.today().format("%Y%m%d"));
    match export.format {
        Format::Csv => Ok(HttpResponse::Ok()
            .content_type("text/csv; charset=utf-8")
            .insert_header(disposition(&file, "csv"))
            .streaming(csv_stream(list, export, first, query, page))),
        Format::Xlsx => {
            let max_rows = state.config.export_xlsx_max_rows;
            let bytes = xlsx(list, export, first, query, page, max_rows, sheet_by).await?;
            Ok(HttpResponse::Ok()
                .content_type(XLSX_MIME)
                .insert_header(disposition(&file, "xlsx"))
                .body(bytes))
        }
    }
}

fn disposition(file: &str, extension: &str) -> (header::HeaderName, String) {
    (
        header::CONTENT_DISPOSITION,
        format!("attachment; filename=\"{file}.{extension}\""),
    )
}

fn headings(list: &Exportable, export: Export) -> impl Iterator<Item = &'static str> {
    list.columns.iter().map(move |c| {
        if export.chinese_headers {
            c.zh
        } else {
            c.field
        }
    })
}

/// The item's values in column order.
fn cells<T: Serialize>(list: &Exportable, item: &T) -> Result<Vec<Value>, ApiError> {
    let item = serde_json::to_value(item).map_err(ApiError::internal)?;
    Ok(list
        .columns
        .iter()
        .map(|c| {
            let pointer = format!("/{}", c.field.replace('.', "/"));
            item.pointer(&pointer).cloned().unwrap_or(Value::Null)
        })
        .collect())
}

/// A cell's text: arrays as comma-separated values, objects as JSON.
fn text(value: &Value) -> String {
    match value {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        Value::Array(items) => items.iter().map(text).collect::<Vec<_>>().join(", "),
        other => other.to_string(),
    }
}

fn csv_field(value: &Value) -> String {
    let mut s = text(value);
    let is_text = matches!(value, Value::String(_) | Value::Array(_) | Value::Object(_));
    if is_text && s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        s.insert(0, '\'');
    }
    if s.contains([',', '"', '\r', '\n']) {
        s = format!("\"{}\"", s.replace('"', "\"\""));
    }
    s
}

fn csv_line(fields: impl Iterator<Item = String>, out: &mut String) {
    out.push_str(&fields.collect::<Vec<_>>().join(","));
    out.push_str("\r\n");
}

struct CsvState<Q, T, F> {
    pending: Option<Page<T>>,
    query: Q,
    page: F,
    started: bool,
    done: bool,
}

fn csv_stream<Q, T, F, Fut>(
    list: &'static Exportable,
    export: Export,
    first: Page<T>,
    query: Q,
    page: F,
) -> impl futures_util::Stream<Item = Result<Bytes, ApiError>>
where
    Q: Paged + 'static,
    T: Serialize + 'static,
    F: Fn(Q) -> Fut + 'static,
    Fut: Future<Output = Result<Page<T>, ApiError>> + 'static,
{
    let state = CsvState {
        pending: Some(first),
        query,
        page,
        started: false,
        done: false,
    };
    futures_util::stream::unfold(state, move |mut st| async move {
        if st.done {
            return None;
        }
        let chunk = match st.pending.take() {
            Some(chunk) => chunk,
            None => match (st.page)(st.query.clone()).await {
                Ok(chunk) => chunk,
                Err(e) => {
                    tracing::error!(error = %e, list = list.file, "export stopped");
                    st.done = true;
                    return Some((Err(e), st));
                }
            },
        };
        let mut out = String::new();
        if !st.started {
            st.started = true;
            out.push('\u{feff}');
            csv_line(
                headings(list, export).map(|h| csv_field(&h.into())),
                &mut out,
            );
        }
        for item in &chunk.items {
            match cells(list, item) {
                Ok(row) => csv_line(row.iter().map(csv_field), &mut out),
                Err(e) => {
                    st.done = true;
                    return Some((Err(e), st));
                }
            }
        }
        match chunk.next_cursor {
            Some(cursor) => st.query.restart(Some(cursor), MAX_LIMIT),
            None => st.done = true,
        }
        Some((Ok(Bytes::from(out)), st))
    })
}

fn xlsx_error(e: rust_xlsxwriter::XlsxError) -> ApiError {
    ApiError::internal(format!("xlsx: {e}"))
}

/// A sheet being filled: the sheet and its last row written.
struct Sheet {
    sheet: rust_xlsxwriter::Worksheet,
    row: u32,
}

fn new_sheet(list: &Exportable, export: Export, name: Option<&str>) -> Result<Sheet, ApiError> {
    let mut sheet = rust_xlsxwriter::Worksheet::new();
    if let Some(name) = name {
        // Sheet names are at most 31 characters, without `[]:*?/\`.
        let clean: String = name
            .chars()
            .filter(|c| !"[]:*?/\\".contains(*c))
            .take(31)
            .collect();
        if !clean.is_empty() {
            sheet.set_name(clean).map_err(xlsx_error)?;
        }
    }
    let bold = rust_xlsxwriter::Format::new().set_bold();
    for (col, heading) in (0u16..).zip(headings(list, export)) {
        sheet
            .write_string_with_format(0, col, heading, &bold)
            .map_err(xlsx_error)?;
    }
    Ok(Sheet { sheet, row: 0 })
}

async fn xlsx<Q, T, F, Fut>(
    list: &'static Exportable,
    export: Export,
    first: Page<T>,
    mut query: Q,
    page: F,
    max_rows: usize,
    sheet_by: Option<&str>,
) -> Result<Vec<u8>, ApiError>
where
    Q: Paged,
    T: Serialize,
    F: Fn(Q) -> Fut,
    Fut: Future<Output = Result<Page<T>, ApiError>>,
{
    let sheet_col = sheet_by.and_then(|f| list.columns.iter().position(|c| c.field == f));
    // Sheets in the order their first row came; one unnamed sheet without `sheet_by`.
    let mut sheets: Vec<(String, Sheet)> = Vec::new();
    let mut rows: usize = 0;
    let mut chunk = first;
    loop {
        for item in &chunk.items {
            rows += 1;
            if rows > max_rows {
                return Err(ApiError::Invalid(vec![FieldError::new(
                    "query.format",
                    "range",
                    format!(
                        "an XLSX export holds at most {max_rows} rows: narrow the filters or export CSV"
                    ),
                )]));
            }
            let values = cells(list, item)?;
            let name = sheet_col.map_or(String::new(), |i| text(&values[i]));
            let at = match sheets.iter().position(|(n, _)| *n == name) {
                Some(at) => at,
                None => {
                    let named = sheet_col.map(|_| name.as_str());
                    sheets.push((name.clone(), new_sheet(list, export, named)?));
                    sheets.len() - 1
                }
            };
            let Sheet { sheet, row } = &mut sheets[at].1;
            *row += 1;
            for (col, value) in (0u16..).zip(values) {
                match &value {
                    Value::Null => continue,
                    Value::Bool(b) => sheet.write_boolean(*row, col, *b),
                    Value::Number(n) => match n.as_f64() {
                        Some(f) => sheet.write_number(*row, col, f),
                        None => sheet.write_string(*row, col, n.to_string()),
                    },
                    other => sheet.write_string(*row, col, text(other)),
                }
                .map_err(xlsx_error)?;
            }
        }
        match chunk.next_cursor.take() {
            Some(cursor) => {
                query.restart(Some(cursor), MAX_LIMIT);
                chunk = page(query.clone()).await?;
            }
            None => break,
        }
    }
    let mut book = rust_xlsxwriter::Workbook::new();
    if sheets.is_empty() {
        book.push_worksheet(new_sheet(list, export, None)?.sheet);
    }
    for (_, s) in sheets {
        book.push_worksheet(s.sheet);
    }
    web::block(move || book.save_to_buffer())
        .await
        .map_err(ApiError::internal)?
        .map_err(xlsx_error)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_fields_are_quoted_and_guarded_against_formulas() {
        assert_eq!(csv_field(&"杭州, 西湖".into()), "\"杭州, 西湖\"");
        assert_eq!(csv_field(&"say \"hi\"".into()), "\"say \"\"hi\"\"\"");
        assert_eq!(
            csv_field(&"=HYPERLINK(\"x\")".into()),
            "\"'=HYPERLINK(\"\"x\"\")\""
        );
        assert_eq!(csv_field(&"+86 138".into()), "'+86 138");
        assert_eq!(csv_field(&"@SUM(A1)".into()), "'@SUM(A1)");
        assert_eq!(csv_field(&"-1+1".into()), "'-1+1");
        assert_eq!(
            csv_field(&serde_json::json!(-5)),
            "-5",
            "numbers stay numbers"
        );
        assert_eq!(csv_field(&Value::Null), "");
        assert_eq!(
            csv_field(&serde_json::json!(["admin", "hr"])),
            "\"admin, hr\""
        );
        assert_eq!(csv_field(&"line\nbreak".into()), "\"line\nbreak\"");
    }
}
