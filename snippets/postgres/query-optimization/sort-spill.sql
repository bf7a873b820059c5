-- example: data=sample
-- Every order by total, largest first, with 64 kB for each sort.
SET work_mem = '64kB';
EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF)
SELECT id, customer_id, total FROM orders ORDER BY total DESC;
-- Only the first 20: a top-N heapsort keeps 20 rows, not 20,000.
EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF)
SELECT id, customer_id, total FROM orders ORDER BY total DESC LIMIT 20;
-- A deep page needs the first 10,020 rows sorted: back to disk.
EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF)
SELECT id, customer_id, total FROM orders ORDER BY total DESC LIMIT 20 OFFSET 10000;
-- The default 4 MB holds the whole sort.
RESET work_mem;
EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF)
SELECT id, customer_id, total FROM orders ORDER BY total DESC;
