use chrono::{DateTime, Utc};
use kefu_store::from_db_time;
use kefu_store::webhooks::{AttemptRow, DeliveryRow, SubscriptionRow};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

/// A webhook subscription, without its signing secret.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct WebhookOut {
    /// The subscription's id.
    pub id: String,
    /// A name to recognise the subscription by.
    #[schema(example = "CRM sync")]
    pub name: String,
    /// Where the events are POSTed.
    #[schema(example = "https://crm.example.com/hooks/kefu")]
    pub url: String,
    /// Event types (`customer.update`), `entity.*` patterns, or `*` for all.
    #[schema(example = json!(["customer.*", "equipment.create"]))]
    pub event_types: Vec<String>,
    /// Inactive subscriptions receive nothing; events meanwhile are not queued for them.
    pub active: bool,
    /// A tombstone: only delta sync (`updated_since`) returns deleted records.
    pub deleted: bool,
    /// When the subscription was created.
    pub created_at: DateTime<Utc>,
    /// When it last changed.
    pub updated_at: DateTime<Utc>,
    /// Echoed as the `ETag`; send it back in `If-Match` to change the record.
    pub version: i64,
}

impl From<&SubscriptionRow> for WebhookOut {
    fn from(s: &SubscriptionRow) -> Self {
        WebhookOut {
            id: s.id.clone(),
            name: s.name.clone(),
            url: s.url.clone(),
            event_types: serde_json::from_str(&s.event_types).unwrap_or_default(),
            active: s.active,
            deleted: s.deleted_at.is_some(),
            created_at: from_db_time(s.created_at),
            updated_at: from_db_time(s.updated_at),
            version: s.version,
        }
    }
}

/// A new subscription with its signing secret, shown this once.
#[derive(Debug, Serialize, ToSchema)]
pub struct CreatedWebhook {
    /// The subscription created.
    pub webhook: WebhookOut,
    /// Verifies `webhook-signature` (Standard Webhooks: HMAC-SHA256 over
    /// `{webhook-id}.{webhook-timestamp}.{body}` keyed with the base64 part after `whsec_`).
    #[schema(example = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")]
    pub secret: String,
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "name": "CRM sync", "url": "https://crm.example.com/hooks/kefu",
    "event_types": ["customer.*", "equipment.create"]
}))]
pub struct CreateWebhook {
    /// A name to recognise the subscription by.
    #[validate(length(min = 1, max = 100))]
    #[schema(min_length = 1, max_length = 100)]
    pub name: String,
    /// http(s) URL of a public address, unless the operator allowed the host
    /// (`KEFU_WEBHOOK_ALLOWED_HOSTS`).
    #[validate(length(min = 1, max = 2000))]
    #[schema(min_length = 1, max_length = 2000, format = "uri")]
    pub url: String,
    /// From `GET /api/v1/webhooks/event-types`, or `entity.*`, or `*`.
    #[validate(length(min = 1, max = 50))]
    #[schema(min_items = 1, max_items = 50, inline)]
    pub event_types: Vec<EventPattern>,
    /// Defaults to true.
    pub active: Option<bool>,
}

/// An event type, `entity.*`, or `*`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(transparent)]
pub struct EventPattern(pub String);

// The schema enumerates the catalogue, so clients (and generated code) know every choice.
impl utoipa::PartialSchema for EventPattern {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        utoipa::openapi::ObjectBuilder::new()
            .schema_type(utoipa::openapi::schema::Type::String)
            .enum_values(Some(crate::kernel::outbox::patterns()))
            .into()
    }
}

