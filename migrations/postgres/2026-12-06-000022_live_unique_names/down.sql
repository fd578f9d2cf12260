DROP INDEX products_model_key;
ALTER TABLE products ADD CONSTRAINT products_model_key UNIQUE (model);
DROP INDEX teams_name_key;
ALTER TABLE teams ADD CONSTRAINT teams_name_key UNIQUE (name);
