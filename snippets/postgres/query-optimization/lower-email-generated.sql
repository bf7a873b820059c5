-- example: data=sample
CREATE TEMP TABLE users_before AS
SELECT pg_relation_filenode('users') AS file, pg_relation_size('users') AS size;
-- A stored generated column: computed on every INSERT and UPDATE, kept in the row.
ALTER TABLE users ADD COLUMN email_normalized text GENERATED ALWAYS AS (lower(email)) STORED;
CREATE INDEX users_email_normalized_idx ON users (email_normalized);
ANALYZE users;
-- A new file means the ALTER rewrote the table, under an ACCESS EXCLUSIVE lock.
SELECT pg_relation_filenode('users') <> file AS rewritten,
       pg_size_pretty(size) AS size_before,
       pg_size_pretty(pg_relation_size('users')) AS size_after
FROM users_before;
-- Queries have to name the column: its index does not serve lower(email).
EXPLAIN (COSTS OFF) SELECT id FROM users WHERE lower(email) = 'sophie.liskov2@example.com';
EXPLAIN (COSTS OFF) SELECT id FROM users WHERE email_normalized = 'sophie.liskov2@example.com';
