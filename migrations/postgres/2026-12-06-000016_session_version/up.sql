-- Access tokens carry the session version they were issued under; logout, a replayed refresh
-- token, a password change or reset and disabling raise it, which ends the user's outstanding
-- access tokens at once instead of when they expire.
ALTER TABLE users ADD COLUMN session_version BIGINT NOT NULL DEFAULT 0;
