-- BIL-1 the fee schedule (客户服务部收费标准). Keep in step with migrations/postgres: a test
-- compares the two schemas. A price change never reaches a quote already drawn up: quote lines
-- copy the list and floor prices they used. Retired items stay (quotes name them) but take no
-- new lines.
CREATE TABLE fee_items (
    id              TEXT NOT NULL PRIMARY KEY,
    code            TEXT NOT NULL,
    name            TEXT NOT NULL,
    kind            TEXT NOT NULL CHECK (kind IN ('labour', 'part', 'travel', 'lodging', 'other')),
    unit            TEXT NOT NULL,
    list_price_fen  BIGINT NOT NULL CHECK (list_price_fen >= 0),
    floor_price_fen BIGINT NOT NULL CHECK (floor_price_fen >= 0 AND floor_price_fen <= list_price_fen),
    part_id         TEXT REFERENCES parts (id),
    active          BOOLEAN NOT NULL,
    note            TEXT,
    created_by      TEXT NOT NULL REFERENCES users (id),
    created_at      TIMESTAMP NOT NULL,
    updated_at      TIMESTAMP NOT NULL,
    version         BIGINT NOT NULL,
    deleted_at      TIMESTAMP
);
CREATE UNIQUE INDEX fee_items_code_key ON fee_items (code);
CREATE INDEX fee_items_updated_idx ON fee_items (updated_at, id);
