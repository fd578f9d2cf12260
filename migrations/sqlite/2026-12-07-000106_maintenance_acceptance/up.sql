-- Maintenance agreements and their acceptance (CON-5). Keep in step with migrations/postgres: a
-- test compares the two schemas. Instants are UTC; the inspection day is a company date.

-- CON-1/CON-5: a contract is a service contract or a maintenance agreement; only the latter
-- needs an acceptance before signing. Existing contracts are service contracts.
ALTER TABLE contracts ADD COLUMN kind TEXT NOT NULL DEFAULT 'service'
    CHECK (kind IN ('service', 'maintenance'));

-- CON-5: the site conditions and the pre-signing inspection of a maintenance agreement, one row
-- per contract, replaced while the contract is a draft (each replacement moves the contract's
-- version, so it is written under the contract's If-Match). The five checks are a closed set,
-- hence one pass/note column pair each rather than a child table.
CREATE TABLE maintenance_acceptances (
    contract_id             TEXT NOT NULL PRIMARY KEY REFERENCES contracts (id),
    fire_inspected          BOOLEAN NOT NULL,
    well_managed            BOOLEAN NOT NULL,
    duty_person             BOOLEAN NOT NULL,
    inspected_on            DATE NOT NULL,
    inspector_id            TEXT NOT NULL REFERENCES users (id),
    alarm_host_passed       BOOLEAN NOT NULL,
    alarm_host_note         TEXT,
    device_count_passed     BOOLEAN NOT NULL,
    device_count_note       TEXT,
    sprinkler_hydrant_passed BOOLEAN NOT NULL,
    sprinkler_hydrant_note  TEXT,
    gas_extinguishing_passed BOOLEAN NOT NULL,
    gas_extinguishing_note  TEXT,
    smoke_control_passed    BOOLEAN NOT NULL,
    smoke_control_note      TEXT,
    recorded_by             TEXT NOT NULL REFERENCES users (id),
    updated_at              TIMESTAMP NOT NULL
);
