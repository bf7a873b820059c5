-- example: data=sample
-- users_email_key is built with the database's collation (C.UTF-8).
EXPLAIN (COSTS OFF) SELECT id FROM users WHERE email = 'Sophie.Liskov2@example.com';
-- A comparison under another collation cannot use it, even for plain equality.
EXPLAIN (COSTS OFF) SELECT id FROM users WHERE email = 'Sophie.Liskov2@example.com' COLLATE "C";
-- An index built with that collation can.
CREATE INDEX users_email_c_idx ON users (email COLLATE "C");
EXPLAIN (COSTS OFF) SELECT id FROM users WHERE email = 'Sophie.Liskov2@example.com' COLLATE "C";
