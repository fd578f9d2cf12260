DROP INDEX exam_results_card_idx;
ALTER TABLE exam_results DROP COLUMN card_id;
