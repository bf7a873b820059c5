-- example: data=sample
-- Partial indexes under a generic plan: the plan made once for any value of $1.
CREATE INDEX customers_user_id_idx ON customers (user_id) WHERE user_id IS NOT NULL;
CREATE INDEX orders_pending_customer_idx ON orders (customer_id) WHERE status = 'pending';
ANALYZE customers, orders;
SET plan_cache_mode = force_generic_plan;
-- `=` is strict: user_id = $1 is never true for a NULL user_id, whatever $1 is,
-- so the query's WHERE implies the index's IS NOT NULL.
PREPARE customer_of_user (bigint) AS SELECT id FROM customers WHERE user_id = $1;
EXPLAIN (COSTS OFF) EXECUTE customer_of_user(16);
-- The status is written into the query; only the customer is a parameter.
PREPARE pending_of_customer (bigint) AS
    SELECT id FROM orders WHERE status = 'pending' AND customer_id = $1;
EXPLAIN (COSTS OFF) EXECUTE pending_of_customer(123);
