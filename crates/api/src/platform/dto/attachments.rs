use chrono::{DateTime, Utc};
use kefu_store::attachments::AttachmentRow;
use kefu_store::from_db_time;
use serde::{Deserialize, Serialize};
use utoipa::openapi::{ObjectBuilder, RefOr, Schema, Type};
use utoipa::{IntoParams, ToSchema};

/// The kinds of record attachments hang off (`services::attachments::OWNERS`), as a schema
/// enum (the derive cannot list a table's names).
pub struct OwnerType;

impl utoipa::PartialSchema for OwnerType {
    fn schema() -> RefOr<Schema> {
        ObjectBuilder::new()
            .schema_type(Type::String)
            .description(Some("The kind of record the attachment belongs to."))
            .enum_values(Some(
                crate::platform::service::attachments::owner_type_names(),
            ))
            .build()
            .into()
    }
}

impl ToSchema for OwnerType {}

pub use crate::kernel::files::AttachmentKind;
pub use crate::kernel::files::seal::SealReportOut;

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AttachmentOut {
    /// The attachment's id.
    pub id: String,
    #[schema(value_type = OwnerType, inline)]
    pub owner_type: String,
    /// The record it hangs off.
    pub owner_id: String,
    /// A photo, a document or a signature; decides the allowed types and size.
    pub kind: AttachmentKind,
    /// The file name the client gave, without any directory.
    #[schema(example = "现场照片.jpg")]
    pub filename: String,
    /// Detected from the file's content, whatever the client declared.
    #[schema(example = "image/jpeg")]
    pub content_type: String,
    /// The file's size in bytes.
    pub size_bytes: i64,
    /// SHA-256 of the file (lowercase hex), computed on upload; the download's `ETag`.
    #[schema(example = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08")]
    pub sha256: String,
    /// A JPEG thumbnail (at most 320 px) is at `/api/v1/attachments/{id}/thumbnail`.
    pub has_thumbnail: bool,
    /// The user who uploaded it.
    pub uploaded_by: String,
    /// A tombstone: only delta sync (`updated_since`) returns deleted attachments.
    pub deleted: bool,
    /// When it was uploaded.
    pub created_at: DateTime<Utc>,
    /// When it last changed.
    pub updated_at: DateTime<Utc>,
    /// Echoed as the metadata's `ETag`; send it in `If-Match` to delete.
    pub version: i64,
}

impl From<&AttachmentRow> for AttachmentOut {
    fn from(r: &AttachmentRow) -> Self {
        AttachmentOut {
            id: r.id.clone(),
            owner_type: r.owner_type.clone(),
            owner_id: r.owner_id.clone(),
            kind: match r.kind.as_str() {
                "signature" => AttachmentKind::Signature,
                "document" => AttachmentKind::Document,
                _ => AttachmentKind::Photo,
            },
            filename: r.filename.clone(),
            content_type: r.content_type.clone(),
            size_bytes: r.size_bytes,
            sha256: r.sha256.clone(),
            has_thumbnail: r.has_thumbnail,
            uploaded_by: r.uploaded_by.clone(),
            deleted: r.deleted_at.is_some(),
            created_at: from_db_time(r.created_at),
            updated_at: from_db_time(r.updated_at),
            version: r.version,
        }
    }
}

/// The `multipart/form-data` body of an upload. Parts may come in any order; with the text
/// parts first, an upload to a record the caller cannot see, or of a kind that refuses the
/// file, is refused before any of the file is stored.
#[derive(ToSchema)]
#[schema(example = json!({
    "owner_type": "equipment",
    "owner_id": "0193a5c2-7b1e-7c3d-9a40-5f0e8d2b1c03",
    "kind": "photo",
    "file": "(the file's bytes)"
}))]
#[allow(dead_code)]
pub struct UploadAttachment {
    #[schema(value_type = OwnerType, inline)]
    owner_type: String,
    /// The id of a record of `owner_type` visible to the caller.
    #[schema(min_length = 1, max_length = 64)]
    owner_id: String,
    /// A photo, a document or a signature; decides the allowed types and size.
    kind: AttachmentKind,
    /// The file. Its content type is detected from its bytes and must be one the `kind`
    /// allows (415 otherwise); its size must be within the kind's limit (413 otherwise). The
    /// part's `filename` (RFC 7578, UTF-8) is kept for the download.
    #[schema(value_type = String, format = Binary)]
    file: Vec<u8>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct AttachmentsQuery {
    #[param(value_type = OwnerType, inline)]
    pub owner_type: String,
    /// The record whose attachments to list; 404 when it is not visible to the caller.
    #[param(min_length = 1, max_length = 64)]
    pub owner_id: String,
    /// Delta sync: attachments changed after this instant (RFC 3339), deleted ones included
    /// as tombstones (`deleted: true`), in update order. Without it, only live attachments,
    /// in id order.
    #[param(example = "2026-03-01T08:00:00+08:00")]
    pub updated_since: Option<String>,
    /// Page size, 1–200 (default 50).
    pub limit: Option<u32>,
    /// `next_cursor` of the previous page (of a query with the same `updated_since`).
    pub cursor: Option<String>,
}

/// A file's bytes, as stored.
#[derive(ToSchema)]
#[schema(value_type = String, format = Binary)]
#[allow(dead_code)]
pub struct FileBytes(Vec<u8>);
