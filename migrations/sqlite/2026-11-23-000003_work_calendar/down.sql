DROP TABLE calendar_meta;
DROP TABLE calendar_days;
