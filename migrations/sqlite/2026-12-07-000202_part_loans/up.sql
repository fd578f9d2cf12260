-- Spare-part loans (INV-2) and charges for lost or damaged loaned units (INV-3). Keep in step
-- with migrations/postgres: a test compares the two schemas. Instants are UTC; money is fen.

-- INV-2: one part lent to one engineer. `serials` (JSON array) are the units asked for and
-- issued; `outstanding_serials` those neither returned nor reported lost yet.
CREATE TABLE part_loans (
    id                  TEXT NOT NULL PRIMARY KEY,
    engineer_id         TEXT NOT NULL REFERENCES users (id),
    location_id         TEXT NOT NULL REFERENCES stock_locations (id),
    part_id             TEXT NOT NULL REFERENCES parts (id),
    quantity            BIGINT NOT NULL CHECK (quantity > 0),
    serials             TEXT NOT NULL,
    outstanding_serials TEXT NOT NULL,
    returned_quantity   BIGINT NOT NULL CHECK (returned_quantity >= 0),
    unused_quantity     BIGINT NOT NULL CHECK (unused_quantity >= 0),
    lost_quantity       BIGINT NOT NULL CHECK (lost_quantity >= 0),
    status              TEXT NOT NULL
                        CHECK (status IN ('requested', 'approved', 'rejected', 'issued', 'closed')),
    note                TEXT,
    decided_by          TEXT REFERENCES users (id),
    decided_at          TIMESTAMP,
    issued_by           TEXT REFERENCES users (id),
    issued_at           TIMESTAMP,
    due_on              DATE,
    signed_at           TIMESTAMP,
    overdue_flagged_at  TIMESTAMP,
    closed_at           TIMESTAMP,
    created_at          TIMESTAMP NOT NULL,
    updated_at          TIMESTAMP NOT NULL,
    version             BIGINT NOT NULL,
    deleted_at          TIMESTAMP,
    CHECK (returned_quantity + lost_quantity <= quantity)
);
CREATE INDEX part_loans_engineer_idx ON part_loans (engineer_id, status);
CREATE INDEX part_loans_due_idx ON part_loans (status, due_on);

-- INV-3: a charge at the sale price for units lost or damaged on a loan, for billing's
-- payroll deductions (BIL-13).
CREATE TABLE part_charges (
    id             TEXT NOT NULL PRIMARY KEY,
    loan_id        TEXT NOT NULL REFERENCES part_loans (id),
    engineer_id    TEXT NOT NULL REFERENCES users (id),
    part_id        TEXT NOT NULL REFERENCES parts (id),
    kind           TEXT NOT NULL CHECK (kind IN ('lost', 'damaged')),
    serials        TEXT NOT NULL,
    quantity       BIGINT NOT NULL CHECK (quantity > 0),
    unit_price_fen BIGINT NOT NULL CHECK (unit_price_fen >= 0),
    amount_fen     BIGINT NOT NULL CHECK (amount_fen >= 0),
    status         TEXT NOT NULL CHECK (status IN ('pending', 'deducted', 'waived')),
    created_at     TIMESTAMP NOT NULL,
    updated_at     TIMESTAMP NOT NULL,
    version        BIGINT NOT NULL
);
CREATE INDEX part_charges_engineer_idx ON part_charges (engineer_id);
