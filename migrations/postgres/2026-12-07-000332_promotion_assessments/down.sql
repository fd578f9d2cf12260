DROP TABLE promotion_assessments;
