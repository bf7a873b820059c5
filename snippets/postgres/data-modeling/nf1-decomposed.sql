-- example: data=none
-- 1NF: one row per order and product; the key says an order lists a product once.
CREATE TABLE order_products (
    order_id integer,
    product  text,
    PRIMARY KEY (order_id, product)
);
INSERT INTO order_products VALUES
    (1, 'Widget'), (1, 'Gadget'),
    (2, 'Gadget Pro'), (2, 'Gizmo'),
    (3, 'Gizmo');
UPDATE order_products SET product = 'Gadget Mini' WHERE product = 'Gadget';
SELECT order_id, product FROM order_products ORDER BY order_id, product;
