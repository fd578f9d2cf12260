use crate::kernel::access::Action;
use crate::kernel::auth::Caller;
use crate::kernel::command::Ctx;
use crate::kernel::error::{ApiError, Problem};
use crate::kernel::export::{self, Listed};
use crate::kernel::extract::{IfMatch, ValidJson};
use crate::kernel::page::{Page, decode_cursor, fetch_size, paginate};
use crate::kernel::respond::{created, versioned};
use crate::kernel::state::AppState;
use crate::org::dto::users::{
    CreateUser, CreatedUser, EXPORT, PasswordReset, ResetPassword, UpdateUser, UserOut, UsersQuery,
};
use crate::org::service::users as svc;
use actix_web::http::StatusCode;
use actix_web::{HttpResponse, get, patch, post, web};
use kefu_store::users::{self, UserFilter};
use utoipa_actix_web::service_config::ServiceConfig;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(list_users)
        .service(create_user)
        .service(get_user)
        .service(update_user)
        .service(disable_user)
        .service(enable_user)
        .service(reset_password);
}

/// List users.
///
/// Admins only (ORG-1; 403 for others). `/export` (CSV or XLSX) exports the list.
/// Read-only.
#[utoipa::path(
    tag = "users",
    operation_id = "listUsers",
    params(UsersQuery),
    responses((status = 200, description = "One page of users, oldest first", body = Page<UserOut>))
)]
#[get("/users")]
async fn list_users(
    state: web::Data<AppState>,
    caller: Caller,
    listed: Listed<UsersQuery>,
) -> Result<HttpResponse, ApiError> {
    let data = state.clone();
    export::respond(&data, &EXPORT, listed, move |query| {
        users_page(state.clone(), caller.clone(), query)
    })
    .await
}

/// One page of the list (also what an export reads page by page).
async fn users_page(
    state: web::Data<AppState>,
    caller: Caller,
    query: UsersQuery,
) -> Result<Page<UserOut>, ApiError> {
    caller.require(Action::UserManage)?;
    let (limit, fetch) = fetch_size(query.limit)?;
    let after = decode_cursor(query.cursor.as_deref())?;
    let filter = UserFilter {
        role: query.role,
        kind: query.kind.map(|k| k.as_str().to_owned()),
        disabled: query.disabled,
        q: query
            .q
            .map(|q| q.trim().to_owned())
            .filter(|q| !q.is_empty()),
    };
    let rows = state
        .db(move |conn| Ok(users::list(conn, &filter, after.as_deref(), fetch)?))
        .await?;
    let page = paginate(rows, limit, |u| u.row.id.clone(), |u| UserOut::from(&u));
    Ok(page)
}

/// Create a user (a person or a service account).
///
/// Admins only (ORG-1; 403 for others). A service account has no password (422). 409 when the
/// username is taken. Triggers the audit entry `user.create` (security records are never sent to
/// webhooks); the generated password is left out of an `Idempotency-Key` replay.
#[utoipa::path(
    tag = "users",
    operation_id = "createUser",
    request_body = CreateUser,
    responses(
        (status = 201, description = "Created", body = CreatedUser,
            headers(("Location" = String), ("ETag" = String))),
        (status = 409, description = "Username taken", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/users")]
async fn create_user(
    state: web::Data<AppState>,
    caller: Caller,
    ValidJson(input): ValidJson<CreateUser>,
) -> Result<HttpResponse, ApiError> {
    caller.require(Action::UserManage)?;
    let now = state.clock.now();
    // Hashing the password is bounded with every other hashing (see `HashingLimiter`).
    let new = state
        .password_hashing
        .run(move || svc::prepare(input, now))
        .await??;
    let generated_password = new.generated_password.clone();
    let ctx = Ctx::of(&caller, now);
    let user = state.tx(move |conn| svc::create(conn, &ctx, new)).await?;
    let out = UserOut::from(&user);
    Ok(created(
        format!("/api/v1/users/{}", out.id),
        Some(out.version),
        &CreatedUser {
            user: out,
            generated_password,
        },
    ))
}

/// Get a user.
///
/// The user with roles and its version as `ETag`. Admins only (ORG-1; 403 for others). Read-only.
#[utoipa::path(
    tag = "users",
    operation_id = "getUser",
    params(("id" = String, Path, description = "User id")),
    responses((status = 200, description = "The user", body = UserOut,
        headers(("ETag" = String))))
)]
#[get("/users/{id}")]
async fn get_user(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    caller.require(Action::UserManage)?;
    let id = id.into_inner();
    let user = state.db(move |conn| svc::get(conn, &id)).await?;
    Ok(versioned(
        StatusCode::OK,
        user.row.version,
        &UserOut::from(&user),
    ))
}

