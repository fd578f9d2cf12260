//! Customer sites (ORG-3); visible when their customer is.

use crate::delta::ListMode;
use crate::schema::sites;
use crate::{DbConnection, StoreError, VersionedWrite, to_db_time};
use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable)]
#[diesel(table_name = sites)]
pub struct SiteRow {
    pub id: String,
    pub customer_id: String,
    pub name: String,
    pub address: String,
    pub city: String,
    pub county: Option<String>,
    pub location_class_override: Option<String>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub version: i64,
    pub deleted_at: Option<NaiveDateTime>,
}

pub fn insert(conn: &mut DbConnection, row: &SiteRow) -> Result<(), StoreError> {
    diesel::insert_into(sites::table)
        .values(row)
        .execute(conn)?;
    Ok(())
}

pub fn exists(conn: &mut DbConnection, id: &str) -> Result<bool, StoreError> {
    Ok(sites::table.find(id).count().get_result::<i64>(conn)? > 0)
}

/// A live site whose customer is among `customer_ids` (`None`: any customer).
pub fn find_live(
    conn: &mut DbConnection,
    id: &str,
    customer_ids: Option<&[String]>,
) -> Result<Option<SiteRow>, StoreError> {
    let mut query = sites::table
        .filter(sites::id.eq(id.to_owned()))
        .filter(sites::deleted_at.is_null())
        .select(SiteRow::as_select())
        .into_boxed();
    if let Some(ids) = customer_ids {
        query = query.filter(sites::customer_id.eq_any(ids.to_vec()));
    }
    Ok(query.first(conn).optional()?)
}

#[derive(Debug, Clone, Default)]
pub struct SiteFilter {
    pub customer_id: Option<String>,
    pub city: Option<String>,
    /// Substring of the name or address.
    pub q: Option<String>,
}

pub fn list(
    conn: &mut DbConnection,
    customer_ids: Option<&[String]>,
    filter: &SiteFilter,
    mode: &ListMode,
    limit: i64,
) -> Result<Vec<SiteRow>, StoreError> {
    let mut query = sites::table.select(SiteRow::as_select()).into_boxed();
    if let Some(ids) = customer_ids {
        query = query.filter(sites::customer_id.eq_any(ids.to_vec()));
    }
    if let Some(c) = &filter.customer_id {
        query = query.filter(sites::customer_id.eq(c.clone()));
    }
    if let Some(c) = &filter.city {
        query = query.filter(sites::city.eq(c.clone()));
    }
    if let Some(q) = &filter.q {
        let pattern = format!("%{}%", crate::users::escape_like(q));
        query = query.filter(
            sites::name
                .like(pattern.clone())
                .escape('\\')
                .or(sites::address.like(pattern).escape('\\')),
        );
    }
    let query = crate::apply_list_mode!(query, sites, mode);
    Ok(query.limit(limit).load(conn)?)
}

#[derive(Debug, Clone, Default, AsChangeset)]
#[diesel(table_name = sites)]
pub struct SiteChanges {
    pub name: Option<String>,
    pub address: Option<String>,
    pub city: Option<String>,
    pub county: Option<Option<String>>,
    pub location_class_override: Option<Option<String>>,
}

pub fn update(
    conn: &mut DbConnection,
    id: &str,
    expected_version: i64,
    changes: &SiteChanges,
    now: DateTime<Utc>,
) -> Result<VersionedWrite, StoreError> {
    crate::versioned_update!(conn, sites, id, expected_version, changes, now)
}

pub fn soft_delete(
    conn: &mut DbConnection,
    id: &str,
    expected_version: i64,
    now: DateTime<Utc>,
) -> Result<VersionedWrite, StoreError> {
    let at = Some(to_db_time(now));
    crate::versioned_update!(
        conn,
        sites,
        id,
        expected_version,
        sites::deleted_at.eq(at),
        now
    )
}

/// Live sites in the named city (a city in use cannot be renamed).
pub fn count_in_city(conn: &mut DbConnection, city: &str) -> Result<i64, StoreError> {
    Ok(sites::table
        .filter(sites::city.eq(city))
        .filter(sites::deleted_at.is_null())
        .count()
        .get_result(conn)?)
}
