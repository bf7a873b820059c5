-- example: data=sample
-- GOOD: the index holds every column the query reads, id included.
CREATE INDEX orders_customer_id_covering_idx ON orders (customer_id)
    INCLUDE (id, status, total, created_at);
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF, TIMING OFF, SUMMARY OFF)
SELECT id, status, total, created_at FROM orders WHERE customer_id = 123;
