-- example: data=sample
-- users_email_key is a plain B-tree on email. Under a non-C collation (here C.UTF-8)
-- it cannot serve LIKE, even with a fixed prefix.
EXPLAIN (COSTS OFF) SELECT id, email FROM users WHERE email LIKE 'Ada.Lovelace%';
-- text_pattern_ops compares byte by byte, which is what a prefix match needs.
CREATE INDEX users_email_pattern_idx ON users (email text_pattern_ops);
EXPLAIN (COSTS OFF) SELECT id, email FROM users WHERE email LIKE 'Ada.Lovelace%';
