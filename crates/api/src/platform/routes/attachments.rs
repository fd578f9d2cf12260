//! Attachments: upload (multipart, streamed), list per record, metadata, download, thumbnail,
//! seal verification and soft delete. Every operation sees exactly the attachments of the
//! records the caller sees (ORG-5).

use crate::kernel::access::{Action, visible};
use crate::kernel::auth::Caller;
use crate::kernel::command::Ctx;
use crate::kernel::error::{ApiError, Problem};
use crate::kernel::extract::{IfMatch, StrictQuery};
use crate::kernel::files::upload::{self, Form, Parts, Policy, Texts};
use crate::kernel::files::{UNKNOWN_TYPE, Variant, max_upload_body};
use crate::kernel::page::{Page, paginate, row_key, window};
use crate::kernel::respond::{created, versioned};
use crate::kernel::state::AppState;
use crate::platform::dto::attachments::{
    AttachmentOut, AttachmentsQuery, FileBytes, SealReportOut, UploadAttachment,
};
use crate::platform::service::attachments as svc;
use actix_web::http::StatusCode;
use actix_web::http::header::{
    self, Charset, ContentDisposition, DispositionParam, DispositionType, ExtendedValue,
};
use actix_web::{HttpRequest, HttpResponse, delete, get, post, web};
use futures_util::TryStreamExt;
use kefu_core::{FieldError, Seal};
use kefu_store::{new_id, to_db_time};
use utoipa_actix_web::service_config::ServiceConfig;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(upload_attachment)
        .service(list_attachments)
        .service(get_attachment)
        .service(download_attachment)
        .service(get_attachment_thumbnail)
        .service(verify_attachment)
        .service(delete_attachment);
}

