//! Users and their roles (ORG-1).

pub use crate::VersionedWrite;
use crate::schema::{user_roles, users};
use crate::{DbConnection, StoreError, to_db_time};
use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use kefu_core::Role;
use std::collections::BTreeMap;

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable)]
#[diesel(table_name = users)]
pub struct UserRow {
    pub id: String,
    pub username: String,
    pub display_name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub kind: String,
    pub password_hash: Option<String>,
    pub disabled: bool,
    pub must_change_password: bool,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub version: i64,
    /// Raised whenever the user's sessions end (logout, password change, disabling): an access
    /// token issued under an older value is refused.
    pub session_version: i64,
    /// When what the user may see last shrank; a delta sync from before it must start over.
    pub scope_changed_at: Option<NaiveDateTime>,
}

/// A user with the roles they hold, sorted.
#[derive(Debug, Clone, PartialEq)]
pub struct UserRecord {
    pub row: UserRow,
    pub roles: Vec<Role>,
}

pub fn insert(conn: &mut DbConnection, row: &UserRow, roles: &[Role]) -> Result<(), StoreError> {
    diesel::insert_into(users::table)
        .values(row)
        .execute(conn)?;
    insert_roles(conn, &row.id, roles)
}

fn insert_roles(conn: &mut DbConnection, user_id: &str, roles: &[Role]) -> Result<(), StoreError> {
    // One statement per role: batch inserts do not go through diesel's MultiConnection.
    for role in roles {
        diesel::insert_into(user_roles::table)
            .values((
                user_roles::user_id.eq(user_id),
                user_roles::role.eq(role.as_str()),
            ))
            .execute(conn)?;
    }
    Ok(())
}

pub fn count(conn: &mut DbConnection) -> Result<i64, StoreError> {
    Ok(users::table.count().get_result(conn)?)
}

pub fn find(conn: &mut DbConnection, id: &str) -> Result<Option<UserRecord>, StoreError> {
    let row = users::table
        .find(id)
        .select(UserRow::as_select())
        .first(conn)
        .optional()?;
    with_roles(conn, row.into_iter().collect()).map(|mut v| v.pop())
}

pub fn find_by_username(
    conn: &mut DbConnection,
    username: &str,
) -> Result<Option<UserRecord>, StoreError> {
    let row = users::table
        .filter(users::username.eq(username))
        .select(UserRow::as_select())
        .first(conn)
        .optional()?;
    with_roles(conn, row.into_iter().collect()).map(|mut v| v.pop())
}

#[derive(Debug, Clone, Default)]
pub struct UserFilter {
    pub role: Option<Role>,
    pub kind: Option<String>,
    pub disabled: Option<bool>,
    /// Matches username or display name, substring.
    pub q: Option<String>,
}

/// One page in id order (ids are UUIDv7, so this is creation order), after `after_id`.
pub fn list(
    conn: &mut DbConnection,
    filter: &UserFilter,
    after_id: Option<&str>,
    limit: i64,
) -> Result<Vec<UserRecord>, StoreError> {
    let mut query = users::table.select(UserRow::as_select()).into_boxed();
    if let Some(role) = filter.role {
        let holders = user_roles::table
            .filter(user_roles::role.eq(role.as_str()))
            .select(user_roles::user_id);
        query = query.filter(users::id.eq_any(holders));
    }
    if let Some(kind) = &filter.kind {
        query = query.filter(users::kind.eq(kind.clone()));
    }
    if let Some(disabled) = filter.disabled {
        query = query.filter(users::disabled.eq(disabled));
    }
    if let Some(q) = &filter.q {
        let pattern = format!("%{}%", escape_like(q));
        query = query.filter(
            users::username
                .like(pattern.to_lowercase())
                .escape('\\')
                .or(users::display_name.like(pattern).escape('\\')),
        );
    }
    if let Some(after) = after_id {
        query = query.filter(users::id.gt(after.to_owned()));
    }
    let rows = query.order(users::id.asc()).limit(limit).load(conn)?;
    with_roles(conn, rows)
}

pub fn escape_like(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_")
}

fn with_roles(conn: &mut DbConnection, rows: Vec<UserRow>) -> Result<Vec<UserRecord>, StoreError> {
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    let ids: Vec<&str> = rows.iter().map(|r| r.id.as_str()).collect();
    let pairs: Vec<(String, String)> = user_roles::table
        .filter(user_roles::user_id.eq_any(&ids))
        .select((user_roles::user_id, user_roles::role))
        .load(conn)?;
    let mut by_user: BTreeMap<String, Vec<Role>> = BTreeMap::new();
    for (user_id, role) in pairs {
        let role = role
            .parse::<Role>()
            .map_err(|e| StoreError::Corrupt(e.to_string()))?;
        by_user.entry(user_id).or_default().push(role);
    }
    Ok(rows
        .into_iter()
        .map(|row| {
            let mut roles = by_user.remove(&row.id).unwrap_or_default();
            roles.sort();
            UserRecord { row, roles }
        })
        .collect())
}

