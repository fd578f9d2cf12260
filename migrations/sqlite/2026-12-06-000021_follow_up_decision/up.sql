-- TKT-9: the manager's answer to a dissatisfied customer decides the ticket: reopen it (with
-- the reason) or close it; the ticket stays resolved while the follow-up is open.
ALTER TABLE callback_follow_ups ADD COLUMN decision TEXT CHECK (decision IN ('reopen', 'close'));
ALTER TABLE callback_follow_ups ADD COLUMN decision_reason TEXT;
