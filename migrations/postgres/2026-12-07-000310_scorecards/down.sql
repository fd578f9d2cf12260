DROP TABLE score_appeals;
DROP TABLE scorecards;
DROP TABLE scorecard_inputs;
DROP TABLE score_events;
