-- CON-4: terminating a contract voids its licences: `voided_on` is the company date it
-- happened. The row stays (the installation's history); the check answers a voided serial as
-- an unknown one. Keep in step with the other database's migrations.
ALTER TABLE licences ADD COLUMN voided_on DATE;
