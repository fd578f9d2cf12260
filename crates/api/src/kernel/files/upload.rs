//! Receiving an upload: a `multipart/form-data` body of the text parts `owner_type`,
//! `owner_id`, `kind` and the `file` part, in any order. The file is streamed into the object
//! store while it is hashed and counted; only its first bytes (to sniff the content type) and,
//! for an image, the file itself (to make the thumbnail) are held in memory. A refused upload
//! (413, 415, a bad part) leaves no object behind.

use super::AttachmentKind;
use crate::kernel::config::Config;
use crate::kernel::error::ApiError;
use crate::kernel::files::storage::{ObjectWriter, Storage, Variant};
use crate::kernel::files::thumbnail;
use actix_multipart::{Field, Multipart, MultipartError};
use actix_web::http::header;
use actix_web::{HttpRequest, web};
use futures_util::StreamExt;
use kefu_core::{FieldError, Seal};
use sha2::{Digest, Sha256};

/// Enough of a file's start for every signature `infer` knows (office formats look a little
/// way into the zip).
const SNIFF_BYTES: usize = 16 << 10;
/// A text part longer than this is not a value of the form.
const MAX_TEXT_PART: usize = 1024;
pub const MAX_FILENAME_CHARS: usize = 255;
const DRAIN_FOR: std::time::Duration = std::time::Duration::from_secs(10);

/// The text parts of an upload.
#[derive(Debug, Clone)]
pub struct Form {
    pub owner_type: String,
    pub owner_id: String,
    pub kind: AttachmentKind,
}

fn bad(field: &str, code: &'static str, message: impl Into<String>) -> ApiError {
    let message = message.into();
    ApiError::BadRequest {
        detail: message.clone(),
        errors: vec![FieldError::new(field, code, message)],
    }
}

fn malformed(e: MultipartError) -> ApiError {
    ApiError::bad_request(format!("malformed multipart body: {e}"))
}

/// An upload's body, read part by part.
pub struct Parts {
    multipart: Multipart,
}

impl Parts {
    /// 415 unless the body is `multipart/form-data`.
    pub fn of(req: &HttpRequest, payload: web::Payload) -> Result<Parts, ApiError> {
        let declared = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        let essence = declared.split(';').next().unwrap_or("").trim();
        if !essence.eq_ignore_ascii_case("multipart/form-data") {
            return Err(ApiError::MediaTypeRefused {
                found: if essence.is_empty() {
                    "(none)".to_owned()
                } else {
                    essence.to_owned()
                },
                allowed: &["multipart/form-data"],
            });
        }
        Ok(Parts {
            multipart: Multipart::new(req.headers(), payload),
        })
    }

    /// Reads text parts into `texts` up to the next file part, which it returns; `None` at
    /// the end of the body.
    pub async fn next_file(&mut self, texts: &mut Texts) -> Result<Option<Field>, ApiError> {
        while let Some(part) = self.multipart.next().await {
            let part = part.map_err(malformed)?;
            let name = part.name().unwrap_or_default().to_owned();
            let slot = match name.as_str() {
                "file" => return Ok(Some(part)),
                "owner_type" => &mut texts.owner_type,
                "owner_id" => &mut texts.owner_id,
                "kind" => &mut texts.kind,
                _ => return Err(bad(&name, "unknown_field", "not a part of this form")),
            };
            if slot.is_some() {
                return Err(bad(&name, "duplicate", "given more than once"));
            }
            *slot = Some(text(&name, part).await?);
        }
        Ok(None)
    }
}

impl Parts {
    /// Reads what is left of a refused upload (for a while), so that a client still sending
    /// gets the answer instead of a reset connection.
    pub async fn discard_rest(mut self) {
        let drain = async {
            while let Some(Ok(mut part)) = self.multipart.next().await {
                while let Some(Ok(_)) = part.next().await {}
            }
        };
        let _ = actix_web::rt::time::timeout(DRAIN_FOR, drain).await;
    }
}

async fn text(name: &str, mut part: Field) -> Result<String, ApiError> {
    let mut value = Vec::new();
    while let Some(chunk) = part.next().await {
        let chunk = chunk.map_err(malformed)?;
        if value.len() + chunk.len() > MAX_TEXT_PART {
            return Err(bad(name, "length", "too long"));
        }
        value.extend_from_slice(&chunk);
    }
    let value = String::from_utf8(value).map_err(|_| bad(name, "format", "not UTF-8 text"))?;
    if value.contains('\0') {
        return Err(bad(name, "format", "contains a NUL character"));
    }
    Ok(value.trim().to_owned())
}

/// The text parts read so far.
#[derive(Debug, Clone, Default)]
pub struct Texts {
    owner_type: Option<String>,
    owner_id: Option<String>,
    kind: Option<String>,
}

impl Texts {
    pub fn is_complete(&self) -> bool {
        self.owner_type.is_some() && self.owner_id.is_some() && self.kind.is_some()
    }

