-- example: data=sample
-- An index in the sort order: no Sort node, and the scan stops after 20 entries.
CREATE INDEX orders_total_idx ON orders (total);
SET work_mem = '64kB';
EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF)
SELECT id, customer_id, total FROM orders ORDER BY total DESC LIMIT 20;
