DROP INDEX tickets_resolution_due_idx;
CREATE INDEX tickets_resolution_due_idx ON tickets (resolution_due_at);
DROP INDEX tickets_status_created_idx;
