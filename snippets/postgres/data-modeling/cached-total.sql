-- example: data=sample
-- orders.total caches sum(quantity * unit_price) of the order's lines. In the sample data
-- every total agrees with its lines:
SELECT count(*) AS orders_with_stale_total
FROM orders AS o
WHERE o.total <> (SELECT sum(quantity * unit_price) FROM order_items WHERE order_id = o.id);
-- Nothing keeps it so. A line added to order 20000 leaves the total behind:
INSERT INTO order_items (order_id, line_no, product_id, quantity, unit_price)
SELECT 20000, 3, id, 1, price FROM products WHERE id = 7;
SELECT o.total,
       (SELECT sum(quantity * unit_price) FROM order_items WHERE order_id = o.id) AS sum_of_lines
FROM orders AS o
WHERE o.id = 20000;
