-- When what the user may see last shrank (moved off a team, a team or role taken away, a
-- customer or ticket moved away from them). A delta sync from before that instant cannot say
-- which records the user lost, so it is answered 410 and the app lists again in full.
ALTER TABLE users ADD COLUMN scope_changed_at TIMESTAMP;
