DROP TABLE maintenance_acceptances;
ALTER TABLE contracts DROP COLUMN kind;
