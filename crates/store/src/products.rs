//! The products catalogue (INV-1, ORG-4): model, name, prices. Soft-deleted.

pub use crate::VersionedWrite;
use crate::schema::{equipment, products};
use crate::users::escape_like;
use crate::{DbConnection, StoreError, to_db_time};
use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;

diesel::define_sql_function! {
    /// SQL `lower()`, the same on PostgreSQL and SQLite.
    fn lower(x: diesel::sql_types::Text) -> diesel::sql_types::Text;
}

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable)]
#[diesel(table_name = products)]
pub struct ProductRow {
    pub id: String,
    pub model: String,
    pub name: String,
    pub category: Option<String>,
    pub unit_price_fen: i64,
    pub unit_cost_fen: i64,
    pub floor_price_fen: i64,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub version: i64,
    pub deleted_at: Option<NaiveDateTime>,
}

pub fn insert(conn: &mut DbConnection, row: &ProductRow) -> Result<(), StoreError> {
    diesel::insert_into(products::table)
        .values(row)
        .execute(conn)?;
    Ok(())
}

/// The product with `id`, deleted or not.
pub fn find(conn: &mut DbConnection, id: &str) -> Result<Option<ProductRow>, StoreError> {
    Ok(products::table
        .find(id)
        .select(ProductRow::as_select())
        .first(conn)
        .optional()?)
}

/// The live product holding `model` (a deleted product's model is free for a new one).
pub fn find_by_model(
    conn: &mut DbConnection,
    model: &str,
) -> Result<Option<ProductRow>, StoreError> {
    Ok(products::table
        .filter(products::model.eq(model))
        .filter(products::deleted_at.is_null())
        .select(ProductRow::as_select())
        .first(conn)
        .optional()?)
}

#[derive(Debug, Clone, Default)]
pub struct ProductFilter {
    /// Substring of the model or name, case-insensitive for ASCII.
    pub q: Option<String>,
    pub category: Option<String>,
}

/// One page of products not deleted, in id order, after `after_id`.
pub fn list(
    conn: &mut DbConnection,
    filter: &ProductFilter,
    after_id: Option<&str>,
    limit: i64,
) -> Result<Vec<ProductRow>, StoreError> {
    let mut query = products::table
        .select(ProductRow::as_select())
        .filter(products::deleted_at.is_null())
        .into_boxed();
    if let Some(q) = &filter.q {
        let pattern = format!("%{}%", escape_like(q)).to_lowercase();
        query = query.filter(
            lower(products::model)
                .like(pattern.clone())
                .escape('\\')
                .or(lower(products::name).like(pattern).escape('\\')),
        );
    }
    if let Some(category) = &filter.category {
        query = query.filter(products::category.eq(category.clone()));
    }
    if let Some(after) = after_id {
        query = query.filter(products::id.gt(after.to_owned()));
    }
    Ok(query.order(products::id.asc()).limit(limit).load(conn)?)
}

/// Catalogue fields to change; `None` leaves a field as it is.
#[derive(Debug, Clone, Default, AsChangeset)]
#[diesel(table_name = products)]
pub struct ProductChanges {
    pub model: Option<String>,
    pub name: Option<String>,
    pub category: Option<Option<String>>,
    pub unit_price_fen: Option<i64>,
    pub unit_cost_fen: Option<i64>,
    pub floor_price_fen: Option<i64>,
    pub deleted_at: Option<Option<NaiveDateTime>>,
}

/// Applies `changes` to the live product if its version is `expected_version`, bumping the
/// version; the conditional UPDATE is the lock. A deleted product reads as not found.
pub fn update(
    conn: &mut DbConnection,
    id: &str,
    expected_version: i64,
    changes: &ProductChanges,
    now: DateTime<Utc>,
) -> Result<VersionedWrite, StoreError> {
    let written = diesel::update(
        products::table
            .filter(products::id.eq(id))
            .filter(products::deleted_at.is_null())
            .filter(products::version.eq(expected_version)),
    )
    .set((
        changes,
        products::version.eq(products::version + 1),
        products::updated_at.eq(to_db_time(now)),
    ))
    .execute(conn)?;
    if written > 0 {
        return Ok(VersionedWrite::Written);
    }
    let current: Option<i64> = products::table
        .filter(products::id.eq(id))
        .filter(products::deleted_at.is_null())
        .select(products::version)
        .first(conn)
        .optional()?;
    Ok(current.map_or(VersionedWrite::NotFound, VersionedWrite::Stale))
}

/// Equipment records not deleted that are of product `id`.
pub fn live_equipment_count(conn: &mut DbConnection, id: &str) -> Result<i64, StoreError> {
    Ok(equipment::table
        .filter(equipment::product_id.eq(id))
        .filter(equipment::deleted_at.is_null())
        .count()
        .get_result(conn)?)
}

/// The products with these ids, deleted or not.
pub fn find_many(conn: &mut DbConnection, ids: &[String]) -> Result<Vec<ProductRow>, StoreError> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    Ok(products::table
        .filter(products::id.eq_any(ids))
        .select(ProductRow::as_select())
        .load(conn)?)
}