/// Upload an attachment
///
/// A `multipart/form-data` body: the text parts `owner_type` (customer, site, contact, equipment,
/// employee, ticket, visit), `owner_id` and `kind` (photo, document, signature), and the `file`
/// part (best sent last: then nothing is stored for a refused upload). The file is streamed to
/// storage; its content type is detected from its bytes (415 when its kind does not allow it,
/// whatever the declared type or file name), its size is capped per kind (413), and its SHA-256 is
/// returned. JPEG, PNG and WebP images get a 320 px JPEG thumbnail.
///
/// Who: every staff role — admins, managers, supervisors, clerks, engineers, callback agents, QA
/// inspectors, finance, HR and executives (customer contacts only read: 403) — on a record they see
/// (ORG-5: otherwise 404). Triggers the audit entry `attachment.upload`. A `signature` attachment
/// is what a feedback form's signing seals (TKT-7).
#[utoipa::path(
    tag = "attachments",
    operation_id = "uploadAttachment",
    request_body(content = UploadAttachment, content_type = "multipart/form-data"),
    responses(
        (status = 201, description = "Stored", body = AttachmentOut,
            headers(("Location" = String), ("ETag" = String))),
        (status = 400, description = "Malformed multipart body, a missing, unknown or repeated part, or an unknown `owner_type` or `kind`", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such record, or not visible to the caller", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "The file exceeds its kind's size limit", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "The body is not multipart/form-data, or the file's detected type is not allowed for its kind (`detail` names it)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/attachments")]
async fn upload_attachment(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    caller.require(Action::AttachmentUpload)?;
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    let limit = max_upload_body(&state.config);
    if declared.is_some_and(|n| n > limit) {
        return Err(ApiError::PayloadTooLarge {
            limit: usize::try_from(limit).unwrap_or(usize::MAX),
        });
    }
    let mut parts = Parts::of(&req, payload)?;
    let id = new_id();
    let mut stored = false;
    match receive(&state, &caller, &mut parts, &id, &mut stored).await {
        Ok(out) => Ok(created(
            format!("/api/v1/attachments/{}", out.id),
            Some(out.version),
            &out,
        )),
        Err(e) => {
            if stored {
                forget(&state, &id).await;
            }
            if matches!(
                e,
                ApiError::PayloadTooLarge { .. } | ApiError::MediaTypeRefused { .. }
            ) {
                parts.discard_rest().await;
            }
            Err(e)
        }
    }
}

async fn check_owner(state: &AppState, caller: &Caller, form: &Form) -> Result<(), ApiError> {
    if !svc::owner_type_names().contains(&form.owner_type.as_str()) {
        return Err(svc::unknown_owner_type("owner_type"));
    }
    let (actor, form) = (caller.actor.clone(), form.clone());
    state
        .db(move |conn| {
            let scope = visible(conn, &actor)?;
            svc::check_owner(conn, &actor, &scope, &form.owner_type, &form.owner_id)
        })
        .await
}

/// Reads the parts, checks the owner, stores the file as attachment `id` and records it.
/// `stored` tells the caller to remove the objects again when this fails after storing.
///
/// When the text parts come first (as clients usually send them) the owner and the kind are
/// checked before a byte is stored; a file sent first is stored under the loosest policy and
/// judged once its kind and owner are known.
async fn receive(
    state: &AppState,
    caller: &Caller,
    parts: &mut Parts,
    id: &str,
    stored: &mut bool,
) -> Result<AttachmentOut, ApiError> {
    let mut texts = Texts::default();
    let mut staged = None;
    let mut owner_checked = false;
    while let Some(file) = parts.next_file(&mut texts).await? {
        if staged.is_some() {
            return Err(ApiError::BadRequest {
                detail: "more than one file".to_owned(),
                errors: vec![FieldError::new("file", "duplicate", "given more than once")],
            });
        }
        let policy = if texts.is_complete() {
            let form = texts.form(true)?;
            check_owner(state, caller, &form).await?;
            owner_checked = true;
            Policy::of(form.kind, &state.config)
        } else {
            Policy::any_kind(&state.config)
        };
        *stored = true;
        staged = Some(upload::receive(&state.storage, id, &policy, file).await?);
    }
    let form = texts.form(staged.is_some())?;
    let mut staged = staged.ok_or_else(|| ApiError::internal("form complete without a file"))?;
    staged.admit(&Policy::of(form.kind, &state.config))?;
    if !owner_checked {
        check_owner(state, caller, &form).await?;
    }
    let has_thumbnail = staged.thumbnail(&state.storage, id).await;
    let ctx = Ctx::of(caller, state.clock.now());
    let actor = caller.actor.clone();
    let row = svc::new_row(
        id.to_owned(),
        form,
        &staged,
        has_thumbnail,
        actor.user_id.clone(),
        &ctx,
    );
    state
        .tx(move |conn| {
            // The owner may have been deleted or moved out of sight while the file streamed.
            let scope = visible(conn, &actor)?;
            svc::check_owner(conn, &actor, &scope, &row.owner_type, &row.owner_id)?;
            svc::record(conn, &ctx, row)
        })
        .await
}

/// Removes the objects of an upload that has no row.
async fn forget(state: &AppState, id: &str) {
    state
        .storage
        .remove(&state.storage.key(id, Variant::Original))
        .await;
    state
        .storage
        .remove(&state.storage.key(id, Variant::Thumbnail))
        .await;
}

/// List or delta-sync a record's attachments
///
/// Without `updated_since`: live attachments in id order. With it: every attachment changed after
/// that instant, deleted ones as tombstones (`deleted: true`), in `(updated_at, id)` order; page on
/// with `next_cursor`.
///
/// Any signed-in user who sees the owner record (ORG-5: attachments are visible exactly with the
/// record they belong to; an invisible or unknown owner is 404). Read-only.
#[utoipa::path(
    tag = "attachments",
    operation_id = "listAttachments",
    params(AttachmentsQuery),
    responses(
        (status = 200, description = "One page of attachments", body = Page<AttachmentOut>),
        (status = 404, description = "No such record, or not visible to the caller", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/attachments")]
async fn list_attachments(
    state: web::Data<AppState>,
    caller: Caller,
    StrictQuery(query): StrictQuery<AttachmentsQuery>,
) -> Result<HttpResponse, ApiError> {
    if !svc::owner_type_names().contains(&query.owner_type.as_str()) {
        return Err(svc::unknown_owner_type("query.owner_type"));
    }
    let (limit, fetch, mode) = window(
        query.limit,
        query.updated_since.as_deref(),
        query.cursor.as_deref(),
    )?;
    let actor = caller.actor.clone();
    let (mode, items) = state
        .db(move |conn| {
            let scope = visible(conn, &actor)?;
            let owner = (query.owner_type.as_str(), query.owner_id.as_str());
            let items = svc::list(conn, &actor, &scope, owner, &mode, fetch)?;
            Ok((mode, items))
        })
        .await?;
    let page = paginate(
        items,
        limit,
        |a| row_key(&mode, to_db_time(a.updated_at), &a.id),
        |a| a,
    );
    Ok(HttpResponse::Ok().json(page))
}

async fn visible_row(
    state: &AppState,
    caller: &Caller,
    id: String,
) -> Result<kefu_store::attachments::AttachmentRow, ApiError> {
    let actor = caller.actor.clone();
    state
        .db(move |conn| {
            let scope = visible(conn, &actor)?;
            svc::get_visible(conn, &actor, &scope, &id)
        })
        .await
}

/// Get an attachment's metadata
///
/// The metadata of a live attachment (owner, kind, detected type, size, SHA-256, thumbnail flag),
/// with its version as `ETag` for `If-Match` on delete. Any signed-in user who sees the owner
/// record (ORG-5); otherwise, or once deleted, 404. Read-only.
#[utoipa::path(
    tag = "attachments",
    operation_id = "getAttachment",
    params(("id" = String, Path, description = "Attachment id")),
    responses((status = 200, description = "The attachment", body = AttachmentOut,
        headers(("ETag" = String))))
)]
#[get("/attachments/{id}")]
async fn get_attachment(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let row = visible_row(&state, &caller, id.into_inner()).await?;
    let out = AttachmentOut::from(&row);
    Ok(versioned(StatusCode::OK, out.version, &out))
}

/// `attachment; filename="<ASCII fallback>"; filename*=UTF-8''<percent-encoded>` (RFC 6266,
/// RFC 5987), so a Chinese name arrives intact in every current browser.
fn disposition(filename: &str) -> ContentDisposition {
    let fallback: String = filename
        .chars()
        .map(|c| {
            if c.is_ascii_graphic() && c != '"' && c != '\\' || c == ' ' {
                c
            } else {
                '_'
            }
        })
        .collect();
    ContentDisposition {
        disposition: DispositionType::Attachment,
        parameters: vec![
            DispositionParam::Filename(fallback),
            DispositionParam::FilenameExt(ExtendedValue {
                charset: Charset::Ext("UTF-8".to_owned()),
                language_tag: None,
                value: filename.as_bytes().to_vec(),
            }),
        ],
    }
}

/// The type to label a file with: its own, unless `Accept` names `application/octet-stream`
/// and nothing that covers the file's type (a client that reads every file as bytes, as the
/// spec's generic binary variant lets generated clients do).
fn labelled<'a>(req: &HttpRequest, content_type: &'a str) -> &'a str {
    let Some(accept) = req
        .headers()
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
    else {
        return content_type;
    };
    let family = content_type.split('/').next().unwrap_or_default();
    // The media ranges the client accepts (`q=0` refuses one).
    let ranges: Vec<String> = accept
        .split(',')
        .filter(|range| {
            !range
                .split(';')
                .skip(1)
                .any(|p| matches!(p.trim(), "q=0" | "q=0.0" | "q=0.00" | "q=0.000"))
        })
        .map(|range| {
            let media = range.split(';').next().unwrap_or_default();
            media.trim().to_ascii_lowercase()
        })
        .collect();
    let covered = ranges
        .iter()
        .any(|r| r == "*/*" || r == content_type || *r == format!("{family}/*"));
    if !covered && ranges.iter().any(|r| r == UNKNOWN_TYPE) {
        UNKNOWN_TYPE
    } else {
        content_type
    }
}