impl ToSchema for EventPattern {}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"active": false}))]
pub struct UpdateWebhook {
    /// The new name.
    #[validate(length(min = 1, max = 100))]
    #[schema(nullable = false, min_length = 1, max_length = 100)]
    #[serde(default, deserialize_with = "crate::kernel::fields::required")]
    pub name: Option<String>,
    /// The new URL, under the same rules as on creation.
    #[validate(length(min = 1, max = 2000))]
    #[schema(nullable = false, min_length = 1, max_length = 2000, format = "uri")]
    #[serde(default, deserialize_with = "crate::kernel::fields::required")]
    pub url: Option<String>,
    /// Replaces the event types subscribed to.
    #[validate(length(min = 1, max = 50))]
    #[schema(nullable = false, min_items = 1, max_items = 50, inline)]
    #[serde(default, deserialize_with = "crate::kernel::fields::required")]
    pub event_types: Option<Vec<EventPattern>>,
    /// `false` pauses the subscription: events meanwhile are not queued for it.
    #[schema(nullable = false)]
    #[serde(default, deserialize_with = "crate::kernel::fields::required")]
    pub active: Option<bool>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct WebhooksQuery {
    /// Page size, 1–200 (default 50).
    pub limit: Option<u32>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

/// An event type subscribers can ask for.
#[derive(Debug, Serialize, ToSchema)]
pub struct EventTypeOut {
    /// The event type, `<entity>.<action>` (e.g. `customer.update`).
    #[schema(example = "customer.update")]
    pub event_type: String,
}

/// One event to one subscription, with its delivery state.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct DeliveryOut {
    /// Also the `webhook-id` header: the same on every retry, for receivers to deduplicate.
    pub id: String,
    /// The subscription delivered to.
    pub subscription_id: String,
    /// The event delivered.
    pub event_id: String,
    /// The event's type.
    #[schema(example = "customer.update")]
    pub event_type: String,
    /// `pending` (queued or retrying), `succeeded`, or `failed` (retries exhausted;
    /// redeliver to try again).
    #[schema(example = "succeeded")]
    pub status: String,
    /// Attempts made so far.
    pub attempts: i64,
    /// The receiver's HTTP status on the last attempt; `null` if it could not be reached or none was made.
    pub last_status_code: Option<i64>,
    /// Why the last attempt failed; `null` if it did not.
    pub last_error: Option<String>,
    /// When a 2xx was received; `null` until then.
    pub delivered_at: Option<DateTime<Utc>>,
    /// The body sent, as sent.
    pub payload: serde_json::Value,
    /// When the delivery was queued.
    pub created_at: DateTime<Utc>,
    /// When it last changed.
    pub updated_at: DateTime<Utc>,
}

impl From<&DeliveryRow> for DeliveryOut {
    fn from(d: &DeliveryRow) -> Self {
        DeliveryOut {
            id: d.id.clone(),
            subscription_id: d.subscription_id.clone(),
            event_id: d.event_id.clone(),
            event_type: d.event_type.clone(),
            status: d.status.clone(),
            attempts: d.attempts,
            last_status_code: d.last_status_code,
            last_error: d.last_error.clone(),
            delivered_at: d.delivered_at.map(from_db_time),
            payload: serde_json::from_str(&d.payload).unwrap_or_default(),
            created_at: from_db_time(d.created_at),
            updated_at: from_db_time(d.updated_at),
        }
    }
}

/// One attempt of a delivery: the delivery log.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AttemptOut {
    /// The attempt's number, from 1.
    pub attempt: i64,
    /// When the attempt started.
    pub started_at: DateTime<Utc>,
    /// How long it took, in milliseconds.
    pub duration_ms: i64,
    /// The receiver's HTTP status; absent when it could not be reached.
    pub status_code: Option<i64>,
    /// Why it failed; `null` if it succeeded.
    pub error: Option<String>,
}

impl From<&AttemptRow> for AttemptOut {
    fn from(a: &AttemptRow) -> Self {
        AttemptOut {
            attempt: a.attempt,
            started_at: from_db_time(a.started_at),
            duration_ms: a.duration_ms,
            status_code: a.status_code,
            error: a.error.clone(),
        }
    }
}

/// A delivery with its attempts.
#[derive(Debug, Serialize, ToSchema)]
pub struct DeliveryDetail {
    /// The delivery (its members are inlined here).
    #[serde(flatten)]
    pub delivery: DeliveryOut,
    /// Its attempts, oldest first.
    pub attempt_log: Vec<AttemptOut>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct DeliveriesQuery {
    pub subscription_id: Option<String>,
    /// `pending`, `succeeded` or `failed`.
    pub status: Option<String>,
    pub event_type: Option<String>,
    /// Page size, 1–200 (default 50).
    pub limit: Option<u32>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
}
