-- CAL-1: the official holiday schedules loaded into the work calendar, one per year: where
-- it came from and when, so a year without one can be told apart (and warned about).
-- Keep in step with the other database's migration: a test compares the two schemas.
CREATE TABLE calendar_schedules (
    year        INTEGER PRIMARY KEY CHECK (year BETWEEN 1900 AND 2999),
    source      TEXT NOT NULL CHECK (length(source) BETWEEN 1 AND 200),
    day_count   INTEGER NOT NULL CHECK (day_count >= 0),
    imported_at TIMESTAMP NOT NULL,
    -- The user who imported it; NULL for a schedule shipped with the product.
    imported_by TEXT REFERENCES users (id)
);
