DROP TABLE fund_ledger;
DROP TABLE fines;