/// Streams a stored object; a row whose object is gone is a server fault, not a 404.
async fn stream_object(
    state: &AppState,
    id: &str,
    variant: Variant,
    content_type: &str,
    headers: impl FnOnce(&mut actix_web::HttpResponseBuilder),
) -> Result<HttpResponse, ApiError> {
    let key = state.storage.key(id, variant);
    let found = state.storage.read(&key).await.map_err(ApiError::internal)?;
    let (size, stream) =
        found.ok_or_else(|| ApiError::internal(format!("stored object {key} is missing")))?;
    let mut res = HttpResponse::Ok();
    res.content_type(content_type.to_owned())
        .insert_header((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .no_chunking(size);
    headers(&mut res);
    Ok(res.streaming(stream.map_err(ApiError::internal)))
}

/// Download an attachment's file
///
/// With its detected `Content-Type`, `Content-Length`, the SHA-256 as `ETag`, and
/// `Content-Disposition: attachment` with the original file name (RFC 5987 `filename*` for
/// non-ASCII names). `Accept: application/octet-stream` (without the file's own type or a
/// wildcard) labels the same bytes `application/octet-stream`.
///
/// Any signed-in user who sees the owner record (ORG-5); otherwise, or once deleted, 404.
/// Read-only.
#[utoipa::path(
    tag = "attachments",
    operation_id = "downloadAttachment",
    params(("id" = String, Path, description = "Attachment id")),
    responses((status = 200, description = "The file, as uploaded", body = FileBytes,
        content_type = "application/octet-stream",
        headers(("ETag" = String, description = "The file's SHA-256, quoted"),
            ("Content-Disposition" = String, description = "`attachment` with the file name"))))
)]
#[get("/attachments/{id}/content")]
async fn download_attachment(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let row = visible_row(&state, &caller, id.into_inner()).await?;
    let etag = format!("\"{}\"", row.sha256);
    let disposition = disposition(&row.filename);
    stream_object(
        &state,
        &row.id,
        Variant::Original,
        labelled(&req, &row.content_type),
        |res| {
            res.insert_header((header::ETAG, etag))
                .insert_header(disposition);
        },
    )
    .await
}

