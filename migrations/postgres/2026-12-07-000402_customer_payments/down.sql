ALTER TABLE repair_intakes DROP COLUMN repair_site;
DROP TABLE customer_payments;
