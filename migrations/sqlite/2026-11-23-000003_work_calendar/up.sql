-- CAL-1 work calendar: per-date overrides of the default Monday-to-Friday week.
-- Primary keys say NOT NULL: SQLite otherwise lets a non-INTEGER key be NULL.
-- Keep in step with migrations/postgres: a test compares the two schemas.

-- A holiday (not worked) or a make-up working day (调休) per date. Dates not listed follow
-- the default week. `day` is 'YYYY-MM-DD' text: it sorts as a date and reads the same on
-- both databases.
CREATE TABLE calendar_days (
    day        TEXT NOT NULL PRIMARY KEY CHECK (length(day) = 10),
    kind       TEXT NOT NULL CHECK (kind IN ('holiday', 'workday')),
    note       TEXT,
    updated_at TIMESTAMP NOT NULL
);

-- The calendar's version (its ETag): one row, bumped by a conditional UPDATE in every change,
-- which also serialises concurrent uploads.
CREATE TABLE calendar_meta (
    id         INTEGER NOT NULL PRIMARY KEY CHECK (id = 1),
    version    BIGINT NOT NULL,
    updated_at TIMESTAMP
);
INSERT INTO calendar_meta (id, version, updated_at) VALUES (1, 1, NULL);
