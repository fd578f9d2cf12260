-- BIL-7 customer rebates (用户返款). Keep in step with migrations/postgres: a test compares the
-- two schemas. A rebate returns money to the customer of a contract, a repair quote or a
-- commissioning job; it reduces that record's commissionable amount and is borne by the
-- engineer who earns from it (`engineer_id`: the contract's signer, the quote's or the job's
-- engineer, fixed when recorded). A mistaken rebate is cancelled, never deleted, so the
-- commission lines computed from it stay explainable.
CREATE TABLE rebates (
    id            TEXT NOT NULL PRIMARY KEY,
    customer_id   TEXT NOT NULL REFERENCES customers (id),
    source_kind   TEXT NOT NULL CHECK (source_kind IN ('contract', 'repair_quote', 'commissioning_job')),
    source_id     TEXT NOT NULL,
    engineer_id   TEXT NOT NULL REFERENCES users (id),
    amount_fen    BIGINT NOT NULL CHECK (amount_fen > 0),
    returned_on   DATE NOT NULL,
    reason        TEXT NOT NULL,
    status        TEXT NOT NULL CHECK (status IN ('recorded', 'cancelled')),
    cancelled_by  TEXT REFERENCES users (id),
    cancelled_at  TIMESTAMP,
    cancel_reason TEXT,
    recorded_by   TEXT NOT NULL REFERENCES users (id),
    created_at    TIMESTAMP NOT NULL,
    updated_at    TIMESTAMP NOT NULL,
    version       BIGINT NOT NULL,
    deleted_at    TIMESTAMP
);
CREATE INDEX rebates_updated_idx ON rebates (updated_at, id);
CREATE INDEX rebates_source_idx ON rebates (source_kind, source_id, status);
CREATE INDEX rebates_customer_idx ON rebates (customer_id, returned_on);
