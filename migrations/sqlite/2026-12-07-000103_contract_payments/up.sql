-- CON-2 payments received against a contract, one row each (what billing reads for the
-- contract's payments and cycle completion). Keep in step with migrations/postgres: a test
-- compares the two schemas. `contracts.paid_fen` is their sum, kept in the same transaction.
CREATE TABLE contract_payments (
    id          TEXT NOT NULL PRIMARY KEY,
    contract_id TEXT NOT NULL REFERENCES contracts (id),
    amount_fen  BIGINT NOT NULL CHECK (amount_fen > 0),
    paid_on     DATE NOT NULL,
    recorded_by TEXT NOT NULL REFERENCES users (id),
    created_at  TIMESTAMP NOT NULL
);
CREATE INDEX contract_payments_contract_idx ON contract_payments (contract_id, paid_on);
