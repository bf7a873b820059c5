-- example: data=sample
CREATE INDEX orders_created_at_id_idx ON orders (created_at, id);
-- BAD: page 501, twenty rows after skipping 10,000.
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF, TIMING OFF, SUMMARY OFF)
SELECT id, customer_id, status, total, created_at
FROM orders
ORDER BY created_at DESC, id DESC
LIMIT 20 OFFSET 10000;
