//! Refresh-token families and API keys. Only hashes of secrets are stored.

use crate::schema::{api_keys, refresh_tokens, users};
use crate::{DbConnection, StoreError, to_db_time};
use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable)]
#[diesel(table_name = refresh_tokens)]
pub struct RefreshTokenRow {
    pub id: String,
    pub user_id: String,
    pub family_id: String,
    pub token_hash: String,
    pub created_at: NaiveDateTime,
    pub expires_at: NaiveDateTime,
    pub used_at: Option<NaiveDateTime>,
    pub revoked_at: Option<NaiveDateTime>,
    /// The token issued when this one was spent, and that token sealed with this one (see
    /// the API's `auth::grace`), for a retried refresh whose response was lost.
    pub successor_id: Option<String>,
    pub successor_sealed: Option<String>,
    /// When a retry within the grace window got the successor (once only).
    pub grace_used_at: Option<NaiveDateTime>,
}

pub fn insert_refresh_token(
    conn: &mut DbConnection,
    row: &RefreshTokenRow,
) -> Result<(), StoreError> {
    diesel::insert_into(refresh_tokens::table)
        .values(row)
        .execute(conn)?;
    Ok(())
}

pub fn find_refresh_token(
    conn: &mut DbConnection,
    token_hash: &str,
) -> Result<Option<RefreshTokenRow>, StoreError> {
    Ok(refresh_tokens::table
        .filter(refresh_tokens::token_hash.eq(token_hash))
        .select(RefreshTokenRow::as_select())
        .first(conn)
        .optional()?)
}

/// Marks a token used if nobody used or revoked it before; `false` means it was already
/// spent — a replay, which the caller treats as theft.
pub fn spend_refresh_token(
    conn: &mut DbConnection,
    id: &str,
    now: DateTime<Utc>,
) -> Result<bool, StoreError> {
    let n = diesel::update(
        refresh_tokens::table
            .filter(refresh_tokens::id.eq(id))
            .filter(refresh_tokens::used_at.is_null())
            .filter(refresh_tokens::revoked_at.is_null()),
    )
    .set(refresh_tokens::used_at.eq(Some(to_db_time(now))))
    .execute(conn)?;
    Ok(n == 1)
}

pub fn find_refresh_token_by_id(
    conn: &mut DbConnection,
    id: &str,
) -> Result<Option<RefreshTokenRow>, StoreError> {
    Ok(refresh_tokens::table
        .find(id)
        .select(RefreshTokenRow::as_select())
        .first(conn)
        .optional()?)
}

/// Records the token issued for the spent token `id`, sealed.
pub fn record_successor(
    conn: &mut DbConnection,
    id: &str,
    successor_id: &str,
    sealed: &str,
) -> Result<(), StoreError> {
    diesel::update(refresh_tokens::table.filter(refresh_tokens::id.eq(id)))
        .set((
            refresh_tokens::successor_id.eq(Some(successor_id)),
            refresh_tokens::successor_sealed.eq(Some(sealed)),
        ))
        .execute(conn)?;
    Ok(())
}

