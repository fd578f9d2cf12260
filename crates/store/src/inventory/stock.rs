//! INV-1/INV-4: stock levels per part × location, serialised units and the ledger. Stock only
//! changes by conditional UPDATEs (`quantity >= n`, `location_id = expected`) in the
//! transaction that appends the ledger row, never by read-modify-write: of concurrent takers
//! of the last units, the database lets exactly as many through as there are units.

use super::StockScope;
use crate::schema::{serial_units, stock_levels, stock_movements};
use crate::{DbConnection, StoreError, new_id, to_db_time};
use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use kefu_inventory::catalogue::{MovementKind, UnitStatus};

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable)]
#[diesel(table_name = stock_levels)]
pub struct LevelRow {
    pub id: String,
    pub part_id: String,
    pub location_id: String,
    pub quantity: i64,
    pub updated_at: NaiveDateTime,
}

/// Takes `n` of `part_id` out of `location_id` if at least `n` are there; false (nothing
/// written) otherwise. The condition and the write are one statement.
pub fn take(
    conn: &mut DbConnection,
    part_id: &str,
    location_id: &str,
    n: i64,
    now: DateTime<Utc>,
) -> Result<bool, StoreError> {
    let written = diesel::update(
        stock_levels::table
            .filter(stock_levels::part_id.eq(part_id))
            .filter(stock_levels::location_id.eq(location_id))
            .filter(stock_levels::quantity.ge(n)),
    )
    .set((
        stock_levels::quantity.eq(stock_levels::quantity - n),
        stock_levels::updated_at.eq(to_db_time(now)),
    ))
    .execute(conn)?;
    Ok(written == 1)
}

/// Puts `n` of `part_id` into `location_id`: the level row is made at zero when missing (a
/// concurrent maker's row wins the unique key and is then added to), then increased in place.
pub fn put(
    conn: &mut DbConnection,
    part_id: &str,
    location_id: &str,
    n: i64,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let at = to_db_time(now);
    let make = diesel::insert_into(stock_levels::table)
        .values(LevelRow {
            id: new_id(),
            part_id: part_id.to_owned(),
            location_id: location_id.to_owned(),
            quantity: 0,
            updated_at: at,
        })
        .on_conflict((stock_levels::part_id, stock_levels::location_id))
        .do_nothing();
    // Upserts are backend SQL: each connection runs its own dialect of the same statement.
    match conn {
        DbConnection::Pg(c) => make.execute(c)?,
        DbConnection::Sqlite(c) => make.execute(c)?,
    };
    diesel::update(
        stock_levels::table
            .filter(stock_levels::part_id.eq(part_id))
            .filter(stock_levels::location_id.eq(location_id)),
    )
    .set((
        stock_levels::quantity.eq(stock_levels::quantity + n),
        stock_levels::updated_at.eq(at),
    ))
    .execute(conn)?;
    Ok(())
}

#[derive(Debug, Clone, Default)]
pub struct LevelFilter {
    pub part_id: Option<String>,
    pub location_id: Option<String>,
}

/// One page of stock levels `scope` sees, by id after `after_id`.
pub fn list_levels(
    conn: &mut DbConnection,
    scope: &StockScope,
    filter: &LevelFilter,
    after_id: Option<&str>,
    limit: i64,
) -> Result<Vec<LevelRow>, StoreError> {
    let mut query = stock_levels::table
        .select(LevelRow::as_select())
        .into_boxed();
    if !scope.all {
        query = query.filter(stock_levels::location_id.eq_any(scope.location_ids.clone()));
    }
    if let Some(v) = &filter.part_id {
        query = query.filter(stock_levels::part_id.eq(v.clone()));
    }
    if let Some(v) = &filter.location_id {
        query = query.filter(stock_levels::location_id.eq(v.clone()));
    }
    if let Some(after) = after_id {
        query = query.filter(stock_levels::id.gt(after.to_owned()));
    }
    Ok(query
        .order(stock_levels::id.asc())
        .limit(limit)
        .load(conn)?)
}

