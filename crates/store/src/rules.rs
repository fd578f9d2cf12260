//! Rule sets and their dated versions. Values are stored as JSON text; their types and
//! validation belong to the domain crates.

use crate::schema::{rule_sets, rule_versions};
use crate::{DbConnection, StoreError, VersionedWrite, to_db_time};
use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use diesel::prelude::*;

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable)]
#[diesel(table_name = rule_versions)]
pub struct RuleVersionRow {
    pub rule_key: String,
    pub effective_from: NaiveDate,
    pub value_json: String,
    pub note: Option<String>,
    pub created_at: NaiveDateTime,
    pub created_by: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct RuleSetRecord {
    pub key: String,
    pub version: i64,
    pub updated_at: NaiveDateTime,
    /// Oldest first.
    pub versions: Vec<RuleVersionRow>,
}

/// The effective date of seeded defaults: before any month the system will compute.
pub fn seed_date() -> NaiveDate {
    NaiveDate::from_ymd_opt(2000, 1, 1).unwrap_or_default()
}

/// Creates the set with `defaults_json` in force from [`seed_date`] unless it exists;
/// returns whether it was created.
pub fn seed(
    conn: &mut DbConnection,
    key: &str,
    defaults_json: &str,
    now: DateTime<Utc>,
) -> Result<bool, StoreError> {
    let exists = rule_sets::table.find(key).count().get_result::<i64>(conn)? > 0;
    if exists {
        return Ok(false);
    }
    diesel::insert_into(rule_sets::table)
        .values((
            rule_sets::rule_key.eq(key),
            rule_sets::version.eq(1),
            rule_sets::updated_at.eq(to_db_time(now)),
        ))
        .execute(conn)?;
    diesel::insert_into(rule_versions::table)
        .values(&RuleVersionRow {
            rule_key: key.to_owned(),
            effective_from: seed_date(),
            value_json: defaults_json.to_owned(),
            note: Some("domain.md default".to_owned()),
            created_at: to_db_time(now),
            created_by: None,
        })
        .execute(conn)?;
    Ok(true)
}

pub fn find(conn: &mut DbConnection, key: &str) -> Result<Option<RuleSetRecord>, StoreError> {
    let head: Option<(i64, NaiveDateTime)> = rule_sets::table
        .find(key)
        .select((rule_sets::version, rule_sets::updated_at))
        .first(conn)
        .optional()?;
    let Some((version, updated_at)) = head else {
        return Ok(None);
    };
    let versions = rule_versions::table
        .filter(rule_versions::rule_key.eq(key))
        .order(rule_versions::effective_from.asc())
        .select(RuleVersionRow::as_select())
        .load(conn)?;
    Ok(Some(RuleSetRecord {
        key: key.to_owned(),
        version,
        updated_at,
        versions,
    }))
}

/// Bumps the set's version if it is `expected_version` (the guard of every change).
fn claim(
    conn: &mut DbConnection,
    key: &str,
    expected_version: i64,
    now: DateTime<Utc>,
) -> Result<VersionedWrite, StoreError> {
    let n = diesel::update(
        rule_sets::table
            .filter(rule_sets::rule_key.eq(key))
            .filter(rule_sets::version.eq(expected_version)),
    )
    .set((
        rule_sets::version.eq(rule_sets::version + 1),
        rule_sets::updated_at.eq(to_db_time(now)),
    ))
    .execute(conn)?;
    if n == 1 {
        return Ok(VersionedWrite::Written);
    }
    let current: Option<i64> = rule_sets::table
        .find(key)
        .select(rule_sets::version)
        .first(conn)
        .optional()?;
    Ok(current.map_or(VersionedWrite::NotFound, VersionedWrite::Stale))
}

/// Sets (adds or replaces) the version in force from `row.effective_from`.
pub fn put_version(
    conn: &mut DbConnection,
    expected_version: i64,
    row: &RuleVersionRow,
    now: DateTime<Utc>,
) -> Result<VersionedWrite, StoreError> {
    let claimed = claim(conn, &row.rule_key, expected_version, now)?;
    if claimed != VersionedWrite::Written {
        return Ok(claimed);
    }
    diesel::delete(rule_versions::table.find((&row.rule_key, row.effective_from))).execute(conn)?;
    diesel::insert_into(rule_versions::table)
        .values(row)
        .execute(conn)?;
    Ok(VersionedWrite::Written)
}

/// Removes the version in force from `effective_from`; `Ok(false)` when there is none.
pub fn delete_version(
    conn: &mut DbConnection,
    key: &str,
    expected_version: i64,
    effective_from: NaiveDate,
    now: DateTime<Utc>,
) -> Result<Result<bool, VersionedWrite>, StoreError> {
    let claimed = claim(conn, key, expected_version, now)?;
    if claimed != VersionedWrite::Written {
        return Ok(Err(claimed));
    }
    let n = diesel::delete(rule_versions::table.find((key, effective_from))).execute(conn)?;
    Ok(Ok(n == 1))
}
