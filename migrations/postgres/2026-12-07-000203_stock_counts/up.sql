-- Daily stock counts (INV-7): the minimum stock per part and location, the counts taken at
-- the fault-service centre and the anomalies they raise. Keep in step with
-- migrations/sqlite: a test compares the two schemas. Instants are UTC.

-- INV-7: the stock of a part below which a location's count is an anomaly; without a row the
-- part's own `min_stock` applies.
CREATE TABLE stock_minimums (
    id           TEXT NOT NULL PRIMARY KEY,
    part_id      TEXT NOT NULL REFERENCES parts (id),
    location_id  TEXT NOT NULL REFERENCES stock_locations (id),
    min_quantity BIGINT NOT NULL CHECK (min_quantity >= 0),
    created_at   TIMESTAMP NOT NULL,
    updated_at   TIMESTAMP NOT NULL,
    version      BIGINT NOT NULL,
    deleted_at   TIMESTAMP,
    UNIQUE (part_id, location_id)
);
CREATE INDEX stock_minimums_location_idx ON stock_minimums (location_id);

-- INV-7: one count per location, day (company time zone) and kind; `lines` (JSON) is what
-- was counted, immutable once submitted.
CREATE TABLE stock_counts (
    id            TEXT NOT NULL PRIMARY KEY,
    location_id   TEXT NOT NULL REFERENCES stock_locations (id),
    count_day     DATE NOT NULL,
    kind          TEXT NOT NULL CHECK (kind IN ('opening', 'closing')),
    lines         TEXT NOT NULL,
    note          TEXT,
    counted_by    TEXT REFERENCES users (id),
    anomaly_count BIGINT NOT NULL CHECK (anomaly_count >= 0),
    created_at    TIMESTAMP NOT NULL,
    updated_at    TIMESTAMP NOT NULL,
    version       BIGINT NOT NULL,
    deleted_at    TIMESTAMP,
    UNIQUE (location_id, count_day, kind)
);
CREATE INDEX stock_counts_day_idx ON stock_counts (count_day);

-- INV-7: what a count found wrong, or a count not taken. `occurrence_key` names the
-- occurrence (the count and part, or the location, day and kind of a missing count) so that
-- concurrent watchers record each one exactly once.
CREATE TABLE stock_count_anomalies (
    id                 TEXT NOT NULL PRIMARY KEY,
    occurrence_key     TEXT NOT NULL UNIQUE,
    kind               TEXT NOT NULL
                       CHECK (kind IN ('difference', 'damaged', 'below_minimum', 'missing_count')),
    count_id           TEXT REFERENCES stock_counts (id),
    location_id        TEXT NOT NULL REFERENCES stock_locations (id),
    count_day          DATE NOT NULL,
    count_kind         TEXT NOT NULL CHECK (count_kind IN ('opening', 'closing')),
    part_id            TEXT REFERENCES parts (id),
    expected_quantity  BIGINT,
    counted_quantity   BIGINT,
    damaged_quantity   BIGINT,
    min_quantity       BIGINT,
    missing_serials    TEXT NOT NULL,
    unexpected_serials TEXT NOT NULL,
    damaged_serials    TEXT NOT NULL,
    created_at         TIMESTAMP NOT NULL,
    updated_at         TIMESTAMP NOT NULL,
    deleted_at         TIMESTAMP,
    CHECK ((kind = 'missing_count') = (count_id IS NULL))
);
CREATE INDEX stock_count_anomalies_count_idx ON stock_count_anomalies (count_id);
CREATE INDEX stock_count_anomalies_day_idx ON stock_count_anomalies (count_day);
