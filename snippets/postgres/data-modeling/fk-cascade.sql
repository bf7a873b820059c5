-- example: data=sample
-- order_items.order_id REFERENCES orders (id) ON DELETE CASCADE:
-- the lines of an order have no meaning without it, so they go with it.
SELECT count(*) AS lines_of_order_1 FROM order_items WHERE order_id = 1;
DELETE FROM orders WHERE id = 1;
SELECT count(*) AS lines_of_order_1 FROM order_items WHERE order_id = 1;
