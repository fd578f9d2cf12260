-- Spending entries go (the old CHECK knows no such entry).
PRAGMA foreign_keys = OFF;
BEGIN IMMEDIATE;

CREATE TABLE fund_ledger_rebuilt (
    id          TEXT NOT NULL PRIMARY KEY,
    fine_id     TEXT NOT NULL REFERENCES fines (id),
    user_id     TEXT NOT NULL REFERENCES users (id),
    rule        TEXT NOT NULL,
    entry       TEXT NOT NULL CHECK (entry IN ('fine_confirmed', 'fine_reversed')),
    amount_fen  BIGINT NOT NULL,
    posted_by   TEXT REFERENCES users (id),
    created_at  TIMESTAMP NOT NULL,
    updated_at  TIMESTAMP NOT NULL,
    deleted_at  TIMESTAMP
);
INSERT INTO fund_ledger_rebuilt
    SELECT id, fine_id, user_id, rule, entry, amount_fen, posted_by, created_at, updated_at,
           deleted_at
    FROM fund_ledger WHERE entry <> 'spending';
DROP TABLE fund_ledger;
ALTER TABLE fund_ledger_rebuilt RENAME TO fund_ledger;
CREATE UNIQUE INDEX fund_ledger_fine_entry_key ON fund_ledger (fine_id, entry);
CREATE INDEX fund_ledger_updated_idx ON fund_ledger (updated_at, id);

COMMIT;
PRAGMA foreign_keys = ON;
