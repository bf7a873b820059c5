-- example: engine=postgres
-- An index in that order: the plan reads ten entries from its end.
CREATE INDEX orders_created_at_idx ON orders (created_at);
SELECT id, created_at FROM orders ORDER BY created_at DESC LIMIT 10;
