-- Configurable rule sets (domain.md: every number is a default held in a table). A set is
-- changed in versions with an effective-from date; the set's own version guards edits.

CREATE TABLE rule_sets (
    rule_key   TEXT NOT NULL PRIMARY KEY,
    version    BIGINT NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

CREATE TABLE rule_versions (
    rule_key       TEXT NOT NULL REFERENCES rule_sets (rule_key),
    effective_from DATE NOT NULL,
    value_json     TEXT NOT NULL,
    note           TEXT,
    created_at     TIMESTAMP NOT NULL,
    created_by     TEXT,
    PRIMARY KEY (rule_key, effective_from)
);
