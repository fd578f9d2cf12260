-- Master data (domain.md §0): the company's cities and stations, teams and employees,
-- customers with their sites and contacts, the product catalogue and installed equipment.
-- Records the mobile app syncs carry `deleted_at` tombstones instead of being deleted.
-- Keep in step with migrations/postgres: a test compares the two schemas.

-- ORG-3: a city is `local` when the company keeps a resident engineer there (has_station);
-- `counties` (JSON array of names) are the counties of that city.
CREATE TABLE cities (
    id          TEXT NOT NULL PRIMARY KEY,
    name        TEXT NOT NULL UNIQUE,
    province    TEXT NOT NULL,
    has_station BOOLEAN NOT NULL DEFAULT FALSE,
    counties    TEXT NOT NULL DEFAULT '[]',
    created_at  TIMESTAMP NOT NULL,
    updated_at  TIMESTAMP NOT NULL,
    version     BIGINT NOT NULL
);

CREATE TABLE teams (
    id                 TEXT NOT NULL PRIMARY KEY,
    name               TEXT NOT NULL UNIQUE,
    supervisor_user_id TEXT REFERENCES users (id),
    station_city       TEXT,
    created_at         TIMESTAMP NOT NULL,
    updated_at         TIMESTAMP NOT NULL,
    version            BIGINT NOT NULL,
    deleted_at         TIMESTAMP
);

-- ORG-2: people of the department, linked to their login when they have one.
CREATE TABLE employees (
    id                    TEXT NOT NULL PRIMARY KEY,
    user_id               TEXT UNIQUE REFERENCES users (id),
    name                  TEXT NOT NULL,
    phone                 TEXT,
    team_id               TEXT REFERENCES teams (id),
    supervisor_user_id    TEXT REFERENCES users (id),
    track                 TEXT CHECK (track IN ('presales', 'aftersales', 'remote_support')),
    level                 TEXT CHECK (level IN ('junior', 'mid', 'senior')),
    station_city          TEXT,
    employment_status     TEXT NOT NULL
                          CHECK (employment_status IN ('training', 'probation', 'regular', 'left')),
    status_since          DATE NOT NULL,
    base_salary_fen       BIGINT NOT NULL,
    phone_allowance_class TEXT,
    created_at            TIMESTAMP NOT NULL,
    updated_at            TIMESTAMP NOT NULL,
    version               BIGINT NOT NULL,
    deleted_at            TIMESTAMP
);
CREATE INDEX employees_team_idx ON employees (team_id);
CREATE INDEX employees_updated_idx ON employees (updated_at, id);

CREATE TABLE employment_events (
    id           TEXT NOT NULL PRIMARY KEY,
    employee_id  TEXT NOT NULL REFERENCES employees (id),
    status       TEXT NOT NULL CHECK (status IN ('training', 'probation', 'regular', 'left')),
    effective_on DATE NOT NULL,
    note         TEXT,
    recorded_at  TIMESTAMP NOT NULL,
    recorded_by  TEXT
);
CREATE INDEX employment_events_employee_idx ON employment_events (employee_id, effective_on);

-- ORG-3 / CUS-1. `owner_user_id` is the responsible engineer, `team_id` the responsible team:
-- together they decide who else may see the customer (ORG-5).
CREATE TABLE customers (
    id             TEXT NOT NULL PRIMARY KEY,
    name           TEXT NOT NULL,
    phone          TEXT,
    key_account    BOOLEAN NOT NULL DEFAULT FALSE,
    dealer_name    TEXT,
    dealer_consent BOOLEAN NOT NULL DEFAULT FALSE,
    owner_user_id  TEXT REFERENCES users (id),
    team_id        TEXT REFERENCES teams (id),
    note           TEXT,
    created_at     TIMESTAMP NOT NULL,
    updated_at     TIMESTAMP NOT NULL,
    version        BIGINT NOT NULL,
    deleted_at     TIMESTAMP
);
CREATE INDEX customers_updated_idx ON customers (updated_at, id);
CREATE INDEX customers_owner_idx ON customers (owner_user_id);
CREATE INDEX customers_team_idx ON customers (team_id);

-- The location class is derived from the city (and county) unless overridden.
CREATE TABLE sites (
    id                      TEXT NOT NULL PRIMARY KEY,
    customer_id             TEXT NOT NULL REFERENCES customers (id),
    name                    TEXT NOT NULL,
    address                 TEXT NOT NULL,
    city                    TEXT NOT NULL,
    county                  TEXT,
    location_class_override TEXT CHECK (location_class_override IN ('local', 'county', 'remote')),
    created_at              TIMESTAMP NOT NULL,
    updated_at              TIMESTAMP NOT NULL,
    version                 BIGINT NOT NULL,
    deleted_at              TIMESTAMP
);
CREATE INDEX sites_customer_idx ON sites (customer_id);
CREATE INDEX sites_updated_idx ON sites (updated_at, id);

CREATE TABLE contacts (
    id                TEXT NOT NULL PRIMARY KEY,
    customer_id       TEXT NOT NULL REFERENCES customers (id),
    site_id           TEXT REFERENCES sites (id),
    name              TEXT NOT NULL,
    phone             TEXT NOT NULL,
    title             TEXT,
    authorised_signer BOOLEAN NOT NULL DEFAULT FALSE,
    user_id           TEXT UNIQUE REFERENCES users (id),
    created_at        TIMESTAMP NOT NULL,
    updated_at        TIMESTAMP NOT NULL,
    version           BIGINT NOT NULL,
    deleted_at        TIMESTAMP
);
CREATE INDEX contacts_customer_idx ON contacts (customer_id);
CREATE INDEX contacts_updated_idx ON contacts (updated_at, id);

-- The catalogue shared with spare parts later (INV-1) and fees (BIL-1).
CREATE TABLE products (
    id              TEXT NOT NULL PRIMARY KEY,
    model           TEXT NOT NULL UNIQUE,
    name            TEXT NOT NULL,
    category        TEXT,
    unit_price_fen  BIGINT NOT NULL,
    unit_cost_fen   BIGINT NOT NULL,
    floor_price_fen BIGINT NOT NULL,
    created_at      TIMESTAMP NOT NULL,
    updated_at      TIMESTAMP NOT NULL,
    version         BIGINT NOT NULL,
    deleted_at      TIMESTAMP
);

-- ORG-4: installed equipment and software per site; a serial is unique per product among
-- the records not deleted.
CREATE TABLE equipment (
    id                    TEXT NOT NULL PRIMARY KEY,
    site_id               TEXT NOT NULL REFERENCES sites (id),
    product_id            TEXT NOT NULL REFERENCES products (id),
    serial                TEXT NOT NULL,
    install_date          DATE,
    warranty_end          DATE,
    controller_points     BIGINT,
    pure_alarm_controller BOOLEAN NOT NULL DEFAULT FALSE,
    note                  TEXT,
    created_at            TIMESTAMP NOT NULL,
    updated_at            TIMESTAMP NOT NULL,
    version               BIGINT NOT NULL,
    deleted_at            TIMESTAMP
);
CREATE UNIQUE INDEX equipment_serial_key ON equipment (product_id, serial) WHERE deleted_at IS NULL;
CREATE INDEX equipment_site_idx ON equipment (site_id);
CREATE INDEX equipment_updated_idx ON equipment (updated_at, id);
