ALTER TABLE refresh_tokens DROP COLUMN grace_used_at;
ALTER TABLE refresh_tokens DROP COLUMN successor_sealed;
ALTER TABLE refresh_tokens DROP COLUMN successor_id;
