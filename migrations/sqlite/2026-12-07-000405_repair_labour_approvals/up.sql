-- BIL-12b: the approvals that release a paid repair's labour share, first the manager's, then
-- the executive's (seed 002 §5.2 (5)). Keep in step with migrations/postgres. One row per repair
-- quote; the month close reads it to make the quote's `repair_labour` line due in the month
-- of the second approval.
CREATE TABLE repair_labour_approvals (
    quote_id              TEXT NOT NULL PRIMARY KEY REFERENCES repair_quotes (id),
    manager_approved_by   TEXT NOT NULL REFERENCES users (id),
    manager_approved_on   DATE NOT NULL,
    executive_approved_by TEXT REFERENCES users (id),
    executive_approved_on DATE,
    updated_at            TIMESTAMP NOT NULL
);
