-- Chassis: users and roles, credentials, login throttling, the audit chain, idempotency.
-- Primary keys say NOT NULL: SQLite otherwise lets a non-INTEGER key be NULL.
-- Keep in step with migrations/postgres: a test compares the two schemas.

CREATE TABLE users (
    id                   TEXT NOT NULL PRIMARY KEY,
    username             TEXT NOT NULL UNIQUE,
    display_name         TEXT NOT NULL,
    email                TEXT,
    phone                TEXT,
    kind                 TEXT NOT NULL CHECK (kind IN ('human', 'service')),
    password_hash        TEXT,
    disabled             BOOLEAN NOT NULL DEFAULT FALSE,
    must_change_password BOOLEAN NOT NULL DEFAULT FALSE,
    created_at           TIMESTAMP NOT NULL,
    updated_at           TIMESTAMP NOT NULL,
    version              BIGINT NOT NULL
);
CREATE INDEX users_updated_at_idx ON users (updated_at, id);

CREATE TABLE user_roles (
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    role    TEXT NOT NULL CHECK (role IN ('admin', 'manager', 'supervisor', 'clerk', 'engineer',
                 'callback_agent', 'qa_inspector', 'finance', 'hr', 'executive', 'customer_contact')),
    PRIMARY KEY (user_id, role)
);

CREATE TABLE refresh_tokens (
    id         TEXT NOT NULL PRIMARY KEY,
    user_id    TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    family_id  TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    used_at    TIMESTAMP,
    revoked_at TIMESTAMP
);
CREATE INDEX refresh_tokens_family_idx ON refresh_tokens (family_id);
CREATE INDEX refresh_tokens_user_idx ON refresh_tokens (user_id);

CREATE TABLE api_keys (
    id           TEXT NOT NULL PRIMARY KEY,
    user_id      TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name         TEXT NOT NULL,
    prefix       TEXT NOT NULL,
    key_hash     TEXT NOT NULL UNIQUE,
    created_by   TEXT NOT NULL,
    created_at   TIMESTAMP NOT NULL,
    expires_at   TIMESTAMP,
    last_used_at TIMESTAMP,
    revoked_at   TIMESTAMP
);
CREATE INDEX api_keys_user_idx ON api_keys (user_id);

CREATE TABLE login_throttle (
    throttle_key      TEXT NOT NULL PRIMARY KEY,
    failures          BIGINT NOT NULL,
    window_started_at TIMESTAMP NOT NULL,
    locked_until      TIMESTAMP
);

-- Append-only and hash-chained: each entry's hash covers its content and the previous hash.
CREATE TABLE audit_log (
    seq          BIGINT NOT NULL PRIMARY KEY,
    id           TEXT NOT NULL UNIQUE,
    occurred_at  TIMESTAMP NOT NULL,
    actor_id     TEXT,
    action       TEXT NOT NULL,
    entity_type  TEXT NOT NULL,
    entity_id    TEXT NOT NULL,
    before_json  TEXT,
    after_json   TEXT,
    request_id   TEXT,
    prev_hash    TEXT NOT NULL,
    hash         TEXT NOT NULL
);
CREATE INDEX audit_log_entity_idx ON audit_log (entity_type, entity_id, seq);
CREATE INDEX audit_log_actor_idx ON audit_log (actor_id, seq);

-- The chain head: one row, updated first in every appending transaction, so the row lock
-- orders concurrent appenders (PostgreSQL) the way BEGIN IMMEDIATE does on SQLite.
CREATE TABLE audit_head (
    id   INTEGER NOT NULL PRIMARY KEY CHECK (id = 1),
    seq  BIGINT NOT NULL,
    hash TEXT NOT NULL
);
INSERT INTO audit_head (id, seq, hash)
VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');

CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;

CREATE TABLE idempotency_keys (
    actor_id         TEXT NOT NULL,
    idem_key         TEXT NOT NULL,
    method           TEXT NOT NULL,
    path             TEXT NOT NULL,
    request_hash     TEXT NOT NULL,
    status_code      BIGINT,
    response_body    TEXT,
    response_headers TEXT,
    created_at       TIMESTAMP NOT NULL,
    PRIMARY KEY (actor_id, idem_key)
);
CREATE INDEX idempotency_keys_created_idx ON idempotency_keys (created_at);
