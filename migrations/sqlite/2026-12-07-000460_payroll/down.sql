DROP TABLE payroll_adjustments;
DROP TABLE payroll_lines;
DROP TABLE payroll_statements;
