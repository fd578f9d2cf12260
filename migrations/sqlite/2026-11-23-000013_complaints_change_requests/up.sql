-- Complaints (TKT-10) and change requests (TKT-12). Keep in step with migrations/postgres: a
-- test compares the two schemas. Instants are UTC.

-- TKT-10: a complaint about an employee (`employee_id` is the user complained about),
-- judged valid or invalid, answered with corrective measures and a reply, then closed.
-- Valid complaints are counted per employee for HR scoring (HR-C1).
CREATE TABLE complaints (
    id                  TEXT NOT NULL PRIMARY KEY,
    ticket_id           TEXT REFERENCES tickets (id),
    customer_id         TEXT NOT NULL REFERENCES customers (id),
    employee_id         TEXT NOT NULL REFERENCES users (id),
    channel             TEXT NOT NULL
                        CHECK (channel IN ('phone', 'web', 'im', 'email', 'onsite', 'api')),
    description         TEXT NOT NULL,
    received_at         TIMESTAMP NOT NULL,
    recorded_by         TEXT NOT NULL REFERENCES users (id),
    status              TEXT NOT NULL CHECK (status IN ('open', 'judged', 'replied', 'closed')),
    validity            TEXT CHECK (validity IN ('valid', 'invalid')),
    validity_reason     TEXT,
    judged_by           TEXT REFERENCES users (id),
    judged_at           TIMESTAMP,
    corrective_measures TEXT,
    reply_to_customer   TEXT,
    replied_by          TEXT REFERENCES users (id),
    replied_at          TIMESTAMP,
    closed_by           TEXT REFERENCES users (id),
    closed_at           TIMESTAMP,
    created_at          TIMESTAMP NOT NULL,
    updated_at          TIMESTAMP NOT NULL,
    version             BIGINT NOT NULL,
    deleted_at          TIMESTAMP
);
CREATE INDEX complaints_employee_idx ON complaints (employee_id, received_at);
CREATE INDEX complaints_customer_idx ON complaints (customer_id);
CREATE INDEX complaints_received_idx ON complaints (received_at);

-- TKT-12: a program change asked for by a customer (or raised by a bug record, TKT-6).
-- `promised_date` is the current completion date promised to the customer; earlier ones are
-- in change_request_delays.
CREATE TABLE change_requests (
    id                 TEXT NOT NULL PRIMARY KEY,
    ticket_id          TEXT NOT NULL REFERENCES tickets (id),
    customer_id        TEXT NOT NULL REFERENCES customers (id),
    service_record_id  TEXT REFERENCES service_records (id),
    title              TEXT NOT NULL,
    requirements       TEXT NOT NULL,
    customer_stamp_ref TEXT,
    requested_by       TEXT NOT NULL REFERENCES users (id),
    stage              TEXT NOT NULL
                       CHECK (stage IN ('requested', 'requirements_confirmed', 'reviewed', 'in_development',
                              'testing', 'tested', 'delivered', 'feedback_recorded', 'rejected', 'cancelled')),
    review_note        TEXT,
    promised_date      DATE,
    reviewed_by        TEXT REFERENCES users (id),
    reviewed_at        TIMESTAMP,
    tested_by          TEXT REFERENCES users (id),
    tested_at          TIMESTAMP,
    delivered_at       TIMESTAMP,
    customer_feedback  TEXT,
    created_at         TIMESTAMP NOT NULL,
    updated_at         TIMESTAMP NOT NULL,
    version            BIGINT NOT NULL,
    deleted_at         TIMESTAMP
);
CREATE INDEX change_requests_ticket_idx ON change_requests (ticket_id);
CREATE INDEX change_requests_customer_idx ON change_requests (customer_id);
CREATE INDEX change_requests_stage_idx ON change_requests (stage, promised_date);
CREATE INDEX change_requests_record_idx ON change_requests (service_record_id);

-- TKT-12: every stage change (and delay notice) with actor and reason. `from_stage` is
-- NULL for the request itself.
CREATE TABLE change_request_events (
    id                TEXT NOT NULL PRIMARY KEY,
    change_request_id TEXT NOT NULL REFERENCES change_requests (id),
    action            TEXT NOT NULL,
    from_stage        TEXT,
    to_stage          TEXT NOT NULL,
    actor_id          TEXT REFERENCES users (id),
    reason            TEXT,
    at                TIMESTAMP NOT NULL
);
CREATE INDEX change_request_events_cr_idx ON change_request_events (change_request_id, at);

-- TKT-12: delay notices, the history of promised dates: each moved `old_promised_date` to
-- `new_promised_date`, announced to `notified_contact` before the old date.
CREATE TABLE change_request_delays (
    id                TEXT NOT NULL PRIMARY KEY,
    change_request_id TEXT NOT NULL REFERENCES change_requests (id),
    old_promised_date DATE NOT NULL,
    new_promised_date DATE NOT NULL,
    reason            TEXT NOT NULL,
    notified_contact  TEXT NOT NULL,
    noticed_by        TEXT REFERENCES users (id),
    noticed_at        TIMESTAMP NOT NULL
);
CREATE INDEX change_request_delays_cr_idx ON change_request_delays (change_request_id, noticed_at);
