-- example: engine=postgres
-- Page 1,001: the first 10,000 rows are read and thrown away.
SELECT id, created_at FROM orders ORDER BY id LIMIT 10 OFFSET 10000;
