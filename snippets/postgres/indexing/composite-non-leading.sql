-- example: data=sample
CREATE INDEX orders_status_created_at_total_idx ON orders (status, created_at, total);
VACUUM ANALYZE orders;
-- Only the second column is constrained.
EXPLAIN (COSTS OFF)
SELECT status, created_at FROM orders WHERE created_at >= '2026-10-30';
-- Only the second column is sorted on.
EXPLAIN (COSTS OFF)
SELECT id, created_at FROM orders ORDER BY created_at LIMIT 10;
-- Forbid the sequential scan to see what using the index would take.
SET enable_seqscan = off;
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF, TIMING OFF, SUMMARY OFF)
SELECT status, created_at FROM orders WHERE created_at >= '2026-10-30';
-- The same with the leading column pinned.
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF, TIMING OFF, SUMMARY OFF)
SELECT status, created_at FROM orders WHERE status = 'pending' AND created_at >= '2026-10-30';
RESET enable_seqscan;
SELECT relpages FROM pg_class WHERE relname = 'orders_status_created_at_total_idx';
