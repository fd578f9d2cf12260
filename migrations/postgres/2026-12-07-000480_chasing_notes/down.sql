DROP TABLE chasing_notes;
