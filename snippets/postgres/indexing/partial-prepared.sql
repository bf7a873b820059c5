-- example: data=sample
CREATE INDEX orders_pending_created_at_idx ON orders (created_at) WHERE status = 'pending';
CREATE INDEX orders_created_at_idx ON orders (created_at);
ANALYZE orders;
-- A worker takes the oldest order in a given status. The status arrives as a parameter,
-- as it does from most application code.
PREPARE orders_by_status (text) AS
    SELECT id, created_at FROM orders WHERE status = $1 ORDER BY created_at LIMIT 1;
-- The first executions are planned for the value given: the partial index is used.
-- EXPLAIN EXECUTE plans the statement as an execution does, and counts as one.
EXPLAIN (COSTS OFF) EXECUTE orders_by_status('pending');
EXECUTE orders_by_status('pending');
EXECUTE orders_by_status('pending');
EXECUTE orders_by_status('pending');
EXECUTE orders_by_status('pending');
-- From the sixth on PostgreSQL may switch to a generic plan, made for any $1.
EXPLAIN (COSTS OFF) EXECUTE orders_by_status('pending');
SELECT generic_plans, custom_plans FROM pg_prepared_statements WHERE name = 'orders_by_status';
