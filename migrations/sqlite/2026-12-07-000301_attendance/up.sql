-- HR-A1: one attendance day per person and date. Keep in step with migrations/postgres: a test
-- compares the two schemas.

-- The first clock-in and the last clock-out of the day (from the mobile app, with the place
-- when the phone gave one, in micro-degrees), and the excuse that makes a late start count on
-- time: a direct-to-site start approved by a manager, or weather or traffic excused by the
-- executive. Whether the day was late is not stored: it follows from the clock-in, the excuse,
-- the work calendar and the attendance-times rule in force, when a month is summed up.
CREATE TABLE attendance_days (
    id             TEXT NOT NULL PRIMARY KEY,
    user_id        TEXT NOT NULL REFERENCES users (id),
    work_date      DATE NOT NULL,
    clock_in_at    TIMESTAMP NOT NULL,
    clock_out_at   TIMESTAMP,
    source         TEXT NOT NULL,
    latitude_e6    BIGINT,
    longitude_e6   BIGINT,
    excuse         TEXT,
    excuse_reason  TEXT,
    excused_by     TEXT REFERENCES users (id),
    created_at     TIMESTAMP NOT NULL,
    updated_at     TIMESTAMP NOT NULL,
    version        BIGINT NOT NULL,
    deleted_at     TIMESTAMP
);
CREATE UNIQUE INDEX attendance_days_user_date_key ON attendance_days (user_id, work_date);
CREATE INDEX attendance_days_updated_idx ON attendance_days (updated_at, id);
CREATE INDEX attendance_days_date_idx ON attendance_days (work_date);
