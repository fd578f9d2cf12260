-- Controller-data change instructions (CON-10). Keep in step with migrations/postgres: a test
-- compares the two schemas. Instants are UTC.

-- CON-10: the instruction signed by the customer's responsible person to change or delete what
-- an alarm controller stores, recorded before the change: the site (and the controller, when it
-- names one), what is to change, who signed and when, the scanned instruction (an attachment),
-- who recorded it. The change is then recorded on it, once: who changed, when, a note.
CREATE TABLE controller_instructions (
    id            TEXT NOT NULL PRIMARY KEY,
    customer_id   TEXT NOT NULL REFERENCES customers (id),
    site_id       TEXT NOT NULL REFERENCES sites (id),
    equipment_id  TEXT REFERENCES equipment (id),
    action        TEXT NOT NULL CHECK (action IN ('change', 'delete')),
    description   TEXT NOT NULL,
    signer_name   TEXT NOT NULL,
    signed_at     TIMESTAMP NOT NULL,
    attachment_id TEXT REFERENCES attachments (id),
    recorded_by   TEXT NOT NULL REFERENCES users (id),
    status        TEXT NOT NULL CHECK (status IN ('signed', 'carried_out')),
    changed_by    TEXT REFERENCES users (id),
    changed_at    TIMESTAMP,
    change_equipment_id TEXT REFERENCES equipment (id),
    change_note   TEXT,
    created_at    TIMESTAMP NOT NULL,
    updated_at    TIMESTAMP NOT NULL,
    version       BIGINT NOT NULL,
    deleted_at    TIMESTAMP
);
CREATE INDEX controller_instructions_customer_idx ON controller_instructions (customer_id);
CREATE INDEX controller_instructions_site_idx ON controller_instructions (site_id);
CREATE INDEX controller_instructions_updated_idx ON controller_instructions (updated_at, id);
