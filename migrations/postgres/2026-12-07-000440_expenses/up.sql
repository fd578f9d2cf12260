-- BIL-14 … BIL-16: travel requests, expense claims and cash advances. Keep in step with
-- migrations/sqlite: a test compares the two schemas. People's money: private to the person,
-- finance, HR and management (the API's privacy scope).

-- BIL-14: a trip asked for before it happens: where (a city of a tier, or a county of a city),
-- why, an optional ticket/contract reference, the planned days and class of travel. Approval
-- copies the travel standard in force (by the traveller's grade and the destination's tier)
-- onto the request, with the day that version took effect, so a later rule change does not
-- move it.
CREATE TABLE travel_requests (
    id                       TEXT NOT NULL PRIMARY KEY,
    user_id                  TEXT NOT NULL REFERENCES users (id),
    destination_city         TEXT NOT NULL,
    destination_county       TEXT,
    city_tier                TEXT CHECK (city_tier IN ('first', 'second', 'third')),
    purpose                  TEXT NOT NULL,
    reference                TEXT,
    planned_departure        DATE NOT NULL,
    planned_return           DATE NOT NULL,
    transport                TEXT NOT NULL CHECK (transport IN ('train_hard_sleeper', 'train_soft_sleeper', 'train_second_class', 'train_first_class', 'coach', 'plane_economy')),
    status                   TEXT NOT NULL CHECK (status IN ('requested', 'approved', 'rejected', 'cancelled')),
    decided_by               TEXT REFERENCES users (id),
    decided_at               TIMESTAMP,
    decision_note            TEXT,
    standard_json            TEXT,
    standard_effective_from  DATE,
    created_at               TIMESTAMP NOT NULL,
    updated_at               TIMESTAMP NOT NULL,
    version                  BIGINT NOT NULL,
    deleted_at               TIMESTAMP
);
CREATE INDEX travel_requests_updated_idx ON travel_requests (updated_at, id);
CREATE INDEX travel_requests_user_idx ON travel_requests (user_id, planned_departure);

-- BIL-15: the claim of an approved trip after the return: the actual departure and return
-- (instants; the days are counted in the company's local time), the travel days counted (half
-- days), the items as claimed (JSON) and the lines as
-- reimbursed (JSON, each with its rule and inputs), the total; submitted → approved (the
-- manager) → paid (finance, or settled against the trip's advance: advance_id, paid_fen the
-- difference paid out, negative when the employee paid back). One live claim per trip.
CREATE TABLE expense_claims (
    id                  TEXT NOT NULL PRIMARY KEY,
    user_id             TEXT NOT NULL REFERENCES users (id),
    travel_request_id   TEXT NOT NULL REFERENCES travel_requests (id),
    departed_at         TIMESTAMP NOT NULL,
    returned_at         TIMESTAMP NOT NULL,
    half_days           BIGINT NOT NULL,
    total_fen           BIGINT NOT NULL,
    items_json          TEXT NOT NULL,
    lines_json          TEXT NOT NULL,
    note                TEXT,
    status              TEXT NOT NULL CHECK (status IN ('submitted', 'approved', 'rejected', 'paid')),
    decided_by          TEXT REFERENCES users (id),
    decided_at          TIMESTAMP,
    decision_note       TEXT,
    paid_by             TEXT REFERENCES users (id),
    paid_at             TIMESTAMP,
    paid_fen            BIGINT,
    advance_id          TEXT,
    created_at          TIMESTAMP NOT NULL,
    updated_at          TIMESTAMP NOT NULL,
    version             BIGINT NOT NULL,
    deleted_at          TIMESTAMP
);
CREATE INDEX expense_claims_updated_idx ON expense_claims (updated_at, id);
CREATE INDEX expense_claims_user_idx ON expense_claims (user_id, status);
CREATE UNIQUE INDEX expense_claims_trip_key ON expense_claims (travel_request_id) WHERE status <> 'rejected';

-- BIL-16: a cash advance (借支) for an approved trip: requested → approved (the GM) → paid
-- (finance) → settled against the trip's claim (settlement_fen = claim total − amount), or
-- rejected. The claim is due by due_date (set when paid); the overdue notice is sent once
-- (overdue_notified_at, set by a conditional update). At most one open advance per person,
-- enforced here so that two parallel requests cannot both be open.
CREATE TABLE cash_advances (
    id                   TEXT NOT NULL PRIMARY KEY,
    user_id              TEXT NOT NULL REFERENCES users (id),
    travel_request_id    TEXT NOT NULL REFERENCES travel_requests (id),
    amount_fen           BIGINT NOT NULL CHECK (amount_fen > 0),
    purpose              TEXT NOT NULL,
    status               TEXT NOT NULL CHECK (status IN ('requested', 'approved', 'rejected', 'paid', 'settled')),
    decided_by           TEXT REFERENCES users (id),
    decided_at           TIMESTAMP,
    decision_note        TEXT,
    paid_by              TEXT REFERENCES users (id),
    paid_at              TIMESTAMP,
    due_date             DATE,
    overdue_notified_at  TIMESTAMP,
    claim_id             TEXT REFERENCES expense_claims (id),
    settlement_fen       BIGINT,
    settled_by           TEXT REFERENCES users (id),
    settled_at           TIMESTAMP,
    created_at           TIMESTAMP NOT NULL,
    updated_at           TIMESTAMP NOT NULL,
    version              BIGINT NOT NULL,
    deleted_at           TIMESTAMP
);
CREATE INDEX cash_advances_updated_idx ON cash_advances (updated_at, id);
CREATE INDEX cash_advances_due_idx ON cash_advances (status, due_date);
CREATE UNIQUE INDEX cash_advances_open_key ON cash_advances (user_id) WHERE status IN ('requested', 'approved', 'paid');
