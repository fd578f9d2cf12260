-- Webhooks for integration scripts (issue 4): subscriptions per event type, one delivery per
-- (event, subscription) written in the same transaction as the change that raised the event
-- (the transactional outbox), and a log of every attempt to deliver it.
-- Keep in step with migrations/postgres: a test compares the two schemas.

-- `secret` signs the deliveries (HMAC-SHA256), so it is kept as issued, not hashed; it is
-- shown to the client once. `event_types` is a JSON array of event types or `entity.*`.
CREATE TABLE webhook_subscriptions (
    id          TEXT NOT NULL PRIMARY KEY,
    name        TEXT NOT NULL,
    url         TEXT NOT NULL,
    secret      TEXT NOT NULL,
    event_types TEXT NOT NULL,
    active      BOOLEAN NOT NULL DEFAULT TRUE,
    created_by  TEXT REFERENCES users (id),
    created_at  TIMESTAMP NOT NULL,
    updated_at  TIMESTAMP NOT NULL,
    version     BIGINT NOT NULL,
    deleted_at  TIMESTAMP
);

-- `payload` is the exact JSON body sent, fixed when the event happened, so a redelivery
-- sends the same bytes (and the receiver can deduplicate on `event_id`).
CREATE TABLE webhook_deliveries (
    id               TEXT NOT NULL PRIMARY KEY,
    subscription_id  TEXT NOT NULL REFERENCES webhook_subscriptions (id),
    event_id         TEXT NOT NULL,
    event_type       TEXT NOT NULL,
    payload          TEXT NOT NULL,
    status           TEXT NOT NULL CHECK (status IN ('pending', 'succeeded', 'failed')),
    attempts         BIGINT NOT NULL,
    last_status_code BIGINT,
    last_error       TEXT,
    delivered_at     TIMESTAMP,
    created_at       TIMESTAMP NOT NULL,
    updated_at       TIMESTAMP NOT NULL
);
CREATE INDEX webhook_deliveries_subscription_idx ON webhook_deliveries (subscription_id, id);

CREATE TABLE webhook_attempts (
    id           TEXT NOT NULL PRIMARY KEY,
    delivery_id  TEXT NOT NULL REFERENCES webhook_deliveries (id),
    attempt      BIGINT NOT NULL,
    started_at   TIMESTAMP NOT NULL,
    duration_ms  BIGINT NOT NULL,
    status_code  BIGINT,
    error        TEXT,
    UNIQUE (delivery_id, attempt)
);
