//! INV-1: parts on the products of master data, and the locations stock is kept at.

use super::StockScope;
use crate::delta::ListMode;
use crate::schema::{parts, stock_locations};
use crate::{DbConnection, StoreError, VersionedWrite};
use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use kefu_inventory::catalogue::{LocationKind, PartKind};

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable)]
#[diesel(table_name = parts)]
pub struct PartRow {
    pub id: String,
    pub product_id: String,
    pub code: String,
    pub name: String,
    #[diesel(deserialize_as = String, serialize_as = String)]
    pub kind: PartKind,
    pub sale_price_fen: i64,
    pub unit_cost_fen: i64,
    pub min_stock: i64,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub version: i64,
    pub deleted_at: Option<NaiveDateTime>,
}

pub fn insert_part(conn: &mut DbConnection, row: &PartRow) -> Result<(), StoreError> {
    diesel::insert_into(parts::table)
        .values(row.clone())
        .execute(conn)?;
    Ok(())
}

/// The part with `id`, deleted or not.
pub fn find_part(conn: &mut DbConnection, id: &str) -> Result<Option<PartRow>, StoreError> {
    Ok(parts::table
        .find(id)
        .select(PartRow::as_select())
        .first(conn)
        .optional()?)
}

#[derive(Debug, Clone, Default)]
pub struct PartFilter {
    pub product_id: Option<String>,
    pub kind: Option<PartKind>,
}

/// One page of parts in `mode` (live by id, or changed since an instant for delta sync).
pub fn list_parts(
    conn: &mut DbConnection,
    filter: &PartFilter,
    mode: &ListMode,
    limit: i64,
) -> Result<Vec<PartRow>, StoreError> {
    let mut query = parts::table.select(PartRow::as_select()).into_boxed();
    if let Some(product) = &filter.product_id {
        query = query.filter(parts::product_id.eq(product.clone()));
    }
    if let Some(kind) = filter.kind {
        query = query.filter(parts::kind.eq(kind.as_str()));
    }
    let query = crate::apply_list_mode!(query, parts, mode);
    Ok(query.limit(limit).load(conn)?)
}

/// Catalogue fields to change; `None` leaves a field as it is. The kind never changes: the
/// ledger of a part is either by unit or by quantity.
#[derive(Debug, Clone, Default, AsChangeset)]
#[diesel(table_name = parts)]
pub struct PartChanges {
    pub name: Option<String>,
    pub sale_price_fen: Option<i64>,
    pub unit_cost_fen: Option<i64>,
    pub min_stock: Option<i64>,
}

/// Applies `changes` if the part's version is `expected` (the conditional UPDATE is the lock).
pub fn update_part(
    conn: &mut DbConnection,
    id: &str,
    expected: i64,
    changes: &PartChanges,
    now: DateTime<Utc>,
) -> Result<VersionedWrite, StoreError> {
    crate::versioned_update!(conn, parts, id, expected, changes, now)
}

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable)]
#[diesel(table_name = stock_locations)]
pub struct LocationRow {
    pub id: String,
    #[diesel(deserialize_as = String, serialize_as = String)]
    pub kind: LocationKind,
    pub name: String,
    pub engineer_id: Option<String>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub version: i64,
    pub deleted_at: Option<NaiveDateTime>,
}

pub fn insert_location(conn: &mut DbConnection, row: &LocationRow) -> Result<(), StoreError> {
    diesel::insert_into(stock_locations::table)
        .values(row.clone())
        .execute(conn)?;
    Ok(())
}

pub fn find_location(conn: &mut DbConnection, id: &str) -> Result<Option<LocationRow>, StoreError> {
    Ok(stock_locations::table
        .find(id)
        .select(LocationRow::as_select())
        .first(conn)
        .optional()?)
}

/// The ids of the live locations in `user_id`'s hands (at most one: the column is unique).
pub fn locations_of_engineer(
    conn: &mut DbConnection,
    user_id: &str,
) -> Result<Vec<String>, StoreError> {
    Ok(stock_locations::table
        .filter(stock_locations::engineer_id.eq(user_id))
        .filter(stock_locations::deleted_at.is_null())
        .select(stock_locations::id)
        .load(conn)?)
}

/// ORG-5 for a location: the shared ones (warehouse, service centre) to every stock reader,
/// an engineer's to the engineer and to those who see all stock. The SQL twin is the filter
/// of [`list_locations`].
pub fn location_visible(row: &LocationRow, scope: &StockScope) -> bool {
    row.kind != LocationKind::Engineer || scope.sees_stock_at(&row.id)
}

#[derive(Debug, Clone, Default)]
pub struct LocationFilter {
    pub kind: Option<LocationKind>,
}

/// One page of the locations `scope` sees, in `mode`.
pub fn list_locations(
    conn: &mut DbConnection,
    scope: &StockScope,
    filter: &LocationFilter,
    mode: &ListMode,
    limit: i64,
) -> Result<Vec<LocationRow>, StoreError> {
    let mut query = stock_locations::table
        .select(LocationRow::as_select())
        .into_boxed();
    if !scope.all {
        query = query.filter(
            stock_locations::kind
                .ne(LocationKind::Engineer.as_str())
                .or(stock_locations::id.eq_any(scope.location_ids.clone())),
        );
    }
    if let Some(kind) = filter.kind {
        query = query.filter(stock_locations::kind.eq(kind.as_str()));
    }
    let query = crate::apply_list_mode!(query, stock_locations, mode);
    Ok(query.limit(limit).load(conn)?)
}
