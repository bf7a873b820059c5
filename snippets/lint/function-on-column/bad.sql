-- example: engine=postgres
-- lower() on the column: the unique index on users.email cannot serve it.
SELECT id, email FROM users WHERE lower(email) = 'sophie.liskov2@example.com';
