-- Spare parts (INV-1, INV-4). Keep in step with migrations/sqlite: a test compares the two
-- schemas. Instants are UTC; money is fen.

-- INV-1: a part of the catalogue, on a product of master data.
CREATE TABLE parts (
    id             TEXT NOT NULL PRIMARY KEY,
    product_id     TEXT NOT NULL REFERENCES products (id),
    code           TEXT NOT NULL UNIQUE,
    name           TEXT NOT NULL,
    kind           TEXT NOT NULL CHECK (kind IN ('serialised', 'bulk')),
    sale_price_fen BIGINT NOT NULL CHECK (sale_price_fen >= 0),
    unit_cost_fen  BIGINT NOT NULL CHECK (unit_cost_fen >= 0),
    min_stock      BIGINT NOT NULL CHECK (min_stock >= 0),
    created_at     TIMESTAMP NOT NULL,
    updated_at     TIMESTAMP NOT NULL,
    version        BIGINT NOT NULL,
    deleted_at     TIMESTAMP
);
CREATE INDEX parts_product_idx ON parts (product_id);

-- INV-1: where stock is kept; an engineer's hands are one location per engineer.
CREATE TABLE stock_locations (
    id          TEXT NOT NULL PRIMARY KEY,
    kind        TEXT NOT NULL CHECK (kind IN ('warehouse', 'service_centre', 'engineer')),
    name        TEXT NOT NULL,
    engineer_id TEXT UNIQUE REFERENCES users (id),
    created_at  TIMESTAMP NOT NULL,
    updated_at  TIMESTAMP NOT NULL,
    version     BIGINT NOT NULL,
    deleted_at  TIMESTAMP,
    CHECK ((kind = 'engineer') = (engineer_id IS NOT NULL))
);

-- INV-1/INV-4: stock per part and location, changed only by conditional updates in the
-- same transaction as the ledger row, so it always equals the ledger's sum.
CREATE TABLE stock_levels (
    id          TEXT NOT NULL PRIMARY KEY,
    part_id     TEXT NOT NULL REFERENCES parts (id),
    location_id TEXT NOT NULL REFERENCES stock_locations (id),
    quantity    BIGINT NOT NULL CHECK (quantity >= 0),
    updated_at  TIMESTAMP NOT NULL,
    UNIQUE (part_id, location_id)
);
CREATE INDEX stock_levels_location_idx ON stock_levels (location_id);

-- INV-1: each unit of a serialised part; `location_id` is where it is while in stock.
CREATE TABLE serial_units (
    id          TEXT NOT NULL PRIMARY KEY,
    part_id     TEXT NOT NULL REFERENCES parts (id),
    serial      TEXT NOT NULL,
    status      TEXT NOT NULL
                CHECK (status IN ('in_stock', 'consumed', 'lost', 'damaged', 'written_off')),
    location_id TEXT REFERENCES stock_locations (id),
    created_at  TIMESTAMP NOT NULL,
    updated_at  TIMESTAMP NOT NULL,
    CHECK ((status = 'in_stock') = (location_id IS NOT NULL)),
    UNIQUE (part_id, serial)
);
CREATE INDEX serial_units_location_idx ON serial_units (location_id);

-- INV-1: the ledger, append-only: every movement of stock is a row.
CREATE TABLE stock_movements (
    id               TEXT NOT NULL PRIMARY KEY,
    kind             TEXT NOT NULL CHECK (kind IN ('receipt', 'issue', 'loan', 'return',
                         'consumption', 'loss', 'damage', 'count_adjustment', 'rma_out', 'rma_in')),
    part_id          TEXT NOT NULL REFERENCES parts (id),
    serial_unit_id   TEXT REFERENCES serial_units (id),
    serial           TEXT,
    quantity         BIGINT NOT NULL CHECK (quantity > 0),
    from_location_id TEXT REFERENCES stock_locations (id),
    to_location_id   TEXT REFERENCES stock_locations (id),
    note             TEXT,
    actor_id         TEXT REFERENCES users (id),
    created_at       TIMESTAMP NOT NULL,
    CHECK (from_location_id IS NOT NULL OR to_location_id IS NOT NULL)
);
CREATE INDEX stock_movements_part_idx ON stock_movements (part_id);
CREATE INDEX stock_movements_from_idx ON stock_movements (from_location_id);
CREATE INDEX stock_movements_to_idx ON stock_movements (to_location_id);
