-- HR-T1 (seed 000): an outstanding new hire may be confirmed before the probation ends by
-- special approval (特批) of the manager, the executive and the general manager; the manager
-- states why when giving the first approval early. Keep in step with the other database's
-- migrations: a test compares the two schemas.
ALTER TABLE probations ADD COLUMN early_reason TEXT;
