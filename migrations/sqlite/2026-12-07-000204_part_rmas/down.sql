-- The `at_manufacturer` status is not taken out of serial_units' CHECK (it would need the
-- same rebuild, and refuse databases with units at a manufacturer).
DROP TABLE part_rmas;
