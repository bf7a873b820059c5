-- example: engine=postgres
-- The same page by keyset: start after the last id of the previous page.
SELECT id, created_at FROM orders WHERE id > 10000 ORDER BY id LIMIT 10;
