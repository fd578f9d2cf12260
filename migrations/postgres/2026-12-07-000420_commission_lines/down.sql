DROP TABLE commission_months;
DROP TABLE commission_lines;
