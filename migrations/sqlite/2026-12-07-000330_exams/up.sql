-- HR-T1/HR-T2 and the exam items of HR-S2/HR-S4: exam sessions and their results. Keep in
-- step with migrations/postgres: a test compares the two schemas.

-- A session: its kind, day, the parts it tests (comma-separated `knowledge`, `operation`),
-- the pass mark taken from `training-rules` when it was created (a later rule change does
-- not move it), the department whose override applied, and the session it retakes (one
-- retake: `attempt` 2). Closing it ranks a monthly exam and issues its HR-S2 events.
CREATE TABLE exam_sessions (
    id             TEXT NOT NULL PRIMARY KEY,
    kind           TEXT NOT NULL CHECK (kind IN ('new_hire', 'annual', 'retest', 'monthly')),
    title          TEXT NOT NULL,
    exam_date      DATE NOT NULL,
    parts          TEXT NOT NULL,
    department     TEXT,
    pass_mark      BIGINT NOT NULL,
    retake_of      TEXT REFERENCES exam_sessions (id),
    attempt        BIGINT NOT NULL,
    status         TEXT NOT NULL CHECK (status IN ('open', 'closed')),
    created_by     TEXT NOT NULL REFERENCES users (id),
    closed_by      TEXT REFERENCES users (id),
    closed_at      TIMESTAMP,
    created_at     TIMESTAMP NOT NULL,
    updated_at     TIMESTAMP NOT NULL,
    version        BIGINT NOT NULL,
    deleted_at     TIMESTAMP
);
CREATE INDEX exam_sessions_updated_idx ON exam_sessions (updated_at, id);

-- A person's result: how they took part, the scores written and the scores counted (cheating
-- 0, an excused monthly absence 70, from scorecard-templates), passed or not, the flags it
-- raised (comma-separated recommendations: retake, dismissal, not_hired) and, once a monthly
-- session is closed, whether it made the top places. One result per person and session.
CREATE TABLE exam_results (
    id                  TEXT NOT NULL PRIMARY KEY,
    session_id          TEXT NOT NULL REFERENCES exam_sessions (id),
    user_id             TEXT NOT NULL REFERENCES users (id),
    presence            TEXT NOT NULL CHECK (presence IN ('sat', 'cheated', 'absent_excused', 'absent_unexcused')),
    knowledge_written   BIGINT,
    operation_written   BIGINT,
    knowledge_counted   BIGINT,
    operation_counted   BIGINT,
    passed              BOOLEAN NOT NULL,
    top_place           BOOLEAN NOT NULL DEFAULT FALSE,
    flags               TEXT NOT NULL,
    note                TEXT,
    recorded_by         TEXT NOT NULL REFERENCES users (id),
    created_at          TIMESTAMP NOT NULL,
    updated_at          TIMESTAMP NOT NULL,
    version             BIGINT NOT NULL,
    deleted_at          TIMESTAMP
);
CREATE UNIQUE INDEX exam_results_session_user_key ON exam_results (session_id, user_id);
CREATE INDEX exam_results_updated_idx ON exam_results (updated_at, id);
CREATE INDEX exam_results_user_idx ON exam_results (user_id, session_id);
