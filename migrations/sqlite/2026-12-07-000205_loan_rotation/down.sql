ALTER TABLE part_loans DROP COLUMN rotation_passed_over;
