ALTER TABLE stock_movements DROP COLUMN rotation_passed_over;
