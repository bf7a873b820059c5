-- example: data=sample
-- The missing index: orders.customer_id is a foreign key, and nothing indexes it.
CREATE INDEX orders_customer_id_idx ON orders (customer_id);
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF, TIMING OFF, SUMMARY OFF)
SELECT o.id, o.created_at, i.line_no, i.product_id, i.quantity
FROM orders AS o
JOIN order_items AS i ON i.order_id = o.id
WHERE o.customer_id = 123;
