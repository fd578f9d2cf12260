//! Webhooks for integration scripts. Every audited change of a published record is an event;
//! for each active subscription that asks for it, a delivery row and the job that sends it are
//! written in the change's own transaction (the transactional outbox), so an event is never
//! lost when the change commits and never sent when it rolls back.

use crate::kernel::command::Ctx;
use crate::kernel::error::ApiError;
use kefu_store::DbConnection;
use kefu_store::webhooks::{self as store, DeliveryRow};

/// The events subscribers can receive: the audit actions of the records integrations keep in
/// step with, and the audit log's signed checkpoints. Security records (users, credentials,
/// sessions, API keys) are never published.
/// A later record type adds its actions here.
pub const EVENT_TYPES: &[&str] = &[
    "audit.checkpoint",
    "city.create",
    "city.update",
    "contact.create",
    "contact.delete",
    "contact.grant_login",
    "contact.update",
    "customer.create",
    "customer.delete",
    "customer.update",
    "employee.change_status",
    "employee.create",
    "employee.delete",
    "employee.update",
    "equipment.create",
    "equipment.delete",
    "equipment.update",
    "part_rma.close",
    "part_rma.overdue",
    "part_rma.send",
    "product.create",
    "product.delete",
    "product.update",
    // HR-S2..S6: the scoring domain's records go to subscriptions that ask for them.
    "score_appeal.decide",
    "score_appeal.file",
    "score_event.cancel",
    "score_event.issue",
    "scorecard.finalise",
    "scorecard_inputs.set",
    "site.create",
    "site.delete",
    "site.update",
    "team.create",
    "team.delete",
    "team.update",
];

/// What a subscription may ask for: `*`, `entity.*`, or an event type.
pub fn patterns() -> Vec<String> {
    let mut entities: Vec<&str> = EVENT_TYPES
        .iter()
        .filter_map(|t| t.split_once('.').map(|(e, _)| e))
        .collect();
    entities.dedup();
    std::iter::once("*".to_owned())
        .chain(entities.iter().map(|e| format!("{e}.*")))
        .chain(EVENT_TYPES.iter().map(|t| (*t).to_owned()))
        .collect()
}

/// Whether `pattern` covers `event_type`.
pub fn matches(pattern: &str, event_type: &str) -> bool {
    match pattern.strip_suffix('*') {
        Some("") => true,
        Some(prefix) => event_type.starts_with(prefix),
        None => pattern == event_type,
    }
}

/// The job kind that sends one delivery.
pub const DELIVER_JOB: &str = "webhook.deliver";

/// Attempts per delivery: with the runner's default backoff (30 s doubling, at most an hour)
/// the last is about five hours after the first, long enough to ride out a receiver's outage.
pub const MAX_ATTEMPTS: i64 = 12;

/// Queues the job that sends `delivery_id` now.
pub fn queue_delivery(
    conn: &mut DbConnection,
    now: chrono::DateTime<chrono::Utc>,
    delivery_id: &str,
) -> Result<(), ApiError> {
    crate::kernel::jobs::enqueue(
        conn,
        crate::kernel::jobs::NewJob {
            kind: DELIVER_JOB,
            payload: serde_json::json!({ "delivery_id": delivery_id }),
            run_at: now,
            dedupe_key: None,
            max_attempts: MAX_ATTEMPTS,
        },
        now,
    )?;
    Ok(())
}

/// Queues `action` on `entity` for every active subscription that wants it. Called by
/// [`Ctx::audit`] for every audited change, inside the command's transaction.
pub fn publish(
    conn: &mut DbConnection,
    ctx: &Ctx,
    action: &str,
    entity: (&str, &str),
    data: Option<&serde_json::Value>,
) -> Result<(), ApiError> {
    if !EVENT_TYPES.contains(&action) {
        return Ok(());
    }
    let subscriptions: Vec<_> = store::active_subscriptions(conn)?
        .into_iter()
        .filter(|s| {
            serde_json::from_str::<Vec<String>>(&s.event_types)
                .unwrap_or_default()
                .iter()
                .any(|p| matches(p, action))
        })
        .collect();
    if subscriptions.is_empty() {
        return Ok(());
    }
    let event_id = kefu_store::new_id();
    let payload = serde_json::json!({
        "event_id": event_id,
        "type": action,
        "occurred_at": ctx.now,
        "entity_type": entity.0,
        "entity_id": entity.1,
        "actor_id": ctx.actor_id,
        "request_id": ctx.request_id,
        "data": data,
    })
    .to_string();
    let now = kefu_store::to_db_time(ctx.now);
    for subscription in subscriptions {
        let delivery = DeliveryRow {
            id: kefu_store::new_id(),
            subscription_id: subscription.id,
            event_id: event_id.clone(),
            event_type: action.to_owned(),
            payload: payload.clone(),
            status: "pending".to_owned(),
            attempts: 0,
            last_status_code: None,
            last_error: None,
            delivered_at: None,
            created_at: now,
            updated_at: now,
        };
        store::insert_delivery(conn, &delivery)?;
        queue_delivery(conn, ctx.now, &delivery.id)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns_cover_their_events() {
        assert!(matches("*", "customer.update"));
        assert!(matches("customer.*", "customer.update"));
        assert!(!matches("customer.*", "contact.update"));
        assert!(matches("site.create", "site.create"));
        assert!(!matches("site.create", "site.delete"));
    }

    #[test]
    fn every_pattern_offered_matches_some_event() {
        for p in patterns() {
            assert!(EVENT_TYPES.iter().any(|t| matches(&p, t)), "{p}");
        }
        assert!(patterns().contains(&"customer.*".to_owned()));
    }

    #[test]
    fn security_records_are_not_published() {
        for t in EVENT_TYPES {
            assert!(
                !t.starts_with("user.") && !t.starts_with("auth.") && !t.starts_with("api_key.")
            );
        }
    }
}
