//! HR-T1: probations and their confirmation approvals, written by conditional updates.

use crate::delta::ListMode;
use crate::schema::probations;
use crate::{DbConnection, StoreError, VersionedWrite};
use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use diesel::prelude::*;

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable)]
#[diesel(table_name = probations)]
pub struct ProbationRow {
    pub id: String,
    pub user_id: String,
    pub department: Option<String>,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub status: String,
    pub manager_approved_by: Option<String>,
    pub manager_approved_at: Option<NaiveDateTime>,
    pub executive_approved_by: Option<String>,
    pub executive_approved_at: Option<NaiveDateTime>,
    pub gm_approved_by: Option<String>,
    pub gm_approved_at: Option<NaiveDateTime>,
    pub opened_by: String,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub version: i64,
    pub deleted_at: Option<NaiveDateTime>,
    /// HR-T1 特批: why the confirmation was approved before the probation's last day.
    pub early_reason: Option<String>,
}

pub fn insert(conn: &mut DbConnection, row: &ProbationRow) -> Result<(), StoreError> {
    diesel::insert_into(probations::table)
        .values(row.clone())
        .execute(conn)?;
    Ok(())
}

pub fn find(conn: &mut DbConnection, id: &str) -> Result<Option<ProbationRow>, StoreError> {
    Ok(probations::table
        .find(id)
        .select(ProbationRow::as_select())
        .first(conn)
        .optional()?)
}

#[derive(Debug, Clone, Default, AsChangeset)]
#[diesel(table_name = probations)]
pub struct ProbationChanges {
    pub status: Option<String>,
    pub manager_approved_by: Option<Option<String>>,
    pub manager_approved_at: Option<Option<NaiveDateTime>>,
    pub executive_approved_by: Option<Option<String>>,
    pub executive_approved_at: Option<Option<NaiveDateTime>>,
    pub gm_approved_by: Option<Option<String>>,
    pub gm_approved_at: Option<Option<NaiveDateTime>>,
    pub early_reason: Option<Option<String>>,
}

pub fn update(
    conn: &mut DbConnection,
    id: &str,
    expected: i64,
    changes: &ProbationChanges,
    now: DateTime<Utc>,
) -> Result<VersionedWrite, StoreError> {
    crate::versioned_update!(conn, probations, id, expected, changes, now)
}

/// Which probations a list shows: `user_ids` limits them to those people (privacy), `None`
/// is everyone's.
#[derive(Debug, Clone, Default)]
pub struct ProbationFilter {
    pub user_ids: Option<Vec<String>>,
    pub status: Option<String>,
}

pub fn list(
    conn: &mut DbConnection,
    filter: &ProbationFilter,
    mode: &ListMode,
    limit: i64,
) -> Result<Vec<ProbationRow>, StoreError> {
    let mut query = probations::table
        .select(ProbationRow::as_select())
        .into_boxed();
    if let Some(ids) = &filter.user_ids {
        query = query.filter(probations::user_id.eq_any(ids.clone()));
    }
    if let Some(status) = &filter.status {
        query = query.filter(probations::status.eq(status.clone()));
    }
    let query = crate::apply_list_mode!(query, probations, mode);
    Ok(query.limit(limit).load(conn)?)
}
