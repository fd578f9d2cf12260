-- The maintenance programme (CON-6). Keep in step with migrations/postgres: a test compares the
-- two schemas. Instants are UTC; due and completion days are company dates.

-- CON-6: one row per step a signed maintenance agreement owes, created when it is signed: the
-- initial tasks, the test plan, each month's test record and each quarter's manager inspection.
-- `seq` numbers the steps of one kind (months, quarters); the unique index makes the programme
-- of a contract created once, whichever request gets there first. A step the customer signs
-- keeps the signatory's name; the test plan waits in `awaiting_approval` for the manager's and
-- then the executive's approval.
CREATE TABLE maintenance_steps (
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
CREATE UNIQUE INDEX maintenance_steps_slot_idx ON maintenance_steps (contract_id, kind, seq);
CREATE INDEX maintenance_steps_due_idx ON maintenance_steps (status, due_on);
CREATE INDEX maintenance_steps_updated_idx ON maintenance_steps (updated_at, id);
