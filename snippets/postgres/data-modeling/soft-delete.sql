-- example: data=sample error=unique_violation
-- Soft delete: a deleted account keeps its row, marked with deleted_at.
ALTER TABLE users ADD COLUMN deleted_at timestamptz;
-- An address must be unique among live accounts only, so that it can sign up again.
ALTER TABLE users DROP CONSTRAINT users_email_key;
CREATE UNIQUE INDEX users_email_live_key ON users (email) WHERE deleted_at IS NULL;

UPDATE users SET deleted_at = now() WHERE id = 2;
INSERT INTO users (email, full_name) VALUES ('Sophie.Liskov2@example.com', 'Sophie Liskov');
ANALYZE users;

-- The log-in query names the live rows, and the partial index serves it.
EXPLAIN (COSTS OFF)
SELECT id, full_name FROM users
WHERE email = 'Sophie.Liskov2@example.com' AND deleted_at IS NULL;
-- Without deleted_at IS NULL the query may match deleted rows too: the index cannot serve it.
EXPLAIN (COSTS OFF)
SELECT id, full_name FROM users WHERE email = 'Sophie.Liskov2@example.com';
SELECT id, deleted_at IS NOT NULL AS deleted FROM users
WHERE email = 'Sophie.Liskov2@example.com' ORDER BY id;
-- A second live account with the same address is refused.
INSERT INTO users (email, full_name) VALUES ('Sophie.Liskov2@example.com', 'S. Liskov');
