-- example: data=sample
CREATE INDEX orders_status_created_at_total_idx ON orders (status, created_at, total);
CREATE INDEX orders_status_total_created_at_idx ON orders (status, total, created_at);
ANALYZE orders;
-- A wide range (about 500 pending orders): walk in total order, stop after 20.
EXPLAIN (COSTS OFF)
SELECT id, created_at, total FROM orders
WHERE status = 'pending' AND created_at >= '2026-06-01'
ORDER BY total LIMIT 20;
-- A narrow range (a handful of rows): fetch exactly those, then sort them.
EXPLAIN (COSTS OFF)
SELECT id, created_at, total FROM orders
WHERE status = 'pending' AND created_at >= '2026-10-30'
ORDER BY total LIMIT 20;
