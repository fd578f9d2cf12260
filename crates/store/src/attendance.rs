//! HR-A1: attendance days, one per person and date (the unique key refuses a second
//! clock-in), with the clock-out and the excuse written by conditional updates.

use crate::delta::ListMode;
use crate::schema::attendance_days;
use crate::{DbConnection, StoreError, VersionedWrite};
use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use diesel::prelude::*;

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable)]
#[diesel(table_name = attendance_days)]
pub struct AttendanceRow {
    pub id: String,
    pub user_id: String,
    pub work_date: NaiveDate,
    pub clock_in_at: NaiveDateTime,
    pub clock_out_at: Option<NaiveDateTime>,
    pub source: String,
    pub latitude_e6: Option<i64>,
    pub longitude_e6: Option<i64>,
    pub excuse: Option<String>,
    pub excuse_reason: Option<String>,
    pub excused_by: Option<String>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub version: i64,
    pub deleted_at: Option<NaiveDateTime>,
}

pub fn insert(conn: &mut DbConnection, row: &AttendanceRow) -> Result<(), StoreError> {
    diesel::insert_into(attendance_days::table)
        .values(row.clone())
        .execute(conn)?;
    Ok(())
}

pub fn find(conn: &mut DbConnection, id: &str) -> Result<Option<AttendanceRow>, StoreError> {
    Ok(attendance_days::table
        .find(id)
        .select(AttendanceRow::as_select())
        .first(conn)
        .optional()?)
}

pub fn find_day(
    conn: &mut DbConnection,
    user_id: &str,
    day: NaiveDate,
) -> Result<Option<AttendanceRow>, StoreError> {
    Ok(attendance_days::table
        .filter(attendance_days::user_id.eq(user_id))
        .filter(attendance_days::work_date.eq(day))
        .select(AttendanceRow::as_select())
        .first(conn)
        .optional()?)
}

#[derive(Debug, Clone, Default, AsChangeset)]
#[diesel(table_name = attendance_days)]
pub struct AttendanceChanges {
    pub clock_in_at: Option<NaiveDateTime>,
    pub clock_out_at: Option<Option<NaiveDateTime>>,
    pub excuse: Option<Option<String>>,
    pub excuse_reason: Option<Option<String>>,
    pub excused_by: Option<Option<String>>,
}

pub fn update(
    conn: &mut DbConnection,
    id: &str,
    expected: i64,
    changes: &AttendanceChanges,
    now: DateTime<Utc>,
) -> Result<VersionedWrite, StoreError> {
    crate::versioned_update!(conn, attendance_days, id, expected, changes, now)
}

/// Which days a list shows: `user_ids` limits them to those people (ORG-5), `None` is
/// everyone's.
#[derive(Debug, Clone, Default)]
pub struct AttendanceFilter {
    pub user_ids: Option<Vec<String>>,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
}

pub fn list(
    conn: &mut DbConnection,
    filter: &AttendanceFilter,
    mode: &ListMode,
    limit: i64,
) -> Result<Vec<AttendanceRow>, StoreError> {
    let mut query = attendance_days::table
        .select(AttendanceRow::as_select())
        .into_boxed();
    if let Some(ids) = &filter.user_ids {
        query = query.filter(attendance_days::user_id.eq_any(ids.clone()));
    }
    if let Some(from) = filter.from {
        query = query.filter(attendance_days::work_date.ge(from));
    }
    if let Some(to) = filter.to {
        query = query.filter(attendance_days::work_date.le(to));
    }
    let query = crate::apply_list_mode!(query, attendance_days, mode);
    Ok(query.limit(limit).load(conn)?)
}

/// One person's live attendance days in `[from, to]`, by date.
pub fn days_between(
    conn: &mut DbConnection,
    user_id: &str,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<AttendanceRow>, StoreError> {
    Ok(attendance_days::table
        .filter(attendance_days::user_id.eq(user_id))
        .filter(attendance_days::work_date.between(from, to))
        .filter(attendance_days::deleted_at.is_null())
        .select(AttendanceRow::as_select())
        .order(attendance_days::work_date.asc())
        .load(conn)?)
}
