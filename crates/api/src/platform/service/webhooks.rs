//! Webhook subscriptions (admin) and manual redelivery.

use crate::kernel::command::{Ctx, snapshot, written};
use crate::kernel::error::ApiError;
use crate::kernel::outbox;
use crate::kernel::webhook_target::{TargetPolicy, TargetRefusal};
use crate::platform::dto::webhooks::{CreateWebhook, EventPattern, UpdateWebhook, WebhookOut};
use crate::platform::webhooks::signing;
use kefu_core::FieldError;
use kefu_store::webhooks::{self as store, DeliveryRow, SubscriptionChanges, SubscriptionRow};
use kefu_store::{DbConnection, new_id, to_db_time};

fn check_url(policy: &TargetPolicy, url: &str) -> Result<String, ApiError> {
    policy.check_url(url).map(|u| u.to_string()).map_err(|e| {
        let code = match e {
            TargetRefusal::Forbidden(_) => "forbidden_target",
            _ => "invalid_url",
        };
        ApiError::Invalid(vec![FieldError::new("url", code, e.to_string())])
    })
}

/// The patterns as stored: known, without repeats, in the order given.
fn event_types_json(patterns: &[EventPattern]) -> Result<String, ApiError> {
    let known = outbox::patterns();
    let mut out: Vec<&str> = Vec::new();
    for (i, EventPattern(p)) in patterns.iter().enumerate() {
        if !known.contains(p) {
            return Err(ApiError::Invalid(vec![FieldError::new(
                format!("event_types[{i}]"),
                "unknown_event_type",
                format!("`{p}` is not an event type; see GET /api/v1/webhooks/event-types"),
            )]));
        }
        if !out.contains(&p.as_str()) {
            out.push(p);
        }
    }
    serde_json::to_string(&out).map_err(ApiError::internal)
}

pub fn create(
    conn: &mut DbConnection,
    ctx: &Ctx,
    policy: &TargetPolicy,
    input: CreateWebhook,
) -> Result<(SubscriptionRow, String), ApiError> {
    let url = check_url(policy, &input.url)?;
    let event_types = event_types_json(&input.event_types)?;
    let secret = signing::new_secret();
    let now = to_db_time(ctx.now);
    let row = SubscriptionRow {
        id: new_id(),
        name: input.name,
        url,
        secret: secret.clone(),
        event_types,
        active: input.active.unwrap_or(true),
        created_by: ctx.actor_id.clone(),
        created_at: now,
        updated_at: now,
        version: 1,
        deleted_at: None,
    };
    store::insert_subscription(conn, &row)?;
    ctx.audit(
        conn,
        "webhook.create",
        ("webhook", &row.id),
        None,
        snapshot(&WebhookOut::from(&row)),
    )?;
    Ok((row, secret))
}

pub fn get(conn: &mut DbConnection, id: &str) -> Result<SubscriptionRow, ApiError> {
    store::find_subscription(conn, id)?
        .filter(|s| s.deleted_at.is_none())
        .ok_or(ApiError::NotFound)
}

pub fn update(
    conn: &mut DbConnection,
    ctx: &Ctx,
    policy: &TargetPolicy,
    id: &str,
    expected_version: i64,
    input: UpdateWebhook,
) -> Result<SubscriptionRow, ApiError> {
    let before = get(conn, id)?;
    let changes = SubscriptionChanges {
        name: input.name,
        url: input.url.map(|u| check_url(policy, &u)).transpose()?,
        event_types: input
            .event_types
            .map(|p| event_types_json(&p))
            .transpose()?,
        active: input.active,
        deleted_at: None,
    };
    written(store::update_subscription(
        conn,
        id,
        expected_version,
        &changes,
        ctx.now,
    )?)?;
    let after = get(conn, id)?;
    ctx.audit(
        conn,
        "webhook.update",
        ("webhook", id),
        snapshot(&WebhookOut::from(&before)),
        snapshot(&WebhookOut::from(&after)),
    )?;
    Ok(after)
}

/// Deletes the subscription; deliveries still queued for it are dropped when their turn comes.
pub fn delete(
    conn: &mut DbConnection,
    ctx: &Ctx,
    id: &str,
    expected_version: i64,
) -> Result<SubscriptionRow, ApiError> {
    let before = get(conn, id)?;
    let changes = SubscriptionChanges {
        deleted_at: Some(Some(to_db_time(ctx.now))),
        ..Default::default()
    };
    written(store::update_subscription(
        conn,
        id,
        expected_version,
        &changes,
        ctx.now,
    )?)?;
    let after = store::find_subscription(conn, id)?.ok_or(ApiError::NotFound)?;
    ctx.audit(
        conn,
        "webhook.delete",
        ("webhook", id),
        snapshot(&WebhookOut::from(&before)),
        snapshot(&WebhookOut::from(&after)),
    )?;
    Ok(after)
}

/// Sends a delivery again, whatever became of it: a receiver that lost an event, or one that
/// was down past the retries. The payload is the original one.
pub fn redeliver(
    conn: &mut DbConnection,
    ctx: &Ctx,
    delivery_id: &str,
) -> Result<DeliveryRow, ApiError> {
    let delivery = store::find_delivery(conn, delivery_id)?.ok_or(ApiError::NotFound)?;
    let subscription = get(conn, &delivery.subscription_id)?;
    if !subscription.active {
        return Err(ApiError::Conflict(
            "the subscription is inactive: activate it before redelivering".into(),
        ));
    }
    store::reset_delivery(conn, delivery_id, ctx.now)?;
    outbox::queue_delivery(conn, ctx.now, delivery_id)?;
    ctx.audit(
        conn,
        "webhook_delivery.redeliver",
        ("webhook_delivery", delivery_id),
        Some(serde_json::json!({ "status": delivery.status, "attempts": delivery.attempts })),
        None,
    )?;
    store::find_delivery(conn, delivery_id)?.ok_or(ApiError::NotFound)
}
