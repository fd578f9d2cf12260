ALTER TABLE controller_instructions DROP COLUMN manager_confirmed_at;
ALTER TABLE controller_instructions DROP COLUMN manager_confirmed_by;
ALTER TABLE controller_instructions DROP COLUMN record_signer_name;
