ALTER TABLE idempotency_keys DROP COLUMN committed_entity_id;
ALTER TABLE idempotency_keys DROP COLUMN committed_entity_type;
ALTER TABLE idempotency_keys DROP COLUMN committed_at;
