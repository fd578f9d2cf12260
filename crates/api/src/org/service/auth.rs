//! Login, refresh-token rotation with reuse detection, logout.

use crate::kernel::auth::jwt::JwtKeys;
use crate::kernel::auth::secrets;
use crate::kernel::command::{Ctx, snapshot};
use crate::kernel::error::ApiError;
use crate::org::dto::auth::TokenPair;
use crate::org::dto::users::UserOut;
use chrono::{DateTime, Duration, Utc};
use kefu_store::credentials::{self, RefreshTokenRow};
use kefu_store::throttle::{self, Reservation, ThrottlePolicy};
use kefu_store::users::{self, UserRecord};
use kefu_store::{DbConnection, from_db_time, new_id, to_db_time};

pub fn account_key(username: &str) -> String {
    format!("user:{}", username.trim().to_ascii_lowercase())
}

pub fn ip_key(ip: &str) -> String {
    format!("ip:{ip}")
}

/// Before checking a password: counts the attempt against every key at once (see
/// `throttle::reserve`), or refuses it (429) while any key is locked or full. Refused, nothing
/// is counted: the transaction rolls back. Returns whether this attempt's slot locked a key.
pub fn reserve_attempt(
    conn: &mut DbConnection,
    keys: &[(String, ThrottlePolicy)],
    now: DateTime<Utc>,
) -> Result<bool, ApiError> {
    let mut locks = false;
    let mut until: Option<DateTime<Utc>> = None;
    for (key, policy) in keys {
        match throttle::reserve(conn, key, now, *policy)? {
            Reservation::Reserved { locks: l } => locks |= l,
            Reservation::Locked(t) => until = Some(until.map_or(t, |u| u.max(t))),
        }
    }
    match until {
        Some(t) => Err(ApiError::TooManyRequests {
            retry_after_secs: u64::try_from((t - now).num_seconds().max(1)).unwrap_or(1),
        }),
        None => Ok(locks),
    }
}

/// Gives back the slots of an attempt whose password was never checked (hashing was busy, or
/// the check itself failed): it is no failure of the caller's.
pub fn release_attempt(
    conn: &mut DbConnection,
    keys: &[(String, ThrottlePolicy)],
) -> Result<(), ApiError> {
    for (key, policy) in keys {
        throttle::release(conn, key, *policy)?;
    }
    Ok(())
}

/// Settles a failed login: its reserved slots stay counted; audits it against the account when
/// the username exists (as `auth.locked_out` when its slot locked the account or address).
pub fn record_failure(
    conn: &mut DbConnection,
    ctx: &Ctx,
    locked: bool,
    user: Option<&UserRecord>,
) -> Result<(), ApiError> {
    if let Some(user) = user {
        let action = if locked {
            "auth.locked_out"
        } else {
            "auth.login_failed"
        };
        ctx.audit(conn, action, ("user", &user.row.id), None, None)?;
    }
    Ok(())
}

/// Issues an access token and a refresh token of `family_id` (a new login starts a family).
pub fn issue_tokens(
    conn: &mut DbConnection,
    jwt: &JwtKeys,
    refresh_ttl: Duration,
    user: &UserRecord,
    family_id: &str,
    now: DateTime<Utc>,
) -> Result<TokenPair, ApiError> {
    issue_tokens_as(conn, jwt, refresh_ttl, user, family_id, &new_id(), now)
}

/// [`issue_tokens`] with the new refresh token's row id chosen by the caller.
fn issue_tokens_as(
    conn: &mut DbConnection,
    jwt: &JwtKeys,
    refresh_ttl: Duration,
    user: &UserRecord,
    family_id: &str,
    token_id: &str,
    now: DateTime<Utc>,
) -> Result<TokenPair, ApiError> {
    let refresh_token = secrets::random_token();
    credentials::insert_refresh_token(
        conn,
        &RefreshTokenRow {
            id: token_id.to_owned(),
            user_id: user.row.id.clone(),
            family_id: family_id.to_owned(),
            token_hash: secrets::sha256_hex(&refresh_token),
            created_at: to_db_time(now),
            expires_at: to_db_time(now + refresh_ttl),
            used_at: None,
            revoked_at: None,
            successor_id: None,
            successor_sealed: None,
            grace_used_at: None,
        },
    )?;
    let access_token = jwt
        .issue(&user.row.id, &user.roles, user.row.session_version, now)
        .map_err(ApiError::internal)?;
    Ok(TokenPair {
        access_token,
        token_type: "Bearer".to_owned(),
        expires_in: jwt.ttl_secs(),
        refresh_token,
        refresh_expires_in: refresh_ttl.num_seconds(),
        user: UserOut::from(user),
    })
}

pub fn login_succeeded(
    conn: &mut DbConnection,
    ctx: &Ctx,
    jwt: &JwtKeys,
    refresh_ttl: Duration,
    user: &UserRecord,
    keys: &[(String, ThrottlePolicy)],
) -> Result<TokenPair, ApiError> {
    // The account's earlier failures are forgotten, as before; the other keys (the address)
    // only get this attempt's slot back, so a success cannot wipe others' failures.
    let account = account_key(&user.row.username);
    for (key, policy) in keys {
        if *key == account {
            throttle::clear(conn, key)?;
        } else {
            throttle::release(conn, key, *policy)?;
        }
    }
    let pair = issue_tokens(conn, jwt, refresh_ttl, user, &new_id(), ctx.now)?;
    ctx.audit(conn, "auth.login", ("user", &user.row.id), None, None)?;
    Ok(pair)
}

