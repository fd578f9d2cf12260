-- The SLA stage last announced per ticket target (TKT-2). Keep in step with migrations/sqlite:
-- a test compares the two schemas.

-- The SLA watch runs every minute; without this it re-read every breached open ticket each
-- time to find the few with something new to say. A target whose due instant and stage are
-- marked here is skipped by the scan until its due instant moves or it crosses into breach.
CREATE TABLE ticket_sla_marks (
    ticket_id    TEXT NOT NULL REFERENCES tickets (id),
    target       TEXT NOT NULL,
    due_at       TIMESTAMP NOT NULL,
    stage        TEXT NOT NULL,
    announced_at TIMESTAMP NOT NULL,
    PRIMARY KEY (ticket_id, target)
);
-- The scan's filter on due instants, for both targets.
CREATE INDEX tickets_response_due_idx ON tickets (response_due_at);
CREATE INDEX tickets_resolution_due_idx ON tickets (resolution_due_at);
