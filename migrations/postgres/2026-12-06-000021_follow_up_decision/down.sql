ALTER TABLE callback_follow_ups DROP COLUMN decision_reason;
ALTER TABLE callback_follow_ups DROP COLUMN decision;
