-- example: engine=postgres
-- A pattern that starts with % can match anywhere: no B-tree index helps.
SELECT id, email FROM users WHERE email LIKE '%liskov2@example.com';
