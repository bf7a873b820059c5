-- example: data=sample
-- The pending orders, oldest first: the payment reminder job's query.
CREATE INDEX orders_pending_created_at_idx ON orders (created_at) WHERE status = 'pending';
-- The full index on the same column, for comparison.
CREATE INDEX orders_created_at_idx ON orders (created_at);
ANALYZE orders;
SELECT indexrelname, pg_size_pretty(pg_relation_size(indexrelid)) AS size
FROM pg_stat_user_indexes
WHERE relname = 'orders'
ORDER BY pg_relation_size(indexrelid);
EXPLAIN (COSTS OFF)
SELECT id, created_at FROM orders WHERE status = 'pending' ORDER BY created_at LIMIT 20;
-- Another status is not covered by the index's WHERE clause.
EXPLAIN (COSTS OFF)
SELECT id, created_at FROM orders WHERE status = 'paid' ORDER BY created_at LIMIT 20;
