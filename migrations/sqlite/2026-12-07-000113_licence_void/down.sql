ALTER TABLE licences DROP COLUMN voided_on;
