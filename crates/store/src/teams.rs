//! Teams and their supervisors (ORG-2). A deleted team keeps its row with `deleted_at` set.

pub use crate::VersionedWrite;
use crate::schema::{employees, teams};
use crate::{DbConnection, StoreError, to_db_time};
use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable)]
#[diesel(table_name = teams)]
pub struct TeamRow {
    pub id: String,
    pub name: String,
    pub supervisor_user_id: Option<String>,
    pub station_city: Option<String>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub version: i64,
    pub deleted_at: Option<NaiveDateTime>,
}

pub fn insert(conn: &mut DbConnection, row: &TeamRow) -> Result<(), StoreError> {
    diesel::insert_into(teams::table)
        .values(row)
        .execute(conn)?;
    Ok(())
}

/// The team, deleted or not.
pub fn find(conn: &mut DbConnection, id: &str) -> Result<Option<TeamRow>, StoreError> {
    Ok(teams::table
        .find(id)
        .select(TeamRow::as_select())
        .first(conn)
        .optional()?)
}

/// The live team with this name (a deleted team's name is free for a new one).
pub fn find_by_name(conn: &mut DbConnection, name: &str) -> Result<Option<TeamRow>, StoreError> {
    Ok(teams::table
        .filter(teams::name.eq(name))
        .filter(teams::deleted_at.is_null())
        .select(TeamRow::as_select())
        .first(conn)
        .optional()?)
}

/// One page of teams that are not deleted, in id order, after `after_id`; `q` matches a
/// substring of the name.
pub fn list(
    conn: &mut DbConnection,
    q: Option<&str>,
    after_id: Option<&str>,
    limit: i64,
) -> Result<Vec<TeamRow>, StoreError> {
    let mut query = teams::table
        .select(TeamRow::as_select())
        .filter(teams::deleted_at.is_null())
        .into_boxed();
    if let Some(q) = q {
        let pattern = format!("%{}%", crate::users::escape_like(q));
        query = query.filter(teams::name.like(pattern).escape('\\'));
    }
    if let Some(after) = after_id {
        query = query.filter(teams::id.gt(after.to_owned()));
    }
    Ok(query.order(teams::id.asc()).limit(limit).load(conn)?)
}

/// Employees (not deleted) in the team.
pub fn count_members(conn: &mut DbConnection, team_id: &str) -> Result<i64, StoreError> {
    Ok(employees::table
        .filter(employees::team_id.eq(team_id))
        .filter(employees::deleted_at.is_null())
        .count()
        .get_result(conn)?)
}

/// Fields to change; `None` leaves a field as it is.
#[derive(Debug, Clone, Default, AsChangeset)]
#[diesel(table_name = teams)]
pub struct TeamChanges {
    pub name: Option<String>,
    pub supervisor_user_id: Option<Option<String>>,
    pub station_city: Option<Option<String>>,
    pub deleted_at: Option<Option<NaiveDateTime>>,
}

/// Applies `changes` if the team is not deleted and its version is `expected_version`,
/// bumping the version.
pub fn update(
    conn: &mut DbConnection,
    id: &str,
    expected_version: i64,
    changes: &TeamChanges,
    now: DateTime<Utc>,
) -> Result<VersionedWrite, StoreError> {
    let written = diesel::update(
        teams::table
            .filter(teams::id.eq(id))
            .filter(teams::deleted_at.is_null())
            .filter(teams::version.eq(expected_version)),
    )
    .set((
        changes,
        teams::version.eq(teams::version + 1),
        teams::updated_at.eq(to_db_time(now)),
    ))
    .execute(conn)?;
    if written > 0 {
        return Ok(VersionedWrite::Written);
    }
    let current: Option<(i64, Option<NaiveDateTime>)> = teams::table
        .find(id)
        .select((teams::version, teams::deleted_at))
        .first(conn)
        .optional()?;
    Ok(match current {
        Some((version, None)) => VersionedWrite::Stale(version),
        _ => VersionedWrite::NotFound,
    })
}