/// The quantity of `part_id` at `location_id` (0 when never stocked).
pub fn level(conn: &mut DbConnection, part_id: &str, location_id: &str) -> Result<i64, StoreError> {
    Ok(stock_levels::table
        .filter(stock_levels::part_id.eq(part_id))
        .filter(stock_levels::location_id.eq(location_id))
        .select(stock_levels::quantity)
        .first(conn)
        .optional()?
        .unwrap_or(0))
}

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable)]
#[diesel(table_name = serial_units)]
pub struct UnitRow {
    pub id: String,
    pub part_id: String,
    pub serial: String,
    #[diesel(deserialize_as = String, serialize_as = String)]
    pub status: UnitStatus,
    pub location_id: Option<String>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

pub fn insert_unit(conn: &mut DbConnection, row: &UnitRow) -> Result<(), StoreError> {
    diesel::insert_into(serial_units::table)
        .values(row.clone())
        .execute(conn)?;
    Ok(())
}

pub fn find_unit(
    conn: &mut DbConnection,
    part_id: &str,
    serial: &str,
) -> Result<Option<UnitRow>, StoreError> {
    Ok(serial_units::table
        .filter(serial_units::part_id.eq(part_id))
        .filter(serial_units::serial.eq(serial))
        .select(UnitRow::as_select())
        .first(conn)
        .optional()?)
}

/// Moves the unit `id` out of `from` — to `to` in stock, or out of stock with `status` — if it
/// is in stock at `from`; false (nothing written) otherwise. One statement: a unit is never in
/// two places.
pub fn move_unit(
    conn: &mut DbConnection,
    id: &str,
    from: &str,
    to: Option<&str>,
    status: UnitStatus,
    now: DateTime<Utc>,
) -> Result<bool, StoreError> {
    let written = diesel::update(
        serial_units::table
            .filter(serial_units::id.eq(id))
            .filter(serial_units::status.eq(UnitStatus::InStock.as_str()))
            .filter(serial_units::location_id.eq(from)),
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
pub struct UnitFilter {
    pub part_id: Option<String>,
    pub location_id: Option<String>,
    pub status: Option<UnitStatus>,
}

/// One page of the serialised units `scope` sees (out-of-stock units only to those who see
/// all), by id after `after_id`.
pub fn list_units(
    conn: &mut DbConnection,
    scope: &StockScope,
    filter: &UnitFilter,
    after_id: Option<&str>,
    limit: i64,
) -> Result<Vec<UnitRow>, StoreError> {
    let mut query = serial_units::table
        .select(UnitRow::as_select())
        .into_boxed();
    if !scope.all {
        query = query.filter(
            serial_units::location_id
                .assume_not_null()
                .eq_any(scope.location_ids.clone()),
        );
    }
    if let Some(v) = &filter.part_id {
        query = query.filter(serial_units::part_id.eq(v.clone()));
    }
    if let Some(v) = &filter.location_id {
        query = query.filter(serial_units::location_id.eq(v.clone()));
    }
    if let Some(v) = filter.status {
        query = query.filter(serial_units::status.eq(v.as_str()));
    }
    if let Some(after) = after_id {
        query = query.filter(serial_units::id.gt(after.to_owned()));
    }
    Ok(query
        .order(serial_units::id.asc())
        .limit(limit)
        .load(conn)?)
}

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable)]
#[diesel(table_name = stock_movements)]
pub struct MovementRow {
    pub id: String,
    #[diesel(deserialize_as = String, serialize_as = String)]
    pub kind: MovementKind,
    pub part_id: String,
    pub serial_unit_id: Option<String>,
    pub serial: Option<String>,
    pub quantity: i64,
    pub from_location_id: Option<String>,
    pub to_location_id: Option<String>,
    pub note: Option<String>,
    pub actor_id: Option<String>,
    pub created_at: NaiveDateTime,
    /// INV-8, plain issues of a serialised part: the older units passed over (JSON array).
    pub rotation_passed_over: Option<String>,
    /// INV-2: the ticket a `consumption` row used its units on.
    pub ticket_id: Option<String>,
}

pub fn insert_movement(conn: &mut DbConnection, row: &MovementRow) -> Result<(), StoreError> {
    diesel::insert_into(stock_movements::table)
        .values(row.clone())
        .execute(conn)?;
    Ok(())
}

pub fn find_movements(
    conn: &mut DbConnection,
    ids: &[String],
) -> Result<Vec<MovementRow>, StoreError> {
    Ok(stock_movements::table
        .filter(stock_movements::id.eq_any(ids))
        .order(stock_movements::id.asc())
        .select(MovementRow::as_select())
        .load(conn)?)
}

#[derive(Debug, Clone, Default)]
pub struct MovementFilter {
    pub part_id: Option<String>,
    /// Rows into or out of this location.
    pub location_id: Option<String>,
    pub kind: Option<MovementKind>,
}

/// One page of the ledger rows `scope` sees (those into or out of its locations), oldest
/// first: the ledger is append-only, so the id cursor is also its delta sync.
pub fn list_movements(
    conn: &mut DbConnection,
    scope: &StockScope,
    filter: &MovementFilter,
    after_id: Option<&str>,
    limit: i64,
) -> Result<Vec<MovementRow>, StoreError> {
    let mut query = stock_movements::table
        .select(MovementRow::as_select())
        .into_boxed();
    if !scope.all {
        query = query.filter(
            stock_movements::from_location_id
                .assume_not_null()
                .eq_any(scope.location_ids.clone())
                .or(stock_movements::to_location_id
                    .assume_not_null()
                    .eq_any(scope.location_ids.clone())),
        );
    }
    if let Some(v) = &filter.part_id {
        query = query.filter(stock_movements::part_id.eq(v.clone()));
    }
    if let Some(v) = &filter.location_id {
        query = query.filter(
            stock_movements::from_location_id
                .eq(v.clone())
                .or(stock_movements::to_location_id.eq(v.clone())),
        );
    }
    if let Some(v) = filter.kind {
        query = query.filter(stock_movements::kind.eq(v.as_str()));
    }
    if let Some(after) = after_id {
        query = query.filter(stock_movements::id.gt(after.to_owned()));
    }
    Ok(query
        .order(stock_movements::id.asc())
        .limit(limit)
        .load(conn)?)
}

/// One ledger row as INV-9's report reads it: (part, kind, quantity, from, to, recorded at).
pub type LedgerFigures = (
    String,
    String,
    i64,
    Option<String>,
    Option<String>,
    NaiveDateTime,
);

/// Every ledger row recorded before `end` (UTC), touching `location_id` when given.
pub fn ledger_until(
    conn: &mut DbConnection,
    end: NaiveDateTime,
    location_id: Option<&str>,
) -> Result<Vec<LedgerFigures>, StoreError> {
    let mut query = stock_movements::table
        .filter(stock_movements::created_at.lt(end))
        .select((
            stock_movements::part_id,
            stock_movements::kind,
            stock_movements::quantity,
            stock_movements::from_location_id,
            stock_movements::to_location_id,
            stock_movements::created_at,
        ))
        .into_boxed();
    if let Some(l) = location_id {
        query = query.filter(
            stock_movements::from_location_id
                .eq(l.to_owned())
                .or(stock_movements::to_location_id.eq(l.to_owned())),
        );
    }
    Ok(query.order(stock_movements::id.asc()).load(conn)?)
}

/// INV-8: the units of `part_id` in stock that `scope` sees (at `location_id` when given) as
/// (unit id, serial, location, last ledger movement): the ledger's latest row per unit; a
/// unit with no row yet counts from its creation.
pub fn idle_units(
    conn: &mut DbConnection,
    part_id: &str,
    scope: &StockScope,
    location_id: Option<&str>,
) -> Result<Vec<(String, String, String, NaiveDateTime)>, StoreError> {
    let mut query = serial_units::table
        .filter(serial_units::part_id.eq(part_id))
        .filter(serial_units::status.eq(UnitStatus::InStock.as_str()))
        .select((
            serial_units::id,
            serial_units::serial,
            serial_units::location_id.assume_not_null(),
            serial_units::created_at,
        ))
        .into_boxed();
    if !scope.all {
        query = query.filter(
            serial_units::location_id
                .assume_not_null()
                .eq_any(scope.location_ids.clone()),
        );
    }
    if let Some(l) = location_id {
        query = query.filter(serial_units::location_id.eq(l.to_owned()));
    }
    let units: Vec<(String, String, String, NaiveDateTime)> =
        query.order(serial_units::id.asc()).load(conn)?;
    let ids: Vec<String> = units.iter().map(|u| u.0.clone()).collect();
    let last: Vec<(Option<String>, Option<NaiveDateTime>)> = stock_movements::table
        .filter(stock_movements::serial_unit_id.eq_any(ids))
        .group_by(stock_movements::serial_unit_id)
        .select((
            stock_movements::serial_unit_id,
            diesel::dsl::max(stock_movements::created_at),
        ))
        .load(conn)?;
    Ok(units
        .into_iter()
        .map(|(id, serial, location, created)| {
            let moved = last
                .iter()
                .find(|(u, _)| u.as_deref() == Some(id.as_str()))
                .and_then(|(_, at)| *at)
                .unwrap_or(created);
            (id, serial, location, moved)
        })
        .collect())
}
