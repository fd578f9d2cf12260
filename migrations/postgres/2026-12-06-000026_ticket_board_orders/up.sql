-- The board orders of the ticket list (`sort`): newest first within a status (the intake
-- desk's `status=new&sort=-created_at`) and most urgent resolution first (the SLA watch),
-- which pages by (resolution_due_at, id) and so gets the id in its index. Oldest or newest
-- first without a status filter walks tickets_created_idx. Keep in step with the other
-- database's migrations.
CREATE INDEX tickets_status_created_idx ON tickets (status, created_at, id);
DROP INDEX tickets_resolution_due_idx;
CREATE INDEX tickets_resolution_due_idx ON tickets (resolution_due_at, id);
