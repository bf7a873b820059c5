-- example: data=sample
CREATE INDEX orders_created_at_id_idx ON orders (created_at, id);
-- The last row of page 500, which the application kept from the previous page.
SELECT created_at, id FROM orders ORDER BY created_at DESC, id DESC LIMIT 1 OFFSET 9999;
-- GOOD: the same page, starting right after that row.
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF, TIMING OFF, SUMMARY OFF)
SELECT id, customer_id, status, total, created_at
FROM orders
WHERE (created_at, id) < ('2025-12-30 05:33:26+00', 10001)
ORDER BY created_at DESC, id DESC
LIMIT 20;
