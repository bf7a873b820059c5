-- example: data=sample error=feature_not_supported
-- A stored generated column is a cached value that cannot go stale, because it may only
-- use columns of its own row.
ALTER TABLE order_items
    ADD COLUMN line_total numeric(12,2) GENERATED ALWAYS AS (quantity * unit_price) STORED;
SELECT line_no, quantity, unit_price, line_total FROM order_items WHERE order_id = 20000;
-- An order's total needs other rows: a generated column cannot hold it.
ALTER TABLE orders
    ADD COLUMN computed_total numeric(12,2) GENERATED ALWAYS AS
        ((SELECT sum(line_total) FROM order_items WHERE order_id = id)) STORED;
