-- example: engine=postgres
-- A pattern anchored at the start is a range of an index in text_pattern_ops (or C) order.
SELECT id, email FROM users WHERE email LIKE 'Sophie.Liskov2@%';
