-- example: engine=postgres
-- NOT EXISTS is not fooled by NULLs.
SELECT count(*) FROM users AS u WHERE NOT EXISTS (SELECT 1 FROM customers AS c WHERE c.user_id = u.id);
