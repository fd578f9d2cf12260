-- A refresh whose response was lost is retried with the spent token: for a short grace
-- window that retry gets the same successor token once instead of revoking the login. The
-- successor is kept sealed with the spent token (which only its holder has; the table keeps
-- only hashes), never in clear.
ALTER TABLE refresh_tokens ADD COLUMN successor_id TEXT;
ALTER TABLE refresh_tokens ADD COLUMN successor_sealed TEXT;
ALTER TABLE refresh_tokens ADD COLUMN grace_used_at TIMESTAMP;
