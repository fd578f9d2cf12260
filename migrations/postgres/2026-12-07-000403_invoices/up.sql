-- BIL-5 invoices and their credit notes. Keep in step with migrations/sqlite: a test compares
-- the two schemas. An invoice bills a contract, a repair quote or a commissioning job of its
-- customer and keeps the mailing address and contact it was sent to. `credited_fen` is the sum
-- of its credit notes, grown by a conditional UPDATE, never beyond `amount_fen`.
CREATE TABLE invoices (
    id              TEXT NOT NULL PRIMARY KEY,
    number          TEXT NOT NULL,
    customer_id     TEXT NOT NULL REFERENCES customers (id),
    subject_kind    TEXT NOT NULL CHECK (subject_kind IN ('contract', 'repair_quote', 'commissioning_job')),
    subject_id      TEXT NOT NULL,
    amount_fen      BIGINT NOT NULL CHECK (amount_fen > 0),
    credited_fen    BIGINT NOT NULL CHECK (credited_fen >= 0 AND credited_fen <= amount_fen),
    issued_on       DATE NOT NULL,
    mailing_address TEXT NOT NULL,
    contact_name    TEXT NOT NULL,
    contact_phone   TEXT,
    note            TEXT,
    issued_by       TEXT NOT NULL REFERENCES users (id),
    created_at      TIMESTAMP NOT NULL,
    updated_at      TIMESTAMP NOT NULL,
    version         BIGINT NOT NULL,
    deleted_at      TIMESTAMP
);
CREATE UNIQUE INDEX invoices_number_key ON invoices (number);
CREATE INDEX invoices_updated_idx ON invoices (updated_at, id);
CREATE INDEX invoices_customer_idx ON invoices (customer_id, issued_on);

-- A credit note refunds part or all of one invoice.
CREATE TABLE credit_notes (
    id          TEXT NOT NULL PRIMARY KEY,
    invoice_id  TEXT NOT NULL REFERENCES invoices (id),
    number      TEXT NOT NULL,
    amount_fen  BIGINT NOT NULL CHECK (amount_fen > 0),
    issued_on   DATE NOT NULL,
    reason      TEXT NOT NULL,
    issued_by   TEXT NOT NULL REFERENCES users (id),
    created_at  TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX credit_notes_number_key ON credit_notes (number);
CREATE INDEX credit_notes_invoice_idx ON credit_notes (invoice_id);
