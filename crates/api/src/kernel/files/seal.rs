//! Seal checks: whether a stored file is still the one whose SHA-256 a signed record sealed.

use super::Variant;
use crate::kernel::error::ApiError;
use crate::kernel::state::AppState;
use kefu_core::Seal;
use kefu_store::attachments;
use serde::Serialize;
use sha2::{Digest, Sha256};
use utoipa::ToSchema;

/// Whether the stored file is still the one uploaded.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SealReportOut {
    /// The signature file's attachment.
    pub attachment_id: String,
    /// The SHA-256 recorded on upload.
    pub sha256_recorded: String,
    /// The SHA-256 of the stored file now; `null` when the file is missing.
    pub sha256_actual: Option<String>,
    /// The stored file still hashes to both the recorded and the sealed SHA-256.
    pub intact: bool,
}

/// Checks a seal against the stored file: re-reads the object, hashes it, and compares with
/// both the attachment's recorded hash and `sealed` (the hash a signed record keeps). Works
/// on deleted attachments too: a signed record outlives the deletion of its signature's row.
pub async fn verify_seal(
    state: &AppState,
    attachment_id: &str,
    sealed: &Seal,
) -> Result<SealReportOut, ApiError> {
    let id = attachment_id.to_owned();
    let storage = &state.storage;
    let row = state
        .db(move |conn| Ok(attachments::find(conn, &id)?))
        .await?
        .ok_or(ApiError::NotFound)?;
    let recorded = Seal::parse(&row.sha256).map_err(ApiError::internal)?;
    let mut hasher = Sha256::new();
    let found = storage
        .for_each_chunk(&storage.key(&row.id, Variant::Original), |chunk| {
            hasher.update(chunk)
        })
        .await
        .map_err(ApiError::internal)?;
    let actual = found.then(|| Seal::from_digest(&hasher.finalize().into()));
    let check = sealed.verify(&recorded, actual.as_ref());
    Ok(SealReportOut {
        attachment_id: row.id,
        sha256_recorded: recorded.to_string(),
        sha256_actual: actual.map(|s| s.to_string()),
        intact: check.is_intact(),
    })
}
