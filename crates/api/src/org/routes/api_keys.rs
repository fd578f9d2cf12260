use crate::kernel::access::Action;
use crate::kernel::auth::Caller;
use crate::kernel::command::Ctx;
use crate::kernel::error::{ApiError, Problem};
use crate::kernel::extract::{StrictQuery, ValidJson};
use crate::kernel::page::{Page, decode_cursor, fetch_size, paginate};
use crate::kernel::respond::created;
use crate::kernel::state::AppState;
use crate::org::dto::api_keys::{ApiKeyOut, ApiKeysQuery, CreateApiKey, CreatedApiKey};
use crate::org::service::api_keys as svc;
use actix_web::{HttpResponse, get, post, web};
use kefu_store::credentials;
use utoipa_actix_web::service_config::ServiceConfig;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(list_api_keys)
        .service(create_api_key)
        .service(get_api_key)
        .service(revoke_api_key);
}

/// List API keys (never their secrets).
///
/// Admins only (403 for others). Read-only.
#[utoipa::path(
    tag = "api-keys",
    operation_id = "listApiKeys",
    params(ApiKeysQuery),
    responses((status = 200, description = "One page of keys, oldest first", body = Page<ApiKeyOut>))
)]
#[get("/api-keys")]
async fn list_api_keys(
    state: web::Data<AppState>,
    caller: Caller,
    StrictQuery(query): StrictQuery<ApiKeysQuery>,
) -> Result<HttpResponse, ApiError> {
    caller.require(Action::ApiKeyManage)?;
    let (limit, fetch) = fetch_size(query.limit)?;
    let after = decode_cursor(query.cursor.as_deref())?;
    let user_id = query.user_id;
    let rows = state
        .db(move |conn| {
            Ok(credentials::list_api_keys(
                conn,
                user_id.as_deref(),
                after.as_deref(),
                fetch,
            )?)
        })
        .await?;
    let page = paginate(rows, limit, |k| k.id.clone(), |k| ApiKeyOut::from(&k));
    Ok(HttpResponse::Ok().json(page))
}

/// Create an API key for a service account.
///
/// Admins only (403 for others). The key belongs to an existing service account (`kind: service`;
/// 422 `user_id` otherwise) and acts with that account's roles; `expires_at` must be in the future
/// (422). Triggers the audit entry `api_key.create` (never sent to webhooks); the key is left out
/// of an `Idempotency-Key` replay.
#[utoipa::path(
    tag = "api-keys",
    operation_id = "createApiKey",
    request_body = CreateApiKey,
    responses((status = 201, description = "Created", body = CreatedApiKey,
        headers(("Location" = String))))
)]
#[post("/api-keys")]
async fn create_api_key(
    state: web::Data<AppState>,
    caller: Caller,
    ValidJson(input): ValidJson<CreateApiKey>,
) -> Result<HttpResponse, ApiError> {
    caller.require(Action::ApiKeyManage)?;
    let ctx = Ctx::of(&caller, state.clock.now());
    let created_by = caller.user_id().to_owned();
    let (row, key) = state
        .tx(move |conn| svc::create(conn, &ctx, &created_by, input))
        .await?;
    let out = ApiKeyOut::from(&row);
    Ok(created(
        format!("/api/v1/api-keys/{}", out.id),
        None,
        &CreatedApiKey { api_key: out, key },
    ))
}

/// Get an API key.
///
/// The key's metadata (never its secret), with its last-used time. Admins only (403 for others).
/// Read-only.
#[utoipa::path(
    tag = "api-keys",
    operation_id = "getApiKey",
    params(("id" = String, Path, description = "API key id")),
    responses((status = 200, description = "The key", body = ApiKeyOut))
)]
#[get("/api-keys/{id}")]
async fn get_api_key(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    caller.require(Action::ApiKeyManage)?;
    let id = id.into_inner();
    let row = state
        .db(move |conn| credentials::find_api_key(conn, &id)?.ok_or(ApiError::NotFound))
        .await?;
    Ok(HttpResponse::Ok().json(ApiKeyOut::from(&row)))
}

/// Revoke an API key; it stops working at once. Revocation is final, so it needs no `If-Match`.
///
/// Admins only (403 for others). 409 when it is revoked already. Triggers the audit entry
/// `api_key.revoke`.
#[utoipa::path(
    tag = "api-keys",
    operation_id = "revokeApiKey",
    params(("id" = String, Path, description = "API key id")),
    responses(
        (status = 200, description = "Revoked", body = ApiKeyOut),
        (status = 409, description = "Already revoked", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/api-keys/{id}/revoke")]
async fn revoke_api_key(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    caller.require(Action::ApiKeyManage)?;
    let ctx = Ctx::of(&caller, state.clock.now());
    let id = id.into_inner();
    let row = state.tx(move |conn| svc::revoke(conn, &ctx, &id)).await?;
    Ok(HttpResponse::Ok().json(ApiKeyOut::from(&row)))
}
