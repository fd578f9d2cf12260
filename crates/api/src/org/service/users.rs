//! ORG-1: users and roles, managed by admins.

use crate::kernel::auth::{password, secrets};
use crate::kernel::command::{Ctx, snapshot};
use crate::kernel::error::ApiError;
use crate::org::dto::users::{CreateUser, UpdateUser, UserKind, UserOut};
use kefu_core::{DisplayName, DomainError, FieldError, Password, Role, Username};
use kefu_store::users::{self, ProfileChanges, UserRecord, UserRow};
use kefu_store::{DbConnection, credentials, new_id, to_db_time};

/// A validated new user, ready to store (passwords are hashed before the transaction: argon2
/// is slow and must not hold the write lock).
pub struct NewUser {
    row: UserRow,
    roles: Vec<Role>,
    pub generated_password: Option<String>,
}

pub fn prepare(input: CreateUser, now: chrono::DateTime<chrono::Utc>) -> Result<NewUser, ApiError> {
    let mut errors: Vec<FieldError> = Vec::new();
    let username = Username::parse(&input.username);
    let display_name = DisplayName::parse(&input.display_name);
    for err in [username.as_ref().err(), display_name.as_ref().err()]
        .into_iter()
        .flatten()
    {
        if let DomainError::Invalid(list) = err {
            errors.extend(list.iter().cloned());
        }
    }
    let kind = input.kind;
    let mut generated_password = None;
    let password_hash = match (kind, input.password) {
        (UserKind::Service, Some(_)) => {
            errors.push(FieldError::new(
                "password",
                "not_allowed",
                "service accounts have no password; they use API keys",
            ));
            None
        }
        (UserKind::Service, None) => None,
        (UserKind::Human, given) => {
            let plain = match given {
                Some(p) => match Password::parse(&p, "password") {
                    Ok(p) => Some(p.expose().to_owned()),
                    Err(DomainError::Invalid(e)) => {
                        errors.extend(e);
                        None
                    }
                    Err(_) => None,
                },
                None => {
                    let p = secrets::generated_password();
                    generated_password = Some(p.clone());
                    Some(p)
                }
            };
            plain
                .map(|p| password::hash(&p).map_err(ApiError::internal))
                .transpose()?
        }
    };
    let (Ok(username), Ok(display_name)) = (username, display_name) else {
        return Err(ApiError::Invalid(errors));
    };
    if !errors.is_empty() {
        return Err(ApiError::Invalid(errors));
    }
    let mut roles = input.roles;
    roles.sort();
    roles.dedup();
    let now = to_db_time(now);
    Ok(NewUser {
        row: UserRow {
            id: new_id(),
            username: username.into_inner(),
            display_name: display_name.into_inner(),
            email: input.email,
            phone: input.phone,
            kind: kind.as_str().to_owned(),
            // A generated password is a temporary one.
            must_change_password: generated_password.is_some(),
            password_hash,
            disabled: false,
            created_at: now,
            updated_at: now,
            version: 1,
            session_version: 0,
            scope_changed_at: None,
        },
        roles,
        generated_password,
    })
}

pub fn create(conn: &mut DbConnection, ctx: &Ctx, new: NewUser) -> Result<UserRecord, ApiError> {
    if users::find_by_username(conn, &new.row.username)?.is_some() {
        return Err(ApiError::duplicate("users_username_key"));
    }
    users::insert(conn, &new.row, &new.roles)?;
    let record = UserRecord {
        row: new.row,
        roles: new.roles,
    };
    ctx.audit(
        conn,
        "user.create",
        ("user", &record.row.id),
        None,
        snapshot(&UserOut::from(&record)),
    )?;
    Ok(record)
}

pub fn get(conn: &mut DbConnection, id: &str) -> Result<UserRecord, ApiError> {
    users::find(conn, id)?.ok_or(ApiError::NotFound)
}

