-- TKT-13: the satisfaction report counts callbacks by the day they were completed.
CREATE INDEX callbacks_completed_idx ON callbacks (completed_at);
