-- example: data=sample
-- The usual soft-delete index, on the key column.
ALTER TABLE users ADD COLUMN deleted_at timestamptz;
CREATE INDEX idx_users_not_deleted ON users (id) WHERE deleted_at IS NULL;
UPDATE users SET deleted_at = now() WHERE id % 50 = 0;
ANALYZE users;
-- Listing the live rows: most of the table, read as a table.
EXPLAIN (COSTS OFF) SELECT id, email FROM users WHERE deleted_at IS NULL;
-- Fetching one live row by key: the primary key already does that.
EXPLAIN (COSTS OFF) SELECT id, email FROM users WHERE id = 42 AND deleted_at IS NULL;
