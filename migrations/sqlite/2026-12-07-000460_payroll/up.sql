-- BIL-13: the monthly payroll statement per employee, its lines, and the adjustments carried
-- into a later month. Keep in step with migrations/postgres: a test compares the two schemas.

-- One statement per person and payroll month: `draft` while it follows its sources, then
-- `approved` by finance and never written again (corrections are adjustments into a later
-- month). The totals are the sums of its live lines; `version` guards every write, so of two
-- generations at once one writes.
CREATE TABLE payroll_statements (
    id              TEXT NOT NULL PRIMARY KEY,
    person_id       TEXT NOT NULL REFERENCES users (id),
    employee_id     TEXT REFERENCES employees (id),
    month           TEXT NOT NULL,
    status          TEXT NOT NULL CHECK (status IN ('draft', 'approved')),
    earnings_fen    BIGINT NOT NULL,
    deductions_fen  BIGINT NOT NULL,
    net_fen         BIGINT NOT NULL,
    line_count      BIGINT NOT NULL,
    note            TEXT,
    generated_at    TIMESTAMP NOT NULL,
    approved_by     TEXT REFERENCES users (id),
    approved_at     TIMESTAMP,
    created_at      TIMESTAMP NOT NULL,
    updated_at      TIMESTAMP NOT NULL,
    version         BIGINT NOT NULL,
    deleted_at      TIMESTAMP
);
CREATE UNIQUE INDEX payroll_statements_person_month_key ON payroll_statements (person_id, month);
CREATE INDEX payroll_statements_updated_idx ON payroll_statements (updated_at, id);
CREATE INDEX payroll_statements_month_idx ON payroll_statements (month, status);

-- A line of a statement: what kind, from which record (`source_kind` + `source_id`, of
-- month `source_month`), how much (fen, signed: deductions negative), by which rule. One line
-- per statement, source and kind; a line its sources no longer give is deleted softly (delta
-- sync) and revived in place if they give it again.
CREATE TABLE payroll_lines (
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
CREATE UNIQUE INDEX payroll_lines_key ON payroll_lines (statement_id, source_kind, source_id, kind);
CREATE INDEX payroll_lines_updated_idx ON payroll_lines (updated_at, id);
CREATE INDEX payroll_lines_month_idx ON payroll_lines (month, person_id);
CREATE INDEX payroll_lines_source_idx ON payroll_lines (source_kind, source_id);

-- BIL-13: a correction to be paid (positive) or deducted (negative) with the statement of
-- `month`; `open` until a statement that carries it is approved (`applied`).
CREATE TABLE payroll_adjustments (
    id                    TEXT NOT NULL PRIMARY KEY,
    person_id             TEXT NOT NULL REFERENCES users (id),
    month                 TEXT NOT NULL,
    amount_fen            BIGINT NOT NULL CHECK (amount_fen <> 0),
    reason                TEXT NOT NULL,
    corrects_statement_id TEXT REFERENCES payroll_statements (id),
    status                TEXT NOT NULL CHECK (status IN ('open', 'applied')),
    applied_statement_id  TEXT REFERENCES payroll_statements (id),
    created_by            TEXT REFERENCES users (id),
    created_at            TIMESTAMP NOT NULL,
    updated_at            TIMESTAMP NOT NULL,
    version               BIGINT NOT NULL,
    deleted_at            TIMESTAMP
);
CREATE INDEX payroll_adjustments_updated_idx ON payroll_adjustments (updated_at, id);
CREATE INDEX payroll_adjustments_month_idx ON payroll_adjustments (month, status);
