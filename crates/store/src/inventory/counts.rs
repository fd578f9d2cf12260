//! INV-7: the minimum stock per part and location, the daily counts and their anomalies. A
//! count is one row per location, day and kind (the unique key refuses a second); an anomaly
//! is recorded once per occurrence (the unique `occurrence_key`, inserted with ON CONFLICT DO
//! NOTHING), so concurrent watchers flag a missing count exactly once.

use crate::delta::ListMode;
use crate::schema::{
    serial_units, stock_count_anomalies, stock_counts, stock_levels, stock_locations,
    stock_minimums,
};
use crate::{DbConnection, StoreError, VersionedWrite};
use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use diesel::prelude::*;
use kefu_inventory::catalogue::{LocationKind, UnitStatus};
use kefu_inventory::counts::{AnomalyKind, CountKind};

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable)]
#[diesel(table_name = stock_minimums)]
pub struct MinimumRow {
    pub id: String,
    pub part_id: String,
    pub location_id: String,
    pub min_quantity: i64,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub version: i64,
    pub deleted_at: Option<NaiveDateTime>,
}

pub fn insert_minimum(conn: &mut DbConnection, row: &MinimumRow) -> Result<(), StoreError> {
    diesel::insert_into(stock_minimums::table)
        .values(row.clone())
        .execute(conn)?;
    Ok(())
}

pub fn find_minimum(conn: &mut DbConnection, id: &str) -> Result<Option<MinimumRow>, StoreError> {
    Ok(stock_minimums::table
        .find(id)
        .select(MinimumRow::as_select())
        .first(conn)
        .optional()?)
}

#[derive(Debug, Clone, Default, AsChangeset)]
#[diesel(table_name = stock_minimums)]
pub struct MinimumChanges {
    pub min_quantity: Option<i64>,
}

pub fn update_minimum(
    conn: &mut DbConnection,
    id: &str,
    expected: i64,
    changes: &MinimumChanges,
    now: DateTime<Utc>,
) -> Result<VersionedWrite, StoreError> {
    crate::versioned_update!(conn, stock_minimums, id, expected, changes, now)
}

#[derive(Debug, Clone, Default)]
pub struct MinimumFilter {
    pub part_id: Option<String>,
    pub location_id: Option<String>,
}

pub fn list_minimums(
    conn: &mut DbConnection,
    filter: &MinimumFilter,
    mode: &ListMode,
    limit: i64,
) -> Result<Vec<MinimumRow>, StoreError> {
    let mut query = stock_minimums::table
        .select(MinimumRow::as_select())
        .into_boxed();
    if let Some(v) = &filter.part_id {
        query = query.filter(stock_minimums::part_id.eq(v.clone()));
    }
    if let Some(v) = &filter.location_id {
        query = query.filter(stock_minimums::location_id.eq(v.clone()));
    }
    let query = crate::apply_list_mode!(query, stock_minimums, mode);
    Ok(query.limit(limit).load(conn)?)
}

/// The live minimums set at `location_id`, as (part, minimum).
pub fn minimums_at(
    conn: &mut DbConnection,
    location_id: &str,
) -> Result<Vec<(String, i64)>, StoreError> {
    Ok(stock_minimums::table
        .filter(stock_minimums::location_id.eq(location_id))
        .filter(stock_minimums::deleted_at.is_null())
        .select((stock_minimums::part_id, stock_minimums::min_quantity))
        .load(conn)?)
}

/// The stock levels at `location_id`, as (part, quantity).
pub fn levels_at(
    conn: &mut DbConnection,
    location_id: &str,
) -> Result<Vec<(String, i64)>, StoreError> {
    Ok(stock_levels::table
        .filter(stock_levels::location_id.eq(location_id))
        .select((stock_levels::part_id, stock_levels::quantity))
        .load(conn)?)
}

/// The serialised units in stock at `location_id`, as (part, serial).
pub fn serials_at(
    conn: &mut DbConnection,
    location_id: &str,
) -> Result<Vec<(String, String)>, StoreError> {
    Ok(serial_units::table
        .filter(serial_units::location_id.eq(location_id))
        .filter(serial_units::status.eq(UnitStatus::InStock.as_str()))
        .select((serial_units::part_id, serial_units::serial))
        .load(conn)?)
}

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable)]
#[diesel(table_name = stock_counts)]
pub struct CountRow {
    pub id: String,
    pub location_id: String,
    pub count_day: NaiveDate,
    #[diesel(deserialize_as = String, serialize_as = String)]
    pub kind: CountKind,
    /// JSON array of the counted lines.
    pub lines: String,
    pub note: Option<String>,
    pub counted_by: Option<String>,
    pub anomaly_count: i64,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub version: i64,
    pub deleted_at: Option<NaiveDateTime>,
}

/// A second count of the same location, day and kind breaks the unique key (409).
pub fn insert_count(conn: &mut DbConnection, row: &CountRow) -> Result<(), StoreError> {
    diesel::insert_into(stock_counts::table)
        .values(row.clone())
        .execute(conn)?;
    Ok(())
}

pub fn find_count(conn: &mut DbConnection, id: &str) -> Result<Option<CountRow>, StoreError> {
    Ok(stock_counts::table
        .find(id)
        .select(CountRow::as_select())
        .first(conn)
        .optional()?)
}

#[derive(Debug, Clone, Default)]
pub struct CountFilter {
    pub location_id: Option<String>,
    pub kind: Option<CountKind>,
    pub day_from: Option<NaiveDate>,
    pub day_to: Option<NaiveDate>,
}