    /// The form, once every part was read; 400 naming what is missing or unreadable, 422 for
    /// an `owner_id` of the wrong length.
    pub fn form(&self, file_seen: bool) -> Result<Form, ApiError> {
        complete(
            self.owner_type.clone(),
            self.owner_id.clone(),
            self.kind.clone(),
            file_seen,
        )
    }
}

fn complete(
    owner_type: Option<String>,
    owner_id: Option<String>,
    kind: Option<String>,
    file_seen: bool,
) -> Result<Form, ApiError> {
    let missing: Vec<FieldError> = [
        ("owner_type", owner_type.is_none()),
        ("owner_id", owner_id.is_none()),
        ("kind", kind.is_none()),
        ("file", !file_seen),
    ]
    .into_iter()
    .filter(|(_, absent)| *absent)
    .map(|(f, _)| FieldError::new(f, "required", "missing"))
    .collect();
    if !missing.is_empty() {
        return Err(ApiError::BadRequest {
            detail: "parts missing".to_owned(),
            errors: missing,
        });
    }
    let (owner_type, owner_id, kind) = (
        owner_type.unwrap_or_default(),
        owner_id.unwrap_or_default(),
        kind.unwrap_or_default(),
    );
    let kind = match kind.as_str() {
        "photo" => AttachmentKind::Photo,
        "document" => AttachmentKind::Document,
        "signature" => AttachmentKind::Signature,
        _ => {
            return Err(bad(
                "kind",
                "invalid_type",
                "one of photo, document, signature",
            ));
        }
    };
    if !(1..=64).contains(&owner_id.chars().count()) {
        return Err(ApiError::Invalid(vec![FieldError::new(
            "owner_id",
            "length",
            "1 to 64 characters",
        )]));
    }
    Ok(Form {
        owner_type,
        owner_id,
        kind,
    })
}

/// The name the client gave the file, without any directory, control characters or excess
/// length; `file` when it gave none.
fn filename(part: &Field) -> String {
    let given = part
        .content_disposition()
        .and_then(|cd| {
            cd.get_filename_ext()
                .map(|ext| ext.value.clone())
                .or_else(|| cd.get_filename().map(|f| f.as_bytes().to_vec()))
        })
        .map(|bytes| String::from_utf8_lossy(&bytes).into_owned())
        .unwrap_or_default();
    let base = given.rsplit(['/', '\\']).next().unwrap_or_default();
    let clean: String = base
        .chars()
        .filter(|c| !c.is_control())
        .take(MAX_FILENAME_CHARS)
        .collect();
    let clean = clean.trim();
    if clean.is_empty() || clean == "." || clean == ".." {
        "file".to_owned()
    } else {
        clean.to_owned()
    }
}

fn too_large(limit: u64) -> ApiError {
    ApiError::PayloadTooLarge {
        limit: usize::try_from(limit).unwrap_or(usize::MAX),
    }
}

/// What a file may be: its largest size and its allowed content types.
#[derive(Debug, Clone, Copy)]
pub struct Policy {
    pub max_bytes: u64,
    pub allowed: &'static [&'static str],
    /// The largest canvas an image may declare (`KEFU_ATTACHMENT_MAX_IMAGE_PIXELS`).
    pub max_pixels: u64,
}

impl Policy {
    pub fn of(kind: AttachmentKind, config: &Config) -> Policy {
        Policy {
            max_bytes: kind.max_bytes(config),
            allowed: kind.allowed_types(),
            max_pixels: config.attachment_max_image_pixels,
        }
    }

    /// For a file that arrives before its `kind`: anything some kind takes, judged again
    /// against the kind once it is known ([`Staged::admit`]).
    pub fn any_kind(config: &Config) -> Policy {
        Policy {
            max_bytes: [
                AttachmentKind::Photo,
                AttachmentKind::Document,
                AttachmentKind::Signature,
            ]
            .into_iter()
            .map(|k| k.max_bytes(config))
            .max()
            .unwrap_or(0),
            allowed: crate::kernel::files::ANY_KIND,
            max_pixels: config.attachment_max_image_pixels,
        }
    }

    fn refuse(&self, content_type: &str) -> ApiError {
        ApiError::MediaTypeRefused {
            found: content_type.to_owned(),
            allowed: self.allowed,
        }
    }
}

/// A file stored under its attachment id, not yet recorded.
#[derive(Debug)]
pub struct Staged {
    pub sha256: Seal,
    pub size: u64,
    pub content_type: &'static str,
    pub filename: String,
    /// The whole file when a thumbnail can be made of it.
    image: Option<Vec<u8>>,
}

impl Staged {
    /// The file judged by the policy of its kind (it may have been received under
    /// [`Policy::any_kind`]).
    pub fn admit(&self, policy: &Policy) -> Result<(), ApiError> {
        if self.size > policy.max_bytes {
            return Err(too_large(policy.max_bytes));
        }
        if !policy.allowed.contains(&self.content_type) {
            return Err(policy.refuse(self.content_type));
        }
        Ok(())
    }

