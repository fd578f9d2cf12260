-- HR-F0/BIL-13: the department fund pays out too. Keep in step with migrations/sqlite: a test
-- compares the two schemas.
--
-- A `spending` entry takes money out of the fund (negative amount) for a purpose; it has no
-- fine and need not name a person, so `fine_id` and `user_id` become optional.
ALTER TABLE fund_ledger ALTER COLUMN fine_id DROP NOT NULL;
ALTER TABLE fund_ledger ALTER COLUMN user_id DROP NOT NULL;
ALTER TABLE fund_ledger DROP CONSTRAINT fund_ledger_entry_check;
ALTER TABLE fund_ledger ADD CONSTRAINT fund_ledger_entry_check
    CHECK (entry IN ('fine_confirmed', 'fine_reversed', 'spending'));
ALTER TABLE fund_ledger ADD COLUMN purpose TEXT;
