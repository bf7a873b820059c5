-- example: data=sample
-- The ten latest orders. Without an index: read all 20,000 rows and sort them.
EXPLAIN (COSTS OFF) SELECT id, created_at FROM orders ORDER BY created_at DESC LIMIT 10;
CREATE INDEX orders_created_at_idx ON orders (created_at);
-- With it: read the index backwards and stop after ten entries.
EXPLAIN (COSTS OFF) SELECT id, created_at FROM orders ORDER BY created_at DESC LIMIT 10;
