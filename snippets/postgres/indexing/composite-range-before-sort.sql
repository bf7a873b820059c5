-- example: data=sample
-- The order common advice recommends: equality, range, sort.
CREATE INDEX orders_status_created_at_total_idx ON orders (status, created_at, total);
ANALYZE orders;
-- Within status = 'pending' the entries are ordered by created_at, not by total:
-- the rows come out of the range scan in the wrong order and must be sorted.
EXPLAIN (COSTS OFF)
SELECT id, created_at, total
FROM orders
WHERE status = 'pending' AND created_at >= '2026-06-01'
ORDER BY total
LIMIT 20;
