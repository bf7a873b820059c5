-- example: engine=postgres
-- The index the predicate needs, then the same query.
CREATE INDEX orders_customer_id_idx ON orders (customer_id);
SELECT id, total FROM orders WHERE customer_id = 42;
