DROP TABLE probations;
