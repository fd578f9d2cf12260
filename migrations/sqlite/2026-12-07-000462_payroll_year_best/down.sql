-- Year-best lines go (the old CHECK knows no such kind).
PRAGMA foreign_keys = OFF;
BEGIN IMMEDIATE;

CREATE TABLE payroll_lines_rebuilt (
    id              TEXT NOT NULL PRIMARY KEY,
    statement_id    TEXT NOT NULL REFERENCES payroll_statements (id),
    person_id       TEXT NOT NULL REFERENCES users (id),
    month           TEXT NOT NULL,
    position        BIGINT NOT NULL,
    kind            TEXT NOT NULL CHECK (kind IN ('base_salary', 'phone_allowance', 'commission', 'base_salary_cut', 'grade_reward', 'streak_bonus', 'star_reward', 'fine', 'lateness_fine', 'part_charge', 'adjustment')),
    source_kind     TEXT NOT NULL CHECK (source_kind IN ('employee', 'commission_line', 'scorecard', 'fine', 'part_charge', 'payroll_adjustment')),
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
    FROM payroll_lines WHERE kind <> 'year_best_award';
DROP TABLE payroll_lines;
ALTER TABLE payroll_lines_rebuilt RENAME TO payroll_lines;
CREATE UNIQUE INDEX payroll_lines_key ON payroll_lines (statement_id, source_kind, source_id, kind);
CREATE INDEX payroll_lines_updated_idx ON payroll_lines (updated_at, id);
CREATE INDEX payroll_lines_month_idx ON payroll_lines (month, person_id);
CREATE INDEX payroll_lines_source_idx ON payroll_lines (source_kind, source_id);

COMMIT;
PRAGMA foreign_keys = ON;
