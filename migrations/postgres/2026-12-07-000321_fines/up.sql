-- HR-F0: fines as records, and the department-fund ledger they are paid into. Keep in step
-- with migrations/sqlite: a test compares the two schemas.

-- A fine: the rule it applies (HR-A2, HR-C1, HR-F2..HR-F21), the person fined (a user), the
-- amount in fen, the payroll month it belongs to (YYYY-MM), the evidence (text and attachment
-- ids as a JSON array), who issued it, and its status. `source_key` names the record a fine
-- was proposed from (a complaint, a person's lateness month), so a source proposes once.
CREATE TABLE fines (
    id              TEXT NOT NULL PRIMARY KEY,
    user_id         TEXT NOT NULL REFERENCES users (id),
    rule            TEXT NOT NULL,
    amount_fen      BIGINT NOT NULL CHECK (amount_fen >= 0),
    month           TEXT NOT NULL,
    occurred_on     DATE NOT NULL,
    evidence        TEXT NOT NULL,
    attachment_ids  TEXT NOT NULL,
    issued_by       TEXT REFERENCES users (id),
    status          TEXT NOT NULL CHECK (status IN ('proposed', 'confirmed', 'deducted', 'cancelled')),
    dismissal_flag  BOOLEAN NOT NULL,
    source_key      TEXT,
    decided_by      TEXT REFERENCES users (id),
    decided_at      TIMESTAMP,
    cancel_reason   TEXT,
    deducted_at     TIMESTAMP,
    created_at      TIMESTAMP NOT NULL,
    updated_at      TIMESTAMP NOT NULL,
    version         BIGINT NOT NULL,
    deleted_at      TIMESTAMP
);
CREATE UNIQUE INDEX fines_source_key ON fines (source_key);
CREATE INDEX fines_updated_idx ON fines (updated_at, id);
CREATE INDEX fines_user_idx ON fines (user_id);
CREATE INDEX fines_month_status_idx ON fines (month, status);

-- The department fund: one entry per confirmation (+amount) and per cancellation of a
-- confirmed fine (-amount). Append-only; the running balance is the sum in id order.
CREATE TABLE fund_ledger (
    id          TEXT NOT NULL PRIMARY KEY,
    fine_id     TEXT NOT NULL REFERENCES fines (id),
    user_id     TEXT NOT NULL REFERENCES users (id),
    rule        TEXT NOT NULL,
    entry       TEXT NOT NULL CHECK (entry IN ('fine_confirmed', 'fine_reversed')),
    amount_fen  BIGINT NOT NULL,
    posted_by   TEXT REFERENCES users (id),
    created_at  TIMESTAMP NOT NULL,
    updated_at  TIMESTAMP NOT NULL,
    deleted_at  TIMESTAMP
);
CREATE UNIQUE INDEX fund_ledger_fine_entry_key ON fund_ledger (fine_id, entry);
CREATE INDEX fund_ledger_updated_idx ON fund_ledger (updated_at, id);
