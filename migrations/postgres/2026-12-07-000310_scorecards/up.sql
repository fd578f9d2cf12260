-- HR-S1..S6: score events, a month's measured scores, finalised cards and appeals. Keep in step
-- with migrations/sqlite: a test compares the two schemas.

-- HR-S2/HR-S6: a deduction or bonus against a person (their login) for a month, on an item of
-- the scorecard-templates rule set (a template item or an HR-S2 event), with its signed whole
-- points fixed when issued (`units` occurrences or days), the evidence text, the issuer and the
-- time. Evidence files are attachments with owner_type `score_event`. An appeal upheld cancels
-- the event (`status` `cancelled`); `penalty_for_event_id` marks the issuer's −10 it caused.
CREATE TABLE score_events (
    id                     TEXT NOT NULL PRIMARY KEY,
    user_id                TEXT NOT NULL REFERENCES users (id),
    month                  TEXT NOT NULL,
    item_key               TEXT NOT NULL,
    item_title             TEXT NOT NULL,
    units                  BIGINT NOT NULL,
    points                 BIGINT NOT NULL,
    sets_measure_key       TEXT,
    sets_measure_score     BIGINT,
    evidence               TEXT NOT NULL,
    status                 TEXT NOT NULL,
    cancelled_by_appeal_id TEXT,
    penalty_for_event_id   TEXT,
    issued_by              TEXT NOT NULL REFERENCES users (id),
    issued_at              TIMESTAMP NOT NULL,
    created_at             TIMESTAMP NOT NULL,
    updated_at             TIMESTAMP NOT NULL,
    version                BIGINT NOT NULL,
    deleted_at             TIMESTAMP
);
CREATE INDEX score_events_user_month_idx ON score_events (user_id, month);
CREATE INDEX score_events_updated_idx ON score_events (updated_at, id);

-- HR-S1: the month's position (which template) and measured scores in tenths of a point: the
-- QA average and, by item key, the template's points_below items (satisfaction, exams).
CREATE TABLE scorecard_inputs (
    id                 TEXT NOT NULL PRIMARY KEY,
    user_id            TEXT NOT NULL REFERENCES users (id),
    month              TEXT NOT NULL,
    position           TEXT NOT NULL,
    qa_average_tenths  BIGINT,
    measures_json      TEXT NOT NULL,
    entered_by         TEXT NOT NULL REFERENCES users (id),
    created_at         TIMESTAMP NOT NULL,
    updated_at         TIMESTAMP NOT NULL,
    version            BIGINT NOT NULL,
    deleted_at         TIMESTAMP
);
CREATE UNIQUE INDEX scorecard_inputs_user_month_key ON scorecard_inputs (user_id, month);
CREATE INDEX scorecard_inputs_updated_idx ON scorecard_inputs (updated_at, id);

-- HR-S3/HR-S4/HR-S5: a finalised card, never written again: the computed card and its outcome
-- (grade, rewards, stars, flags) as they stood when finalised, with the assessor's
-- justification.
CREATE TABLE scorecards (
    id             TEXT NOT NULL PRIMARY KEY,
    user_id        TEXT NOT NULL REFERENCES users (id),
    month          TEXT NOT NULL,
    position       TEXT NOT NULL,
    total_tenths   BIGINT NOT NULL,
    grade          TEXT NOT NULL,
    card_json      TEXT NOT NULL,
    outcome_json   TEXT NOT NULL,
    justification  TEXT,
    finalised_by   TEXT NOT NULL REFERENCES users (id),
    finalised_at   TIMESTAMP NOT NULL,
    created_at     TIMESTAMP NOT NULL,
    updated_at     TIMESTAMP NOT NULL,
    version        BIGINT NOT NULL,
    deleted_at     TIMESTAMP
);
CREATE UNIQUE INDEX scorecards_user_month_key ON scorecards (user_id, month);
CREATE INDEX scorecards_updated_idx ON scorecards (updated_at, id);

-- HR-S6: one appeal per event, by the person it was issued against, decided by a supervisor
-- who did not issue it: `pending` → `upheld` or `rejected`.
CREATE TABLE score_appeals (
    id                TEXT NOT NULL PRIMARY KEY,
    event_id          TEXT NOT NULL REFERENCES score_events (id),
    user_id           TEXT NOT NULL REFERENCES users (id),
    reason            TEXT NOT NULL,
    status            TEXT NOT NULL,
    decided_by        TEXT REFERENCES users (id),
    decided_at        TIMESTAMP,
    decision_note     TEXT,
    penalty_event_id  TEXT REFERENCES score_events (id),
    created_at        TIMESTAMP NOT NULL,
    updated_at        TIMESTAMP NOT NULL,
    version           BIGINT NOT NULL,
    deleted_at        TIMESTAMP
);
CREATE UNIQUE INDEX score_appeals_event_key ON score_appeals (event_id);
CREATE INDEX score_appeals_updated_idx ON score_appeals (updated_at, id);