/// Applies a versioned change and audits it; `Stale` becomes 412 with the current version.
fn write(
    conn: &mut DbConnection,
    ctx: &Ctx,
    action: &str,
    before: &UserRecord,
    expected_version: i64,
    changes: &ProfileChanges,
    roles: Option<&[Role]>,
) -> Result<UserRecord, ApiError> {
    crate::kernel::command::written(users::update(
        conn,
        &before.row.id,
        expected_version,
        changes,
        roles,
        ctx.now,
    )?)?;
    let after = get(conn, &before.row.id)?;
    ctx.audit(
        conn,
        action,
        ("user", &after.row.id),
        snapshot(&UserOut::from(before)),
        snapshot(&UserOut::from(&after)),
    )?;
    Ok(after)
}

/// Refuses a change that would leave no enabled admin: nobody could manage users any more.
fn keep_an_admin(conn: &mut DbConnection, user: &UserRecord) -> Result<(), ApiError> {
    if user.roles.contains(&Role::Admin)
        && !user.row.disabled
        && users::count_enabled_with_role_except(conn, Role::Admin, &user.row.id)? == 0
    {
        return Err(ApiError::Conflict(
            "this is the last enabled admin; make another user admin first".to_owned(),
        ));
    }
    Ok(())
}

pub fn update(
    conn: &mut DbConnection,
    ctx: &Ctx,
    id: &str,
    expected_version: i64,
    input: UpdateUser,
) -> Result<UserRecord, ApiError> {
    let before = get(conn, id)?;
    let display_name = input
        .display_name
        .as_deref()
        .map(DisplayName::parse)
        .transpose()?
        .map(DisplayName::into_inner);
    let roles = input.roles.map(|mut roles| {
        roles.sort();
        roles.dedup();
        roles
    });
    if let Some(roles) = &roles
        && !roles.contains(&Role::Admin)
    {
        keep_an_admin(conn, &before)?;
    }
    let changes = ProfileChanges {
        display_name,
        email: input.email,
        phone: input.phone,
        ..ProfileChanges::default()
    };
    write(
        conn,
        ctx,
        "user.update",
        &before,
        expected_version,
        &changes,
        roles.as_deref(),
    )
}

pub fn set_disabled(
    conn: &mut DbConnection,
    ctx: &Ctx,
    id: &str,
    expected_version: i64,
    disabled: bool,
) -> Result<UserRecord, ApiError> {
    let before = get(conn, id)?;
    if disabled {
        keep_an_admin(conn, &before)?;
        credentials::revoke_user_sessions(conn, id, ctx.now)?;
    }
    let changes = ProfileChanges {
        disabled: Some(disabled),
        ..ProfileChanges::default()
    };
    let action = if disabled {
        "user.disable"
    } else {
        "user.enable"
    };
    write(conn, ctx, action, &before, expected_version, &changes, None)
}

/// A password chosen by the caller (checked against the policy) or generated; returns the
/// hash and, when generated, the plain text to show once.
pub fn new_password(
    given: Option<&str>,
    field: &str,
) -> Result<(String, Option<String>), ApiError> {
    let (plain, generated) = match given {
        Some(p) => (Password::parse(p, field)?.expose().to_owned(), None),
        None => {
            let p = secrets::generated_password();
            (p.clone(), Some(p))
        }
    };
    let hash = password::hash(&plain).map_err(ApiError::internal)?;
    Ok((hash, generated))
}

/// Sets a new password hash and ends every session of the user.
pub fn set_password(
    conn: &mut DbConnection,
    ctx: &Ctx,
    id: &str,
    expected_version: Option<i64>,
    hash: String,
    must_change: bool,
    action: &str,
) -> Result<UserRecord, ApiError> {
    let before = get(conn, id)?;
    if before.row.kind == UserKind::Service.as_str() {
        return Err(ApiError::Conflict(
            "service accounts have no password; they use API keys".to_owned(),
        ));
    }
    credentials::revoke_user_sessions(conn, id, ctx.now)?;
    let changes = ProfileChanges {
        password_hash: Some(Some(hash)),
        must_change_password: Some(must_change),
        ..ProfileChanges::default()
    };
    let version = expected_version.unwrap_or(before.row.version);
    write(conn, ctx, action, &before, version, &changes, None)
}
