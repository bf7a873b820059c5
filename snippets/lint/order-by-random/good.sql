-- example: engine=postgres
-- A random starting key, then five rows from the primary key index.
SELECT id, total FROM orders WHERE id >= (SELECT (random() * max(id))::bigint FROM orders) ORDER BY id LIMIT 5;
