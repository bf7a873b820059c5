-- example: data=sample
-- A covering index as often proposed: id is neither a key nor an INCLUDE column.
CREATE INDEX idx_orders_customer ON orders (customer_id) INCLUDE (status, total, created_at);
-- BAD: every column, so every matching row is fetched from the table.
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF, TIMING OFF, SUMMARY OFF)
SELECT * FROM orders WHERE customer_id = 123;
-- Still the table: id is not in the index.
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF, TIMING OFF, SUMMARY OFF)
SELECT id, status, total, created_at FROM orders WHERE customer_id = 123;
