-- example: data=sample
CREATE INDEX orders_status_idx ON orders (status);
ANALYZE orders;
-- What the planner knows about the column: five values, far from evenly spread.
SELECT most_common_vals, most_common_freqs
FROM pg_stats
WHERE tablename = 'orders' AND attname = 'status';
-- About 60 % of the rows: the index is not used.
EXPLAIN (COSTS OFF) SELECT id, total FROM orders WHERE status = 'delivered';
-- About 5 %: the same index is used.
EXPLAIN (COSTS OFF) SELECT id, total FROM orders WHERE status = 'cancelled';
