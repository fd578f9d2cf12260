-- HR-T1: a new hire's probation and the confirmation's approvals. Keep in step with
-- migrations/postgres: a test compares the two schemas.

-- The first and the last day (the `training-rules` length when opened: calendar months or
-- working days of the work calendar; a later rule change does not move it), the department
-- whose override applied, and who approved each step of the confirmation, in order:
-- manager, executive, general manager. One probation per person.
CREATE TABLE probations (
    id                     TEXT NOT NULL PRIMARY KEY,
    user_id                TEXT NOT NULL REFERENCES users (id),
    department             TEXT,
    starts_on              DATE NOT NULL,
    ends_on                DATE NOT NULL,
    status                 TEXT NOT NULL CHECK (status IN ('probation', 'manager_approved', 'executive_approved', 'confirmed')),
    manager_approved_by    TEXT REFERENCES users (id),
    manager_approved_at    TIMESTAMP,
    executive_approved_by  TEXT REFERENCES users (id),
    executive_approved_at  TIMESTAMP,
    gm_approved_by         TEXT REFERENCES users (id),
    gm_approved_at         TIMESTAMP,
    opened_by              TEXT NOT NULL REFERENCES users (id),
    created_at             TIMESTAMP NOT NULL,
    updated_at             TIMESTAMP NOT NULL,
    version                BIGINT NOT NULL,
    deleted_at             TIMESTAMP
);
CREATE INDEX probations_updated_idx ON probations (updated_at, id);
CREATE UNIQUE INDEX probations_user_key ON probations (user_id);
