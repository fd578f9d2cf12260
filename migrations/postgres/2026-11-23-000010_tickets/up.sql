-- Tickets and field service (domain.md §1): tickets with their SLA due instants and
-- transition log, on-site visits and service records. Keep in step with migrations/sqlite:
-- a test compares the two schemas. Instants are UTC.

-- TKT-1: human-friendly ticket numbers `T<yyyymmdd>-<seq>`, one counter per company day,
-- advanced with a conditional update so concurrent opens never share a number.
CREATE TABLE ticket_counters (
    day  TEXT NOT NULL PRIMARY KEY,
    last BIGINT NOT NULL
);

CREATE TABLE tickets (
    id                         TEXT NOT NULL PRIMARY KEY,
    number                     TEXT NOT NULL UNIQUE,
    channel                    TEXT NOT NULL
                               CHECK (channel IN ('phone', 'web', 'im', 'email', 'onsite', 'api')),
    ticket_type                TEXT NOT NULL
                               CHECK (ticket_type IN ('consultation', 'fault', 'complaint', 'change_request',
                                      'data_clear_request', 'admin_password_request', 'bug', 'training', 'installation')),
    priority                   TEXT NOT NULL CHECK (priority IN ('low', 'normal', 'high', 'urgent')),
    status                     TEXT NOT NULL
                               CHECK (status IN ('new', 'assigned', 'in_progress', 'waiting_customer',
                                      'resolved', 'closed', 'cancelled')),
    customer_id                TEXT NOT NULL REFERENCES customers (id),
    site_id                    TEXT REFERENCES sites (id),
    contact_id                 TEXT REFERENCES contacts (id),
    equipment_id               TEXT REFERENCES equipment (id),
    description                TEXT NOT NULL,
    taken_by                   TEXT NOT NULL REFERENCES users (id),
    assignee_id                TEXT REFERENCES users (id),
    team_id                    TEXT REFERENCES teams (id),
    planned_start              TIMESTAMP,
    planned_end                TIMESTAMP,
    appointment_confirmed_at   TIMESTAMP,
    appointment_confirmed_with TEXT,
    escalated_at               TIMESTAMP,
    escalation_reason          TEXT,
    response_due_at            TIMESTAMP NOT NULL,
    resolution_due_at          TIMESTAMP NOT NULL,
    responded_at               TIMESTAMP,
    waiting_since              TIMESTAMP,
    resolved_at                TIMESTAMP,
    resolution_summary         TEXT,
    closed_at                  TIMESTAMP,
    cancelled_at               TIMESTAMP,
    created_at                 TIMESTAMP NOT NULL,
    updated_at                 TIMESTAMP NOT NULL,
    version                    BIGINT NOT NULL,
    deleted_at                 TIMESTAMP
);
CREATE INDEX tickets_updated_idx ON tickets (updated_at, id);
CREATE INDEX tickets_assignee_idx ON tickets (assignee_id);
CREATE INDEX tickets_team_idx ON tickets (team_id);
CREATE INDEX tickets_customer_idx ON tickets (customer_id);
CREATE INDEX tickets_status_idx ON tickets (status);

-- TKT-3 (and TKT-4 dispatch events): every change of a ticket's state, and the events that
-- keep it (reassignment, appointment confirmed or missed, escalation), with actor and reason.
-- `from_status` is NULL for the opening.
CREATE TABLE ticket_transitions (
    id          TEXT NOT NULL PRIMARY KEY,
    ticket_id   TEXT NOT NULL REFERENCES tickets (id),
    action      TEXT NOT NULL,
    from_status TEXT,
    to_status   TEXT NOT NULL,
    actor_id    TEXT REFERENCES users (id),
    reason      TEXT,
    at          TIMESTAMP NOT NULL
);
CREATE INDEX ticket_transitions_ticket_idx ON ticket_transitions (ticket_id, at);

-- TKT-5 / TKT-8: on-site visits. GPS points are micro-degrees; accuracy in metres.
CREATE TABLE visits (
    id                  TEXT NOT NULL PRIMARY KEY,
    ticket_id           TEXT NOT NULL REFERENCES tickets (id),
    engineer_id         TEXT NOT NULL REFERENCES users (id),
    planned_date        DATE NOT NULL,
    purpose             TEXT NOT NULL,
    status              TEXT NOT NULL
                        CHECK (status IN ('requested', 'approved', 'rejected', 'departed', 'arrived', 'finished')),
    decided_by          TEXT REFERENCES users (id),
    decided_at          TIMESTAMP,
    decision_note       TEXT,
    departed_at         TIMESTAMP,
    arrived_at          TIMESTAMP,
    arrived_lat_e6      BIGINT,
    arrived_lng_e6      BIGINT,
    arrived_accuracy_m  BIGINT,
    finished_at         TIMESTAMP,
    finished_lat_e6     BIGINT,
    finished_lng_e6     BIGINT,
    finished_accuracy_m BIGINT,
    resolved            BOOLEAN,
    outcome_note        TEXT,
    escalated_at        TIMESTAMP,
    escalated_by        TEXT REFERENCES users (id),
    escalation_reason   TEXT,
    created_at          TIMESTAMP NOT NULL,
    updated_at          TIMESTAMP NOT NULL,
    version             BIGINT NOT NULL,
    deleted_at          TIMESTAMP
);
CREATE INDEX visits_ticket_idx ON visits (ticket_id);
CREATE INDEX visits_engineer_day_idx ON visits (engineer_id, planned_date);
CREATE INDEX visits_day_idx ON visits (planned_date);
CREATE INDEX visits_updated_idx ON visits (updated_at, id);

-- TKT-6: `details` is the JSON of the kind-specific fields; a bug's promised date is kept in
-- its own column for the change-request workflow (TKT-12).
CREATE TABLE service_records (
    id            TEXT NOT NULL PRIMARY KEY,
    ticket_id     TEXT NOT NULL REFERENCES tickets (id),
    visit_id      TEXT REFERENCES visits (id),
    mode          TEXT NOT NULL CHECK (mode IN ('remote', 'onsite')),
    kind          TEXT NOT NULL
                  CHECK (kind IN ('general', 'data_clearing', 'admin_password', 'report_problem', 'bug')),
    work_done     TEXT NOT NULL,
    details       TEXT NOT NULL,
    promised_date DATE,
    created_by    TEXT NOT NULL REFERENCES users (id),
    created_at    TIMESTAMP NOT NULL,
    updated_at    TIMESTAMP NOT NULL,
    version       BIGINT NOT NULL,
    deleted_at    TIMESTAMP
);
CREATE INDEX service_records_ticket_idx ON service_records (ticket_id);
