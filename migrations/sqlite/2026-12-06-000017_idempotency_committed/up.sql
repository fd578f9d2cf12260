-- A command's transaction marks its request's Idempotency-Key claim as committed, naming the
-- record it wrote. A request killed after that commit but before its response was stored
-- must not run again when its key is retried after the lease: that would write the record twice.
ALTER TABLE idempotency_keys ADD COLUMN committed_at TIMESTAMP;
ALTER TABLE idempotency_keys ADD COLUMN committed_entity_type TEXT;
ALTER TABLE idempotency_keys ADD COLUMN committed_entity_id TEXT;
