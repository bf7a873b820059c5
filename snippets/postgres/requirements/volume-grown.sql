-- example: data=sample
-- The same orders once they carry the indexes Phase 3 adds for the foreign keys and the sort,
-- and after every order has been updated once (a status change, as each order gets).
CREATE INDEX orders_customer_id_idx ON orders (customer_id);
CREATE INDEX orders_created_at_idx ON orders (created_at);
CREATE INDEX order_items_product_id_idx ON order_items (product_id);
SELECT round((pg_total_relation_size('orders') + pg_total_relation_size('order_items'))
             / count(*)::numeric) AS bytes_per_order_indexed
FROM orders;
UPDATE orders SET updated_at = updated_at + interval '1 hour';
SELECT round((pg_total_relation_size('orders') + pg_total_relation_size('order_items'))
             / count(*)::numeric) AS bytes_per_order_after_one_update
FROM orders;
