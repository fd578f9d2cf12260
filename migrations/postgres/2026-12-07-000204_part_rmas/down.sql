DROP TABLE part_rmas;
ALTER TABLE serial_units DROP CONSTRAINT serial_units_status_check;
ALTER TABLE serial_units ADD CONSTRAINT serial_units_status_check
    CHECK (status IN ('in_stock', 'consumed', 'lost', 'damaged', 'written_off'));
