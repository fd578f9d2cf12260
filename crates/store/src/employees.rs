//! Employees and their employment history (ORG-2). Deleted employees keep their row with
//! `deleted_at` set: the mobile app's delta sync reports them as tombstones.

pub use crate::VersionedWrite;
use crate::delta::ListMode;
use crate::schema::{employees, employment_events};
use crate::visibility::{self, Visible};
use crate::{DbConnection, StoreError, to_db_time};
use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use diesel::prelude::*;

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable)]
#[diesel(table_name = employees)]
pub struct EmployeeRow {
    pub id: String,
    pub user_id: Option<String>,
    pub name: String,
    pub phone: Option<String>,
    pub team_id: Option<String>,
    pub supervisor_user_id: Option<String>,
    pub track: Option<String>,
    pub level: Option<String>,
    pub station_city: Option<String>,
    pub employment_status: String,
    pub status_since: NaiveDate,
    pub base_salary_fen: i64,
    pub phone_allowance_class: Option<String>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub version: i64,
    pub deleted_at: Option<NaiveDateTime>,
}

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable)]
#[diesel(table_name = employment_events)]
pub struct EmploymentEventRow {
    pub id: String,
    pub employee_id: String,
    pub status: String,
    pub effective_on: NaiveDate,
    pub note: Option<String>,
    pub recorded_at: NaiveDateTime,
    pub recorded_by: Option<String>,
}

pub fn insert(conn: &mut DbConnection, row: &EmployeeRow) -> Result<(), StoreError> {
    diesel::insert_into(employees::table)
        .values(row)
        .execute(conn)?;
    Ok(())
}

/// The employee, deleted or not.
pub fn find(conn: &mut DbConnection, id: &str) -> Result<Option<EmployeeRow>, StoreError> {
    Ok(employees::table
        .find(id)
        .select(EmployeeRow::as_select())
        .first(conn)
        .optional()?)
}

/// The employee record (deleted or not) linked to the login `user_id`.
pub fn find_by_user(
    conn: &mut DbConnection,
    user_id: &str,
) -> Result<Option<EmployeeRow>, StoreError> {
    Ok(employees::table
        .filter(employees::user_id.eq(user_id))
        .select(EmployeeRow::as_select())
        .first(conn)
        .optional()?)
}

/// Which employees a list returns, and in which order.
#[derive(Debug, Clone, Default)]
pub struct EmployeeFilter {
    /// ORG-5: `user_ids` are the logins whose own record is visible, `team_ids` the teams
    /// whose members are; `all` lifts the filter.
    pub visible: Visible,
    pub team_id: Option<String>,
    pub employment_status: Option<String>,
    /// Substring of the name.
    pub q: Option<String>,
}

pub fn list(
    conn: &mut DbConnection,
    filter: &EmployeeFilter,
    mode: &ListMode,
    limit: i64,
) -> Result<Vec<EmployeeRow>, StoreError> {
    let mut query = employees::table
        .select(EmployeeRow::as_select())
        .into_boxed();
    if let Some(p) = visibility::employee_visible(&filter.visible) {
        query = query.filter(p);
    }
    if let Some(team_id) = &filter.team_id {
        query = query.filter(employees::team_id.eq(team_id.clone()));
    }
    if let Some(status) = &filter.employment_status {
        query = query.filter(employees::employment_status.eq(status.clone()));
    }
    if let Some(q) = &filter.q {
        let pattern = format!("%{}%", crate::users::escape_like(q));
        query = query.filter(employees::name.like(pattern).escape('\\'));
    }
    let query = crate::apply_list_mode!(query, employees, mode);
    Ok(query.limit(limit).load(conn)?)
}

/// Fields to change; `None` leaves a field as it is, `Some(None)` clears it.
#[derive(Debug, Clone, Default, AsChangeset)]
#[diesel(table_name = employees)]
pub struct EmployeeChanges {
    pub user_id: Option<Option<String>>,
    pub name: Option<String>,
    pub phone: Option<Option<String>>,
    pub team_id: Option<Option<String>>,
    pub supervisor_user_id: Option<Option<String>>,
    pub track: Option<Option<String>>,
    pub level: Option<Option<String>>,
    pub station_city: Option<Option<String>>,
    pub employment_status: Option<String>,
    pub status_since: Option<NaiveDate>,
    pub base_salary_fen: Option<i64>,
    pub phone_allowance_class: Option<Option<String>>,
    pub deleted_at: Option<Option<NaiveDateTime>>,
}

/// Applies `changes` if the employee is not deleted and its version is `expected_version`,
/// bumping the version. The conditional UPDATE is the lock.
pub fn update(
    conn: &mut DbConnection,
    id: &str,
    expected_version: i64,
    changes: &EmployeeChanges,
    now: DateTime<Utc>,
) -> Result<VersionedWrite, StoreError> {
    let written = diesel::update(
        employees::table
            .filter(employees::id.eq(id))
            .filter(employees::deleted_at.is_null())
            .filter(employees::version.eq(expected_version)),
    )
    .set((
        changes,
        employees::version.eq(employees::version + 1),
        employees::updated_at.eq(to_db_time(now)),
    ))
    .execute(conn)?;
    if written > 0 {
        return Ok(VersionedWrite::Written);
    }
    let current: Option<(i64, Option<NaiveDateTime>)> = employees::table
        .find(id)
        .select((employees::version, employees::deleted_at))
        .first(conn)
        .optional()?;
    Ok(match current {
        Some((version, None)) => VersionedWrite::Stale(version),
        _ => VersionedWrite::NotFound,
    })
}

pub fn insert_event(conn: &mut DbConnection, row: &EmploymentEventRow) -> Result<(), StoreError> {
    diesel::insert_into(employment_events::table)
        .values(row)
        .execute(conn)?;
    Ok(())
}

/// The employee's status changes, oldest first (by effective date, then as recorded).
pub fn events(
    conn: &mut DbConnection,
    employee_id: &str,
) -> Result<Vec<EmploymentEventRow>, StoreError> {
    Ok(employment_events::table
        .filter(employment_events::employee_id.eq(employee_id))
        .select(EmploymentEventRow::as_select())
        .order((
            employment_events::effective_on.asc(),
            employment_events::recorded_at.asc(),
            employment_events::id.asc(),
        ))
        .load(conn)?)
}
