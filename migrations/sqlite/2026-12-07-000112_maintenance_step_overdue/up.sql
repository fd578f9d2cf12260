-- The maintenance programme's overdue steps and ended contracts (CON-6). Keep in step with
-- migrations/postgres: a test compares the two schemas.
--
-- A step whose contract ended (terminated or expired) before it was done is `cancelled`; the
-- overdue job claims a step by setting `overdue_noticed_on` (a conditional write, so two runs
-- or instances tell once). SQLite cannot change a CHECK in place, so `maintenance_steps` is
-- rebuilt (https://sqlite.org/lang_altertable.html#otheralter) with foreign keys off while it
-- is swapped; nothing references it and its ids do not change.
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
    status       TEXT NOT NULL
                 CHECK (status IN ('open', 'awaiting_approval', 'done', 'cancelled')),
    completed_on DATE,
    completed_by TEXT REFERENCES users (id),
    customer_signatory    TEXT,
    manager_approved_by   TEXT REFERENCES users (id),
    manager_approved_on   DATE,
    executive_approved_by TEXT REFERENCES users (id),
    executive_approved_on DATE,
    overdue_noticed_on    DATE,
    created_at   TIMESTAMP NOT NULL,
    updated_at   TIMESTAMP NOT NULL,
    version      BIGINT NOT NULL,
    deleted_at   TIMESTAMP
);
INSERT INTO maintenance_steps_rebuilt (id, contract_id, kind, seq, due_on, status, completed_on,
        completed_by, customer_signatory, manager_approved_by, manager_approved_on,
        executive_approved_by, executive_approved_on, created_at, updated_at, version, deleted_at)
    SELECT id, contract_id, kind, seq, due_on, status, completed_on, completed_by,
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
