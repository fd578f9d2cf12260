-- BIL-2/BIL-3 repair quotes and their lines. Keep in step with migrations/postgres: a test
-- compares the two schemas.
--
-- A quote is for a customer, optionally about a site, a piece of equipment, a repair intake
-- (INV-5) and a ticket; `engineer_id` repairs (BIL-12b pays them from it). The sums are kept in
-- fen with the lines: `total_fen` all lines, `fee_fen` the repair fee without travel and
-- lodging, `floor_fen` that fee's floor price. `paid_fen` grows with each payment by a
-- conditional UPDATE (never beyond `total_fen`); `fully_paid_at` is when it reached it.
CREATE TABLE repair_quotes (
    id             TEXT NOT NULL PRIMARY KEY,
    customer_id    TEXT NOT NULL REFERENCES customers (id),
    site_id        TEXT REFERENCES sites (id),
    equipment_id   TEXT REFERENCES equipment (id),
    intake_id      TEXT REFERENCES repair_intakes (id),
    ticket_id      TEXT REFERENCES tickets (id),
    engineer_id    TEXT NOT NULL REFERENCES users (id),
    status         TEXT NOT NULL CHECK (status IN ('draft', 'issued', 'accepted', 'refused', 'cancelled')),
    needs_approval BOOLEAN NOT NULL,
    approved_by    TEXT REFERENCES users (id),
    approved_at    TIMESTAMP,
    remote         BOOLEAN,
    out_of_warranty BOOLEAN,
    issued_by      TEXT REFERENCES users (id),
    issued_at      TIMESTAMP,
    answered_by    TEXT REFERENCES users (id),
    answered_at    TIMESTAMP,
    answer_note    TEXT,
    cancel_reason  TEXT,
    note           TEXT,
    total_fen      BIGINT NOT NULL CHECK (total_fen >= 0),
    fee_fen        BIGINT NOT NULL,
    floor_fen      BIGINT NOT NULL,
    paid_fen       BIGINT NOT NULL CHECK (paid_fen >= 0 AND paid_fen <= total_fen),
    fully_paid_at  TIMESTAMP,
    created_by     TEXT NOT NULL REFERENCES users (id),
    created_at     TIMESTAMP NOT NULL,
    updated_at     TIMESTAMP NOT NULL,
    version        BIGINT NOT NULL,
    deleted_at     TIMESTAMP
);
CREATE INDEX repair_quotes_updated_idx ON repair_quotes (updated_at, id);
CREATE INDEX repair_quotes_customer_idx ON repair_quotes (customer_id);
CREATE INDEX repair_quotes_intake_idx ON repair_quotes (intake_id);

-- A line copies the fee item's kind, code, name, unit, list and floor prices when it is added,
-- so a later schedule change never alters the quote.
CREATE TABLE repair_quote_lines (
    id              TEXT NOT NULL PRIMARY KEY,
    quote_id        TEXT NOT NULL REFERENCES repair_quotes (id),
    position        BIGINT NOT NULL,
    fee_item_id     TEXT NOT NULL REFERENCES fee_items (id),
    kind            TEXT NOT NULL CHECK (kind IN ('labour', 'part', 'travel', 'lodging', 'other')),
    code            TEXT NOT NULL,
    name            TEXT NOT NULL,
    unit            TEXT NOT NULL,
    quantity        BIGINT NOT NULL CHECK (quantity > 0),
    unit_price_fen  BIGINT NOT NULL CHECK (unit_price_fen >= 0),
    list_price_fen  BIGINT NOT NULL,
    floor_price_fen BIGINT NOT NULL,
    amount_fen      BIGINT NOT NULL
);
CREATE UNIQUE INDEX repair_quote_lines_position_key ON repair_quote_lines (quote_id, position);
