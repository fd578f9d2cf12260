-- Internal work orders (TKT-11) and the knowledge base (KB-1). Keep in step with
-- migrations/sqlite: a test compares the two schemas. Instants are UTC.

-- KB-1: knowledge-base articles, each edit a numbered version. `tags` is a JSON array of
-- strings; `search_text` is title, problem, answer and tags lower-cased, kept by the
-- application on every edit, and is what `q=` searches.
CREATE TABLE kb_articles (
    id          TEXT NOT NULL PRIMARY KEY,
    title       TEXT NOT NULL,
    problem     TEXT NOT NULL,
    answer      TEXT NOT NULL,
    tags        TEXT NOT NULL,
    search_text TEXT NOT NULL,
    product_id  TEXT REFERENCES products (id),
    status      TEXT NOT NULL CHECK (status IN ('draft', 'published', 'archived')),
    version_no  BIGINT NOT NULL,
    created_by  TEXT NOT NULL REFERENCES users (id),
    created_at  TIMESTAMP NOT NULL,
    updated_at  TIMESTAMP NOT NULL,
    version     BIGINT NOT NULL,
    deleted_at  TIMESTAMP
);
CREATE INDEX kb_articles_product_idx ON kb_articles (product_id);
CREATE INDEX kb_articles_status_idx ON kb_articles (status);

CREATE TABLE kb_article_versions (
    id          TEXT NOT NULL PRIMARY KEY,
    article_id  TEXT NOT NULL REFERENCES kb_articles (id),
    version_no  BIGINT NOT NULL,
    title       TEXT NOT NULL,
    problem     TEXT NOT NULL,
    answer      TEXT NOT NULL,
    tags        TEXT NOT NULL,
    product_id  TEXT REFERENCES products (id),
    edited_by   TEXT NOT NULL REFERENCES users (id),
    edited_at   TIMESTAMP NOT NULL,
    change_note TEXT,
    UNIQUE (article_id, version_no)
);

-- TKT-11: internal work orders from a ticket to the technical service centre or the
-- web-operations centre; `kb_article_id` is the customer-facing wording written when solved.
CREATE TABLE work_orders (
    id             TEXT NOT NULL PRIMARY KEY,
    ticket_id      TEXT NOT NULL REFERENCES tickets (id),
    target         TEXT NOT NULL CHECK (target IN ('technical', 'web_operations')),
    title          TEXT NOT NULL,
    description    TEXT NOT NULL,
    raised_by      TEXT NOT NULL REFERENCES users (id),
    assignee_id    TEXT REFERENCES users (id),
    status         TEXT NOT NULL
                   CHECK (status IN ('open', 'in_progress', 'solved', 'closed', 'cancelled')),
    started_at     TIMESTAMP,
    solution       TEXT,
    solved_by      TEXT REFERENCES users (id),
    solved_at      TIMESTAMP,
    kb_article_id  TEXT REFERENCES kb_articles (id),
    closed_by      TEXT REFERENCES users (id),
    closed_at      TIMESTAMP,
    cancelled_at   TIMESTAMP,
    cancel_reason  TEXT,
    created_at     TIMESTAMP NOT NULL,
    updated_at     TIMESTAMP NOT NULL,
    version        BIGINT NOT NULL,
    deleted_at     TIMESTAMP
);
CREATE INDEX work_orders_ticket_idx ON work_orders (ticket_id);
CREATE INDEX work_orders_assignee_idx ON work_orders (assignee_id);
CREATE INDEX work_orders_status_idx ON work_orders (status);

-- KB-1 search on PostgreSQL: a trigram GIN index on `search_text` serves `LIKE '%q%'` (the
-- text is lower-cased, so LIKE is case-insensitive) without a sequential scan. pg_trgm splits
-- Chinese into trigrams of characters too (under a UTF-8 locale such as C.UTF-8). Trigrams
-- only help patterns of 3 characters or more: a 2-character word such as 报警 still matches,
-- by the planner's fallback to a scan. SQLite runs the same LIKE without an index.
-- `fastupdate = off`: articles are written rarely and searched often, so each write goes
-- straight into the index instead of a pending list that every search would scan until the
-- next vacuum (measured on 5,000 articles: 0.02-0.08 ms through the index, 7 ms by scan).
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE INDEX kb_articles_search_trgm_idx ON kb_articles USING gin (search_text gin_trgm_ops)
    WITH (fastupdate = off);
