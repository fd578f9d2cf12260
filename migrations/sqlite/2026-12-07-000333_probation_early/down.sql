ALTER TABLE probations DROP COLUMN early_reason;