/// Claims the one retry of spent token `id` allowed within the grace window (it was spent
/// at or after `spent_since`); `false` when it was claimed, revoked or spent too long ago.
pub fn claim_grace(
    conn: &mut DbConnection,
    id: &str,
    spent_since: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<bool, StoreError> {
    let n = diesel::update(
        refresh_tokens::table
            .filter(refresh_tokens::id.eq(id))
            .filter(refresh_tokens::grace_used_at.is_null())
            .filter(refresh_tokens::revoked_at.is_null())
            .filter(refresh_tokens::used_at.ge(to_db_time(spent_since))),
    )
    .set(refresh_tokens::grace_used_at.eq(Some(to_db_time(now))))
    .execute(conn)?;
    Ok(n == 1)
}

/// Ends one login (logout, a replayed refresh token): its refresh tokens are revoked, and the
/// user's access tokens end with it (see [`end_access_tokens`]).
pub fn revoke_family(
    conn: &mut DbConnection,
    family_id: &str,
    now: DateTime<Utc>,
) -> Result<usize, StoreError> {
    let owners = refresh_tokens::table
        .filter(refresh_tokens::family_id.eq(family_id))
        .select(refresh_tokens::user_id)
        .distinct()
        .load::<String>(conn)?;
    for user_id in &owners {
        end_access_tokens(conn, user_id)?;
    }
    Ok(diesel::update(
        refresh_tokens::table
            .filter(refresh_tokens::family_id.eq(family_id))
            .filter(refresh_tokens::revoked_at.is_null()),
    )
    .set(refresh_tokens::revoked_at.eq(Some(to_db_time(now))))
    .execute(conn)?)
}

/// Ends every session of a user (password change or reset, disabling).
pub fn revoke_user_sessions(
    conn: &mut DbConnection,
    user_id: &str,
    now: DateTime<Utc>,
) -> Result<usize, StoreError> {
    end_access_tokens(conn, user_id)?;
    Ok(diesel::update(
        refresh_tokens::table
            .filter(refresh_tokens::user_id.eq(user_id))
            .filter(refresh_tokens::revoked_at.is_null()),
    )
    .set(refresh_tokens::revoked_at.eq(Some(to_db_time(now))))
    .execute(conn)?)
}

/// Raises the user's session version, so every access token issued so far is refused. Access
/// tokens are not tracked one by one: the user's other logins lose theirs too, and get new
/// ones with their (still valid) refresh tokens.
fn end_access_tokens(conn: &mut DbConnection, user_id: &str) -> Result<(), StoreError> {
    diesel::update(users::table.find(user_id))
        .set(users::session_version.eq(users::session_version + 1))
        .execute(conn)?;
    Ok(())
}

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable)]
#[diesel(table_name = api_keys)]
pub struct ApiKeyRow {
    pub id: String,
    pub user_id: String,
    pub name: String,
    pub prefix: String,
    pub key_hash: String,
    pub created_by: String,
    pub created_at: NaiveDateTime,
    pub expires_at: Option<NaiveDateTime>,
    pub last_used_at: Option<NaiveDateTime>,
    pub revoked_at: Option<NaiveDateTime>,
}

pub fn insert_api_key(conn: &mut DbConnection, row: &ApiKeyRow) -> Result<(), StoreError> {
    diesel::insert_into(api_keys::table)
        .values(row)
        .execute(conn)?;
    Ok(())
}

pub fn find_api_key(conn: &mut DbConnection, id: &str) -> Result<Option<ApiKeyRow>, StoreError> {
    Ok(api_keys::table
        .find(id)
        .select(ApiKeyRow::as_select())
        .first(conn)
        .optional()?)
}

pub fn find_api_key_by_hash(
    conn: &mut DbConnection,
    key_hash: &str,
) -> Result<Option<ApiKeyRow>, StoreError> {
    Ok(api_keys::table
        .filter(api_keys::key_hash.eq(key_hash))
        .select(ApiKeyRow::as_select())
        .first(conn)
        .optional()?)
}

/// One page of keys in id order, optionally of one account.
pub fn list_api_keys(
    conn: &mut DbConnection,
    user_id: Option<&str>,
    after_id: Option<&str>,
    limit: i64,
) -> Result<Vec<ApiKeyRow>, StoreError> {
    let mut query = api_keys::table.select(ApiKeyRow::as_select()).into_boxed();
    if let Some(user_id) = user_id {
        query = query.filter(api_keys::user_id.eq(user_id.to_owned()));
    }
    if let Some(after) = after_id {
        query = query.filter(api_keys::id.gt(after.to_owned()));
    }
    Ok(query.order(api_keys::id.asc()).limit(limit).load(conn)?)
}

/// Revokes a live key; `false` when it was already revoked.
pub fn revoke_api_key(
    conn: &mut DbConnection,
    id: &str,
    now: DateTime<Utc>,
) -> Result<bool, StoreError> {
    let n = diesel::update(
        api_keys::table
            .filter(api_keys::id.eq(id))
            .filter(api_keys::revoked_at.is_null()),
    )
    .set(api_keys::revoked_at.eq(Some(to_db_time(now))))
    .execute(conn)?;
    Ok(n == 1)
}

/// Records use at most once per `granularity`, so a busy script does not turn every read
/// into a write.
pub fn touch_api_key(
    conn: &mut DbConnection,
    id: &str,
    now: DateTime<Utc>,
    granularity: chrono::Duration,
) -> Result<(), StoreError> {
    let stale_before = to_db_time(now - granularity);
    diesel::update(
        api_keys::table.filter(api_keys::id.eq(id)).filter(
            api_keys::last_used_at
                .is_null()
                .or(api_keys::last_used_at.lt(stale_before)),
        ),
    )
    .set(api_keys::last_used_at.eq(Some(to_db_time(now))))
    .execute(conn)?;
    Ok(())
}
