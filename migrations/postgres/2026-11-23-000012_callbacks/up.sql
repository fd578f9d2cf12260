-- Callbacks (TKT-9) and the manager's follow-ups of dissatisfied customers. Keep in step
-- with migrations/sqlite: a test compares the two schemas. Instants are UTC.

-- TKT-9: a call to the customer after a visit's feedback form is received, after a repaired
-- device is shipped back, or entered by hand. `feedback_form_id` links the form that caused
-- it (one callback per form).
-- A call not reached keeps the task open and counts an attempt. The answers are the
-- questionnaire of the seeds: form signed (compliance), timeliness, attitude, technical level
-- (1–5), result, the customer's overall verdict, and the money asked on site.
CREATE TABLE callbacks (
    id               TEXT NOT NULL PRIMARY KEY,
    ticket_id        TEXT NOT NULL REFERENCES tickets (id),
    source           TEXT NOT NULL CHECK (source IN ('feedback_form', 'repair_return', 'manual')),
    feedback_form_id TEXT REFERENCES feedback_forms (id),
    shipped_on       DATE,
    assignee_id      TEXT NOT NULL REFERENCES users (id),
    manager_id       TEXT REFERENCES users (id),
    due_date         DATE NOT NULL,
    status           TEXT NOT NULL CHECK (status IN ('open', 'done', 'cancelled')),
    attempts         BIGINT NOT NULL,
    last_attempt_at  TIMESTAMP,
    last_attempt_note TEXT,
    reached          BOOLEAN,
    form_signed      BOOLEAN,
    timeliness       BIGINT CHECK (timeliness BETWEEN 1 AND 5),
    attitude         BIGINT CHECK (attitude BETWEEN 1 AND 5),
    technical        BIGINT CHECK (technical BETWEEN 1 AND 5),
    result_ok        BOOLEAN,
    satisfied        BOOLEAN,
    fee_charged_fen  BIGINT,
    fee_kind         TEXT CHECK (fee_kind IN ('deposit', 'fee')),
    fee_refunded     BOOLEAN,
    invoice_given    BOOLEAN,
    notes            TEXT,
    completed_at     TIMESTAMP,
    completed_by     TEXT REFERENCES users (id),
    created_by       TEXT REFERENCES users (id),
    created_at       TIMESTAMP NOT NULL,
    updated_at       TIMESTAMP NOT NULL,
    version          BIGINT NOT NULL,
    deleted_at       TIMESTAMP
);
CREATE UNIQUE INDEX callbacks_form_idx ON callbacks (feedback_form_id);
CREATE INDEX callbacks_ticket_idx ON callbacks (ticket_id);
CREATE INDEX callbacks_assignee_idx ON callbacks (assignee_id, status);
CREATE INDEX callbacks_due_idx ON callbacks (due_date);
CREATE INDEX callbacks_updated_idx ON callbacks (updated_at, id);

-- TKT-9: a dissatisfied customer is answered by a manager within the working days of the
-- rule set `service-deadlines`; one follow-up per callback.
CREATE TABLE callback_follow_ups (
    id          TEXT NOT NULL PRIMARY KEY,
    callback_id TEXT NOT NULL UNIQUE REFERENCES callbacks (id),
    ticket_id   TEXT NOT NULL REFERENCES tickets (id),
    owner_id    TEXT NOT NULL REFERENCES users (id),
    due_date    DATE NOT NULL,
    status      TEXT NOT NULL CHECK (status IN ('open', 'answered')),
    answer      TEXT,
    answered_at TIMESTAMP,
    answered_by TEXT REFERENCES users (id),
    created_at  TIMESTAMP NOT NULL,
    updated_at  TIMESTAMP NOT NULL,
    version     BIGINT NOT NULL,
    deleted_at  TIMESTAMP
);
CREATE INDEX callback_follow_ups_owner_idx ON callback_follow_ups (owner_id, status);
CREATE INDEX callback_follow_ups_updated_idx ON callback_follow_ups (updated_at, id);
