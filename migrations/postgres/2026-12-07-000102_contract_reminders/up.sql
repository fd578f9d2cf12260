-- CON-3 expiry reminders. Keep in step with migrations/sqlite: a test compares the two
-- schemas. Instants are UTC; dates are company dates.

-- One reminder task per contract period, for the responsible engineer (the signer), created
-- by the `contracts.expiry_reminders` job on `remind_on`. The unique key on (contract_id,
-- period_end) — not a check before inserting — is what keeps it to one when the job runs
-- twice or on two instances at once. The customer's answer to the notice is kept here.
CREATE TABLE contract_reminders (
    id          TEXT NOT NULL PRIMARY KEY,
    contract_id TEXT NOT NULL REFERENCES contracts (id),
    period_end  DATE NOT NULL,
    remind_on   DATE NOT NULL,
    assignee_id TEXT NOT NULL REFERENCES users (id),
    answer      TEXT CHECK (answer IN ('renew', 'decline', 'undecided')),
    answer_note TEXT,
    answered_by TEXT REFERENCES users (id),
    answered_at TIMESTAMP,
    created_at  TIMESTAMP NOT NULL,
    updated_at  TIMESTAMP NOT NULL,
    version     BIGINT NOT NULL,
    UNIQUE (contract_id, period_end)
);
CREATE INDEX contract_reminders_assignee_idx ON contract_reminders (assignee_id, remind_on);
