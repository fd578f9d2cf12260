-- HR-F0/BIL-13: the department fund pays out too. Keep in step with migrations/postgres: a
-- test compares the two schemas.
--
-- A `spending` entry takes money out of the fund (negative amount) for a purpose; it has no
-- fine and need not name a person, so `fine_id` and `user_id` become optional. SQLite cannot
-- change a CHECK or NOT NULL in place, so `fund_ledger` is rebuilt
-- (https://sqlite.org/lang_altertable.html#otheralter) with foreign keys off while it is
-- swapped; nothing references it and its ids do not change.
PRAGMA foreign_keys = OFF;
BEGIN IMMEDIATE;

CREATE TABLE fund_ledger_rebuilt (
    id          TEXT NOT NULL PRIMARY KEY,
    fine_id     TEXT REFERENCES fines (id),
    user_id     TEXT REFERENCES users (id),
    rule        TEXT NOT NULL,
    entry       TEXT NOT NULL CHECK (entry IN ('fine_confirmed', 'fine_reversed', 'spending')),
    amount_fen  BIGINT NOT NULL,
    posted_by   TEXT REFERENCES users (id),
    created_at  TIMESTAMP NOT NULL,
    updated_at  TIMESTAMP NOT NULL,
    deleted_at  TIMESTAMP,
    purpose     TEXT
);
INSERT INTO fund_ledger_rebuilt (id, fine_id, user_id, rule, entry, amount_fen, posted_by,
        created_at, updated_at, deleted_at)
    SELECT id, fine_id, user_id, rule, entry, amount_fen, posted_by, created_at, updated_at,
           deleted_at
    FROM fund_ledger;
DROP TABLE fund_ledger;
ALTER TABLE fund_ledger_rebuilt RENAME TO fund_ledger;
CREATE UNIQUE INDEX fund_ledger_fine_entry_key ON fund_ledger (fine_id, entry);
CREATE INDEX fund_ledger_updated_idx ON fund_ledger (updated_at, id);

COMMIT;
PRAGMA foreign_keys = ON;
