//! Files attached to records: where they are stored ([`storage`]), how an upload is received
//! ([`upload`]: streamed, size-capped per kind, sniffed, hashed, thumbnailed) and which
//! content each kind of attachment may hold.

pub mod seal;
pub mod storage;
mod thumbnail;
pub mod upload;

use crate::kernel::config::Config;
use utoipa::ToSchema;

pub use storage::{Storage, Variant};

kefu_core::string_enum! {
    /// What an attachment is for; each kind has its own size limit and allowed content types.
    #[derive(ToSchema)]
    pub enum AttachmentKind {
        /// JPEG, PNG, WebP or HEIF; 10 MiB by default.
        Photo = "photo",
        /// PDF, Office documents or images; 20 MiB by default.
        Document = "document",
        /// A customer's signature: PNG, JPEG or WebP; 2 MiB by default. Its SHA-256 is what a
        /// signed record seals.
        Signature = "signature",
    }
}

/// What the upload endpoint's path is, for the idempotency middleware's larger body limit.
pub const UPLOAD_PATH: &str = "/api/v1/attachments";

/// Content types by their magic bytes; what the client declares is never trusted.
const PHOTOS: &[&str] = &["image/jpeg", "image/png", "image/webp", "image/heif"];
const SIGNATURES: &[&str] = &["image/png", "image/jpeg", "image/webp"];
const DOCUMENTS: &[&str] = &[
    "application/pdf",
    "image/jpeg",
    "image/png",
    "image/webp",
    "image/heif",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "application/msword",
    "application/vnd.ms-excel",
    "application/vnd.ms-powerpoint",
];

/// Every type some kind allows: documents take every image type photos and signatures do.
pub const ANY_KIND: &[&str] = DOCUMENTS;

/// What is reported for content no magic bytes identify.
pub const UNKNOWN_TYPE: &str = "application/octet-stream";

impl AttachmentKind {
    pub fn allowed_types(self) -> &'static [&'static str] {
        match self {
            AttachmentKind::Photo => PHOTOS,
            AttachmentKind::Document => DOCUMENTS,
            AttachmentKind::Signature => SIGNATURES,
        }
    }

    pub fn max_bytes(self, config: &Config) -> u64 {
        match self {
            AttachmentKind::Photo => config.attachment_max_photo_bytes,
            AttachmentKind::Document => config.attachment_max_document_bytes,
            AttachmentKind::Signature => config.attachment_max_signature_bytes,
        }
    }
}

/// The largest request body the upload endpoint reads: the largest file plus room for the
/// multipart envelope and the other fields.
pub fn max_upload_body(config: &Config) -> u64 {
    let largest = [
        config.attachment_max_photo_bytes,
        config.attachment_max_document_bytes,
        config.attachment_max_signature_bytes,
    ]
    .into_iter()
    .max()
    .unwrap_or(0);
    largest + (64 << 10)
}

/// States every content type a download may carry (the kinds' allow-lists together) on the
/// download's 200 response, where the handler's annotation can only name one, and on both
/// downloads `application/octet-stream` (what `Accept: application/octet-stream` gets): the
/// binary variant a generated client keeps when it knows none of the specific types.
pub fn document_download_types(doc: &mut utoipa::openapi::OpenApi) {
    use utoipa::openapi::RefOr;
    for (path, types) in [
        ("/api/v1/attachments/{id}/content", ANY_KIND),
        ("/api/v1/attachments/{id}/thumbnail", &["image/jpeg"][..]),
    ] {
        let Some(op) = doc
            .paths
            .paths
            .get_mut(path)
            .and_then(|item| item.get.as_mut())
        else {
            continue;
        };
        let Some(RefOr::T(ok)) = op.responses.responses.get_mut("200") else {
            continue;
        };
        let Some(file) = ok.content.values().next().cloned() else {
            continue;
        };
        let mut types = types.to_vec();
        types.push(UNKNOWN_TYPE);
        types.sort_unstable();
        ok.content = types
            .into_iter()
            .map(|t| (t.to_owned(), file.clone()))
            .collect();
    }
}

/// The content type the first bytes of a file show.
pub fn sniff(head: &[u8]) -> &'static str {
    infer::get(head).map_or(UNKNOWN_TYPE, |t| t.mime_type())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sniffing_ignores_names_and_declarations() {
        assert_eq!(sniff(b"\xff\xd8\xff\xe0\x00\x10JFIF\x00"), "image/jpeg");
        assert_eq!(sniff(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), "image/png");
        assert_eq!(sniff(b"%PDF-1.7\n"), "application/pdf");
        let exe = sniff(b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff");
        assert_ne!(exe, UNKNOWN_TYPE);
        assert!(!AttachmentKind::Photo.allowed_types().contains(&exe));
        assert_eq!(sniff(b"hello"), UNKNOWN_TYPE);
        assert_eq!(sniff(b""), UNKNOWN_TYPE);
    }

    #[test]
    fn any_kind_covers_every_kind() {
        for kind in [
            AttachmentKind::Photo,
            AttachmentKind::Document,
            AttachmentKind::Signature,
        ] {
            for t in kind.allowed_types() {
                assert!(ANY_KIND.contains(t), "{kind:?} {t}");
            }
        }
    }

    #[test]
    fn signatures_are_images_only() {
        assert!(
            !AttachmentKind::Signature
                .allowed_types()
                .contains(&"application/pdf")
        );
        assert!(
            AttachmentKind::Document
                .allowed_types()
                .contains(&"application/pdf")
        );
    }
}
