-- example: data=none
-- In 1NF, not in 2NF: the key is (order_id, product_id), but product_name depends on
-- product_id alone.
CREATE TABLE order_lines_wide (
    order_id     integer,
    product_id   integer,
    product_name text    NOT NULL,
    quantity     integer NOT NULL,
    PRIMARY KEY (order_id, product_id)
);
INSERT INTO order_lines_wide VALUES
    (1, 10, 'Trail Jacket', 1),
    (2, 10, 'Trail Jacket', 2),
    (2, 11, 'Rain Cover', 1);
-- The product is renamed: one fact, and every line that copied it must change.
UPDATE order_lines_wide SET product_name = 'Trail Jacket II' WHERE product_id = 10;
-- A client that read the name before the rename adds a line with the old one.
INSERT INTO order_lines_wide VALUES (3, 10, 'Trail Jacket', 1);
SELECT product_id, string_agg(DISTINCT product_name, ' / ') AS names
FROM order_lines_wide
GROUP BY product_id
ORDER BY product_id;
