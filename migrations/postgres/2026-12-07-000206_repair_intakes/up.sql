-- Repair intake (INV-5). Keep in step with migrations/sqlite: a test compares the two
-- schemas. Instants are UTC.

-- INV-5: one faulty device taken in for repair (故障维修单). The ticket is optional (a
-- walk-in customer at the fault-service centre has none); the customer always is named.
-- `accessories` is a JSON array of names. The signature (an attachment of kind `signature`
-- owned by the intake) is sealed by its SHA-256 when the customer signs; from then the facts
-- never change and only `status` moves on. The repair quote and its payment (BIL-4) belong
-- to billing, which has no table yet: their links are added with it.
CREATE TABLE repair_intakes (
    id                      TEXT NOT NULL PRIMARY KEY,
    ticket_id               TEXT REFERENCES tickets (id),
    customer_id             TEXT NOT NULL REFERENCES customers (id),
    product_id              TEXT REFERENCES products (id),
    model                   TEXT,
    serial                  TEXT NOT NULL,
    visible_damage          TEXT,
    accessories             TEXT NOT NULL,
    reported_fault          TEXT NOT NULL,
    fault_reproduced        BOOLEAN NOT NULL,
    reproduction_notes      TEXT,
    brought_by              TEXT REFERENCES users (id),
    received_by             TEXT NOT NULL REFERENCES users (id),
    received_at             TIMESTAMP NOT NULL,
    status                  TEXT NOT NULL
                            CHECK (status IN ('received', 'in_repair', 'awaiting_return',
                                              'returned')),
    status_note             TEXT,
    signer_contact_id       TEXT REFERENCES contacts (id),
    signer_name             TEXT,
    signature_attachment_id TEXT REFERENCES attachments (id),
    signature_sha256        TEXT,
    signed_at               TIMESTAMP,
    signed_recorded_by      TEXT REFERENCES users (id),
    returned_at             TIMESTAMP,
    returned_by             TEXT REFERENCES users (id),
    created_at              TIMESTAMP NOT NULL,
    updated_at              TIMESTAMP NOT NULL,
    version                 BIGINT NOT NULL,
    deleted_at              TIMESTAMP,
    CHECK ((signed_at IS NULL) = (signature_sha256 IS NULL)),
    CHECK (status = 'received' OR signed_at IS NOT NULL),
    CHECK ((status = 'returned') = (returned_at IS NOT NULL))
);
CREATE INDEX repair_intakes_updated_idx ON repair_intakes (updated_at, id);
CREATE INDEX repair_intakes_customer_idx ON repair_intakes (customer_id);
CREATE INDEX repair_intakes_ticket_idx ON repair_intakes (ticket_id);
CREATE INDEX repair_intakes_received_by_idx ON repair_intakes (received_by);
CREATE INDEX repair_intakes_brought_by_idx ON repair_intakes (brought_by);
CREATE INDEX repair_intakes_serial_idx ON repair_intakes (serial);
