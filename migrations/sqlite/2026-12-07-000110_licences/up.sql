-- Software licences (CON-4). Keep in step with migrations/postgres: a test compares the two
-- schemas. Instants are UTC; the service period is company dates.

-- CON-4: one serial per installation (equipment) a contract covers, valid over the contract's
-- service period from `valid_from` (the installation day by default) to `valid_until`. A
-- renewal issues the next licence with `replaces_id` naming this one and sets this one's
-- `replaced_by_id`: the history of an installation is its chain. The unique indexes: a serial
-- names one licence (the check looks it up), an installation is licensed once per contract,
-- and a licence is replaced at most once, whichever request or job instance gets there first.
-- `customer_id` is the contract's, kept for the list's filter.
CREATE TABLE licences (
    id             TEXT NOT NULL PRIMARY KEY,
    serial         TEXT NOT NULL,
    contract_id    TEXT NOT NULL REFERENCES contracts (id),
    customer_id    TEXT NOT NULL REFERENCES customers (id),
    equipment_id   TEXT NOT NULL REFERENCES equipment (id),
    valid_from     DATE NOT NULL,
    valid_until    DATE NOT NULL,
    replaces_id    TEXT REFERENCES licences (id),
    replaced_by_id TEXT REFERENCES licences (id),
    issued_by      TEXT NOT NULL REFERENCES users (id),
    note           TEXT,
    created_at     TIMESTAMP NOT NULL,
    updated_at     TIMESTAMP NOT NULL,
    version        BIGINT NOT NULL,
    deleted_at     TIMESTAMP,
    CHECK (valid_from <= valid_until)
);
CREATE UNIQUE INDEX licences_serial_idx ON licences (serial);
CREATE UNIQUE INDEX licences_contract_equipment_idx ON licences (contract_id, equipment_id);
CREATE UNIQUE INDEX licences_replaces_idx ON licences (replaces_id);
CREATE INDEX licences_equipment_idx ON licences (equipment_id, valid_from);
CREATE INDEX licences_customer_idx ON licences (customer_id);
CREATE INDEX licences_updated_idx ON licences (updated_at, id);