pub fn list_counts(
    conn: &mut DbConnection,
    filter: &CountFilter,
    mode: &ListMode,
    limit: i64,
) -> Result<Vec<CountRow>, StoreError> {
    let mut query = stock_counts::table
        .select(CountRow::as_select())
        .into_boxed();
    if let Some(v) = &filter.location_id {
        query = query.filter(stock_counts::location_id.eq(v.clone()));
    }
    if let Some(v) = filter.kind {
        query = query.filter(stock_counts::kind.eq(v.as_str()));
    }
    if let Some(v) = filter.day_from {
        query = query.filter(stock_counts::count_day.ge(v));
    }
    if let Some(v) = filter.day_to {
        query = query.filter(stock_counts::count_day.le(v));
    }
    let query = crate::apply_list_mode!(query, stock_counts, mode);
    Ok(query.limit(limit).load(conn)?)
}

/// The kinds of count taken at `location_id` on `day`.
pub fn kinds_taken(
    conn: &mut DbConnection,
    location_id: &str,
    day: NaiveDate,
) -> Result<Vec<CountKind>, StoreError> {
    let kinds: Vec<String> = stock_counts::table
        .filter(stock_counts::location_id.eq(location_id))
        .filter(stock_counts::count_day.eq(day))
        .filter(stock_counts::deleted_at.is_null())
        .select(stock_counts::kind)
        .load(conn)?;
    Ok(kinds.iter().filter_map(|k| CountKind::parse(k)).collect())
}

/// The live service-centre locations created before `before` (UTC): those a day's count is
/// owed by.
pub fn service_centres(
    conn: &mut DbConnection,
    before: NaiveDateTime,
) -> Result<Vec<String>, StoreError> {
    Ok(stock_locations::table
        .filter(stock_locations::kind.eq(LocationKind::ServiceCentre.as_str()))
        .filter(stock_locations::deleted_at.is_null())
        .filter(stock_locations::created_at.lt(before))
        .order(stock_locations::id.asc())
        .select(stock_locations::id)
        .load(conn)?)
}

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable)]
#[diesel(table_name = stock_count_anomalies)]
pub struct AnomalyRow {
    pub id: String,
    pub occurrence_key: String,
    #[diesel(deserialize_as = String, serialize_as = String)]
    pub kind: AnomalyKind,
    pub count_id: Option<String>,
    pub location_id: String,
    pub count_day: NaiveDate,
    #[diesel(deserialize_as = String, serialize_as = String)]
    pub count_kind: CountKind,
    pub part_id: Option<String>,
    pub expected_quantity: Option<i64>,
    pub counted_quantity: Option<i64>,
    pub damaged_quantity: Option<i64>,
    pub min_quantity: Option<i64>,
    /// JSON array.
    pub missing_serials: String,
    /// JSON array.
    pub unexpected_serials: String,
    /// JSON array.
    pub damaged_serials: String,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub deleted_at: Option<NaiveDateTime>,
}

/// Records `row` unless its occurrence is recorded already; true when this call recorded it.
pub fn insert_anomaly_once(conn: &mut DbConnection, row: &AnomalyRow) -> Result<bool, StoreError> {
    let insert = diesel::insert_into(stock_count_anomalies::table)
        .values(row.clone())
        .on_conflict(stock_count_anomalies::occurrence_key)
        .do_nothing();
    // Upserts are backend SQL: each connection runs its own dialect of the same statement.
    let written = match conn {
        DbConnection::Pg(c) => insert.execute(c)?,
        DbConnection::Sqlite(c) => insert.execute(c)?,
    };
    Ok(written == 1)
}

pub fn find_anomalies(
    conn: &mut DbConnection,
    ids: &[String],
) -> Result<Vec<AnomalyRow>, StoreError> {
    Ok(stock_count_anomalies::table
        .filter(stock_count_anomalies::id.eq_any(ids))
        .order(stock_count_anomalies::id.asc())
        .select(AnomalyRow::as_select())
        .load(conn)?)
}

#[derive(Debug, Clone, Default)]
pub struct AnomalyFilter {
    pub kind: Option<AnomalyKind>,
    pub count_id: Option<String>,
    pub location_id: Option<String>,
    pub part_id: Option<String>,
    pub day_from: Option<NaiveDate>,
    pub day_to: Option<NaiveDate>,
}

pub fn list_anomalies(
    conn: &mut DbConnection,
    filter: &AnomalyFilter,
    mode: &ListMode,
    limit: i64,
) -> Result<Vec<AnomalyRow>, StoreError> {
    let mut query = stock_count_anomalies::table
        .select(AnomalyRow::as_select())
        .into_boxed();
    if let Some(v) = filter.kind {
        query = query.filter(stock_count_anomalies::kind.eq(v.as_str()));
    }
    if let Some(v) = &filter.count_id {
        query = query.filter(stock_count_anomalies::count_id.eq(v.clone()));
    }
    if let Some(v) = &filter.location_id {
        query = query.filter(stock_count_anomalies::location_id.eq(v.clone()));
    }
    if let Some(v) = &filter.part_id {
        query = query.filter(stock_count_anomalies::part_id.eq(v.clone()));
    }
    if let Some(v) = filter.day_from {
        query = query.filter(stock_count_anomalies::count_day.ge(v));
    }
    if let Some(v) = filter.day_to {
        query = query.filter(stock_count_anomalies::count_day.le(v));
    }
    let query = crate::apply_list_mode!(query, stock_count_anomalies, mode);
    Ok(query.limit(limit).load(conn)?)
}