/// Profile fields an admin may change; `None` leaves a field as it is.
#[derive(Debug, Clone, Default, AsChangeset)]
#[diesel(table_name = users)]
pub struct ProfileChanges {
    pub display_name: Option<String>,
    pub email: Option<Option<String>>,
    pub phone: Option<Option<String>>,
    pub disabled: Option<bool>,
    pub password_hash: Option<Option<String>>,
    pub must_change_password: Option<bool>,
}

/// Applies `changes` (and `roles`, when given) if the stored version is `expected_version`,
/// bumping the version. The conditional UPDATE is the lock: of two concurrent writers with
/// the same version, exactly one wins.
pub fn update(
    conn: &mut DbConnection,
    id: &str,
    expected_version: i64,
    changes: &ProfileChanges,
    roles: Option<&[Role]>,
    now: DateTime<Utc>,
) -> Result<VersionedWrite, StoreError> {
    let written = diesel::update(
        users::table
            .filter(users::id.eq(id))
            .filter(users::version.eq(expected_version)),
    )
    .set((
        changes,
        users::version.eq(users::version + 1),
        users::updated_at.eq(to_db_time(now)),
    ))
    .execute(conn)?;
    if written == 0 {
        let current: Option<i64> = users::table
            .find(id)
            .select(users::version)
            .first(conn)
            .optional()?;
        return Ok(current.map_or(VersionedWrite::NotFound, VersionedWrite::Stale));
    }
    if let Some(roles) = roles {
        let held: Vec<String> = user_roles::table
            .filter(user_roles::user_id.eq(id))
            .select(user_roles::role)
            .load(conn)?;
        // A role taken away can only narrow what the user sees; one added never does.
        if held.iter().any(|r| !roles.iter().any(|n| n.as_str() == r)) {
            mark_scope_changed(conn, &[id.to_owned()], now)?;
        }
        diesel::delete(user_roles::table.filter(user_roles::user_id.eq(id))).execute(conn)?;
        insert_roles(conn, id, roles)?;
    }
    Ok(VersionedWrite::Written)
}

/// Records that what `user_ids` may see shrank at `now` (their delta syncs from before it are
/// answered with a reset). Not a change of the user record: no version or `updated_at` bump.
pub fn mark_scope_changed(
    conn: &mut DbConnection,
    user_ids: &[String],
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    if user_ids.is_empty() {
        return Ok(());
    }
    diesel::update(users::table.filter(users::id.eq_any(user_ids)))
        .set(users::scope_changed_at.eq(Some(to_db_time(now))))
        .execute(conn)?;
    Ok(())
}

/// Enabled users holding `role`, other than `excluding` (guards removing the last admin).
pub fn count_enabled_with_role_except(
    conn: &mut DbConnection,
    role: Role,
    excluding: &str,
) -> Result<i64, StoreError> {
    let holders = user_roles::table
        .filter(user_roles::role.eq(role.as_str()))
        .select(user_roles::user_id);
    Ok(users::table
        .filter(users::id.eq_any(holders))
        .filter(users::disabled.eq(false))
        .filter(users::id.ne(excluding))
        .count()
        .get_result(conn)?)
}

/// The enabled users holding `role`, by id.
pub fn enabled_with_role(conn: &mut DbConnection, role: Role) -> Result<Vec<String>, StoreError> {
    let holders = user_roles::table
        .filter(user_roles::role.eq(role.as_str()))
        .select(user_roles::user_id);
    Ok(users::table
        .filter(users::id.eq_any(holders))
        .filter(users::disabled.eq(false))
        .select(users::id)
        .order(users::id.asc())
        .load(conn)?)
}

/// Whether `user_id` is an enabled user holding one of `roles`.
pub fn is_enabled_with_any_role(
    conn: &mut DbConnection,
    user_id: &str,
    roles: &[Role],
) -> Result<bool, StoreError> {
    let names: Vec<&str> = roles.iter().map(|r| r.as_str()).collect();
    let holders = user_roles::table
        .filter(user_roles::role.eq_any(names))
        .select(user_roles::user_id);
    let n: i64 = users::table
        .filter(users::id.eq(user_id))
        .filter(users::disabled.eq(false))
        .filter(users::id.eq_any(holders))
        .count()
        .get_result(conn)?;
    Ok(n > 0)
}

/// Whether a user with this id exists.
pub fn exists(conn: &mut DbConnection, id: &str) -> Result<bool, StoreError> {
    let n: i64 = users::table
        .filter(users::id.eq(id))
        .count()
        .get_result(conn)?;
    Ok(n > 0)
}
