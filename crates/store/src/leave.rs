//! HR-A3: leave requests, their status written by conditional updates, and the approved
//! leave days a month's attendance summary reads.

use crate::delta::ListMode;
use crate::schema::leave_requests;
use crate::{DbConnection, StoreError, VersionedWrite};
use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use diesel::prelude::*;

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable)]
#[diesel(table_name = leave_requests)]
pub struct LeaveRow {
    pub id: String,
    pub user_id: String,
    pub kind: String,
    pub start_date: NaiveDate,
    pub end_date: NaiveDate,
    pub working_days: i64,
    pub reason: String,
    pub status: String,
    pub manager_decided_by: Option<String>,
    pub manager_decided_at: Option<NaiveDateTime>,
    pub hr_decided_by: Option<String>,
    pub hr_decided_at: Option<NaiveDateTime>,
    pub decision_note: Option<String>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub version: i64,
    pub deleted_at: Option<NaiveDateTime>,
}

pub fn insert(conn: &mut DbConnection, row: &LeaveRow) -> Result<(), StoreError> {
    diesel::insert_into(leave_requests::table)
        .values(row.clone())
        .execute(conn)?;
    Ok(())
}

pub fn find(conn: &mut DbConnection, id: &str) -> Result<Option<LeaveRow>, StoreError> {
    Ok(leave_requests::table
        .find(id)
        .select(LeaveRow::as_select())
        .first(conn)
        .optional()?)
}

#[derive(Debug, Clone, Default, AsChangeset)]
#[diesel(table_name = leave_requests)]
pub struct LeaveChanges {
    pub status: Option<String>,
    pub manager_decided_by: Option<Option<String>>,
    pub manager_decided_at: Option<Option<NaiveDateTime>>,
    pub hr_decided_by: Option<Option<String>>,
    pub hr_decided_at: Option<Option<NaiveDateTime>>,
    pub decision_note: Option<Option<String>>,
}

pub fn update(
    conn: &mut DbConnection,
    id: &str,
    expected: i64,
    changes: &LeaveChanges,
    now: DateTime<Utc>,
) -> Result<VersionedWrite, StoreError> {
    crate::versioned_update!(conn, leave_requests, id, expected, changes, now)
}

/// Which requests a list shows: `user_ids` limits them to those people (privacy), `None` is
/// everyone's.
#[derive(Debug, Clone, Default)]
pub struct LeaveFilter {
    pub user_ids: Option<Vec<String>>,
    pub status: Option<String>,
}

pub fn list(
    conn: &mut DbConnection,
    filter: &LeaveFilter,
    mode: &ListMode,
    limit: i64,
) -> Result<Vec<LeaveRow>, StoreError> {
    let mut query = leave_requests::table
        .select(LeaveRow::as_select())
        .into_boxed();
    if let Some(ids) = &filter.user_ids {
        query = query.filter(leave_requests::user_id.eq_any(ids.clone()));
    }
    if let Some(status) = &filter.status {
        query = query.filter(leave_requests::status.eq(status.clone()));
    }
    let query = crate::apply_list_mode!(query, leave_requests, mode);
    Ok(query.limit(limit).load(conn)?)
}

/// `user_id`'s live requests in `statuses` overlapping `[from, to]`.
pub fn overlapping(
    conn: &mut DbConnection,
    user_id: &str,
    from: NaiveDate,
    to: NaiveDate,
    statuses: &[&str],
) -> Result<Vec<LeaveRow>, StoreError> {
    let statuses: Vec<String> = statuses.iter().map(|s| (*s).to_owned()).collect();
    Ok(leave_requests::table
        .filter(leave_requests::user_id.eq(user_id))
        .filter(leave_requests::start_date.le(to))
        .filter(leave_requests::end_date.ge(from))
        .filter(leave_requests::status.eq_any(statuses))
        .filter(leave_requests::deleted_at.is_null())
        .select(LeaveRow::as_select())
        .order(leave_requests::start_date.asc())
        .load(conn)?)
}
