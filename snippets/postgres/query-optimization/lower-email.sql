-- example: data=sample
-- BAD: no index on lower(email); users_email_key indexes email itself.
EXPLAIN (COSTS OFF) SELECT id FROM users WHERE lower(email) = 'sophie.liskov2@example.com';
-- GOOD: index the expression exactly as the query writes it.
CREATE INDEX users_email_lower_idx ON users (lower(email));
ANALYZE users;
EXPLAIN (COSTS OFF) SELECT id FROM users WHERE lower(email) = 'sophie.liskov2@example.com';
