-- example: data=none
-- Not in 1NF: one cell holds a list of products.
CREATE TABLE order_products_list (
    order_id integer PRIMARY KEY,
    products text    NOT NULL
);
INSERT INTO order_products_list VALUES
    (1, 'Widget, Gadget'),
    (2, 'Gadget Pro, Gizmo'),
    (3, 'Gizmo');
-- "Gadget" is renamed "Gadget Mini". Inside a list the only tool is string surgery:
UPDATE order_products_list
SET products = replace(products, 'Gadget', 'Gadget Mini')
WHERE products LIKE '%Gadget%';
SELECT order_id, products FROM order_products_list ORDER BY order_id;
