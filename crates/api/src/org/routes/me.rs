use crate::kernel::auth::{Caller, password};
use crate::kernel::command::Ctx;
use crate::kernel::error::{ApiError, Problem};
use crate::kernel::extract::ValidJson;
use crate::kernel::respond::versioned;
use crate::kernel::state::AppState;
use crate::org::dto::users::{ChangePassword, UserOut};
use crate::org::service::users as svc;
use actix_web::http::StatusCode;
use actix_web::{HttpResponse, get, post, web};
use utoipa_actix_web::service_config::ServiceConfig;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(get_me).service(change_password);
}

/// The caller's own account and roles.
///
/// Any signed-in user (also one who must still change their password): their own account, roles and
/// version. Read-only.
#[utoipa::path(
    tag = "auth",
    operation_id = "getMe",
    responses((status = 200, description = "The caller", body = UserOut,
        headers(("ETag" = String, description = "The record version"))))
)]
#[get("/me")]
async fn get_me(state: web::Data<AppState>, caller: Caller) -> Result<HttpResponse, ApiError> {
    let id = caller.user_id().to_owned();
    let user = state.db(move |conn| svc::get(conn, &id)).await?;
    Ok(versioned(
        StatusCode::OK,
        user.row.version,
        &UserOut::from(&user),
    ))
}

/// Change the caller's own password.
///
/// Needs the current password (401 when wrong). Ends every session of the account: log in again
/// afterwards. The new password must meet the length rules (422).
///
/// Any signed-in person (also one who must still change their password); a service account has no
/// password (409). Triggers the audit entry `user.change_password`.
#[utoipa::path(
    tag = "auth",
    operation_id = "changeMyPassword",
    request_body = ChangePassword,
    responses(
        (status = 204, description = "Password changed"),
        (status = 401, description = "Current password wrong", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Service accounts have no password", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/me/password")]
async fn change_password(
    state: web::Data<AppState>,
    caller: Caller,
    ValidJson(input): ValidJson<ChangePassword>,
) -> Result<HttpResponse, ApiError> {
    let id = caller.user_id().to_owned();
    let user = state.db(move |conn| svc::get(conn, &id)).await?;
    let stored = user.row.password_hash.clone();
    // Bounded with every other hashing (see `HashingLimiter`).
    let (ok, new_hash) = state
        .password_hashing
        .run(move || {
            if !password::verify(&input.current_password, stored.as_deref()) {
                return Ok((false, String::new()));
            }
            svc::new_password(Some(&input.new_password), "new_password").map(|(h, _)| (true, h))
        })
        .await??;
    if !ok {
        return Err(ApiError::Unauthenticated("wrong_password"));
    }
    let ctx = Ctx::of(&caller, state.clock.now());
    let id = caller.user_id().to_owned();
    state
        .tx(move |conn| {
            svc::set_password(
                conn,
                &ctx,
                &id,
                None,
                new_hash,
                false,
                "user.change_password",
            )
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}
