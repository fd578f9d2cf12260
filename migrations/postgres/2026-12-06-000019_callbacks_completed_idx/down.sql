DROP INDEX callbacks_completed_idx;
