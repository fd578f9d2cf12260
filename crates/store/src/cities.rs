//! ORG-3: the cities the company serves, which of them have a station, and their counties.

use crate::schema::cities;
use crate::{DbConnection, StoreError, VersionedWrite};
use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable)]
#[diesel(table_name = cities)]
pub struct CityRow {
    pub id: String,
    pub name: String,
    pub province: String,
    pub has_station: bool,
    /// JSON array of county names.
    pub counties: String,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub version: i64,
}

impl CityRow {
    pub fn county_names(&self) -> Vec<String> {
        serde_json::from_str(&self.counties).unwrap_or_default()
    }
}

pub fn insert(conn: &mut DbConnection, row: &CityRow) -> Result<(), StoreError> {
    diesel::insert_into(cities::table)
        .values(row)
        .execute(conn)?;
    Ok(())
}

pub fn find(conn: &mut DbConnection, id: &str) -> Result<Option<CityRow>, StoreError> {
    Ok(cities::table
        .find(id)
        .select(CityRow::as_select())
        .first(conn)
        .optional()?)
}

pub fn find_by_name(conn: &mut DbConnection, name: &str) -> Result<Option<CityRow>, StoreError> {
    Ok(cities::table
        .filter(cities::name.eq(name))
        .select(CityRow::as_select())
        .first(conn)
        .optional()?)
}

/// The named cities (for deriving many sites' location classes at once).
pub fn by_names(conn: &mut DbConnection, names: &[String]) -> Result<Vec<CityRow>, StoreError> {
    if names.is_empty() {
        return Ok(Vec::new());
    }
    Ok(cities::table
        .filter(cities::name.eq_any(names))
        .select(CityRow::as_select())
        .load(conn)?)
}

pub fn list(
    conn: &mut DbConnection,
    q: Option<&str>,
    has_station: Option<bool>,
    after_id: Option<&str>,
    limit: i64,
) -> Result<Vec<CityRow>, StoreError> {
    let mut query = cities::table.select(CityRow::as_select()).into_boxed();
    if let Some(q) = q {
        let pattern = format!("%{}%", crate::users::escape_like(q));
        query = query.filter(
            cities::name
                .like(pattern.clone())
                .escape('\\')
                .or(cities::province.like(pattern).escape('\\')),
        );
    }
    if let Some(s) = has_station {
        query = query.filter(cities::has_station.eq(s));
    }
    if let Some(after) = after_id {
        query = query.filter(cities::id.gt(after.to_owned()));
    }
    Ok(query.order(cities::id.asc()).limit(limit).load(conn)?)
}

#[derive(Debug, Clone, Default, AsChangeset)]
#[diesel(table_name = cities)]
pub struct CityChanges {
    pub name: Option<String>,
    pub province: Option<String>,
    pub has_station: Option<bool>,
    pub counties: Option<String>,
}

pub fn update(
    conn: &mut DbConnection,
    id: &str,
    expected_version: i64,
    changes: &CityChanges,
    now: DateTime<Utc>,
) -> Result<VersionedWrite, StoreError> {
    crate::versioned_update!(conn, cities, id, expected_version, changes, now)
}
