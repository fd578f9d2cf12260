-- HR-S5/BIL-13: the year's best total is paid with December's statement, a line of kind
-- `year_best_award` whose source is the year's standing (`score_year`, `YYYY:position`). Keep
-- in step with migrations/postgres: a test compares the two schemas.
--
-- SQLite cannot change a CHECK in place, so `payroll_lines` is rebuilt
-- (https://sqlite.org/lang_altertable.html#otheralter) with foreign keys off while it is
-- swapped; nothing references it and its ids do not change.
PRAGMA foreign_keys = OFF;
BEGIN IMMEDIATE;

CREATE TABLE payroll_lines_rebuilt (
    id              TEXT NOT NULL PRIMARY KEY,
    statement_id    TEXT NOT NULL REFERENCES payroll_statements (id),
    person_id       TEXT NOT NULL REFERENCES users (id),
    month           TEXT NOT NULL,
    position        BIGINT NOT NULL,
    kind            TEXT NOT NULL CHECK (kind IN ('base_salary', 'phone_allowance', 'commission', 'base_salary_cut', 'grade_reward', 'streak_bonus', 'star_reward', 'year_best_award', 'fine', 'lateness_fine', 'part_charge', 'adjustment')),
    source_kind     TEXT NOT NULL CHECK (source_kind IN ('employee', 'commission_line', 'scorecard', 'fine', 'part_charge', 'payroll_adjustment', 'score_year')),
    source_id       TEXT NOT NULL,
    source_month    TEXT,
    amount_fen      BIGINT NOT NULL,
    rule            TEXT NOT NULL,
    description     TEXT NOT NULL,
    created_at      TIMESTAMP NOT NULL,
    updated_at      TIMESTAMP NOT NULL,
    deleted_at      TIMESTAMP
);
INSERT INTO payroll_lines_rebuilt (id, statement_id, person_id, month, position, kind,
        source_kind, source_id, source_month, amount_fen, rule, description, created_at,
        updated_at, deleted_at)
    SELECT id, statement_id, person_id, month, position, kind, source_kind, source_id,
           source_month, amount_fen, rule, description, created_at, updated_at, deleted_at
    FROM payroll_lines;
DROP TABLE payroll_lines;
ALTER TABLE payroll_lines_rebuilt RENAME TO payroll_lines;
CREATE UNIQUE INDEX payroll_lines_key ON payroll_lines (statement_id, source_kind, source_id, kind);
CREATE INDEX payroll_lines_updated_idx ON payroll_lines (updated_at, id);
CREATE INDEX payroll_lines_month_idx ON payroll_lines (month, person_id);
CREATE INDEX payroll_lines_source_idx ON payroll_lines (source_kind, source_id);

COMMIT;
PRAGMA foreign_keys = ON;
