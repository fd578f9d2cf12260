DROP INDEX tickets_created_idx;
DROP INDEX tickets_status_id_idx;
CREATE INDEX tickets_status_idx ON tickets (status);