/// Download an attachment's thumbnail
///
/// A JPEG at most 320 px on its longer side (`application/octet-stream` for
/// `Accept: application/octet-stream`); 404 when the attachment has none (`has_thumbnail:
/// false`). Any signed-in user who sees the owner record (ORG-5; otherwise 404). Read-only.
#[utoipa::path(
    tag = "attachments",
    operation_id = "getAttachmentThumbnail",
    params(("id" = String, Path, description = "Attachment id")),
    responses((status = 200, description = "The thumbnail", body = FileBytes,
        content_type = "image/jpeg"))
)]
#[get("/attachments/{id}/thumbnail")]
async fn get_attachment_thumbnail(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let row = visible_row(&state, &caller, id.into_inner()).await?;
    if !row.has_thumbnail {
        return Err(ApiError::NotFound);
    }
    let content_type = labelled(&req, "image/jpeg");
    stream_object(&state, &row.id, Variant::Thumbnail, content_type, |_| {}).await
}

/// Verify an attachment's file against its recorded hash
///
/// Re-reads the file, recomputes its SHA-256 and compares it with the hash recorded on upload:
/// `intact: false` when the file was altered (or is missing), naming both hashes. Any signed-in
/// user who sees the owner record (ORG-5; otherwise 404). Read-only.
#[utoipa::path(
    tag = "attachments",
    operation_id = "verifyAttachment",
    params(("id" = String, Path, description = "Attachment id")),
    responses((status = 200, description = "The outcome", body = SealReportOut))
)]
#[get("/attachments/{id}/verify")]
async fn verify_attachment(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let row = visible_row(&state, &caller, id.into_inner()).await?;
    let recorded = Seal::parse(&row.sha256).map_err(ApiError::internal)?;
    let report = crate::kernel::files::seal::verify_seal(&state, &row.id, &recorded).await?;
    Ok(HttpResponse::Ok().json(report))
}

/// Delete an attachment
///
/// Deletes an attachment (soft): it stays as a tombstone for delta sync and its file is kept for
/// the records that sealed it (TKT-7 signatures), but it can no longer be read.
///
/// Who: the uploader deletes their own (staff roles; customer contacts 403); admins and managers
/// any they see; anyone else 403. An invisible attachment is 404 (ORG-5). Needs `If-Match`.
/// Triggers the audit entry `attachment.delete`.
#[utoipa::path(
    tag = "attachments",
    operation_id = "deleteAttachment",
    params(("id" = String, Path, description = "Attachment id"), crate::kernel::openapi::IfMatchHeader),
    responses(
        (status = 200, description = "Deleted; the attachment as a tombstone", body = AttachmentOut,
            headers(("ETag" = String))),
    )
)]
#[delete("/attachments/{id}")]
async fn delete_attachment(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    IfMatch(version): IfMatch,
) -> Result<HttpResponse, ApiError> {
    caller.require(Action::AttachmentUpload)?;
    let ctx = Ctx::of(&caller, state.clock.now());
    let actor = caller.actor.clone();
    let id = id.into_inner();
    let out = state
        .tx(move |conn| {
            let scope = visible(conn, &actor)?;
            svc::delete(conn, &ctx, &actor, &scope, &id, version)
        })
        .await?;
    Ok(versioned(StatusCode::OK, out.version, &out))
}
