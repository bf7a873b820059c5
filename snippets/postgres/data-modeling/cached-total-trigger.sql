-- example: data=sample
-- Keep orders.total current: every change to a line adds its difference to the total.
-- Adding a delta (rather than recomputing the sum) stays right when two transactions
-- change lines of the same order at once: the second UPDATE waits for the first and
-- applies its delta to the committed total.
CREATE FUNCTION order_items_maintain_total() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        UPDATE orders SET total = total - OLD.quantity * OLD.unit_price
        WHERE id = OLD.order_id;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        UPDATE orders SET total = total + NEW.quantity * NEW.unit_price
        WHERE id = NEW.order_id;
    END IF;
    RETURN NULL;
END;
$$;
CREATE TRIGGER order_items_maintain_total
AFTER INSERT OR UPDATE OF quantity, unit_price, order_id OR DELETE ON order_items
FOR EACH ROW EXECUTE FUNCTION order_items_maintain_total();

INSERT INTO order_items (order_id, line_no, product_id, quantity, unit_price)
SELECT 20000, 3, id, 1, price FROM products WHERE id = 7;
UPDATE order_items SET quantity = 2 WHERE order_id = 20000 AND line_no = 1;
DELETE FROM order_items WHERE order_id = 20000 AND line_no = 2;
SELECT o.total,
       (SELECT sum(quantity * unit_price) FROM order_items WHERE order_id = o.id) AS sum_of_lines
FROM orders AS o
WHERE o.id = 20000;
