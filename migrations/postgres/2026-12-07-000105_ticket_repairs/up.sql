-- The fault a repair fixed (CON-9). Keep in step with migrations/sqlite: a test compares the two
-- schemas.

-- CON-9: recorded when a ticket on a device is resolved with a fault code: the fault, and
-- whether a product quality defect caused it (then the engineer owes no free redo). The device,
-- the engineer (the assignee) and the day are the ticket's. A ticket resolved again after a
-- reopen replaces its row. A table of its own: the tickets table is at diesel's column limit.
CREATE TABLE ticket_repairs (
    ticket_id      TEXT NOT NULL PRIMARY KEY REFERENCES tickets (id),
    fault_code     TEXT NOT NULL,
    product_defect BOOLEAN NOT NULL,
    recorded_at    TIMESTAMP NOT NULL
);
CREATE INDEX ticket_repairs_fault_idx ON ticket_repairs (fault_code);
CREATE INDEX tickets_equipment_idx ON tickets (equipment_id);
