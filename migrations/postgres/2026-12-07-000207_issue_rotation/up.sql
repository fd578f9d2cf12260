-- INV-8 rotation on plain issues: the units older than those an issue of a serialised part
-- picked, which the suggestion would have issued first (JSON array of serials; empty when the
-- issue followed it; NULL on every other ledger row). Recorded on the issue's ledger rows, as a
-- loan records it on the loan; never refused. Keep in step with migrations/sqlite: a test
-- compares the two schemas.
ALTER TABLE stock_movements ADD COLUMN rotation_passed_over TEXT;