/// Change a user's profile or roles.
///
/// Admins only (ORG-1; 403 for others). Needs `If-Match`. 409 when the change would leave no
/// enabled admin. Triggers the audit entry `user.update`.
#[utoipa::path(
    tag = "users",
    operation_id = "updateUser",
    params(("id" = String, Path, description = "User id"), crate::kernel::openapi::IfMatchHeader),
    request_body = UpdateUser,
    responses(
        (status = 200, description = "Updated", body = UserOut, headers(("ETag" = String))),
        (status = 409, description = "Would leave no enabled admin", body = Problem, content_type = "application/problem+json"),
    )
)]
#[patch("/users/{id}")]
async fn update_user(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    IfMatch(version): IfMatch,
    ValidJson(input): ValidJson<UpdateUser>,
) -> Result<HttpResponse, ApiError> {
    caller.require(Action::UserManage)?;
    let ctx = Ctx::of(&caller, state.clock.now());
    let id = id.into_inner();
    let user = state
        .tx(move |conn| svc::update(conn, &ctx, &id, version, input))
        .await?;
    Ok(versioned(
        StatusCode::OK,
        user.row.version,
        &UserOut::from(&user),
    ))
}

async fn set_disabled(
    state: web::Data<AppState>,
    caller: Caller,
    id: String,
    version: i64,
    disabled: bool,
) -> Result<HttpResponse, ApiError> {
    caller.require(Action::UserManage)?;
    let ctx = Ctx::of(&caller, state.clock.now());
    let user = state
        .tx(move |conn| svc::set_disabled(conn, &ctx, &id, version, disabled))
        .await?;
    Ok(versioned(
        StatusCode::OK,
        user.row.version,
        &UserOut::from(&user),
    ))
}

/// Disable a user: their sessions end and their tokens and API keys stop working at once.
///
/// Admins only (ORG-1; 403 for others). Needs `If-Match`. 409 when it would leave no enabled admin.
/// Triggers the audit entry `user.disable`.
#[utoipa::path(
    tag = "users",
    operation_id = "disableUser",
    params(("id" = String, Path, description = "User id"), crate::kernel::openapi::IfMatchHeader),
    responses(
        (status = 200, description = "Disabled", body = UserOut, headers(("ETag" = String))),
        (status = 409, description = "Would leave no enabled admin", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/users/{id}/disable")]
async fn disable_user(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    IfMatch(version): IfMatch,
) -> Result<HttpResponse, ApiError> {
    set_disabled(state, caller, id.into_inner(), version, true).await
}

/// Enable a disabled user again.
///
/// Admins only (ORG-1; 403 for others). Needs `If-Match`. Triggers the audit entry `user.enable`.
#[utoipa::path(
    tag = "users",
    operation_id = "enableUser",
    params(("id" = String, Path, description = "User id"), crate::kernel::openapi::IfMatchHeader),
    responses((status = 200, description = "Enabled", body = UserOut, headers(("ETag" = String))))
)]
#[post("/users/{id}/enable")]
async fn enable_user(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    IfMatch(version): IfMatch,
) -> Result<HttpResponse, ApiError> {
    set_disabled(state, caller, id.into_inner(), version, false).await
}

/// Reset a person's password.
///
/// Admins only (ORG-1; 403 for others). Needs `If-Match`. 409 for a service account, which has no
/// password. Triggers the audit entry `user.reset_password`; the generated password is left out of
/// an `Idempotency-Key` replay.
#[utoipa::path(
    tag = "users",
    operation_id = "resetUserPassword",
    params(("id" = String, Path, description = "User id"), crate::kernel::openapi::IfMatchHeader),
    request_body = ResetPassword,
    responses(
        (status = 200, description = "Password reset", body = PasswordReset, headers(("ETag" = String))),
        (status = 409, description = "Service accounts have no password", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/users/{id}/reset-password")]
async fn reset_password(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    IfMatch(version): IfMatch,
    ValidJson(input): ValidJson<ResetPassword>,
) -> Result<HttpResponse, ApiError> {
    caller.require(Action::UserManage)?;
    let (hash, generated_password) = state
        .password_hashing
        .run(move || svc::new_password(input.new_password.as_deref(), "new_password"))
        .await??;
    let ctx = Ctx::of(&caller, state.clock.now());
    let id = id.into_inner();
    let user = state
        .tx(move |conn| {
            svc::set_password(
                conn,
                &ctx,
                &id,
                Some(version),
                hash,
                true,
                "user.reset_password",
            )
        })
        .await?;
    Ok(versioned(
        StatusCode::OK,
        user.row.version,
        &PasswordReset {
            user: UserOut::from(&user),
            generated_password,
        },
    ))
}
