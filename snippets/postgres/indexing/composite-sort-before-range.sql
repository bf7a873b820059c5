-- example: data=sample
-- Equality, then the sort column, then the range column.
CREATE INDEX orders_status_total_created_at_idx ON orders (status, total, created_at);
ANALYZE orders;
-- The scan walks the pending orders in total order, checks created_at on each index
-- entry, and stops after 20 matches. No Sort.
EXPLAIN (COSTS OFF)
SELECT id, created_at, total
FROM orders
WHERE status = 'pending' AND created_at >= '2026-06-01'
ORDER BY total
LIMIT 20;
