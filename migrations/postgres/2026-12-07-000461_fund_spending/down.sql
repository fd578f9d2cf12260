DELETE FROM fund_ledger WHERE entry = 'spending';
ALTER TABLE fund_ledger DROP COLUMN purpose;
ALTER TABLE fund_ledger DROP CONSTRAINT fund_ledger_entry_check;
ALTER TABLE fund_ledger ADD CONSTRAINT fund_ledger_entry_check
    CHECK (entry IN ('fine_confirmed', 'fine_reversed'));
ALTER TABLE fund_ledger ALTER COLUMN user_id SET NOT NULL;
ALTER TABLE fund_ledger ALTER COLUMN fine_id SET NOT NULL;
