ALTER TABLE maintenance_steps DROP COLUMN overdue_noticed_on;
UPDATE maintenance_steps SET status = 'open' WHERE status = 'cancelled';
ALTER TABLE maintenance_steps DROP CONSTRAINT maintenance_steps_status_check;
ALTER TABLE maintenance_steps ADD CONSTRAINT maintenance_steps_status_check
    CHECK (status IN ('open', 'awaiting_approval', 'done'));
