use crate::kernel::access::Action;
use crate::kernel::auth::Caller;
use crate::kernel::command::Ctx;
use crate::kernel::error::{ApiError, Problem};
use crate::kernel::extract::{IfMatch, StrictQuery, ValidJson};
use crate::kernel::outbox::EVENT_TYPES;
use crate::kernel::page::{Page, decode_cursor, fetch_size, paginate};
use crate::kernel::respond::{created, versioned};
use crate::kernel::state::AppState;
use crate::platform::dto::webhooks::{
    AttemptOut, CreateWebhook, CreatedWebhook, DeliveriesQuery, DeliveryDetail, DeliveryOut,
    EventTypeOut, UpdateWebhook, WebhookOut, WebhooksQuery,
};
use crate::platform::service::webhooks as svc;
use actix_web::http::StatusCode;
use actix_web::{HttpResponse, delete, get, patch, post, web};
use kefu_store::webhooks::{self as store, DeliveryFilter};
use utoipa_actix_web::service_config::ServiceConfig;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(list_event_types)
        .service(list_webhooks)
        .service(create_webhook)
        .service(get_webhook)
        .service(update_webhook)
        .service(delete_webhook)
        .service(list_deliveries)
        .service(get_delivery)
        .service(redeliver);
}

/// List webhook event types
///
/// The audit actions of the published record types (customers, sites, contacts, equipment,
/// employees, teams, products, cities), and the `entity.*` and `*` patterns. Admins only (403 for
/// others). Read-only.
#[utoipa::path(
    tag = "webhooks",
    operation_id = "listWebhookEventTypes",
    responses((status = 200, description = "Every event type, in name order", body = Vec<EventTypeOut>))
)]
#[get("/webhooks/event-types")]
async fn list_event_types(caller: Caller) -> Result<HttpResponse, ApiError> {
    caller.require(Action::WebhookManage)?;
    let types: Vec<EventTypeOut> = EVENT_TYPES
        .iter()
        .map(|t| EventTypeOut {
            event_type: (*t).to_owned(),
        })
        .collect();
    Ok(HttpResponse::Ok().json(types))
}

/// List webhook subscriptions
///
/// Every live subscription (never its secret). Admins only (403 for others). Read-only.
#[utoipa::path(
    tag = "webhooks",
    operation_id = "listWebhooks",
    params(WebhooksQuery),
    responses((status = 200, description = "One page of subscriptions", body = Page<WebhookOut>))
)]
#[get("/webhooks")]
async fn list_webhooks(
    state: web::Data<AppState>,
    caller: Caller,
    StrictQuery(query): StrictQuery<WebhooksQuery>,
) -> Result<HttpResponse, ApiError> {
    caller.require(Action::WebhookManage)?;
    let (limit, fetch) = fetch_size(query.limit)?;
    let after = decode_cursor(query.cursor.as_deref())?;
    let rows = state
        .db(move |conn| Ok(store::list_subscriptions(conn, after.as_deref(), fetch)?))
        .await?;
    let page = paginate(rows, limit, |s| s.id.clone(), |s| WebhookOut::from(&s));
    Ok(HttpResponse::Ok().json(page))
}

/// Create a webhook subscription
///
/// Every audited change of a subscribed record type is POSTed to `url` as JSON, signed in the
/// Standard Webhooks scheme (`webhook-id`, `webhook-timestamp`, `webhook-signature`) with the
/// `secret` returned this once (and left out of an `Idempotency-Key` replay). Failed deliveries are
/// retried with backoff, up to 12 attempts.
///
/// Admins only (403 for others). Only public `http`/`https` addresses: loopback, private,
/// link-local, CGNAT, multicast and reserved ones are refused (422 `url`) unless listed in
/// `KEFU_WEBHOOK_ALLOWED_HOSTS`; unknown event types are 422. Triggers the audit entry
/// `webhook.create`.
#[utoipa::path(
    tag = "webhooks",
    operation_id = "createWebhook",
    request_body = CreateWebhook,
    responses((status = 201, description = "Created; the secret is shown this once", body = CreatedWebhook,
        headers(("Location" = String), ("ETag" = String))))
)]
#[post("/webhooks")]
async fn create_webhook(
    state: web::Data<AppState>,
    caller: Caller,
    ValidJson(input): ValidJson<CreateWebhook>,
) -> Result<HttpResponse, ApiError> {
    caller.require(Action::WebhookManage)?;
    let ctx = Ctx::of(&caller, state.clock.now());
    let policy = state.config.webhook_targets.clone();
    let (row, secret) = state
        .tx(move |conn| svc::create(conn, &ctx, &policy, input))
        .await?;
    let webhook = WebhookOut::from(&row);
    Ok(created(
        format!("/api/v1/webhooks/{}", webhook.id),
        Some(webhook.version),
        &CreatedWebhook { webhook, secret },
    ))
}

/// Get a webhook subscription
///
/// The subscription (never its secret) with its version as `ETag`. Admins only (403 for others).
/// Read-only.
#[utoipa::path(
    tag = "webhooks",
    operation_id = "getWebhook",
    params(("id" = String, Path, description = "Subscription id")),
    responses((status = 200, description = "The subscription", body = WebhookOut,
        headers(("ETag" = String))))
)]
#[get("/webhooks/{id}")]
async fn get_webhook(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    caller.require(Action::WebhookManage)?;
    let id = id.into_inner();
    let row = state.db(move |conn| svc::get(conn, &id)).await?;
    Ok(versioned(
        StatusCode::OK,
        row.version,
        &WebhookOut::from(&row),
    ))
}

