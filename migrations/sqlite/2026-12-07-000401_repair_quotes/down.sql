DROP TABLE repair_quote_lines;
DROP TABLE repair_quotes;
