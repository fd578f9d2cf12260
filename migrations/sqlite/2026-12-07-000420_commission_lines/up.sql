-- BIL-9 … BIL-12c: the commission ledger and the months closed. Keep in step with
-- migrations/postgres: a test compares the two schemas.

-- A computed line: whose, what kind, from which record, earned in which month, payable with
-- which month's salary, how much (fen; the BIL-10 cut is negative), by which rule, from which
-- inputs (JSON) and rule-table versions (JSON: key → effective day). One line per source,
-- kind, person and earned month, so a recomputation upserts instead of duplicating.
-- `transferred_to` links a handed-over part to the taker's line (BIL-11). A line the facts no
-- longer give (a cut the month's later points lifted) is deleted softly, for delta sync.
CREATE TABLE commission_lines (
    id              TEXT NOT NULL PRIMARY KEY,
    person_id       TEXT NOT NULL REFERENCES users (id),
    kind            TEXT NOT NULL CHECK (kind IN ('commissioning_first', 'commissioning_held', 'clerk_share', 'base_salary_cut', 'maintenance_signer', 'maintenance_executor', 'repair_labour', 'year_end_bonus')),
    source_kind     TEXT NOT NULL CHECK (source_kind IN ('commissioning_job', 'commission_month', 'contract', 'repair_quote', 'commission_year')),
    source_id       TEXT NOT NULL,
    earned_month    TEXT NOT NULL,
    due_month       TEXT,
    amount_fen      BIGINT NOT NULL,
    rule            TEXT NOT NULL,
    inputs          TEXT NOT NULL,
    rule_versions   TEXT NOT NULL,
    status          TEXT NOT NULL CHECK (status IN ('pending', 'due', 'paid', 'withheld', 'forfeited', 'transferred')),
    transferred_to  TEXT REFERENCES commission_lines (id),
    created_at      TIMESTAMP NOT NULL,
    updated_at      TIMESTAMP NOT NULL,
    version         BIGINT NOT NULL,
    deleted_at      TIMESTAMP
);
CREATE UNIQUE INDEX commission_lines_key ON commission_lines (source_kind, source_id, kind, person_id, earned_month);
CREATE INDEX commission_lines_updated_idx ON commission_lines (updated_at, id);
CREATE INDEX commission_lines_person_due_idx ON commission_lines (person_id, due_month);
CREATE INDEX commission_lines_earned_idx ON commission_lines (earned_month, status);

-- A month whose commissions were closed: the scheduler keeps its open lines in step with the
-- facts (documents, callbacks, acceptance, people who left).
CREATE TABLE commission_months (
    month           TEXT NOT NULL PRIMARY KEY,
    closes          BIGINT NOT NULL,
    first_closed_at TIMESTAMP NOT NULL,
    last_closed_at  TIMESTAMP NOT NULL,
    last_closed_by  TEXT REFERENCES users (id),
    updated_at      TIMESTAMP NOT NULL
);
