DROP TABLE rebates;