/// The result of a refresh; a rejection is returned (not raised) so that what it wrote —
/// the revoked family of a replayed token — commits.
pub enum Refreshed {
    Issued(Box<TokenPair>),
    Rejected(&'static str),
}

pub fn refresh(
    conn: &mut DbConnection,
    ctx: &Ctx,
    jwt: &JwtKeys,
    (refresh_ttl, grace): (Duration, Duration),
    presented: &str,
) -> Result<Refreshed, ApiError> {
    let Some(token) = credentials::find_refresh_token(conn, &secrets::sha256_hex(presented))?
    else {
        return Ok(Refreshed::Rejected("invalid_refresh_token"));
    };
    if token.revoked_at.is_some() || from_db_time(token.expires_at) <= ctx.now {
        return Ok(Refreshed::Rejected("invalid_refresh_token"));
    }
    if !credentials::spend_refresh_token(conn, &token.id, ctx.now)? {
        if let Some(pair) = retried_within_grace(conn, ctx, jwt, grace, &token, presented)? {
            return Ok(Refreshed::Issued(Box::new(pair)));
        }
        // A spent token presented again: someone holds a copy. End the whole login.
        credentials::revoke_family(conn, &token.family_id, ctx.now)?;
        ctx.audit(
            conn,
            "auth.refresh_token_reused",
            ("user", &token.user_id),
            None,
            Some(serde_json::json!({ "family_id": token.family_id })),
        )?;
        return Ok(Refreshed::Rejected("refresh_token_reused"));
    }
    let Some(user) = users::find(conn, &token.user_id)? else {
        return Ok(Refreshed::Rejected("invalid_refresh_token"));
    };
    if user.row.disabled {
        return Ok(Refreshed::Rejected("account_disabled"));
    }
    let successor_id = new_id();
    let pair = issue_tokens_as(
        conn,
        jwt,
        refresh_ttl,
        &user,
        &token.family_id,
        &successor_id,
        ctx.now,
    )?;
    if let Some(sealed) = secrets::seal_successor(presented, &pair.refresh_token) {
        credentials::record_successor(conn, &token.id, &successor_id, &sealed)?;
    }
    Ok(Refreshed::Issued(Box::new(pair)))
}

/// A refresh whose response was lost is retried with the token it spent. Within `grace` of
/// the spending, once, and while the successor is still unused, the retry gets that same
/// successor (with a fresh access token) and the login goes on; otherwise `None`, and the
/// caller treats the replay as theft.
fn retried_within_grace(
    conn: &mut DbConnection,
    ctx: &Ctx,
    jwt: &JwtKeys,
    grace: Duration,
    spent: &RefreshTokenRow,
    presented: &str,
) -> Result<Option<TokenPair>, ApiError> {
    let (Some(successor_id), Some(sealed)) = (&spent.successor_id, &spent.successor_sealed) else {
        return Ok(None);
    };
    let Some(successor) = credentials::find_refresh_token_by_id(conn, successor_id)? else {
        return Ok(None);
    };
    let unused = successor.used_at.is_none() && successor.revoked_at.is_none();
    if !unused || from_db_time(successor.expires_at) <= ctx.now {
        return Ok(None);
    }
    let Some(refresh_token) = secrets::open_successor(presented, sealed)
        .filter(|t| secrets::sha256_hex(t) == successor.token_hash)
    else {
        return Ok(None);
    };
    let Some(user) = users::find(conn, &spent.user_id)?.filter(|u| !u.row.disabled) else {
        return Ok(None);
    };
    if !credentials::claim_grace(conn, &spent.id, ctx.now - grace, ctx.now)? {
        return Ok(None);
    }
    let access_token = jwt
        .issue(&user.row.id, &user.roles, user.row.session_version, ctx.now)
        .map_err(ApiError::internal)?;
    ctx.audit(
        conn,
        "auth.refresh_retried",
        ("user", &user.row.id),
        None,
        Some(serde_json::json!({ "family_id": spent.family_id })),
    )?;
    Ok(Some(TokenPair {
        access_token,
        token_type: "Bearer".to_owned(),
        expires_in: jwt.ttl_secs(),
        refresh_token,
        refresh_expires_in: (from_db_time(successor.expires_at) - ctx.now).num_seconds(),
        user: UserOut::from(&user),
    }))
}

/// Ends the login the refresh token belongs to. Unknown tokens are ignored: logging out twice
/// is not an error.
pub fn logout(conn: &mut DbConnection, ctx: &Ctx, presented: &str) -> Result<(), ApiError> {
    if let Some(token) = credentials::find_refresh_token(conn, &secrets::sha256_hex(presented))? {
        let revoked = credentials::revoke_family(conn, &token.family_id, ctx.now)?;
        if revoked > 0 {
            ctx.audit(
                conn,
                "auth.logout",
                ("user", &token.user_id),
                None,
                snapshot(&serde_json::json!({ "family_id": token.family_id })),
            )?;
        }
    }
    Ok(())
}
