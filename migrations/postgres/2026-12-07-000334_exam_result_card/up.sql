-- HR-S4: a re-test result names the finalised card graded D it re-tests, so the card's
-- `retest` flag and the re-test (and its retake) are linked. Keep in step with the other
-- database's migrations: a test compares the two schemas.
ALTER TABLE exam_results ADD COLUMN card_id TEXT REFERENCES scorecards (id);
CREATE INDEX exam_results_card_idx ON exam_results (card_id);
