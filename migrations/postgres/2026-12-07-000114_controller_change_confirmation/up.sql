-- CON-10, the seeds' follow-up of a controller-data change (记录于第二天上交给客服经理，客服经理
-- 亲自确认): the change record, signed by the customer's responsible person
-- (`record_signer_name`), is handed to the manager the next day, who confirms it personally,
-- once (`manager_confirmed_by`, `manager_confirmed_at`; the conditional write is the claim).
-- `manager_confirmed_by` is the signed-in caller (always a user), without a REFERENCES clause
-- so that SQLite can drop the column again in down.sql. Keep in step with the other
-- database's migrations: a test compares the two schemas.
ALTER TABLE controller_instructions ADD COLUMN record_signer_name TEXT;
ALTER TABLE controller_instructions ADD COLUMN manager_confirmed_by TEXT;
ALTER TABLE controller_instructions ADD COLUMN manager_confirmed_at TIMESTAMP;
