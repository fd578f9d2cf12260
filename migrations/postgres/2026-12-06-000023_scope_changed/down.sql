ALTER TABLE users DROP COLUMN scope_changed_at;
