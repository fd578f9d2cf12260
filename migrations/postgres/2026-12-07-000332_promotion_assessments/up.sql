-- HR-T3: the manager's assessment of a candidate's abilities for promotion to team lead
-- (seed 002: independent commissioning, repair, maintenance and callbacks; solving customers'
-- problems; training and technical guidance; allocating and managing work). Keep in step
-- with migrations/sqlite: a test compares the two schemas.
CREATE TABLE promotion_assessments (
    id              TEXT NOT NULL PRIMARY KEY,
    user_id         TEXT NOT NULL REFERENCES users (id),
    meets_abilities BOOLEAN NOT NULL,
    note            TEXT NOT NULL,
    assessed_on     DATE NOT NULL,
    assessed_by     TEXT NOT NULL REFERENCES users (id),
    created_at      TIMESTAMP NOT NULL,
    updated_at      TIMESTAMP NOT NULL,
    version         BIGINT NOT NULL,
    deleted_at      TIMESTAMP
);
CREATE INDEX promotion_assessments_updated_idx ON promotion_assessments (updated_at, id);
CREATE INDEX promotion_assessments_user_idx ON promotion_assessments (user_id, assessed_on);