    /// Stores the thumbnail of an image; whether there is one.
    pub async fn thumbnail(&mut self, storage: &Storage, id: &str) -> bool {
        match self.image.take() {
            Some(image) => store_thumbnail(storage, id, image).await,
            None => false,
        }
    }
}

/// Receives the file part of attachment `id` under `policy`: sniffs its type, and streams it
/// into storage while hashing and counting it. On an error nothing is left in storage.
pub async fn receive(
    storage: &Storage,
    id: &str,
    policy: &Policy,
    mut part: Field,
) -> Result<Staged, ApiError> {
    let max_bytes = policy.max_bytes;
    let filename = filename(&part);
    let mut head = Vec::new();
    let mut ended = false;
    while head.len() < SNIFF_BYTES {
        match part.next().await {
            Some(chunk) => head.extend_from_slice(&chunk.map_err(malformed)?),
            None => {
                ended = true;
                break;
            }
        }
        if head.len() as u64 > max_bytes {
            return Err(too_large(max_bytes));
        }
    }
    let content_type = crate::kernel::files::sniff(&head);
    if !policy.allowed.contains(&content_type) {
        return Err(policy.refuse(content_type));
    }

    let key = storage.key(id, Variant::Original);
    let mut writer = storage.begin(&key).await.map_err(ApiError::internal)?;
    let keep = thumbnail::supports(content_type);
    let streamed = pump(&mut writer, head, ended, &mut part, max_bytes, keep).await;
    let checked = streamed.and_then(|(sha256, size, image)| {
        if let Some(image) = &image {
            check_canvas(image, policy.max_pixels)?;
        }
        Ok((sha256, size, image))
    });
    let (sha256, size, image) = match checked {
        Ok(done) => done,
        Err(e) => {
            writer.abort().await;
            return Err(e);
        }
    };
    if let Err(e) = writer.finish().await {
        storage.remove(&key).await;
        return Err(ApiError::internal(e));
    }
    Ok(Staged {
        sha256,
        size,
        content_type,
        filename,
        image,
    })
}

/// Writes the sniffed head and the rest of the part; returns the hash, the size and (when
/// `keep_image`) the whole file.
async fn pump(
    writer: &mut ObjectWriter,
    head: Vec<u8>,
    ended: bool,
    part: &mut Field,
    max_bytes: u64,
    keep_image: bool,
) -> Result<(Seal, u64, Option<Vec<u8>>), ApiError> {
    let mut hasher = Sha256::new();
    let mut size = head.len() as u64;
    hasher.update(&head);
    writer.write(&head).await.map_err(ApiError::internal)?;
    let mut image = keep_image.then_some(head);
    if !ended {
        while let Some(chunk) = part.next().await {
            let chunk = chunk.map_err(malformed)?;
            size += chunk.len() as u64;
            if size > max_bytes {
                return Err(too_large(max_bytes));
            }
            hasher.update(&chunk);
            writer.write(&chunk).await.map_err(ApiError::internal)?;
            if let Some(image) = image.as_mut() {
                image.extend_from_slice(&chunk);
            }
        }
    }
    Ok((Seal::from_digest(&hasher.finalize().into()), size, image))
}

/// Refuses an image whose header declares more than `max_pixels`, before anything decodes it.
/// An image whose header cannot be read is kept (it gets no thumbnail).
fn check_canvas(image: &[u8], max_pixels: u64) -> Result<(), ApiError> {
    match thumbnail::dimensions(image) {
        Some((w, h)) if u64::from(w) * u64::from(h) > max_pixels => {
            Err(ApiError::Invalid(vec![FieldError::new(
                "file",
                "range",
                format!(
                    "the image declares {w}×{h} pixels; at most {max_pixels} pixels are accepted"
                ),
            )
            .with_param("actual", format!("{w}×{h}"))
            .with_param("max", max_pixels)]))
        }
        _ => Ok(()),
    }
}

/// Decoding a thumbnail holds the whole canvas in memory: at most one per core at a time,
/// whatever the number of parallel uploads.
static THUMBNAILS: std::sync::LazyLock<tokio::sync::Semaphore> = std::sync::LazyLock::new(|| {
    tokio::sync::Semaphore::new(std::thread::available_parallelism().map_or(1, |n| n.get()))
});

async fn store_thumbnail(storage: &Storage, id: &str, image: Vec<u8>) -> bool {
    let Ok(_permit) = THUMBNAILS.acquire().await else {
        return false;
    };
    let made = web::block(move || thumbnail::make(&image)).await;
    let Ok(Some(jpeg)) = made else {
        return false;
    };
    let key = storage.key(id, Variant::Thumbnail);
    match storage.put(&key, jpeg.into()).await {
        Ok(()) => true,
        Err(e) => {
            tracing::warn!(error = %e, "thumbnail could not be stored");
            false
        }
    }
}
