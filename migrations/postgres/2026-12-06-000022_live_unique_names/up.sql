-- A deleted team or product model frees its name for a new record: uniqueness holds among the
-- records not deleted, as equipment serials already do. Keep in step with migrations/sqlite.
ALTER TABLE teams DROP CONSTRAINT teams_name_key;
CREATE UNIQUE INDEX teams_name_key ON teams (name) WHERE deleted_at IS NULL;
ALTER TABLE products DROP CONSTRAINT products_model_key;
CREATE UNIQUE INDEX products_model_key ON products (model) WHERE deleted_at IS NULL;
