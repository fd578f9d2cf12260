-- Commissioning jobs (CON-7, CON-8). Keep in step with migrations/postgres: a test compares the
-- two schemas. Instants are UTC; work, hand-in and acceptance days are company dates.

-- CON-7: a job entered from a commissioning notice, approved by the executive. The location
-- class is the site's at entry (ORG-3), kept so billing does not move when the site's city
-- changes later. CON-8: `controller_points` as entered and `billable_points`, the points billing
-- uses (the rule's 127 for a pure alarm controller). A capacity addition links its original in
-- `original_job_id` and enters only the added points. `documents_late_noticed_on` is when the
-- late-documents job told the engineer (once). The re-check is due the day after the callback
-- when `recheck_required`.
CREATE TABLE commissioning_jobs (
    id                       TEXT NOT NULL PRIMARY KEY,
    title                    TEXT NOT NULL,
    notice_no                TEXT NOT NULL,
    customer_id              TEXT NOT NULL REFERENCES customers (id),
    site_id                  TEXT NOT NULL REFERENCES sites (id),
    location_class           TEXT NOT NULL CHECK (location_class IN ('local', 'county', 'remote')),
    original_job_id          TEXT REFERENCES commissioning_jobs (id),
    controller_points        BIGINT NOT NULL CHECK (controller_points >= 0),
    pure_alarm_controller    BOOLEAN NOT NULL,
    billable_points          BIGINT NOT NULL CHECK (billable_points >= 0),
    engineer_id              TEXT NOT NULL REFERENCES users (id),
    status                   TEXT NOT NULL
                             CHECK (status IN ('pending_approval', 'approved', 'commissioned',
                                    'awaiting_recheck', 'completed')),
    approved_by              TEXT REFERENCES users (id),
    approved_on              DATE,
    started_on               DATE,
    ended_on                 DATE,
    documents_due_on         DATE,
    project_file_on          DATE,
    questionnaire_on         DATE,
    settlement_notice_on     DATE,
    documents_late_noticed_on DATE,
    callback_confirmed_by    TEXT REFERENCES users (id),
    callback_confirmed_on    DATE,
    recheck_required         BOOLEAN NOT NULL,
    rechecked_by             TEXT REFERENCES users (id),
    rechecked_on             DATE,
    acceptance_on            DATE,
    created_by               TEXT NOT NULL REFERENCES users (id),
    created_at               TIMESTAMP NOT NULL,
    updated_at               TIMESTAMP NOT NULL,
    version                  BIGINT NOT NULL,
    deleted_at               TIMESTAMP
);
CREATE INDEX commissioning_jobs_engineer_idx ON commissioning_jobs (engineer_id);
CREATE INDEX commissioning_jobs_original_idx ON commissioning_jobs (original_job_id);
CREATE INDEX commissioning_jobs_status_due_idx ON commissioning_jobs (status, documents_due_on);
CREATE INDEX commissioning_jobs_updated_idx ON commissioning_jobs (updated_at, id);
