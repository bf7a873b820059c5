-- example: engine=postgres
-- The bare column against a constant: the index serves it.
SELECT id, email FROM users WHERE email = 'Sophie.Liskov2@example.com';
