-- Cancelled steps go back to `open` (the old CHECK knows no other state for them).
PRAGMA foreign_keys = OFF;
BEGIN IMMEDIATE;

CREATE TABLE maintenance_steps_rebuilt (
    id           TEXT NOT NULL PRIMARY KEY,
    contract_id  TEXT NOT NULL REFERENCES contracts (id),
    kind         TEXT NOT NULL
                 CHECK (kind IN ('device_comparison', 'linkage_test', 'sprinkler_end_test',
                        'test_plan', 'monthly_test_record', 'manager_inspection')),
    seq          BIGINT NOT NULL CHECK (seq >= 1),
    due_on       DATE NOT NULL,
    status       TEXT NOT NULL CHECK (status IN ('open', 'awaiting_approval', 'done')),
    completed_on DATE,
    completed_by TEXT REFERENCES users (id),
    customer_signatory    TEXT,
    manager_approved_by   TEXT REFERENCES users (id),
    manager_approved_on   DATE,
    executive_approved_by TEXT REFERENCES users (id),
    executive_approved_on DATE,
    created_at   TIMESTAMP NOT NULL,
    updated_at   TIMESTAMP NOT NULL,
    version      BIGINT NOT NULL,
    deleted_at   TIMESTAMP
);
INSERT INTO maintenance_steps_rebuilt (id, contract_id, kind, seq, due_on, status, completed_on,
        completed_by, customer_signatory, manager_approved_by, manager_approved_on,
        executive_approved_by, executive_approved_on, created_at, updated_at, version, deleted_at)
    SELECT id, contract_id, kind, seq, due_on,
           CASE status WHEN 'cancelled' THEN 'open' ELSE status END, completed_on, completed_by,
           customer_signatory, manager_approved_by, manager_approved_on, executive_approved_by,
           executive_approved_on, created_at, updated_at, version, deleted_at
    FROM maintenance_steps;
DROP TABLE maintenance_steps;
ALTER TABLE maintenance_steps_rebuilt RENAME TO maintenance_steps;
CREATE UNIQUE INDEX maintenance_steps_slot_idx ON maintenance_steps (contract_id, kind, seq);
CREATE INDEX maintenance_steps_due_idx ON maintenance_steps (status, due_on);
CREATE INDEX maintenance_steps_updated_idx ON maintenance_steps (updated_at, id);

COMMIT;
PRAGMA foreign_keys = ON;
