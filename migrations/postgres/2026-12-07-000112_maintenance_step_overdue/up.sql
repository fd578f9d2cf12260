-- The maintenance programme's overdue steps and ended contracts (CON-6). Keep in step with
-- migrations/sqlite: a test compares the two schemas.
--
-- A step whose contract ended (terminated or expired) before it was done is `cancelled`; the
-- overdue job claims a step by setting `overdue_noticed_on` (a conditional write, so two runs
-- or instances tell once).
ALTER TABLE maintenance_steps DROP CONSTRAINT maintenance_steps_status_check;
ALTER TABLE maintenance_steps ADD CONSTRAINT maintenance_steps_status_check
    CHECK (status IN ('open', 'awaiting_approval', 'done', 'cancelled'));
ALTER TABLE maintenance_steps ADD COLUMN overdue_noticed_on DATE;
