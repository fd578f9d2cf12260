//! Webhook subscriptions, their deliveries (the transactional outbox) and delivery attempts.

pub use crate::VersionedWrite;
use crate::schema::{webhook_attempts, webhook_deliveries, webhook_subscriptions};
use crate::{DbConnection, StoreError, to_db_time};
use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable)]
#[diesel(table_name = webhook_subscriptions)]
pub struct SubscriptionRow {
    pub id: String,
    pub name: String,
    pub url: String,
    pub secret: String,
    /// JSON array of event types (`customer.create`) or patterns (`customer.*`, `*`).
    pub event_types: String,
    pub active: bool,
    pub created_by: Option<String>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub version: i64,
    pub deleted_at: Option<NaiveDateTime>,
}

pub fn insert_subscription(
    conn: &mut DbConnection,
    row: &SubscriptionRow,
) -> Result<(), StoreError> {
    diesel::insert_into(webhook_subscriptions::table)
        .values(row)
        .execute(conn)?;
    Ok(())
}

/// The subscription with `id`, deleted or not.
pub fn find_subscription(
    conn: &mut DbConnection,
    id: &str,
) -> Result<Option<SubscriptionRow>, StoreError> {
    Ok(webhook_subscriptions::table
        .find(id)
        .select(SubscriptionRow::as_select())
        .first(conn)
        .optional()?)
}

/// One page of live subscriptions in id order.
pub fn list_subscriptions(
    conn: &mut DbConnection,
    after_id: Option<&str>,
    limit: i64,
) -> Result<Vec<SubscriptionRow>, StoreError> {
    let mut query = webhook_subscriptions::table
        .select(SubscriptionRow::as_select())
        .filter(webhook_subscriptions::deleted_at.is_null())
        .into_boxed();
    if let Some(after) = after_id {
        query = query.filter(webhook_subscriptions::id.gt(after.to_owned()));
    }
    Ok(query
        .order(webhook_subscriptions::id.asc())
        .limit(limit)
        .load(conn)?)
}

/// The live, active subscriptions: the candidates for every event. Few rows by nature (one
/// per integration), so they are matched against the event type in Rust.
pub fn active_subscriptions(conn: &mut DbConnection) -> Result<Vec<SubscriptionRow>, StoreError> {
    Ok(webhook_subscriptions::table
        .select(SubscriptionRow::as_select())
        .filter(webhook_subscriptions::deleted_at.is_null())
        .filter(webhook_subscriptions::active.eq(true))
        .order(webhook_subscriptions::id.asc())
        .load(conn)?)
}

/// Fields to change; `None` leaves a field as it is.
#[derive(Debug, Clone, Default, AsChangeset)]
#[diesel(table_name = webhook_subscriptions)]
pub struct SubscriptionChanges {
    pub name: Option<String>,
    pub url: Option<String>,
    pub event_types: Option<String>,
    pub active: Option<bool>,
    pub deleted_at: Option<Option<NaiveDateTime>>,
}

