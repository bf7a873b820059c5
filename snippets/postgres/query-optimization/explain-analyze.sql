-- example: data=sample
-- Customer 123's orders with their lines, on a database nothing has read yet.
EXPLAIN (ANALYZE, BUFFERS)
SELECT o.id, o.created_at, i.line_no, i.product_id, i.quantity
FROM orders AS o
JOIN order_items AS i ON i.order_id = o.id
WHERE o.customer_id = 123;
