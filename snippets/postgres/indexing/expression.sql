-- example: data=sample
-- Log-in looks the address up case-insensitively.
EXPLAIN (COSTS OFF) SELECT id FROM users WHERE lower(email) = 'sophie.liskov2@example.com';
-- Index the expression, exactly as the query writes it. UNIQUE also stops two accounts
-- whose addresses differ only in case.
CREATE UNIQUE INDEX users_email_lower_key ON users (lower(email));
ANALYZE users;  -- collects statistics on lower(email) as well
EXPLAIN (COSTS OFF) SELECT id FROM users WHERE lower(email) = 'sophie.liskov2@example.com';
-- A query on the bare column does not match the expression.
EXPLAIN (COSTS OFF) SELECT id FROM users WHERE email = 'sophie.liskov2@example.com';
