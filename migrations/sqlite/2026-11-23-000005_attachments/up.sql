-- Files attached to records (photos, documents, customer signatures). The bytes live in the
-- object store under a key made from the id; the row holds what was established on upload
-- (sniffed content type, size, SHA-256) so that a download or a seal can be checked against
-- it. Owner types are decided by the application (one table in code), not by a CHECK, so a
-- new kind of record can take attachments without a migration.
-- Keep in step with migrations/postgres: a test compares the two schemas.
CREATE TABLE attachments (
    id            TEXT NOT NULL PRIMARY KEY,
    owner_type    TEXT NOT NULL,
    owner_id      TEXT NOT NULL,
    kind          TEXT NOT NULL CHECK (kind IN ('photo', 'document', 'signature')),
    filename      TEXT NOT NULL,
    content_type  TEXT NOT NULL,
    size_bytes    BIGINT NOT NULL,
    sha256        TEXT NOT NULL,
    has_thumbnail BOOLEAN NOT NULL,
    uploaded_by   TEXT NOT NULL REFERENCES users (id),
    created_at    TIMESTAMP NOT NULL,
    updated_at    TIMESTAMP NOT NULL,
    version       BIGINT NOT NULL,
    deleted_at    TIMESTAMP
);
CREATE INDEX attachments_owner_idx ON attachments (owner_type, owner_id, id);
CREATE INDEX attachments_updated_idx ON attachments (updated_at, id);
