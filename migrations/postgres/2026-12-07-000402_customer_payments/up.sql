-- BIL-4 money received from customers: payments towards a repair quote and deposits (押金)
-- held against a device repair. Keep in step with migrations/sqlite: a test compares the two
-- schemas. Contract payments stay in `contract_payments` (CON-2).
--
-- A deposit is `held` until refunded or converted into a payment of its quote, once;
-- `converted_payment_id` names that payment.
CREATE TABLE customer_payments (
    id                   TEXT NOT NULL PRIMARY KEY,
    customer_id          TEXT NOT NULL REFERENCES customers (id),
    kind                 TEXT NOT NULL CHECK (kind IN ('payment', 'deposit')),
    quote_id             TEXT REFERENCES repair_quotes (id),
    intake_id            TEXT REFERENCES repair_intakes (id),
    amount_fen           BIGINT NOT NULL CHECK (amount_fen > 0),
    paid_on              DATE NOT NULL,
    method               TEXT NOT NULL CHECK (method IN ('bank_transfer', 'cash', 'cheque', 'wechat', 'alipay', 'card')),
    account              TEXT NOT NULL,
    document             TEXT NOT NULL CHECK (document IN ('invoice', 'receipt', 'none')),
    document_no          TEXT,
    deposit_state        TEXT CHECK (deposit_state IN ('held', 'refunded', 'converted')),
    settled_by           TEXT REFERENCES users (id),
    settled_at           TIMESTAMP,
    settle_note          TEXT,
    converted_payment_id TEXT REFERENCES customer_payments (id),
    note                 TEXT,
    recorded_by          TEXT NOT NULL REFERENCES users (id),
    created_at           TIMESTAMP NOT NULL,
    updated_at           TIMESTAMP NOT NULL,
    version              BIGINT NOT NULL,
    deleted_at           TIMESTAMP
);
CREATE INDEX customer_payments_updated_idx ON customer_payments (updated_at, id);
CREATE INDEX customer_payments_customer_idx ON customer_payments (customer_id, paid_on);
CREATE INDEX customer_payments_quote_idx ON customer_payments (quote_id);
CREATE INDEX customer_payments_intake_idx ON customer_payments (intake_id);

-- INV-5/BIL-4: where an intake's repair happens, set when it moves to `in_repair`; a
-- `factory` repair needs the quote paid in full or a deposit held.
ALTER TABLE repair_intakes ADD COLUMN repair_site TEXT CHECK (repair_site IN ('service_centre', 'factory'));
