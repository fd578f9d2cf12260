//! Files attached to records: the row of what an upload established (sniffed type, size,
//! SHA-256). The bytes are in the object store; this module only knows the table.
//! Soft-deleted: a deleted attachment stays as a tombstone for delta sync.

use crate::delta::ListMode;
use crate::schema::attachments;
use crate::{DbConnection, StoreError, VersionedWrite, to_db_time};
use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable)]
#[diesel(table_name = attachments)]
pub struct AttachmentRow {
    pub id: String,
    pub owner_type: String,
    pub owner_id: String,
    pub kind: String,
    pub filename: String,
    pub content_type: String,
    pub size_bytes: i64,
    pub sha256: String,
    pub has_thumbnail: bool,
    pub uploaded_by: String,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub version: i64,
    pub deleted_at: Option<NaiveDateTime>,
}

pub fn insert(conn: &mut DbConnection, row: &AttachmentRow) -> Result<(), StoreError> {
    diesel::insert_into(attachments::table)
        .values(row)
        .execute(conn)?;
    Ok(())
}

/// The attachment `id`, deleted or not.
pub fn find(conn: &mut DbConnection, id: &str) -> Result<Option<AttachmentRow>, StoreError> {
    Ok(attachments::table
        .find(id)
        .select(AttachmentRow::as_select())
        .first(conn)
        .optional()?)
}

/// One page of the attachments of one record.
pub fn list(
    conn: &mut DbConnection,
    owner: (&str, &str),
    mode: &ListMode,
    limit: i64,
) -> Result<Vec<AttachmentRow>, StoreError> {
    let query = attachments::table
        .select(AttachmentRow::as_select())
        .filter(attachments::owner_type.eq(owner.0.to_owned()))
        .filter(attachments::owner_id.eq(owner.1.to_owned()))
        .into_boxed();
    let query = crate::apply_list_mode!(query, attachments, mode);
    Ok(query.limit(limit).load(conn)?)
}

/// Tombstones the live attachment `id` if its version is `expected_version`.
pub fn soft_delete(
    conn: &mut DbConnection,
    id: &str,
    expected_version: i64,
    now: DateTime<Utc>,
) -> Result<VersionedWrite, StoreError> {
    let now = to_db_time(now);
    let written = diesel::update(
        attachments::table
            .filter(attachments::id.eq(id))
            .filter(attachments::deleted_at.is_null())
            .filter(attachments::version.eq(expected_version)),
    )
    .set((
        attachments::deleted_at.eq(Some(now)),
        attachments::version.eq(attachments::version + 1),
        attachments::updated_at.eq(now),
    ))
    .execute(conn)?;
    if written > 0 {
        return Ok(VersionedWrite::Written);
    }
    let current: Option<i64> = attachments::table
        .filter(attachments::id.eq(id))
        .filter(attachments::deleted_at.is_null())
        .select(attachments::version)
        .first(conn)
        .optional()?;
    Ok(current.map_or(VersionedWrite::NotFound, VersionedWrite::Stale))
}
