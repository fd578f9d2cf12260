-- A deleted team or product model frees its name for a new record: uniqueness holds among the
-- records not deleted, as equipment serials already do. SQLite cannot drop a column's UNIQUE,
-- so both tables are rebuilt (https://sqlite.org/lang_altertable.html#otheralter), with
-- foreign keys off while the referenced tables are swapped (their ids do not change).
PRAGMA foreign_keys = OFF;
BEGIN IMMEDIATE;

CREATE TABLE teams_rebuilt (
    id                 TEXT NOT NULL PRIMARY KEY,
    name               TEXT NOT NULL,
    supervisor_user_id TEXT REFERENCES users (id),
    station_city       TEXT,
    created_at         TIMESTAMP NOT NULL,
    updated_at         TIMESTAMP NOT NULL,
    version            BIGINT NOT NULL,
    deleted_at         TIMESTAMP
);
INSERT INTO teams_rebuilt (id, name, supervisor_user_id, station_city, created_at, updated_at,
                           version, deleted_at)
    SELECT id, name, supervisor_user_id, station_city, created_at, updated_at, version,
           deleted_at
    FROM teams;
DROP TABLE teams;
ALTER TABLE teams_rebuilt RENAME TO teams;
CREATE UNIQUE INDEX teams_name_key ON teams (name) WHERE deleted_at IS NULL;

CREATE TABLE products_rebuilt (
    id              TEXT NOT NULL PRIMARY KEY,
    model           TEXT NOT NULL,
    name            TEXT NOT NULL,
    category        TEXT,
    unit_price_fen  BIGINT NOT NULL,
    unit_cost_fen   BIGINT NOT NULL,
    floor_price_fen BIGINT NOT NULL,
    created_at      TIMESTAMP NOT NULL,
    updated_at      TIMESTAMP NOT NULL,
    version         BIGINT NOT NULL,
    deleted_at      TIMESTAMP
);
INSERT INTO products_rebuilt (id, model, name, category, unit_price_fen, unit_cost_fen,
                              floor_price_fen, created_at, updated_at, version, deleted_at)
    SELECT id, model, name, category, unit_price_fen, unit_cost_fen, floor_price_fen,
           created_at, updated_at, version, deleted_at
    FROM products;
DROP TABLE products;
ALTER TABLE products_rebuilt RENAME TO products;
CREATE UNIQUE INDEX products_model_key ON products (model) WHERE deleted_at IS NULL;

COMMIT;
PRAGMA foreign_keys = ON;
