-- The partial indexes go; the column-level UNIQUE of 000004 is not restored (it would need
-- the same rebuild, and refuse databases that reused a deleted name).
DROP INDEX products_model_key;
DROP INDEX teams_name_key;
