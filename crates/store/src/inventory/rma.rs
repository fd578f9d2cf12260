//! INV-6 RMAs. An RMA changes by versioned updates; a unit leaves for and comes back from its
//! manufacturer by conditional updates on its status (`at_manufacturer`), so a unit is never
//! brought back twice; the overdue flag is set by `WHERE overdue_flagged_at IS NULL`, once.

use super::StockScope;
use crate::delta::ListMode;
use crate::schema::{part_rmas, serial_units};
use crate::{DbConnection, StoreError, VersionedWrite, to_db_time};
use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use diesel::prelude::*;
use kefu_inventory::catalogue::UnitStatus;
use kefu_inventory::rma::RmaStatus;

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable)]
#[diesel(table_name = part_rmas)]
pub struct RmaRow {
    pub id: String,
    pub part_id: String,
    pub serial_unit_id: String,
    pub serial: String,
    pub from_location_id: String,
    pub manufacturer: String,
    pub batch: Option<String>,
    pub fault_reason: String,
    pub sent_on: NaiveDate,
    pub expected_back_on: NaiveDate,
    #[diesel(deserialize_as = String, serialize_as = String)]
    pub status: RmaStatus,
    pub returned_on: Option<NaiveDate>,
    pub to_location_id: Option<String>,
    pub replacement_serial: Option<String>,
    pub replacement_unit_id: Option<String>,
    pub outcome_note: Option<String>,
    pub note: Option<String>,
    pub sent_by: Option<String>,
    pub closed_by: Option<String>,
    pub closed_at: Option<NaiveDateTime>,
    pub overdue_flagged_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub version: i64,
    pub deleted_at: Option<NaiveDateTime>,
}

pub fn insert_rma(conn: &mut DbConnection, row: &RmaRow) -> Result<(), StoreError> {
    diesel::insert_into(part_rmas::table)
        .values(row.clone())
        .execute(conn)?;
    Ok(())
}

pub fn find_rma(conn: &mut DbConnection, id: &str) -> Result<Option<RmaRow>, StoreError> {
    Ok(part_rmas::table
        .find(id)
        .select(RmaRow::as_select())
        .first(conn)
        .optional()?)
}

/// Fields closing an RMA sets.
#[derive(Debug, Clone, Default, AsChangeset)]
#[diesel(table_name = part_rmas)]
pub struct RmaChanges {
    pub status: Option<String>,
    pub returned_on: Option<NaiveDate>,
    pub to_location_id: Option<String>,
    pub replacement_serial: Option<String>,
    pub replacement_unit_id: Option<String>,
    pub outcome_note: Option<String>,
    pub closed_by: Option<String>,
    pub closed_at: Option<NaiveDateTime>,
}

pub fn update_rma(
    conn: &mut DbConnection,
    id: &str,
    expected: i64,
    changes: &RmaChanges,
    now: DateTime<Utc>,
) -> Result<VersionedWrite, StoreError> {
    crate::versioned_update!(conn, part_rmas, id, expected, changes, now)
}

/// Moves unit `id` from its manufacturer to `to` (in stock) or off the books (`written_off`)
/// if it is at its manufacturer; false (nothing written) otherwise.
pub fn unit_back(
    conn: &mut DbConnection,
    id: &str,
    to: Option<&str>,
    now: DateTime<Utc>,
) -> Result<bool, StoreError> {
    let status = if to.is_some() {
        UnitStatus::InStock
    } else {
        UnitStatus::WrittenOff
    };
    let written = diesel::update(
        serial_units::table
            .filter(serial_units::id.eq(id))
            .filter(serial_units::status.eq(UnitStatus::AtManufacturer.as_str())),
    )
    .set((
        serial_units::location_id.eq(to),
        serial_units::status.eq(status.as_str()),
        serial_units::updated_at.eq(to_db_time(now)),
    ))
    .execute(conn)?;
    Ok(written == 1)
}

#[derive(Debug, Clone, Default)]
pub struct RmaFilter {
    pub status: Option<RmaStatus>,
    pub manufacturer: Option<String>,
    pub part_id: Option<String>,
    pub serial: Option<String>,
    /// INV-6: only RMAs still `sent` whose expected day is before this day.
    pub overdue_on: Option<NaiveDate>,
}

/// One page of the RMAs `scope` sees (ORG-5: those sent from its locations).
pub fn list_rmas(
    conn: &mut DbConnection,
    scope: &StockScope,
    filter: &RmaFilter,
    mode: &ListMode,
    limit: i64,
) -> Result<Vec<RmaRow>, StoreError> {
    let mut query = part_rmas::table.select(RmaRow::as_select()).into_boxed();
    if !scope.all {
        query = query.filter(part_rmas::from_location_id.eq_any(scope.location_ids.clone()));
    }
    if let Some(v) = filter.status {
        query = query.filter(part_rmas::status.eq(v.as_str()));
    }
    if let Some(v) = &filter.manufacturer {
        query = query.filter(part_rmas::manufacturer.eq(v.clone()));
    }
    if let Some(v) = &filter.part_id {
        query = query.filter(part_rmas::part_id.eq(v.clone()));
    }
    if let Some(v) = &filter.serial {
        query = query.filter(part_rmas::serial.eq(v.clone()));
    }
    if let Some(day) = filter.overdue_on {
        query = query
            .filter(part_rmas::status.eq(RmaStatus::Sent.as_str()))
            .filter(part_rmas::expected_back_on.lt(day));
    }
    let query = crate::apply_list_mode!(query, part_rmas, mode);
    Ok(query.limit(limit).load(conn)?)
}

/// INV-6: the RMAs still `sent` after their expected day that were never flagged.
pub fn overdue_unflagged(
    conn: &mut DbConnection,
    today: NaiveDate,
) -> Result<Vec<RmaRow>, StoreError> {
    Ok(part_rmas::table
        .filter(part_rmas::status.eq(RmaStatus::Sent.as_str()))
        .filter(part_rmas::expected_back_on.lt(today))
        .filter(part_rmas::overdue_flagged_at.is_null())
        .filter(part_rmas::deleted_at.is_null())
        .order(part_rmas::id.asc())
        .select(RmaRow::as_select())
        .load(conn)?)
}

/// Flags RMA `id` overdue unless it is flagged already or no longer `sent`; true when this
/// call flagged it. One statement: of concurrent watchers one flags.
pub fn flag_overdue(
    conn: &mut DbConnection,
    id: &str,
    now: DateTime<Utc>,
) -> Result<bool, StoreError> {
    let at = to_db_time(now);
    let written = diesel::update(
        part_rmas::table
            .filter(part_rmas::id.eq(id))
            .filter(part_rmas::status.eq(RmaStatus::Sent.as_str()))
            .filter(part_rmas::overdue_flagged_at.is_null()),
    )
    .set((
        part_rmas::overdue_flagged_at.eq(at),
        part_rmas::updated_at.eq(at),
        part_rmas::version.eq(part_rmas::version + 1),
    ))
    .execute(conn)?;
    Ok(written == 1)
}
