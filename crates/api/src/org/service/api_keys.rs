//! API keys of service accounts: created (shown once), listed, revoked.

use crate::kernel::auth::secrets;
use crate::kernel::command::{Ctx, snapshot};
use crate::kernel::error::ApiError;
use crate::org::dto::api_keys::{ApiKeyOut, CreateApiKey};
use crate::org::dto::users::UserKind;
use kefu_core::FieldError;
use kefu_store::credentials::{self, ApiKeyRow};
use kefu_store::{DbConnection, new_id, to_db_time, users};

pub fn create(
    conn: &mut DbConnection,
    ctx: &Ctx,
    created_by: &str,
    input: CreateApiKey,
) -> Result<(ApiKeyRow, String), ApiError> {
    if input.expires_at.is_some_and(|t| t <= ctx.now) {
        return Err(ApiError::Invalid(vec![FieldError::new(
            "expires_at",
            "range",
            "must be in the future",
        )]));
    }
    let owner = users::find(conn, &input.user_id)?;
    match owner {
        None => {
            return Err(ApiError::Invalid(vec![FieldError::new(
                "user_id",
                "not_found",
                "no such user",
            )]));
        }
        Some(u) if u.row.kind != UserKind::Service.as_str() => {
            return Err(ApiError::Invalid(vec![FieldError::new(
                "user_id",
                "not_allowed",
                "API keys belong to service accounts (kind: service)",
            )]));
        }
        Some(_) => {}
    }
    let key = secrets::new_api_key();
    let row = ApiKeyRow {
        id: new_id(),
        user_id: input.user_id,
        name: input.name,
        prefix: key.chars().take(12).collect(),
        key_hash: secrets::sha256_hex(&key),
        created_by: created_by.to_owned(),
        created_at: to_db_time(ctx.now),
        expires_at: input.expires_at.map(to_db_time),
        last_used_at: None,
        revoked_at: None,
    };
    credentials::insert_api_key(conn, &row)?;
    ctx.audit(
        conn,
        "api_key.create",
        ("api_key", &row.id),
        None,
        snapshot(&ApiKeyOut::from(&row)),
    )?;
    Ok((row, key))
}

pub fn revoke(conn: &mut DbConnection, ctx: &Ctx, id: &str) -> Result<ApiKeyRow, ApiError> {
    let before = credentials::find_api_key(conn, id)?.ok_or(ApiError::NotFound)?;
    if !credentials::revoke_api_key(conn, id, ctx.now)? {
        return Err(ApiError::Conflict(
            "the API key is already revoked".to_owned(),
        ));
    }
    let after = credentials::find_api_key(conn, id)?.ok_or(ApiError::NotFound)?;
    ctx.audit(
        conn,
        "api_key.revoke",
        ("api_key", id),
        snapshot(&ApiKeyOut::from(&before)),
        snapshot(&ApiKeyOut::from(&after)),
    )?;
    Ok(after)
}
