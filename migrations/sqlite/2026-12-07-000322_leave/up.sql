-- HR-A3: leave requests and their two-step approval. Keep in step with migrations/postgres: a
-- test compares the two schemas.

-- The days asked for (inclusive), their number of working days by the work calendar when
-- requested (which decides whether HR approves too), the kind and reason, and who approved or
-- refused each step. Approved leave days count neither late nor absent in a month's summary.
CREATE TABLE leave_requests (
    id                  TEXT NOT NULL PRIMARY KEY,
    user_id             TEXT NOT NULL REFERENCES users (id),
    kind                TEXT NOT NULL,
    start_date          DATE NOT NULL,
    end_date            DATE NOT NULL,
    working_days        BIGINT NOT NULL,
    reason              TEXT NOT NULL,
    status              TEXT NOT NULL CHECK (status IN ('requested', 'manager_approved', 'approved', 'rejected', 'cancelled')),
    manager_decided_by  TEXT REFERENCES users (id),
    manager_decided_at  TIMESTAMP,
    hr_decided_by       TEXT REFERENCES users (id),
    hr_decided_at       TIMESTAMP,
    decision_note       TEXT,
    created_at          TIMESTAMP NOT NULL,
    updated_at          TIMESTAMP NOT NULL,
    version             BIGINT NOT NULL,
    deleted_at          TIMESTAMP
);
CREATE INDEX leave_requests_updated_idx ON leave_requests (updated_at, id);
CREATE INDEX leave_requests_user_dates_idx ON leave_requests (user_id, start_date);
