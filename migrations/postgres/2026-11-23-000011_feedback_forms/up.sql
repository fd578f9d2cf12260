-- TKT-7 feedback forms (客户服务信息反馈单): one per visit, with every version the engineer
-- wrote and the customer signed. Keep in step with migrations/sqlite: a test compares the
-- two schemas. Instants are UTC.

-- The form. `due_date` is the company-local day the form must be handed in by and `due_at`
-- the instant that day ends (both NULL until the visit has finished). `signed_version_no`
-- is the version in effect (the last signed one); `signer_authorised` is that version's
-- signer check, kept here so the flagged forms list fast.
CREATE TABLE feedback_forms (
    id                 TEXT NOT NULL PRIMARY KEY,
    ticket_id          TEXT NOT NULL REFERENCES tickets (id),
    visit_id           TEXT NOT NULL UNIQUE REFERENCES visits (id),
    engineer_id        TEXT NOT NULL REFERENCES users (id),
    status             TEXT NOT NULL CHECK (status IN ('draft', 'signed', 'received')),
    current_version_no BIGINT NOT NULL,
    signed_version_no  BIGINT,
    signer_authorised  BOOLEAN,
    due_date           DATE,
    due_at             TIMESTAMP,
    received_at        TIMESTAMP,
    received_by        TEXT REFERENCES users (id),
    created_by         TEXT NOT NULL REFERENCES users (id),
    created_at         TIMESTAMP NOT NULL,
    updated_at         TIMESTAMP NOT NULL,
    version            BIGINT NOT NULL,
    deleted_at         TIMESTAMP
);
CREATE INDEX feedback_forms_ticket_idx ON feedback_forms (ticket_id);
CREATE INDEX feedback_forms_engineer_idx ON feedback_forms (engineer_id);
CREATE INDEX feedback_forms_updated_idx ON feedback_forms (updated_at, id);

-- One row per version. A signed row (signed_at set) is never updated again: the store only
-- updates rows WHERE signed_at IS NULL. `parts_used` is a JSON list of
-- {part, quantity, serial}; `signature_sha256` is the seal of the signature file.
CREATE TABLE feedback_form_versions (
    id                      TEXT NOT NULL PRIMARY KEY,
    form_id                 TEXT NOT NULL REFERENCES feedback_forms (id),
    version_no              BIGINT NOT NULL,
    work_done               TEXT NOT NULL,
    result                  TEXT NOT NULL CHECK (result IN ('resolved', 'partially_resolved', 'unresolved')),
    parts_used              TEXT NOT NULL,
    customer_opinion        TEXT,
    amendment_reason        TEXT,
    signer_contact_id       TEXT REFERENCES contacts (id),
    signer_name             TEXT,
    signer_authorised       BOOLEAN,
    signature_attachment_id TEXT REFERENCES attachments (id),
    signature_sha256        TEXT,
    signed_at               TIMESTAMP,
    signed_recorded_by      TEXT REFERENCES users (id),
    created_by              TEXT NOT NULL REFERENCES users (id),
    created_at              TIMESTAMP NOT NULL,
    updated_at              TIMESTAMP NOT NULL,
    UNIQUE (form_id, version_no)
);
