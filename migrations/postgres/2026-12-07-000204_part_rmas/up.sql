-- RMA to manufacturers (INV-6). Keep in step with migrations/sqlite: a test compares the two
-- schemas. Instants are UTC.

-- A unit at its manufacturer is out of stock but not gone.
ALTER TABLE serial_units DROP CONSTRAINT serial_units_status_check;
ALTER TABLE serial_units ADD CONSTRAINT serial_units_status_check
    CHECK (status IN ('in_stock', 'consumed', 'lost', 'damaged', 'written_off',
                      'at_manufacturer'));

-- INV-6: one faulty unit sent to its manufacturer, open (`sent`) until it comes back repaired
-- (`returned`, the same serial), replaced (`replaced`, `replacement_serial` in its place) or
-- is written off. `expected_back_on` is the rule set `rma-returns` applied to `sent_on`.
CREATE TABLE part_rmas (
    id                   TEXT NOT NULL PRIMARY KEY,
    part_id              TEXT NOT NULL REFERENCES parts (id),
    serial_unit_id       TEXT NOT NULL REFERENCES serial_units (id),
    serial               TEXT NOT NULL,
    from_location_id     TEXT NOT NULL REFERENCES stock_locations (id),
    manufacturer         TEXT NOT NULL,
    batch                TEXT,
    fault_reason         TEXT NOT NULL,
    sent_on              DATE NOT NULL,
    expected_back_on     DATE NOT NULL,
    status               TEXT NOT NULL
                         CHECK (status IN ('sent', 'returned', 'replaced', 'written_off')),
    returned_on          DATE,
    to_location_id       TEXT REFERENCES stock_locations (id),
    replacement_serial   TEXT,
    replacement_unit_id  TEXT REFERENCES serial_units (id),
    outcome_note         TEXT,
    note                 TEXT,
    sent_by              TEXT REFERENCES users (id),
    closed_by            TEXT REFERENCES users (id),
    closed_at            TIMESTAMP,
    overdue_flagged_at   TIMESTAMP,
    created_at           TIMESTAMP NOT NULL,
    updated_at           TIMESTAMP NOT NULL,
    version              BIGINT NOT NULL,
    deleted_at           TIMESTAMP,
    CHECK ((status = 'sent') = (returned_on IS NULL))
);
CREATE INDEX part_rmas_status_idx ON part_rmas (status, expected_back_on);
CREATE INDEX part_rmas_unit_idx ON part_rmas (serial_unit_id);
CREATE INDEX part_rmas_updated_idx ON part_rmas (updated_at, id);