/// Applies `changes` to the live subscription if its version is `expected_version`.
pub fn update_subscription(
    conn: &mut DbConnection,
    id: &str,
    expected_version: i64,
    changes: &SubscriptionChanges,
    now: DateTime<Utc>,
) -> Result<VersionedWrite, StoreError> {
    let written = diesel::update(
        webhook_subscriptions::table
            .filter(webhook_subscriptions::id.eq(id))
            .filter(webhook_subscriptions::deleted_at.is_null())
            .filter(webhook_subscriptions::version.eq(expected_version)),
    )
    .set((
        changes,
        webhook_subscriptions::version.eq(webhook_subscriptions::version + 1),
        webhook_subscriptions::updated_at.eq(to_db_time(now)),
    ))
    .execute(conn)?;
    if written > 0 {
        return Ok(VersionedWrite::Written);
    }
    let current: Option<i64> = webhook_subscriptions::table
        .filter(webhook_subscriptions::id.eq(id))
        .filter(webhook_subscriptions::deleted_at.is_null())
        .select(webhook_subscriptions::version)
        .first(conn)
        .optional()?;
    Ok(current.map_or(VersionedWrite::NotFound, VersionedWrite::Stale))
}

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable)]
#[diesel(table_name = webhook_deliveries)]
pub struct DeliveryRow {
    pub id: String,
    pub subscription_id: String,
    pub event_id: String,
    pub event_type: String,
    pub payload: String,
    pub status: String,
    pub attempts: i64,
    pub last_status_code: Option<i64>,
    pub last_error: Option<String>,
    pub delivered_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

pub fn insert_delivery(conn: &mut DbConnection, row: &DeliveryRow) -> Result<(), StoreError> {
    diesel::insert_into(webhook_deliveries::table)
        .values(row)
        .execute(conn)?;
    Ok(())
}

pub fn find_delivery(conn: &mut DbConnection, id: &str) -> Result<Option<DeliveryRow>, StoreError> {
    Ok(webhook_deliveries::table
        .find(id)
        .select(DeliveryRow::as_select())
        .first(conn)
        .optional()?)
}

#[derive(Debug, Clone, Default)]
pub struct DeliveryFilter {
    pub subscription_id: Option<String>,
    pub status: Option<String>,
    pub event_type: Option<String>,
}

/// One page of deliveries in id (creation) order.
pub fn list_deliveries(
    conn: &mut DbConnection,
    filter: &DeliveryFilter,
    after_id: Option<&str>,
    limit: i64,
) -> Result<Vec<DeliveryRow>, StoreError> {
    let mut query = webhook_deliveries::table
        .select(DeliveryRow::as_select())
        .into_boxed();
    if let Some(v) = &filter.subscription_id {
        query = query.filter(webhook_deliveries::subscription_id.eq(v.clone()));
    }
    if let Some(v) = &filter.status {
        query = query.filter(webhook_deliveries::status.eq(v.clone()));
    }
    if let Some(v) = &filter.event_type {
        query = query.filter(webhook_deliveries::event_type.eq(v.clone()));
    }
    if let Some(after) = after_id {
        query = query.filter(webhook_deliveries::id.gt(after.to_owned()));
    }
    Ok(query
        .order(webhook_deliveries::id.asc())
        .limit(limit)
        .load(conn)?)
}

/// What one attempt did to its delivery.
#[derive(Debug, Clone)]
pub struct AttemptOutcome {
    pub started_at: DateTime<Utc>,
    pub duration_ms: i64,
    pub status_code: Option<i64>,
    pub error: Option<String>,
    /// `pending` (will be retried), `succeeded` or `failed` (given up).
    pub status: &'static str,
}

/// Logs an attempt and moves the delivery to its outcome, counting the attempt atomically.
pub fn record_attempt(
    conn: &mut DbConnection,
    delivery_id: &str,
    outcome: &AttemptOutcome,
    now: DateTime<Utc>,
) -> Result<i64, StoreError> {
    let delivered_at = (outcome.status == "succeeded").then(|| to_db_time(now));
    diesel::update(webhook_deliveries::table.find(delivery_id))
        .set((
            webhook_deliveries::attempts.eq(webhook_deliveries::attempts + 1),
            webhook_deliveries::status.eq(outcome.status),
            webhook_deliveries::last_status_code.eq(outcome.status_code),
            webhook_deliveries::last_error.eq(outcome.error.clone()),
            webhook_deliveries::delivered_at.eq(delivered_at),
            webhook_deliveries::updated_at.eq(to_db_time(now)),
        ))
        .execute(conn)?;
    let attempt: i64 = webhook_deliveries::table
        .find(delivery_id)
        .select(webhook_deliveries::attempts)
        .first(conn)?;
    diesel::insert_into(webhook_attempts::table)
        .values((
            webhook_attempts::id.eq(crate::new_id()),
            webhook_attempts::delivery_id.eq(delivery_id),
            webhook_attempts::attempt.eq(attempt),
            webhook_attempts::started_at.eq(to_db_time(outcome.started_at)),
            webhook_attempts::duration_ms.eq(outcome.duration_ms),
            webhook_attempts::status_code.eq(outcome.status_code),
            webhook_attempts::error.eq(outcome.error.clone()),
        ))
        .execute(conn)?;
    Ok(attempt)
}

/// Puts a delivery back to `pending` for a manual redelivery.
pub fn reset_delivery(
    conn: &mut DbConnection,
    delivery_id: &str,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    diesel::update(webhook_deliveries::table.find(delivery_id))
        .set((
            webhook_deliveries::status.eq("pending"),
            webhook_deliveries::updated_at.eq(to_db_time(now)),
        ))
        .execute(conn)?;
    Ok(())
}

#[derive(Debug, Clone, PartialEq, Queryable, Selectable)]
#[diesel(table_name = webhook_attempts)]
pub struct AttemptRow {
    pub id: String,
    pub delivery_id: String,
    pub attempt: i64,
    pub started_at: NaiveDateTime,
    pub duration_ms: i64,
    pub status_code: Option<i64>,
    pub error: Option<String>,
}

/// Every attempt of a delivery, first to last.
pub fn attempts_of(
    conn: &mut DbConnection,
    delivery_id: &str,
) -> Result<Vec<AttemptRow>, StoreError> {
    Ok(webhook_attempts::table
        .filter(webhook_attempts::delivery_id.eq(delivery_id))
        .select(AttemptRow::as_select())
        .order(webhook_attempts::attempt.asc())
        .load(conn)?)
}
