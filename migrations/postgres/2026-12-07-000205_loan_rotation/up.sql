-- INV-8 rotation: the units older than those a loan's issue picked, which the suggestion
-- would have issued first (JSON array of serials; empty when the issue followed it, NULL
-- before the issue and for bulk parts). Recorded, never refused. Keep in step with the other
-- database's migration: a test compares the two schemas.
ALTER TABLE part_loans ADD COLUMN rotation_passed_over TEXT;
