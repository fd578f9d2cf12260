DROP TABLE repair_intakes;
