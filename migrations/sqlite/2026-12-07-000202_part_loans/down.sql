DROP TABLE part_charges;
DROP TABLE part_loans;