/// Update a webhook subscription
///
/// Admins only (403 for others). Needs `If-Match`. A new `url` is checked as on create (422).
/// Triggers the audit entry `webhook.update`.
#[utoipa::path(
    tag = "webhooks",
    operation_id = "updateWebhook",
    params(("id" = String, Path, description = "Subscription id"), crate::kernel::openapi::IfMatchHeader),
    request_body = UpdateWebhook,
    responses((status = 200, description = "Updated", body = WebhookOut, headers(("ETag" = String))))
)]
#[patch("/webhooks/{id}")]
async fn update_webhook(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    IfMatch(version): IfMatch,
    ValidJson(input): ValidJson<UpdateWebhook>,
) -> Result<HttpResponse, ApiError> {
    caller.require(Action::WebhookManage)?;
    let ctx = Ctx::of(&caller, state.clock.now());
    let policy = state.config.webhook_targets.clone();
    let id = id.into_inner();
    let row = state
        .tx(move |conn| svc::update(conn, &ctx, &policy, &id, version, input))
        .await?;
    Ok(versioned(
        StatusCode::OK,
        row.version,
        &WebhookOut::from(&row),
    ))
}

/// Delete a webhook subscription
///
/// Soft delete; nothing more is sent to it. Admins only (403 for others). Needs `If-Match`.
/// Triggers the audit entry `webhook.delete`.
#[utoipa::path(
    tag = "webhooks",
    operation_id = "deleteWebhook",
    params(("id" = String, Path, description = "Subscription id"), crate::kernel::openapi::IfMatchHeader),
    responses((status = 200, description = "Deleted; the record as a tombstone", body = WebhookOut,
        headers(("ETag" = String))))
)]
#[delete("/webhooks/{id}")]
async fn delete_webhook(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    IfMatch(version): IfMatch,
) -> Result<HttpResponse, ApiError> {
    caller.require(Action::WebhookManage)?;
    let ctx = Ctx::of(&caller, state.clock.now());
    let id = id.into_inner();
    let row = state
        .tx(move |conn| svc::delete(conn, &ctx, &id, version))
        .await?;
    Ok(versioned(
        StatusCode::OK,
        row.version,
        &WebhookOut::from(&row),
    ))
}

/// List webhook deliveries
///
/// Filtered by `subscription_id`, `status` and `event_type`. Admins only (403 for others).
/// Read-only.
#[utoipa::path(
    tag = "webhooks",
    operation_id = "listWebhookDeliveries",
    params(DeliveriesQuery),
    responses((status = 200, description = "One page of deliveries, oldest first", body = Page<DeliveryOut>))
)]
#[get("/webhook-deliveries")]
async fn list_deliveries(
    state: web::Data<AppState>,
    caller: Caller,
    StrictQuery(query): StrictQuery<DeliveriesQuery>,
) -> Result<HttpResponse, ApiError> {
    caller.require(Action::WebhookManage)?;
    let (limit, fetch) = fetch_size(query.limit)?;
    let after = decode_cursor(query.cursor.as_deref())?;
    let filter = DeliveryFilter {
        subscription_id: query.subscription_id,
        status: query.status,
        event_type: query.event_type,
    };
    let rows = state
        .db(move |conn| {
            Ok(store::list_deliveries(
                conn,
                &filter,
                after.as_deref(),
                fetch,
            )?)
        })
        .await?;
    let page = paginate(rows, limit, |d| d.id.clone(), |d| DeliveryOut::from(&d));
    Ok(HttpResponse::Ok().json(page))
}

/// Get a webhook delivery
///
/// Admins only (403 for others). Read-only.
#[utoipa::path(
    tag = "webhooks",
    operation_id = "getWebhookDelivery",
    params(("id" = String, Path, description = "Delivery id")),
    responses((status = 200, description = "The delivery and its attempts", body = DeliveryDetail))
)]
#[get("/webhook-deliveries/{id}")]
async fn get_delivery(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    caller.require(Action::WebhookManage)?;
    let id = id.into_inner();
    let (delivery, attempts) = state
        .db(move |conn| {
            let d = store::find_delivery(conn, &id)?.ok_or(ApiError::NotFound)?;
            let a = store::attempts_of(conn, &id)?;
            Ok((d, a))
        })
        .await?;
    Ok(HttpResponse::Ok().json(DeliveryDetail {
        delivery: DeliveryOut::from(&delivery),
        attempt_log: attempts.iter().map(AttemptOut::from).collect(),
    }))
}

/// Redeliver a webhook delivery
///
/// Admins only (403 for others). 409 when the subscription is inactive. Queues a delivery job at
/// once (the job runner sends it, with retries) and triggers the audit entry
/// `webhook_delivery.redeliver`.
#[utoipa::path(
    tag = "webhooks",
    operation_id = "redeliverWebhook",
    params(("id" = String, Path, description = "Delivery id")),
    responses(
        (status = 202, description = "Queued again", body = DeliveryOut),
        (status = 409, description = "The subscription is inactive", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/webhook-deliveries/{id}/redeliver")]
async fn redeliver(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    caller.require(Action::WebhookManage)?;
    let ctx = Ctx::of(&caller, state.clock.now());
    let id = id.into_inner();
    let row = state
        .tx(move |conn| svc::redeliver(conn, &ctx, &id))
        .await?;
    Ok(HttpResponse::Accepted().json(DeliveryOut::from(&row)))
}
