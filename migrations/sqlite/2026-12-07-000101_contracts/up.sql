-- Service contracts (CON-1) and their payment (CON-2). Keep in step with migrations/postgres: a
-- test compares the two schemas. Instants are UTC; periods and due dates are company dates.

-- CON-1: a service contract with a customer. `predecessor_id` links a renewal to the contract
-- it continues; the unique index makes a contract renewed at most once, whichever instance or
-- request gets there first. `paid_fen` is the sum of the payments booked (CON-2); the due date
-- is set on signing. `overdue_noticed_on` is when the overdue job told the signer (CON-2).
CREATE TABLE contracts (
    id                 TEXT NOT NULL PRIMARY KEY,
    title              TEXT NOT NULL,
    customer_id        TEXT NOT NULL REFERENCES customers (id),
    predecessor_id     TEXT REFERENCES contracts (id),
    renewal_mode       TEXT NOT NULL CHECK (renewal_mode IN ('express', 'tacit')),
    notice_days        BIGINT NOT NULL CHECK (notice_days >= 0),
    renewal_cancelled  BOOLEAN NOT NULL,
    period_start       DATE NOT NULL,
    period_end         DATE NOT NULL,
    amount_fen         BIGINT NOT NULL CHECK (amount_fen >= 0),
    paid_fen           BIGINT NOT NULL CHECK (paid_fen >= 0),
    signer_id          TEXT NOT NULL REFERENCES users (id),
    status             TEXT NOT NULL
                       CHECK (status IN ('draft', 'signed', 'active', 'expired', 'terminated')),
    signed_on          DATE,
    payment_due_on     DATE,
    overdue_noticed_on DATE,
    termination_reason TEXT,
    created_by         TEXT NOT NULL REFERENCES users (id),
    created_at         TIMESTAMP NOT NULL,
    updated_at         TIMESTAMP NOT NULL,
    version            BIGINT NOT NULL,
    deleted_at         TIMESTAMP,
    CHECK (period_start <= period_end),
    CHECK (paid_fen <= amount_fen)
);
CREATE UNIQUE INDEX contracts_predecessor_idx ON contracts (predecessor_id);
CREATE INDEX contracts_customer_idx ON contracts (customer_id);
CREATE INDEX contracts_signer_idx ON contracts (signer_id);
CREATE INDEX contracts_status_end_idx ON contracts (status, period_end);
CREATE INDEX contracts_updated_idx ON contracts (updated_at, id);

-- CON-1: what a contract covers and who carries it out: its sites, its equipment and its
-- executors (users), one row each.
CREATE TABLE contract_items (
    contract_id TEXT NOT NULL REFERENCES contracts (id),
    kind        TEXT NOT NULL CHECK (kind IN ('site', 'equipment', 'executor')),
    item_id     TEXT NOT NULL,
    PRIMARY KEY (contract_id, kind, item_id)
);
CREATE INDEX contract_items_item_idx ON contract_items (kind, item_id);
