DROP TABLE exam_results;
DROP TABLE exam_sessions;
