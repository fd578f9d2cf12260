-- Scheduled jobs (one scheduler for everything time-driven) and the in-app notification inbox.
-- Keep in step with migrations/postgres: a test compares the two schemas.

-- A job is leased by one instance at a time: `running` with `leased_by` and `lease_until`;
-- a lease that expires (the instance died) is taken over. `attempts` counts leases, so a job
-- that keeps crashing its instance still ends `dead` after `max_attempts`.
CREATE TABLE jobs (
    id           TEXT NOT NULL PRIMARY KEY,
    kind         TEXT NOT NULL,
    payload      TEXT NOT NULL DEFAULT '{}',
    run_at       TIMESTAMP NOT NULL,
    status       TEXT NOT NULL CHECK (status IN ('queued', 'running', 'succeeded', 'dead')),
    attempts     BIGINT NOT NULL DEFAULT 0,
    max_attempts BIGINT NOT NULL CHECK (max_attempts > 0),
    last_error   TEXT,
    leased_by    TEXT,
    lease_until  TIMESTAMP,
    dedupe_key   TEXT,
    created_at   TIMESTAMP NOT NULL,
    updated_at   TIMESTAMP NOT NULL,
    version      BIGINT NOT NULL
);
-- One job per dedupe key (e.g. a periodic kind's period): two instances enqueue it once.
CREATE UNIQUE INDEX jobs_dedupe_key ON jobs (dedupe_key) WHERE dedupe_key IS NOT NULL;
CREATE INDEX jobs_due_idx ON jobs (status, run_at);
CREATE INDEX jobs_kind_idx ON jobs (kind, id);

-- A user's inbox. `dedupe_key` makes a domain event notify each user once however often the
-- event's job runs.
CREATE TABLE notifications (
    id          TEXT NOT NULL PRIMARY KEY,
    user_id     TEXT NOT NULL REFERENCES users (id),
    kind        TEXT NOT NULL,
    title       TEXT NOT NULL,
    body        TEXT NOT NULL,
    entity_type TEXT,
    entity_id   TEXT,
    dedupe_key  TEXT,
    read_at     TIMESTAMP,
    created_at  TIMESTAMP NOT NULL,
    updated_at  TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX notifications_dedupe_key ON notifications (user_id, dedupe_key)
    WHERE dedupe_key IS NOT NULL;
CREATE INDEX notifications_dedupe_idx ON notifications (dedupe_key);
CREATE INDEX notifications_user_idx ON notifications (user_id, id);
CREATE INDEX notifications_user_updated_idx ON notifications (user_id, updated_at, id);

-- The warranty reminder scan looks equipment up by the end of its warranty.
CREATE INDEX equipment_warranty_end_idx ON equipment (warranty_end);
