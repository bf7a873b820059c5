-- example: data=none
-- 2NF: the name moves to a table keyed by product_id alone.
CREATE TABLE products_2nf (
    product_id integer PRIMARY KEY,
    name       text    NOT NULL
);
CREATE TABLE order_lines_2nf (
    order_id   integer,
    product_id integer REFERENCES products_2nf (product_id),
    quantity   integer NOT NULL,
    PRIMARY KEY (order_id, product_id)
);
INSERT INTO products_2nf VALUES (10, 'Trail Jacket'), (11, 'Rain Cover');
INSERT INTO order_lines_2nf VALUES (1, 10, 1), (2, 10, 2), (2, 11, 1);
UPDATE products_2nf SET name = 'Trail Jacket II' WHERE product_id = 10;
-- The late client adds its line; there is no name in it to get wrong.
INSERT INTO order_lines_2nf VALUES (3, 10, 1);
SELECT l.product_id, string_agg(DISTINCT p.name, ' / ') AS names
FROM order_lines_2nf AS l
JOIN products_2nf AS p USING (product_id)
GROUP BY l.product_id
ORDER BY l.product_id;
