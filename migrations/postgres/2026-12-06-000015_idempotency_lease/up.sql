-- A claim of an Idempotency-Key is held only for a lease: a request that dies with its
-- process (kill -9, power loss) must not leave its key "in progress" until the key expires.
-- Claims made before this column existed have no lease and may be taken over at once.
ALTER TABLE idempotency_keys ADD COLUMN lease_until TIMESTAMP;
