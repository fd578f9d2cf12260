//! BIL-1 the fee schedule: priced items, edited in place (a version each change) while the
//! quote lines that used them keep their own copy of the prices.

use crate::delta::ListMode;
use crate::schema::fee_items;
use crate::{DbConnection, StoreError, VersionedWrite};
use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable)]
#[diesel(table_name = fee_items)]
pub struct FeeItemRow {
    pub id: String,
    pub code: String,
    pub name: String,
    pub kind: String,
    pub unit: String,
    pub list_price_fen: i64,
    pub floor_price_fen: i64,
    pub part_id: Option<String>,
    pub active: bool,
    pub note: Option<String>,
    pub created_by: String,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub version: i64,
    pub deleted_at: Option<NaiveDateTime>,
}

pub fn insert(conn: &mut DbConnection, row: &FeeItemRow) -> Result<(), StoreError> {
    diesel::insert_into(fee_items::table)
        .values(row.clone())
        .execute(conn)?;
    Ok(())
}

pub fn find(conn: &mut DbConnection, id: &str) -> Result<Option<FeeItemRow>, StoreError> {
    Ok(fee_items::table
        .find(id)
        .select(FeeItemRow::as_select())
        .first(conn)
        .optional()?)
}

/// The live items among `ids`.
pub fn find_many(conn: &mut DbConnection, ids: &[String]) -> Result<Vec<FeeItemRow>, StoreError> {
    Ok(fee_items::table
        .filter(fee_items::id.eq_any(ids))
        .filter(fee_items::deleted_at.is_null())
        .select(FeeItemRow::as_select())
        .load(conn)?)
}

#[derive(Debug, Clone, Default, AsChangeset)]
#[diesel(table_name = fee_items)]
pub struct FeeItemChanges {
    pub code: Option<String>,
    pub name: Option<String>,
    pub kind: Option<String>,
    pub unit: Option<String>,
    pub list_price_fen: Option<i64>,
    pub floor_price_fen: Option<i64>,
    pub part_id: Option<Option<String>>,
    pub active: Option<bool>,
    pub note: Option<Option<String>>,
}

pub fn update(
    conn: &mut DbConnection,
    id: &str,
    expected: i64,
    changes: &FeeItemChanges,
    now: DateTime<Utc>,
) -> Result<VersionedWrite, StoreError> {
    crate::versioned_update!(conn, fee_items, id, expected, changes, now)
}

#[derive(Debug, Clone, Default)]
pub struct FeeItemFilter {
    pub kind: Option<String>,
    pub active: Option<bool>,
    pub part_id: Option<String>,
    /// Substring of the code or the name.
    pub q: Option<String>,
}

pub fn list(
    conn: &mut DbConnection,
    filter: &FeeItemFilter,
    mode: &ListMode,
    limit: i64,
) -> Result<Vec<FeeItemRow>, StoreError> {
    let mut query = fee_items::table
        .select(FeeItemRow::as_select())
        .into_boxed();
    if let Some(kind) = &filter.kind {
        query = query.filter(fee_items::kind.eq(kind.clone()));
    }
    if let Some(active) = filter.active {
        query = query.filter(fee_items::active.eq(active));
    }
    if let Some(part) = &filter.part_id {
        query = query.filter(fee_items::part_id.eq(part.clone()));
    }
    if let Some(q) = &filter.q {
        let pattern = format!("%{}%", crate::users::escape_like(q));
        query = query.filter(
            fee_items::code
                .like(pattern.clone())
                .escape('\\')
                .or(fee_items::name.like(pattern).escape('\\')),
        );
    }
    let query = crate::apply_list_mode!(query, fee_items, mode);
    Ok(query.limit(limit).load(conn)?)
}
