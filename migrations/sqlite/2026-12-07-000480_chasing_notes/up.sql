-- BIL-8 chasing notes (催缴记录): one row per call or visit made to collect a document in
-- arrears, append-only (no command changes or deletes one). Keep in step with
-- migrations/postgres: a test compares the two schemas. A document is named by its kind and id
-- (a contract, an accepted repair quote or a commissioning invoice), with its customer for
-- ORG-5. `promise_lapse_noticed_on` is the day the promise watch found the promised day passed
-- with money still owed and told the caller; the conditional write of it is the job's claim,
-- so a lapse is told once whatever the number of instances.
CREATE TABLE chasing_notes (
    id                      TEXT NOT NULL PRIMARY KEY,
    customer_id             TEXT NOT NULL REFERENCES customers (id),
    document_kind           TEXT NOT NULL CHECK (document_kind IN ('contract', 'repair_quote', 'invoice')),
    document_id             TEXT NOT NULL,
    called_by               TEXT NOT NULL REFERENCES users (id),
    called_at               TIMESTAMP NOT NULL,
    channel                 TEXT NOT NULL CHECK (channel IN ('phone', 'visit', 'message', 'email', 'letter')),
    contact_name            TEXT,
    outcome                 TEXT NOT NULL
                            CHECK (outcome IN ('promised', 'refused', 'disputed', 'no_answer', 'paid_already', 'other')),
    promised_on             DATE,
    promised_fen            BIGINT CHECK (promised_fen > 0),
    note                    TEXT,
    recorded_by             TEXT NOT NULL REFERENCES users (id),
    promise_lapse_noticed_on DATE,
    created_at              TIMESTAMP NOT NULL,
    CHECK (outcome <> 'promised' OR promised_on IS NOT NULL)
);
CREATE INDEX chasing_notes_document_idx ON chasing_notes (document_kind, document_id, called_at);
CREATE INDEX chasing_notes_customer_idx ON chasing_notes (customer_id);
CREATE INDEX chasing_notes_promise_idx ON chasing_notes (promised_on, promise_lapse_noticed_on);
CREATE INDEX chasing_notes_created_idx ON chasing_notes (created_at, id);
