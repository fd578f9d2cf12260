-- INV-2 consumption on a ticket's feedback form. Keep in step with migrations/postgres: a
-- test compares the two schemas.
--
-- Units used on a ticket leave a loan consumed, neither returned nor lost: a loan's units
-- still out are quantity - returned - lost - consumed. (The table's CHECK on returned + lost
-- stays as it is: SQLite changes a CHECK only by rebuilding the table.)
ALTER TABLE part_loans ADD COLUMN consumed_quantity BIGINT NOT NULL DEFAULT 0
    CHECK (consumed_quantity >= 0);
-- The ticket a `consumption` ledger row used its units on (NULL on every other row).
ALTER TABLE stock_movements ADD COLUMN ticket_id TEXT REFERENCES tickets (id);
CREATE INDEX stock_movements_ticket_idx ON stock_movements (ticket_id);
